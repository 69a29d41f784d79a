#!/usr/bin/env python3
"""The Liquibase proof of the rewrites (tests/liquibase/README.md), run by run_liquibase_proof.sh
inside a scratch PostgreSQL 15 cluster that listens on 127.0.0.1 (JDBC needs TCP).

For the rewrite fixtures (tests/fixtures/liquibase_rewrites: XML, YAML, JSON, formatted SQL):
  1. `zerolock fix --unsafe` writes the rewritten changelogs into a work directory;
  2. two databases get the same tables with rows (base.sql);
  3. a real Liquibase runs `update` with a master changelog including the four originals on
     database A, and one including the four rewritten changelogs on database B: both must succeed;
  4. `pg_dump --schema-only` of A and B must be identical (columns sorted inside each table: the
     rename recipe adds the new column at the end), and so must the data of the fixture tables;
  5. `rollbackCount N` of every rewritten changeSet on B must succeed and leave B's schema and data
     as they were before the update (--rollback-last-first: in steps, B compared with A after each;
     see stepwise_rollback).
The two updates run in parallel (one JVM each); three JVM runs in all.
"""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "liquibase_rewrites")
sys.path.insert(0, os.path.join(ROOT, "tests", "rewrites"))
import prove  # noqa: E402  (schema_dump: the same normalised pg_dump as the SQL proof)

CHANGELOGS = ["changelog.xml", "changelog.yaml", "changelog.json", "changelog.sql"]
LIQUIBASE_TABLES = ("databasechangelog", "databasechangeloglock")


def master(path, sub):
    includes = "\n".join(f'    <include file="{sub}/{c}" relativeToChangelogFile="true"/>' for c in CHANGELOGS)
    with open(path, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"\n'
                '    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n'
                '    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog '
                'http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.3.xsd">\n' + includes + "\n</databaseChangeLog>\n")


def liquibase(args, work, changelog, db, *command):
    cmd = ["java", "-cp", args.classpath, "liquibase.integration.commandline.Main", "--logLevel=warning",
           f"--changeLogFile={changelog}", f"--url=jdbc:postgresql://127.0.0.1:{os.environ['PGPORT']}/{db}",
           "--username=postgres", "--password=unused", *command]
    r = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=300)
    return r.returncode, r.stdout + r.stderr


def data(db):
    conn = prove.connect(db)
    cur = conn.cursor()
    cur.execute(prove.TABLES_SQL)
    out = {}
    for (t,) in sorted(cur.fetchall()):
        if t in LIQUIBASE_TABLES:
            continue
        cur.execute(f"""SELECT count(*), md5(coalesce(string_agg(x, '|' ORDER BY x), '')) FROM (
                          SELECT (SELECT string_agg(key || '=' || coalesce(value, '<null>'), ',' ORDER BY key)
                                    FROM jsonb_each_text(to_jsonb(r))) AS x FROM "{t}" r) s""")
        out[t] = cur.fetchone()
    conn.close()
    return out


def schema(db):
    """The normalised schema dump without Liquibase's own bookkeeping tables (absent before the first update)."""
    out, statement = [], []
    for line in prove.schema_dump(db, {}, True).splitlines():
        statement.append(line)
        if line.rstrip().endswith(";"):
            if not any(t in " ".join(statement) for t in LIQUIBASE_TABLES):
                out.extend(statement)
            statement = []
    return "\n".join(out + statement)


def count_changesets(zerolock, paths):
    """changeSets in the rewritten changelogs, from zerolock's own reading of them (units)."""
    n = 0
    for p in paths:
        text = open(p).read()
        if p.endswith(".sql"):
            n += sum(1 for line in text.splitlines() if line.startswith("--changeset "))
        elif p.endswith(".xml"):
            n += text.count("<changeSet ")
        elif p.endswith(".yaml"):
            n += text.count("- changeSet:")
        else:
            n += text.count('"changeSet":')
    return n


