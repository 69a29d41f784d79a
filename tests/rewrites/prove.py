#!/usr/bin/python3
"""The PostgreSQL 15 proof of the rewrite recipes (README.md in this folder).

    scripts/pg/scratch_cluster.sh -- /usr/bin/python3 tests/rewrites/prove.py \
        --zerolock build/zerolock --driver build/tests/rewrites/rewrite_driver [--json out.json] [--only a,b]

For every case under tests/fixtures/rewrites/cases/<case>/ (one migration file + case.json):
  1. two copies (A, B) of a fixture database with rows (schema.sql);
  2. the original migration runs on A, the rewritten one (rewrite_driver = fix_all, --unsafe for
     unsafe recipes, then its follow-up files in name order) on B, each the way its tool runs it
     (plain SQL: psql -f semantics, autocommit per statement and the file's own BEGIN/COMMIT;
     Flyway: one transaction, unless every statement is non-transactional or a .conf says
     executeInTransaction=false); both must succeed;
  3. pg_dump --schema-only of A and B are identical after normalising the names the recipe chose
     (case.json "normalise"; "sort_columns" for unsafe recipes that move a column to the end), and
     the data of every fixture table is identical (column-order independent), unless "data": false;
  4. lock trace of the rewritten run: every transactional statement runs inside a transaction we
     inspect before it commits: our own pg_locks, pg_stat_xact_user_tables (seq scans the
     statement started: validation, index build, SET NOT NULL, rewrite) and relfilenodes
     (rewrites). A statement that scanned or rewrote a table while this backend holds ACCESS
     EXCLUSIVE on it is a violation. Non-transactional statements (CONCURRENTLY, CALL of a
     procedure that commits) are sampled from a second session polling pg_locks for the
     migrating backend: any ACCESS EXCLUSIVE seen is a violation. The original runs under the same
     trace, as a control (its violations are reported, not failed);
  5. the rewritten migration, run again on B, either fails or succeeds, and leaves B's schema as it was.
Exit status 0 when every case passes, 1 otherwise.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

import psycopg2

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "rewrites")
TEMPLATE = "zl_rw_fixture"
TABLES_SQL = "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND relkind = 'r'"


def connect(db):
    conn = psycopg2.connect(dbname=db)
    conn.autocommit = True
    return conn


def admin(sql):
    conn = connect("postgres")
    conn.cursor().execute(sql)
    conn.close()


def fresh_db(name):
    admin(f"DROP DATABASE IF EXISTS {name}")
    admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")


def statements_of(zerolock, path):
    out = subprocess.run([zerolock, "locks", "--format", "json", "--no-config", path], capture_output=True, text=True)
    if out.returncode not in (0, 1):
        raise RuntimeError(f"zerolock locks {path}: {out.stderr}")
    return json.loads(out.stdout)["files"][0]["statements"]


def first_word(text):
    # The statement text comes from zerolock's own scanner-based split; its first word decides
    # whether the proof may wrap it in a transaction (CALL of a committing procedure may not).
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("--"):
            return line.split()[0].upper()
    return ""


class Tracer:
    """Runs statements on one connection and checks every one of them (see the module doc)."""

    def __init__(self, db):
        self.db = db
        self.conn = connect(db)
        self.cur = self.conn.cursor()
        self.cur.execute("SELECT pg_backend_pid()")
        self.pid = self.cur.fetchone()[0]
        self.in_tx = False
        self.violations = []
        self.events = []  # (statement summary, observation) for the report

    def snapshot(self):
        self.cur.execute(
            "SELECT c.relname, coalesce(s.seq_scan, 0), pg_relation_filenode(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_stat_xact_user_tables s ON s.relid = c.oid "
            "WHERE n.nspname = 'public' AND c.relkind = 'r'")
        return {r[0]: (r[1], r[2]) for r in self.cur.fetchall()}

    def own_locks(self):
        self.cur.execute(
            "SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' "
            "AND n.nspname = 'public' AND c.relkind = 'r'")
        out = {}
        for rel, mode in self.cur.fetchall():
            out.setdefault(rel, set()).add(mode)
        return out

    def run_checked(self, summary, text):
        before = self.snapshot()
        self.cur.execute(text)
        after = self.snapshot()
        locks = self.own_locks()
        for rel, (scans, node) in after.items():
            if rel not in before:
                continue
            scanned = scans > before[rel][0]
            rewritten = node != before[rel][1]
            if (scanned or rewritten) and "AccessExclusiveLock" in locks.get(rel, ()):
                what = "rewrote" if rewritten else "scanned"
                self.violations.append(f"{summary}: {what} {rel} while holding ACCESS EXCLUSIVE on it")
            if scanned or rewritten:
                self.events.append(f"{summary}: {'rewrite' if rewritten else 'scan'} of {rel} under "
                                   f"{','.join(sorted(locks.get(rel, ()))) or 'no lock'}")

    def run_sampled(self, summary, text):
        seen = set()
        done = threading.Event()

        def sample():
            conn = connect(self.db)
            cur = conn.cursor()
            while not done.is_set():
                cur.execute("SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                            "WHERE l.pid = %s AND l.locktype = 'relation' AND c.relkind = 'r' "
                            "AND c.relnamespace = 'public'::regnamespace", (self.pid,))
                seen.update(cur.fetchall())
            conn.close()

        t = threading.Thread(target=sample)
        t.start()
        try:
            self.cur.execute(text)
        finally:
            time.sleep(0.01)
            done.set()
            t.join()
        for rel, mode in sorted(seen):
            if mode == "AccessExclusiveLock":
                self.violations.append(f"{summary}: ACCESS EXCLUSIVE on {rel} seen from a second session")
        modes = sorted({m for _, m in seen})
        self.events.append(f"{summary}: sampled {','.join(modes) or 'no table lock'}")

    def run(self, stmt):
        text = stmt["text"]
        summary = stmt.get("summary") or first_word(text)
        word = first_word(text)
        if word in ("BEGIN", "START"):
            self.cur.execute(text)
            self.in_tx = True
            return
        if word in ("COMMIT", "END", "ROLLBACK", "ABORT"):
            self.cur.execute(text)
            self.in_tx = False
            return
        if self.in_tx:
            self.run_checked(summary, text)
        elif not stmt.get("transactional", True) or word == "CALL":
            self.run_sampled(summary, text)
        else:
            self.cur.execute("BEGIN")
            try:
                self.run_checked(summary, text)
                self.cur.execute("COMMIT")
            except Exception:
                self.cur.execute("ROLLBACK")
                raise

    def close(self):
        self.conn.close()


def run_migration(zerolock, db, files, tool):
    """Runs files in order the way their tool would; returns (ok, error, tracer)."""
    tracer = Tracer(db)
    try:
        for path in files:
            stmts = statements_of(zerolock, path)
            wrap = False
            if tool == "flyway":
                conf = path + ".conf"
                no_tx = os.path.exists(conf) and "executeInTransaction=false" in open(conf).read()
                all_non_tx = all(not s.get("transactional", True) for s in stmts)
                wrap = not no_tx and not all_non_tx
            if wrap:
                tracer.run({"text": "BEGIN"})
            for s in stmts:
                tracer.run(s)
            if wrap:
                tracer.run({"text": "COMMIT"})
        return True, None, tracer
    except psycopg2.Error as e:
        if tracer.in_tx:
            tracer.cur.execute("ROLLBACK")
            tracer.in_tx = False
        return False, str(e).strip().splitlines()[0], tracer
    finally:
        tracer.close()


def schema_dump(db, normalise, sort_columns):
    bin_dir = os.environ.get("ZEROLOCK_PG_BIN", "/usr/lib/postgresql/15/bin")
    out = subprocess.run([os.path.join(bin_dir, "pg_dump"), "--schema-only", "--no-owner", "-d", db],
                         capture_output=True, text=True, check=True).stdout
    lines = []
    for line in out.splitlines():
        # \restrict / \unrestrict carry a random key per pg_dump run (PostgreSQL 15.14+).
        if (not line.strip() or line.startswith("--") or line.startswith("SET ") or line.startswith("SELECT pg_catalog")
                or line.startswith("\\restrict") or line.startswith("\\unrestrict")):
            continue
        for old, new in (normalise or {}).items():
            line = line.replace(old, new)
        lines.append(line)
    if sort_columns:
        out_lines, block = [], None
        for line in lines:
            if line.startswith("CREATE TABLE"):
                out_lines.append(line)
                block = []
            elif block is not None and line.startswith(")"):
                out_lines.extend(sorted(b.rstrip(",") for b in block))
                out_lines.append(line)
                block = None
            elif block is not None:
                block.append(line)
            else:
                out_lines.append(line)
        lines = out_lines
    return "\n".join(lines)


def data_hash(db):
    conn = connect(db)
    cur = conn.cursor()
    cur.execute(TABLES_SQL)
    out = {}
    for (t,) in sorted(cur.fetchall()):
        cur.execute(f"""SELECT count(*), md5(coalesce(string_agg(x, '|' ORDER BY x), '')) FROM (
                          SELECT (SELECT string_agg(key || '=' || coalesce(value, '<null>'), ',' ORDER BY key)
                                    FROM jsonb_each_text(to_jsonb(r))) AS x FROM "{t}" r) s""")
        out[t] = cur.fetchone()
    conn.close()
    return out


def rewrite(driver, path, unsafe):
    args = [driver] + (["--unsafe"] if unsafe else []) + [path]
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def prove(case_dir, args):
    meta = json.load(open(os.path.join(case_dir, "case.json")))
    name = os.path.basename(case_dir)
    source = [f for f in os.listdir(case_dir) if f.endswith(".sql")][0]
    tool = meta.get("tool", "plain")
    result = {"case": name, "ok": True, "problems": []}
    with tempfile.TemporaryDirectory() as tmp:
        orig_dir, new_dir = os.path.join(tmp, "original"), os.path.join(tmp, "rewritten")
        os.makedirs(orig_dir)
        os.makedirs(new_dir)
        original = os.path.join(orig_dir, source)
        with open(original, "w") as f:
            f.write(open(os.path.join(case_dir, source)).read())
        r = rewrite(args.driver, original, meta.get("unsafe", False))
        result["applied"] = r["applied"]
        for rule in meta.get("rules", []):
            if not any(a.endswith("(" + rule + ")") for a in r["applied"]):
                result["problems"].append(f"no fix of {rule} was applied")
        with open(os.path.join(new_dir, source), "w") as f:
            f.write(r["text"])
        follow = []
        for nf in r["new_files"]:
            with open(os.path.join(new_dir, nf["path"]), "w") as f:
                f.write(nf["text"])
            if nf["path"].endswith(".sql"):
                follow.append(os.path.join(new_dir, nf["path"]))
        rewritten_files = [os.path.join(new_dir, source)] + sorted(follow)
        result["rewritten"] = {os.path.basename(p): open(p).read() for p in rewritten_files}

        db_a, db_b = f"zl_rw_{name}_a", f"zl_rw_{name}_b"
        fresh_db(db_a)
        fresh_db(db_b)
        t0 = time.monotonic()
        ok_a, err_a, trace_a = run_migration(args.zerolock, db_a, [original], tool)
        t1 = time.monotonic()
        ok_b, err_b, trace_b = run_migration(args.zerolock, db_b, rewritten_files, tool)
        t2 = time.monotonic()
        result["seconds"] = {"original": round(t1 - t0, 2), "rewritten": round(t2 - t1, 2)}
        result["original_violations"] = trace_a.violations
        result["rewritten_trace"] = trace_b.events
        if not ok_a:
            result["problems"].append(f"original failed: {err_a}")
        if not ok_b:
            result["problems"].append(f"rewritten failed: {err_b}")
        result["problems"].extend(trace_b.violations)
        if ok_a and ok_b:
            dump_a = schema_dump(db_a, meta.get("normalise"), meta.get("sort_columns", False))
            dump_b = schema_dump(db_b, meta.get("normalise"), meta.get("sort_columns", False))
            if dump_a != dump_b:
                import difflib
                diff = "\n".join(difflib.unified_diff(dump_a.splitlines(), dump_b.splitlines(), "original", "rewritten", lineterm=""))
                result["problems"].append("schema differs:\n" + diff)
            if meta.get("data", True) and data_hash(db_a) != data_hash(db_b):
                result["problems"].append("data differs")
            # Run the rewritten migration again: it must fail or change nothing.
            before = schema_dump(db_b, None, False)
            ok_c, err_c, _ = run_migration(args.zerolock, db_b, rewritten_files, tool)
            after = schema_dump(db_b, None, False)
            result["rerun"] = "succeeded" if ok_c else f"failed: {err_c}"
            if before != after:
                result["problems"].append("re-running the rewritten migration changed the schema")
        admin(f"DROP DATABASE IF EXISTS {db_a}")
        admin(f"DROP DATABASE IF EXISTS {db_b}")
    result["ok"] = not result["problems"]
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--zerolock", required=True)
    ap.add_argument("--driver", required=True)
    ap.add_argument("--json")
    ap.add_argument("--only")
    args = ap.parse_args()
    admin(f"DROP DATABASE IF EXISTS {TEMPLATE}")
    admin(f"CREATE DATABASE {TEMPLATE}")
    conn = connect(TEMPLATE)
    conn.cursor().execute(open(os.path.join(FIXTURES, "schema.sql")).read())
    conn.close()
    cases_dir = os.path.join(FIXTURES, "cases")
    names = sorted(os.listdir(cases_dir))
    if args.only:
        names = [n for n in names if n in args.only.split(",")]
    results = []
    for n in names:
        try:
            r = prove(os.path.join(cases_dir, n), args)
        except Exception as e:  # a broken case is a failure, never a crash of the suite
            r = {"case": n, "ok": False, "problems": [f"{type(e).__name__}: {e}"]}
        results.append(r)
        status = "PASS" if r["ok"] else "FAIL"
        extra = f" original-violations={len(r.get('original_violations', []))} rerun={r.get('rerun', '-')}"
        print(f"{status} {n}{extra} {r.get('seconds', '')}")
        for p in r["problems"]:
            print("    " + p.replace("\n", "\n    "))
    if args.json:
        json.dump(results, open(args.json, "w"), indent=2)
    failed = [r["case"] for r in results if not r["ok"]]
    print(f"{len(results) - len(failed)}/{len(results)} rewrite cases proven" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
