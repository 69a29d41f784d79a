#!/usr/bin/python3
"""Assertions of the `zerolock trace` test (run by run_tests.sh inside scripts/pg/scratch_cluster.sh,
which exports PGHOST/PGPORT/PGUSER of an outer throwaway cluster).

    check_trace.py ZEROLOCK_BINARY

--scratch cases: zerolock starts (and must remove) its own PostgreSQL 15 cluster.
--database-url cases: the outer cluster's databases; the trace must refuse without --yes, must leave
the database exactly as it was (schema dump and row counts), and must skip what cannot run in a
transaction block.
"""
import glob
import json
import os
import signal
import subprocess
import sys
import time

ZL = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
MIG = os.path.join(HERE, "migrations")
SCHEMA = os.path.join(HERE, "schema.sql")
PG_BIN = os.environ["ZEROLOCK_PG_BIN"]
TMP = os.environ["TMPDIR"]
failures = []


def check(cond, what, detail=""):
    if not cond:
        failures.append(what + (f"\n    {detail}" if detail else ""))
        print(f"FAIL {what}", file=sys.stderr)
    return cond


def m(name):
    return os.path.join(MIG, name)


def trace(*args, timeout=120):
    return subprocess.run([ZL, "trace", *args], capture_output=True, text=True, timeout=timeout)


def trace_json(*args):
    p = trace("--format", "json", *args)
    try:
        return p, json.loads(p.stdout)
    except ValueError:
        check(False, f"trace {' '.join(args)} printed JSON", p.stdout[-2000:] + p.stderr[-2000:])
        return p, {"files": [], "summary": {}}