def stepwise_rollback(args, work, orig, fixed, problems):
    """--rollback-last-first: A and B compared after rolling back each changelog's last original
    changeSet (A: its own rollback; B: every changeSet its rewrite became). The rest of each
    changelog is rolled back on both afterwards; B's own changeSets are all undone at the end, so
    only the comparison with the schema and data before the update is left."""
    for c in reversed(CHANGELOGS):
        n_orig = count_changesets(args.zerolock, [os.path.join(orig, c)])
        n_fixed = count_changesets(args.zerolock, [os.path.join(fixed, c)])
        last = n_fixed - n_orig + 1  # the changeSets the rewrite of the last original changeSet became
        for what, count_a, count_b in ((f"the last changeSet of {c}", 1, last), (f"the rest of {c}", n_orig - 1, n_fixed - last)):
            if count_a == 0 and count_b == 0:
                continue
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                fa = pool.submit(liquibase, args, work, "master-orig.xml", "lb_a", "rollbackCount", str(count_a))
                fb = pool.submit(liquibase, args, work, "master-fixed.xml", "lb_b", "rollbackCount", str(count_b))
                (ra, oa), (rb, ob) = fa.result(), fb.result()
            print(f"rollback of {what}: original ({count_a}) exit {ra}, rewritten ({count_b}) exit {rb}")
            if ra != 0 or rb != 0:
                problems.append(f"rollback of {what} failed:\n" + (oa if ra else ob)[-3000:])
                return
            sa, sb = schema("lb_a"), schema("lb_b")
            if sa != sb:
                import difflib
                problems.append(f"schema after the rollback of {what} differs (original vs rewritten):\n" +
                                "\n".join(difflib.unified_diff(sa.splitlines(), sb.splitlines(), lineterm="", n=1)))
                return
            da, db_ = data("lb_a"), data("lb_b")
            if da != db_:
                problems.append(f"data after the rollback of {what} differs: {da} vs {db_}")
                return
            print(f"schema and data after the rollback of {what}: identical")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--zerolock", required=True)
    ap.add_argument("--classpath", required=True)
    ap.add_argument("--keep", help="copy the work directory here")
    ap.add_argument("--fixtures", default=FIXTURES, help="the four changelogs (base.sql: here, else the rewrite fixtures')")
    ap.add_argument("--no-rollback", action="store_true", help="stop after the update checks")
    ap.add_argument("--rollback-last-first", action="store_true",
                    help="before the full rollback, for each changelog (last included first): roll back the rewrite of its "
                         "last changeSet on B and that changeSet on A (its own rollback), compare A and B, then roll back "
                         "the rest of that changelog on both (fixtures whose only multi-changeSet rewrite is of their last "
                         "changeSet: the change-type rewrite must bring back the old type, which a full rollback of a "
                         "changelog that also created the column cannot tell)")
    args = ap.parse_args()
    fixtures = args.fixtures
    base_sql = os.path.join(fixtures, "base.sql") if os.path.exists(os.path.join(fixtures, "base.sql")) else os.path.join(FIXTURES, "base.sql")
    problems = []
    work = tempfile.mkdtemp(prefix="zerolock-lbproof-")
    try:
        orig, fixed = os.path.join(work, "orig"), os.path.join(work, "fixed")
        for d in (orig, fixed):
            os.makedirs(d)
            for c in CHANGELOGS + ["zerolock.toml"]:
                shutil.copy(os.path.join(fixtures, c), d)
        r = subprocess.run([args.zerolock, "fix", "--unsafe", *[os.path.join(fixed, c) for c in CHANGELOGS]],
                           capture_output=True, text=True)
        if r.returncode == 2:
            print("zerolock fix failed:\n" + r.stdout + r.stderr)
            return 1
        for c in CHANGELOGS:
            if open(os.path.join(orig, c)).read() == open(os.path.join(fixed, c)).read():
                problems.append(f"zerolock fix left {c} unchanged")
        master(os.path.join(work, "master-orig.xml"), "orig")
        master(os.path.join(work, "master-fixed.xml"), "fixed")

        prove.admin("DROP DATABASE IF EXISTS lb_base")
        prove.admin("CREATE DATABASE lb_base")
        conn = prove.connect("lb_base")
        conn.cursor().execute(open(base_sql).read())
        conn.close()
        for db in ("lb_a", "lb_b"):
            prove.admin(f"DROP DATABASE IF EXISTS {db}")
            prove.admin(f"CREATE DATABASE {db} TEMPLATE lb_base")
        base_schema, base_data = schema("lb_base"), data("lb_base")

        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            fa = pool.submit(liquibase, args, work, "master-orig.xml", "lb_a", "update")
            fb = pool.submit(liquibase, args, work, "master-fixed.xml", "lb_b", "update")
            (ra, oa), (rb, ob) = fa.result(), fb.result()
        print(f"update original: exit {ra}; update rewritten: exit {rb}")
        if ra != 0:
            problems.append("update of the original changelogs failed:\n" + oa[-3000:])
        if rb != 0:
            problems.append("update of the rewritten changelogs failed:\n" + ob[-3000:])
        if ra == 0 and rb == 0:
            sa, sb = schema("lb_a"), schema("lb_b")
            if sa != sb:
                import difflib
                problems.append("schema after update differs (original vs rewritten):\n" +
                                "\n".join(difflib.unified_diff(sa.splitlines(), sb.splitlines(), lineterm="", n=1)))
            else:
                print(f"schema after update: identical ({len(sa.splitlines())} lines)")
            da, db_ = data("lb_a"), data("lb_b")
            if da != db_:
                problems.append(f"data after update differs: {da} vs {db_}")
            else:
                print(f"data after update: identical ({len(da)} tables)")
        if ra == 0 and rb == 0 and not args.no_rollback and args.rollback_last_first:
            stepwise_rollback(args, work, orig, fixed, problems)
        if rb == 0 and not args.no_rollback and not problems:
            if args.rollback_last_first:
                rr, orr = 0, ""  # every changeSet of B is rolled back already
            else:
                n = count_changesets(args.zerolock, [os.path.join(fixed, c) for c in CHANGELOGS])
                rr, orr = liquibase(args, work, "master-fixed.xml", "lb_b", "rollbackCount", str(n))
                print(f"rollbackCount {n} of the rewritten changeSets: exit {rr}")
            if rr != 0:
                problems.append("rollback of the rewritten changelogs failed:\n" + orr[-3000:])
            else:
                sb = schema("lb_b")
                if sb != base_schema:
                    import difflib
                    problems.append("schema after rollback differs from the schema before the update:\n" +
                                    "\n".join(difflib.unified_diff(base_schema.splitlines(), sb.splitlines(), lineterm="", n=1)))
                elif data("lb_b") != base_data:
                    problems.append("data after rollback differs from the data before the update")
                else:
                    print("schema and data after rollback: as before the update")
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
            shutil.copytree(work, args.keep)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for p in problems:
        print("FAIL " + p)
    print("liquibase proof: " + ("passed" if not problems else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
