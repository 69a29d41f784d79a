#!/usr/bin/python3
"""Proof of the Alembic rewrites (README.md in this folder).

    tests/alembic/prove_rewrites.py --zerolock build/zerolock --golden-only [--update] [--only a,b]
    scripts/pg/scratch_cluster.sh -- /usr/bin/python3 tests/alembic/prove_rewrites.py --zerolock build/zerolock

For every case tests/fixtures/alembic/rewrites/<case>.py (a revision on top of base.py) with <case>.json:
  1. `zerolock fix --no-config --alembic-version 1.8 [--unsafe]` on a copy; the result (and the
     revision files it creates) must equal <case>.expected (--update rewrites it);
  2. every written file passes `python3 -m py_compile`;
  3. `zerolock check` on the result: the rules of <case>.json no longer fire, no new error-level
     finding; fixing the result again changes nothing and creates nothing;
  4. (not with --golden-only) on PostgreSQL with Alembic: two copies of a database where base.py
     ran (tables with rows); `alembic upgrade head` with the original revision on A, with the
     rewritten one (and its new revisions) on B: both succeed and `pg_dump --schema-only` of A and
     B are equal (names the recipe chose normalised, as in tests/rewrites/prove.py, whose dump and
     data functions this reuses), data too where the case says "data": true (a backfill); then on B `alembic downgrade base`
     succeeds and leaves the schema of an empty database, and `alembic upgrade head` again gives
     A's schema once more.
Exit status 0 when every case passes, 1 otherwise.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CASES = os.path.join(ROOT, "tests", "fixtures", "alembic", "rewrites")
PYTHON = os.environ.get("ZEROLOCK_ALEMBIC_PYTHON", "/usr/bin/python3")
ALEMBIC_VERSION = "1.8"

ENV_PY = '''import json
import os

from alembic import context
from sqlalchemy import MetaData, create_engine
from sqlalchemy.pool import NullPool

# A case's "naming_convention": the target_metadata's, which Alembic applies to unnamed constraints.
naming = json.loads(os.environ.get("ZEROLOCK_ALEMBIC_NAMING") or "null")
engine = create_engine(os.environ["ZEROLOCK_ALEMBIC_URL"], poolclass=NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, transaction_per_migration=True,
                      target_metadata=MetaData(naming_convention=naming) if naming else None)
    with context.begin_transaction():
        context.run_migrations()
'''
ALEMBIC_INI = "[alembic]\nscript_location = %(here)s\n"


def fix(zerolock, path, unsafe):
    args = [zerolock, "fix", "--no-config", "--alembic-version", ALEMBIC_VERSION, "-q"] + (["--unsafe"] if unsafe else []) + [path]
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        raise RuntimeError(f"zerolock fix failed ({out.returncode}): {out.stderr.strip()}")


def findings(zerolock, path):
    out = subprocess.run([zerolock, "check", "--no-config", "--format", "json", "-q", path], capture_output=True, text=True)
    if out.returncode not in (0, 1):
        raise RuntimeError(f"zerolock check failed ({out.returncode}): {out.stderr.strip()}")
    return [(d["rule"], d.get("severity", "")) for d in json.loads(out.stdout)["files"][0]["diagnostics"]]


def golden_text(main_name, files):
    text = files[main_name]
    for name in sorted(n for n in files if n != main_name):
        text += f"# ---- new file: {name} ----\n" + files[name]
    return text


def rewrite_case(name, args, problems):
    """Steps 1-3; returns {file name: text} of the rewritten revision and its new files."""
    meta = json.load(open(os.path.join(CASES, name + ".json")))
    source = name + ".py"
    work = tempfile.mkdtemp(prefix="zl-alembic-fix-")
    try:
        path = os.path.join(work, source)
        shutil.copy(os.path.join(CASES, source), path)
        before = findings(args.zerolock, path)
        fix(args.zerolock, path, meta.get("unsafe", False))
        files = {f: open(os.path.join(work, f)).read() for f in sorted(os.listdir(work)) if f.endswith(".py")}
        expected_path = os.path.join(CASES, name + ".expected")
        got = golden_text(source, files)
        if args.update:
            with open(expected_path, "w") as f:
                f.write(got)
        elif not os.path.exists(expected_path):
            problems.append(f"no golden file {name}.expected (run with --update)")
        elif open(expected_path).read() != got:
            import difflib
            diff = "\n".join(difflib.unified_diff(open(expected_path).read().splitlines(), got.splitlines(),
                                                  "expected", "rewritten", lineterm=""))
            problems.append("differs from the golden file:\n" + diff)
        for f in files:
            out = subprocess.run([PYTHON, "-m", "py_compile", os.path.join(work, f)], capture_output=True, text=True)
            if out.returncode != 0:
                problems.append(f"{f} is not valid Python: {out.stderr.strip()}")
        after = findings(args.zerolock, path)
        for rule in meta.get("rules", []):
            if not any(r == rule for r, _ in before):
                problems.append(f"{rule} did not fire on the original")
            # "left": findings the renderer declines on purpose (a phased rewrite inside downgrade()).
            left = sum(1 for r, _ in after if r == rule)
            if left != meta.get("left", {}).get(rule, 0):
                problems.append(f"{rule} still fires on the result ({left}x)")
        new_errors = {r for r, s in after if s == "error"} - {r for r, s in before if s == "error"}
        if new_errors:
            problems.append("new error-level findings: " + ", ".join(sorted(new_errors)))
        # The rewritten downgrade() must still be the inverse of the rewritten upgrade().
        inverse = "downgrade-not-inverse"
        if sum(r == inverse for r, _ in after) > sum(r == inverse for r, _ in before):
            problems.append(f"{inverse} is new on the result")
        for f in files:
            if f != source:
                got = findings(args.zerolock, os.path.join(work, f))
                errors = [r for r, s in got if s == "error"]
                if errors:
                    problems.append(f"{f}: error-level findings {errors}")
                if any(r == inverse for r, _ in got):
                    problems.append(f"{f}: {inverse}")
        fix(args.zerolock, path, meta.get("unsafe", False))
        again = {f: open(os.path.join(work, f)).read() for f in sorted(os.listdir(work)) if f.endswith(".py")}
        if again != files:
            problems.append("fixing the result again changed it")
        return files, meta
    finally:
        shutil.rmtree(work)


class Project:
    """A throwaway Alembic project: alembic.ini, env.py, the revisions given."""

    def _make(self, revisions):
        self.dir = tempfile.mkdtemp(prefix="zl-alembic-proj-")
        os.makedirs(os.path.join(self.dir, "versions"))
        with open(os.path.join(self.dir, "alembic.ini"), "w") as f:
            f.write(ALEMBIC_INI)
        with open(os.path.join(self.dir, "env.py"), "w") as f:
            f.write(ENV_PY)
        for name, text in revisions.items():
            with open(os.path.join(self.dir, "versions", name), "w") as f:
                f.write(text)

    def __init__(self, revisions, naming=None):
        self.naming = naming
        self._make(revisions)

    def alembic(self, db, command, target):
        """`alembic upgrade|downgrade TARGET`, run in this process (Alembic's own command API, the
        one its CLI calls) so SQLAlchemy is imported once; returns the error, or None."""
        from alembic import command as commands
        from alembic.config import Config
        os.environ["ZEROLOCK_ALEMBIC_URL"] = (f"postgresql+psycopg2://{os.environ.get('PGUSER', 'postgres')}@/{db}"
                                              f"?host={os.environ['PGHOST']}&port={os.environ.get('PGPORT', '5432')}")
        os.environ["ZEROLOCK_ALEMBIC_NAMING"] = json.dumps(self.naming) if self.naming else ""
        import warnings
        from sqlalchemy.exc import SAWarning
        try:
            # An argument SQLAlchemy cannot place (API of a later Alembic, a misspelt dialect option)
            # is only a warning there, and then ignored: here it fails the case.
            with warnings.catch_warnings():
                warnings.simplefilter("error", SAWarning)
                getattr(commands, command)(Config(os.path.join(self.dir, "alembic.ini")), target)
        except Exception as e:  # the migration's own failure is the result
            lines = [l for l in str(e).strip().splitlines() if l.strip()]
            return f"{type(e).__name__}: " + " / ".join(lines[:2])
        return None

    def close(self):
        shutil.rmtree(self.dir)


_EMPTY = []


def empty_dump(prove):
    if not _EMPTY:
        _EMPTY.append(prove.schema_dump("zl_al_empty", None, False))
    return _EMPTY[0]


def data(prove, db):
    # alembic_version differs when the rewrite added a later revision.
    return {t: h for t, h in prove.data_hash(db).items() if t != "alembic_version"}


def revision_id(text):
    import ast
    for node in ast.parse(text).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["revision"]:
            return node.value.value
    raise RuntimeError("no revision id")


def prove_pg(name, files, meta, base, prove, problems, timings):
    original = {"base.py": base, name + ".py": open(os.path.join(CASES, name + ".py")).read()}
    rewritten = dict(files)
    rewritten["base.py"] = base
    db_a, db_b = f"zl_al_{name}_a", f"zl_al_{name}_b"
    for db in (db_a, db_b):
        prove.admin(f"DROP DATABASE IF EXISTS {db}")
        prove.admin(f"CREATE DATABASE {db} TEMPLATE zl_al_template")
    naming = meta.get("naming_convention")
    pa, pb = Project(original, naming), Project(rewritten, naming)
    try:
        t0 = time.monotonic()
        err_a = pa.alembic(db_a, "upgrade", "head")
        t1 = time.monotonic()
        err_b = pb.alembic(db_b, "upgrade", "head")
        t2 = time.monotonic()
        timings[name] = {"original": round(t1 - t0, 2), "rewritten": round(t2 - t1, 2)}
        if err_a:
            problems.append(f"original upgrade failed: {err_a}")
        if err_b:
            problems.append(f"rewritten upgrade failed: {err_b}")
        if err_a or err_b:
            return
        normalise = meta.get("normalise")
        dump_a = prove.schema_dump(db_a, normalise, meta.get("sort_columns", False))
        dump_b = prove.schema_dump(db_b, normalise, meta.get("sort_columns", False))
        if dump_a != dump_b:
            import difflib
            diff = "\n".join(difflib.unified_diff(dump_a.splitlines(), dump_b.splitlines(), "original", "rewritten", lineterm=""))
            problems.append("schema after upgrade differs:\n" + diff)
        # Data: where the Alembic rendering moves data (a backfill); the SQL proof checks every recipe.
        if meta.get("data", False) and data(prove, db_a) != data(prove, db_b):
            problems.append("data after upgrade differs")
        err = pb.alembic(db_b, "downgrade", "base")
        if err:
            problems.append(f"rewritten downgrade base failed: {err}")
            return
        if prove.schema_dump(db_b, None, False) != empty_dump(prove):
            problems.append("downgrade base left schema objects behind")
        if len(files) > 1:
            # The rollbacks of an expand/contract rewrite: (1) before the later revision ships (the
            # expand phase deployed, the contract not yet): the rewritten revision alone, then
            # downgrade base; (2) the later revision rolled back alone: the expand phase's schema
            # (column order aside: a column brought back comes last) and data again, then downgrade base.
            revision = revision_id(files[name + ".py"])
            expand = None
            for step, (command, target) in enumerate((("upgrade", revision), ("downgrade", "base"), ("upgrade", "head"),
                                                      ("downgrade", revision), ("downgrade", "base"))):
                err = pb.alembic(db_b, command, target)
                if err:
                    problems.append(f"{command} {target} (rollback check {step + 1}) failed: {err}")
                    return
                if target == "base" and prove.schema_dump(db_b, None, False) != empty_dump(prove):
                    problems.append(f"{command} {target} (rollback check {step + 1}) left schema objects behind")
                if target == revision:
                    state = (prove.schema_dump(db_b, normalise, True), data(prove, db_b))
                    if expand is None:
                        expand = state
                    elif state[0] != expand[0]:
                        import difflib
                        diff = "\n".join(difflib.unified_diff(expand[0].splitlines(), state[0].splitlines(), "expand",
                                                              "contract rolled back", lineterm=""))
                        problems.append("rolling back the later revision does not give the expand phase's schema:\n" + diff)
                    elif state[1] != expand[1]:
                        problems.append("rolling back the later revision does not give the expand phase's data")
        err = pb.alembic(db_b, "upgrade", "head")
        if err:
            problems.append(f"upgrade after downgrade failed: {err}")
        elif prove.schema_dump(db_b, normalise, meta.get("sort_columns", False)) != dump_a:
            problems.append("upgrade after downgrade gives another schema")
    finally:
        pa.close()
        pb.close()
        for db in (db_a, db_b):
            prove.admin(f"DROP DATABASE IF EXISTS {db}")


def corpus_sweep(zerolock, corpus):
    """Every revision of a corpus (../shared/corpus/alembic): `zerolock fix --unsafe` on a copy, then
    every file (rewritten or new) must compile, a second fix must change nothing, and the figures
    (files changed, findings before/after per rule) are printed."""
    import collections
    import py_compile
    work = tempfile.mkdtemp(prefix="zl-alembic-corpus-")
    try:
        tree = os.path.join(work, "corpus")
        shutil.copytree(corpus, tree)
        files = sorted(os.path.join(d, f) for d, _, fs in os.walk(tree) for f in fs if f.endswith(".py"))

        inverse = collections.defaultdict(dict)  # downgrade-not-inverse per file, before and after

        def count(paths, when):
            out = subprocess.run([zerolock, "check", "--no-config", "--alembic-version", ALEMBIC_VERSION, "--format", "json", "-q"]
                                 + paths, capture_output=True, text=True)
            c = collections.Counter()
            for f in json.loads(out.stdout)["files"]:
                for d in f["diagnostics"]:
                    c[d["rule"]] += 1
                inverse[f["path"]][when] = sum(d["rule"] == "downgrade-not-inverse" for d in f["diagnostics"])
            return c

        def snapshot():
            return {os.path.join(d, f): open(os.path.join(d, f), "rb").read() for d, _, fs in os.walk(tree) for f in fs}

        before = count(files, 0)
        original = snapshot()
        out = subprocess.run([zerolock, "fix", "--no-config", "--alembic-version", ALEMBIC_VERSION, "-q", "--unsafe"] + files,
                             capture_output=True, text=True)
        if out.returncode not in (0, 1):
            print(f"FAIL corpus: zerolock fix exited {out.returncode}: {out.stderr.strip()[:300]}")
            return 1
        once = snapshot()
        changed = [p for p in files if once[p] != original[p]]
        new = [p for p in once if p not in original]
        problems = []
        for p in changed + new:
            try:
                py_compile.compile(p, cfile=os.path.join(work, "x.pyc"), doraise=True)
            except py_compile.PyCompileError as e:
                problems.append(f"{os.path.relpath(p, tree)} is not valid Python: {str(e).strip()[:200]}")
        # fix_all stops after 8 passes; a big revision may need another run. It must converge.
        runs, previous = 1, once
        while True:
            subprocess.run([zerolock, "fix", "--no-config", "--alembic-version", ALEMBIC_VERSION, "-q", "--unsafe"]
                           + sorted(p for p in previous if p.endswith(".py")), capture_output=True, text=True)
            now = snapshot()
            if now == previous:
                break
            runs += 1
            if runs > 4:
                problems.append("zerolock fix does not converge in 4 runs")
                break
            previous = now
        twice = previous
        more = sorted(os.path.relpath(p, tree) for p in twice if twice.get(p) != once.get(p))
        if more:
            print(f"  {len(more)} file(s) needed another `zerolock fix` run (fix_all's 8-pass limit): {', '.join(more[:3])}")
        for p in twice:
            if not p.endswith(".py") or twice[p] == original.get(p) or twice[p] == once.get(p):
                continue  # unchanged, or compiled above
            try:
                py_compile.compile(p, cfile=os.path.join(work, "x.pyc"), doraise=True)
            except py_compile.PyCompileError as e:
                problems.append(f"{os.path.relpath(p, tree)} is not valid Python after {runs} runs: {str(e).strip()[:200]}")
        after = count(sorted(p for p in twice if p.endswith(".py")), 1)
        # A rewrite must leave downgrade() the inverse of the rewritten upgrade().
        for path, n in sorted(inverse.items()):
            if n.get(1, 0) > n.get(0, 0):
                problems.append(f"{os.path.relpath(path, tree) if os.path.isabs(path) else path}: downgrade-not-inverse is new")
        print(f"corpus: {len(files)} revisions, {len(changed)} rewritten, {len(new)} new revision files; "
              f"findings {sum(before.values())} -> {sum(after.values())}")
        for rule in sorted(set(before) | set(after)):
            if before[rule] != after[rule]:
                print(f"  {rule}: {before[rule]} -> {after[rule]}")
        for p in problems[:20]:
            print("    " + p)
        print(("FAIL" if problems else "PASS") + f" corpus ({len(problems)} problems)")
        return 1 if problems else 0
    finally:
        shutil.rmtree(work)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", help="sweep this corpus of revisions instead of the cases")
    ap.add_argument("--zerolock", required=True)
    ap.add_argument("--golden-only", action="store_true")
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--only")
    ap.add_argument("--json")
    args = ap.parse_args()
    if args.corpus:
        if not os.path.isdir(args.corpus):
            print(f"no corpus at {args.corpus}: skipping", file=sys.stderr)
            return 77
        return corpus_sweep(args.zerolock, args.corpus)
    names = sorted(f[:-3] for f in os.listdir(CASES) if f.endswith(".py") and f != "base.py")
    if args.only:
        names = [n for n in names if n in args.only.split(",")]
    prove = None
    base = open(os.path.join(CASES, "base.py")).read()
    if not args.golden_only:
        sys.path.insert(0, os.path.join(ROOT, "tests", "rewrites"))
        import prove  # noqa: E402  (psycopg2; schema_dump, data_hash, admin)
        for db in ("zl_al_template", "zl_al_empty"):
            prove.admin(f"DROP DATABASE IF EXISTS {db}")
            prove.admin(f"CREATE DATABASE {db}")
        p = Project({"base.py": base})
        try:
            for db, steps in (("zl_al_template", [("upgrade", "head")]), ("zl_al_empty", [("upgrade", "head"), ("downgrade", "base")])):
                for step in steps:
                    err = p.alembic(db, *step)
                    if err:
                        print(f"FAIL base revision ({' '.join(step)} on {db}): {err}")
                        return 1
        finally:
            p.close()
    results, timings = [], {}
    for n in names:
        problems = []
        try:
            files, meta = rewrite_case(n, args, problems)
            if prove:
                prove_pg(n, files, meta, base, prove, problems, timings)
        except Exception as e:  # a broken case is a failure, never a crash of the suite
            problems.append(f"{type(e).__name__}: {e}")
        results.append({"case": n, "ok": not problems, "problems": problems, "seconds": timings.get(n)})
        print(f"{'PASS' if not problems else 'FAIL'} {n} {timings.get(n, '')}")
        for p in problems:
            print("    " + p.replace("\n", "\n    "))
    if prove:
        for db in ("zl_al_template", "zl_al_empty"):
            prove.admin(f"DROP DATABASE IF EXISTS {db}")
    if args.json:
        json.dump(results, open(args.json, "w"), indent=2)
    failed = [r["case"] for r in results if not r["ok"]]
    what = "golden/py_compile" if args.golden_only else "PostgreSQL + Alembic"
    print(f"{len(results) - len(failed)}/{len(results)} Alembic rewrite cases proven ({what})"
          + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