def psql(db, sql):
    p = subprocess.run([os.path.join(PG_BIN, "psql"), "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"psql failed: {sql}: {p.stderr}")
    return p.stdout.strip()


def statements(report, file_suffix):
    for f in report["files"]:
        if f["path"].endswith(file_suffix):
            return f["statements"]
    check(False, f"report has file {file_suffix}")
    return []


def observed(st):
    return {l["relation"]: l["mode"] for l in (st.get("observed") or {}).get("locks", [])}


def all_match(st):
    return st["status"] == "ran" and not st["mismatch"] and all(c["match"] for c in st["comparison"])


def expect_lock(st, relation, mode, label):
    check(st["status"] == "ran", f"{label}: ran", json.dumps(st)[:1500])
    if st["status"] != "ran":
        return
    got = observed(st).get(relation)
    check(got == mode, f"{label}: observed {mode} on {relation}", f"observed {observed(st)}")
    row = [c for c in st["comparison"] if c["relation"] == relation]
    check(row and row[0]["predicted"] == mode and row[0]["match"] and row[0]["compared"],
          f"{label}: predicted {mode} on {relation} and it matches", json.dumps(st["comparison"]))
    check(all_match(st), f"{label}: every compared relation matches", json.dumps(st["comparison"]))


def leftover_clusters():
    return glob.glob(os.path.join(TMP, "zerolock-trace.*"))


def check_transactional_cases(report, label):
    ci = statements(report, "001_create_index.sql")[0]
    expect_lock(ci, "accounts", "SHARE", f"{label} CREATE INDEX")
    check(ci.get("observed", {}).get("rewrite") is False and ci["rewrite_match"], f"{label} CREATE INDEX: no rewrite")
    ac = statements(report, "002_add_column_not_null_default.sql")[0]
    expect_lock(ac, "accounts", "ACCESS EXCLUSIVE", f"{label} ADD COLUMN NOT NULL DEFAULT")
    check(ac.get("observed", {}).get("rewrite") is False and ac["predicted"]["rewrite"] is False,
          f"{label} ADD COLUMN NOT NULL DEFAULT true: no rewrite (PostgreSQL 11+), predicted and observed")
    at = statements(report, "003_alter_type_rewrite.sql")[0]
    expect_lock(at, "accounts", "ACCESS EXCLUSIVE", f"{label} ALTER COLUMN TYPE bigint")
    check(at.get("observed", {}).get("rewrite") is True and at["predicted"]["rewrite"] is True and at["rewrite_match"],
          f"{label} ALTER COLUMN TYPE bigint: rewrite predicted and observed", json.dumps(at.get("observed")))
    check("accounts" in at.get("observed", {}).get("rewritten", []), f"{label} ALTER COLUMN TYPE: accounts has a new relfilenode")
    fk = statements(report, "004_add_foreign_key.sql")[0]
    expect_lock(fk, "orders", "SHARE ROW EXCLUSIVE", f"{label} ADD FOREIGN KEY")
    expect_lock(fk, "accounts", "SHARE ROW EXCLUSIVE", f"{label} ADD FOREIGN KEY (referenced table)")
    for st in (ci, ac, at, fk):
        o = st.get("observed") or {}
        check(o.get("duration_ms", -1) >= 0 and o.get("held_ms", -1) >= o.get("duration_ms", 0) - 1e-6
              and o.get("held_until") in ("statement", "transaction"), f"{label}: durations reported for {st['summary']}")


def scratch_run():
    files = [m("001_create_index.sql"), m("002_add_column_not_null_default.sql"), m("003_alter_type_rewrite.sql"),
             m("004_add_foreign_key.sql"), m("005_create_index_concurrently.sql"), m("alembic_revision.py")]
    p, report = trace_json("--scratch", "--schema", SCHEMA, *files)
    check(p.returncode == 0, "--scratch run exits 0 (every prediction matched)", p.stderr[-3000:] + p.stdout[-3000:])
    check(report.get("target", {}).get("kind") == "scratch_cluster" and report["target"].get("scratch") is True,
          "--scratch: target is the scratch cluster")
    check(report.get("pg_version") == 15, "--scratch: predictions for the server's version (15)")
    check_transactional_cases(report, "--scratch")
    cic = statements(report, "005_create_index_concurrently.sql")[0]
    check(cic.get("run") == "autocommit", "--scratch CREATE INDEX CONCURRENTLY runs outside the transaction", json.dumps(cic)[:1500])
    expect_lock(cic, "orders", "SHARE UPDATE EXCLUSIVE", "--scratch CREATE INDEX CONCURRENTLY")
    check("SyncRep" in (cic.get("observed") or {}).get("method", ""), "--scratch CONCURRENTLY observed at SyncRep waits")
    al = statements(report, "alembic_revision.py")
    by_text = {s["summary"]: s for s in al}
    sql_idx = [s for s in al if s["status"] == "ran"]
    check(len(sql_idx) == 1 and "ix_orders_total_sql" in sql_idx[0]["text"], "Alembic op.execute(\"...\") is traced",
          json.dumps(al)[:2000])
    if sql_idx:
        expect_lock(sql_idx[0], "orders", "SHARE", "Alembic op.execute CREATE INDEX")
    check(any(s["status"] == "not_traceable" and "op.create_index" in (s["reason"] or "") for s in al),
          "Alembic op.create_index is reported as not traceable", json.dumps([(s["status"], s["reason"]) for s in al]))
    check(sum(1 for s in al if s["status"] == "skipped" and "downgrade" in (s["reason"] or "")) == 2,
          "Alembic downgrade() statements are not traced", json.dumps([(s["status"], s["reason"]) for s in al]))
    check(report.get("summary", {}).get("mismatches") == 0, "--scratch: no mismatch", json.dumps(report.get("summary")))
    check(not leftover_clusters(), "--scratch removes its cluster", str(leftover_clusters()))

    # The text report, one statement alone (nothing held before it, so the lock is observed, not
    # inherited): one table per statement, predicted beside observed.
    p = trace("--scratch", "--schema", SCHEMA, m("003_alter_type_rewrite.sql"))
    rows = [l.split() for l in p.stdout.splitlines() if l.strip().startswith(("accounts ", "rewrite "))]
    check(p.returncode == 0 and "predicted" in p.stdout and "observed" in p.stdout
          and ["accounts", "ACCESS", "EXCLUSIVE", "ACCESS", "EXCLUSIVE"] in rows
          and any(r[:3] == ["rewrite", "yes", "yes"] for r in rows) and "MISMATCH" not in p.stdout,
          "text report: ACCESS EXCLUSIVE and rewrite, predicted and observed", p.stdout + p.stderr)


def failing_run(url):
    p, report = trace_json("--database-url", url, "--yes", m("failing.sql"))
    check(p.returncode == 1, "a failing statement exits 1", f"status {p.returncode}: {p.stderr}")
    sts = statements(report, "failing.sql")
    if len(sts) != 3:
        check(False, "failing.sql has 3 statements", json.dumps(sts)[:1000])
        return
    check(sts[0]["status"] == "ran", "statements before the failure run")
    err = sts[1].get("error") or {}
    check(sts[1]["status"] == "failed" and "no_such_column" in err.get("message", "") and err.get("sqlstate") == "42703",
          "the failing statement reports the server's message and SQLSTATE", json.dumps(sts[1])[:1500])
    check((err.get("position") or {}).get("line") == 1 and (err.get("position") or {}).get("character") == 20,
          "the failure's position is mapped to the file (line 2, column 21)", json.dumps(err))
    check(sts[2]["status"] == "not_run", "the trace stops at the failing statement")
    check(report.get("rolled_back") is True, "a failed trace is still rolled back")
    check(psql("zl_target", "SELECT count(*) FROM pg_class WHERE relname = 'ix_orders_account'") == "0",
          "the index built before the failure is rolled back")


def dump(db):
    p = subprocess.run([os.path.join(PG_BIN, "pg_dump"), "-s", "-d", db], capture_output=True, text=True, check=True)
    counts = psql(db, "SELECT (SELECT count(*) FROM accounts) || '/' || (SELECT count(*) FROM orders) || '/' || "
                      "(SELECT sum(balance) FROM accounts)")
    # pg_dump 15.14+ wraps its output in \restrict KEY ... \unrestrict KEY with a random key.
    schema = "\n".join(l for l in p.stdout.splitlines() if not l.startswith(("\\restrict", "\\unrestrict")))
    return schema + "\n-- rows " + counts


def database_url_run():
    psql("postgres", "CREATE DATABASE zl_target")
    subprocess.run([os.path.join(PG_BIN, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "zl_target", "-f", SCHEMA],
                   check=True, capture_output=True)
    url = f"postgresql:///zl_target?host={os.environ['PGHOST']}&port={os.environ['PGPORT']}&user=postgres"
    before = dump("zl_target")

    p = trace("--database-url", url, m("001_create_index.sql"))
    check(p.returncode == 2 and "refusing" in p.stderr and "--yes" in p.stderr,
          "--database-url without --yes is refused (exit 2)", f"{p.returncode}: {p.stderr}")
    check(p.stdout == "", "a refused trace prints no report")

    files = [m("001_create_index.sql"), m("002_add_column_not_null_default.sql"), m("003_alter_type_rewrite.sql"),
             m("004_add_foreign_key.sql"), m("explicit_commit.sql"), m("005_create_index_concurrently.sql")]
    p, report = trace_json("--database-url", url, "--yes", *files)
    check(p.returncode == 0, "--database-url --yes run exits 0", p.stderr[-3000:] + p.stdout[-2000:])
    check(report.get("target", {}).get("scratch") is False, "an ordinary database is not a scratch target")
    check(report.get("committed") is False and report.get("rolled_back") is True, "nothing committed, rolled back")
    check_transactional_cases(report, "--database-url")
    cic = statements(report, "005_create_index_concurrently.sql")[0]
    check(cic["status"] == "skipped" and "scratch" in (cic["reason"] or ""),
          "CONCURRENTLY is skipped (and says why) on a non-scratch database", json.dumps(cic)[:1000])
    ec = statements(report, "explicit_commit.sql")
    check([s["status"] for s in ec] == ["skipped", "ran", "ran", "skipped"], "the migration's BEGIN/COMMIT are not run",
          json.dumps([(s["status"], s["reason"]) for s in ec]))
    if len(ec) == 4:
        check(ec[2]["observed"]["held_until"] == "transaction", "locks inside BEGIN ... COMMIT are held until the transaction ends")
    after = dump("zl_target")
    check(before == after, "the database is unchanged after the trace (schema and rows)",
          "\n".join(l for l in after.splitlines() if l not in before.splitlines())[:2000])
    check(psql("zl_target", "SELECT count(*) FROM pg_class WHERE relname IN "
                            "('ix_accounts_email', 'trace_commit_probe', 'ix_orders_total', 'ix_accounts_created')") == "0",
          "no relation the migration creates survives the trace")
    check(psql("zl_target", "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                            "WHERE attrelid = 'accounts'::regclass AND attname = 'balance'") == "integer",
          "the rewritten column keeps its type (rolled back)")

    # A database marked as scratch needs no --yes.
    psql("postgres", "CREATE DATABASE zl_marked TEMPLATE zl_target")
    psql("postgres", "COMMENT ON DATABASE zl_marked IS 'zerolock:scratch'")
    marked = url.replace("zl_target", "zl_marked")
    p, report = trace_json("--database-url", marked, m("001_create_index.sql"))
    check(p.returncode == 0 and report.get("target", {}).get("scratch") is True,
          "a database marked 'zerolock:scratch' is traced without --yes", p.stderr)

    failing_run(url)


def error_cases():
    cases = [
        (["--database-url", "postgresql://localhost/db?nosuchoption=1", "--yes", m("001_create_index.sql")], "bad database URL"),
        (["--database-url", "host=/nonexistent-zerolock-socket-dir port=1 dbname=x", "--yes", m("001_create_index.sql")],
         "cannot connect"),
        (["--database-url", "host=/tmp dbname=x", "--yes", os.path.join(MIG, "no_such_file.sql")], "no such file"),
        (["--scratch", "--schema", os.path.join(HERE, "no_such_schema.sql"), m("001_create_index.sql")], "cannot read"),
        ([m("001_create_index.sql")], "--database-url"),
        (["--schema", SCHEMA, "--database-url", "host=/tmp", m("001_create_index.sql")], "--schema only goes with --scratch"),
        (["--scratch"], "no input files"),
        (["--scratch", "--format", "sarif", m("001_create_index.sql")], "unknown --format"),
    ]
    bad_schema = os.path.join(TMP, "bad_schema.sql")
    with open(bad_schema, "w", encoding="utf-8") as f:
        f.write("CREATE TABLE fine (id int);\nCREATE TABLE broken (id no_such_type);\n")
    cases.append((["--scratch", "--schema", bad_schema, m("001_create_index.sql")], "bad_schema.sql:2: schema statement failed"))
    for args, needle in cases:
        p = trace(*args)
        check(p.returncode == 2 and needle in p.stderr, f"error case {args[:2]}: exit 2 with '{needle}'",
              f"{p.returncode}: {p.stderr.strip()[:500]}")
    check(not leftover_clusters(), "no cluster is left after the error cases (a failing --schema included)",
          str(leftover_clusters()))


def interrupt_case():
    proc = subprocess.Popen([ZL, "trace", "--scratch", os.path.join(HERE, "slow.sql")], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    running = False
    while time.monotonic() < deadline and proc.poll() is None and not running:
        for d in leftover_clusters():
            host = f"host={d} port=5432 user=postgres dbname=postgres"
            q = subprocess.run([os.path.join(PG_BIN, "psql"), "-X", "-At", "-d", host, "-c",
                                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'"],
                               capture_output=True, text=True)
            running = q.stdout.strip() == "1"
        time.sleep(0.1)
    check(running, "the slow statement started on the scratch cluster")
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        check(False, "Ctrl-C ends the trace promptly")
    check(proc.returncode == 130, "Ctrl-C exits 130", f"{proc.returncode}: {err}")
    check("rolled back" in out, "Ctrl-C still reports and rolls back", out)
    check(not leftover_clusters(), "Ctrl-C removes the scratch cluster", str(leftover_clusters()))


def main():
    started = time.monotonic()
    for case in (error_cases, scratch_run, database_url_run, interrupt_case):
        t = time.monotonic()
        try:
            case()
        except Exception as e:  # a broken case must fail the test, not hide the others
            check(False, f"{case.__name__} raised {type(e).__name__}: {e}")
        print(f"trace test: {case.__name__} done in {time.monotonic() - t:.1f} s", file=sys.stderr)
    print(f"trace test: {len(failures)} failure(s) in {time.monotonic() - started:.1f} s", file=sys.stderr)
    for f in failures:
        print("  - " + f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
