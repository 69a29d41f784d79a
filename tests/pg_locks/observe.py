#!/usr/bin/python3
"""Observes what PostgreSQL really locks and rewrites for every catalogue statement.

    scripts/pg/scratch_cluster.sh -c synchronous_standby_names=zerolock_never -- \
        /usr/bin/python3 tests/pg_locks/observe.py [-o observed.json] [--only ID,ID]

Needs the libpq environment exported by scripts/pg/scratch_cluster.sh and
synchronous_standby_names set to a standby that never exists (see "autocommit" below).

tx entries (the default) run on one shared copy of the fixture, which the ROLLBACK leaves intact:
    BEGIN; <statement>; read pg_locks of our own backend; read relfilenodes; ROLLBACK
tx entries with @setup or @session run on a fresh copy of the fixture: the setup is committed first,
the @session statements run on the statement's own connection, then the same BEGIN ... ROLLBACK.
Every session runs with TimeZone UTC unless an entry's @session changes it.

autocommit entries (CONCURRENTLY, VACUUM, ...) cannot run in a transaction block. Each runs on a
fresh copy of the fixture (CREATE DATABASE ... TEMPLATE) in session A with synchronous_commit=on
while the cluster's synchronous_standby_names names a standby that never connects: every commit
that wrote a transaction id (each internal transaction of CREATE INDEX CONCURRENTLY, DETACH
CONCURRENTLY, ...) then waits in SyncRep *before releasing its locks*. Session B polls pg_locks for
A's pid continuously, and whenever A waits in SyncRep it snapshots A's locks and cancels the wait
(pg_cancel_backend only ends the wait: the commit is already durable locally and A carries on).
Statements that write no transaction id (plain VACUUM) get a @blocker: session C holds a
conflicting lock, A's request becomes visible in pg_locks with granted=false, B records it and
releases C. The observed mode per relation is the strongest mode A held or requested at any
snapshot.

Relations: every relation of the fixture schemas (public, app) that existed before the statement,
tracked by OID (so dropped and renamed relations are still reported under their fixture name).
Relations the statement creates are not reported. A relation is rewritten when it ends with a
different, non-empty relfilenode (TRUNCATE gives tables an empty one: reported as truncated, not
rewritten; the indexes of a truncated table are not reported as rebuilt).
"""
import argparse
import json
import os
import sys
import threading
import time

import psycopg2
import psycopg2.extensions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import catalogue  # noqa: E402

MODES = ["AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock", "ShareLock",
         "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"]
RANK = {m: i for i, m in enumerate(MODES)}
SCHEMAS = ("public", "app")
FIXTURE_DB = "zl_fixture"
WORK_DB = "zl_work"

REL_QUERY = """
SELECT c.oid, CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END,
       c.relkind, c.relfilenode,
       (SELECT CASE WHEN tn.nspname = 'public' THEN t.relname ELSE tn.nspname || '.' || t.relname END
          FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
         WHERE i.indexrelid = c.oid),
       (SELECT CASE WHEN pn.nspname = 'public' THEN p.relname ELSE pn.nspname || '.' || p.relname END
          FROM pg_inherits h JOIN pg_class p ON p.oid = h.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
         WHERE h.inhrelid = c.oid LIMIT 1)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('public', 'app') AND c.relkind IN ('r', 'p', 'i', 'I', 'm', 'S', 'v', 'f')
"""
LOCK_QUERY = """
SELECT l.relation::bigint, l.mode, l.granted FROM pg_locks l
 WHERE l.locktype = 'relation' AND l.pid = %s
   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


def connect(db, autocommit=True):
    conn = psycopg2.connect(dbname=db)
    conn.autocommit = autocommit
    return conn


def relations(cur):
    cur.execute(REL_QUERY)
    rels = {}
    for oid, name, kind, filenode, table, parent in cur.fetchall():
        rels[oid] = {"name": name, "kind": kind, "filenode": filenode, "table": table, "parent": parent}
    return rels


def lock_rows(cur, pid):
    cur.execute(LOCK_QUERY, (pid,))
    return cur.fetchall()


class Observation:
    def __init__(self, before):
        self.before = before  # oid -> relation info
        self.modes = {}  # name -> set of modes
        self.waiting = {}  # name -> set of modes requested but not granted
        self.new_relations = 0
        self.snapshots = 0

    def add(self, rows):
        self.snapshots += 1
        for oid, mode, granted in rows:
            rel = self.before.get(oid)
            if rel is None:
                self.new_relations += 1
                continue
            self.modes.setdefault(rel["name"], set()).add(mode)
            if not granted:
                self.waiting.setdefault(rel["name"], set()).add(mode)

    def strongest(self):
        return {name: max(modes, key=RANK.get) for name, modes in sorted(self.modes.items())}


def relfilenode_changes(cur, before):
    """Relations of `before` whose storage changed: (rewritten, truncated, indexes_rebuilt)."""
    after = relations(cur)
    by_name = {r["name"]: (oid, r) for oid, r in after.items()}
    changed = []
    for oid, rel in before.items():
        if rel["kind"] in ("v", "p", "I", "S", "f"):
            continue  # no storage of their own (sequences: nextval never rewrites)
        now = after.get(oid)
        if now is None:  # dropped, or replaced under the same name (REINDEX CONCURRENTLY)
            match = by_name.get(rel["name"])
            if match is None or match[1]["kind"] != rel["kind"]:
                continue
            new_oid, now = match
        else:
            new_oid = oid
        if now["filenode"] != rel["filenode"]:
            changed.append((rel, new_oid))
    rewritten, truncated, rebuilt = [], [], []
    for rel, new_oid in changed:
        cur.execute("SELECT pg_relation_size(%s::oid::regclass)", (new_oid,))
        size = cur.fetchone()[0]
        if rel["kind"] in ("r", "m"):
            (rewritten if size > 0 else truncated).append(rel["name"])
    for rel, new_oid in changed:
        if rel["kind"] == "i" and rel["table"] not in truncated:
            rebuilt.append(rel["name"])
    return sorted(rewritten), sorted(truncated), sorted(rebuilt)


def scans(cur, before):
    cur.execute("""SELECT relid::bigint, seq_scan, coalesce(idx_scan, 0) FROM pg_stat_xact_user_tables
                   WHERE seq_scan > 0 OR idx_scan > 0""")
    out = {}
    for oid, seq, idx in cur.fetchall():
        if oid in before:
            out[before[oid]["name"]] = {"seq_scan": seq, "idx_scan": idx}
    return out


def scan_delta(before, after):
    """Tables the statement scanned: pending per-transaction counters grew (sequential or index)."""
    out = {}
    for name, counts in after.items():
        prior = before.get(name, {"seq_scan": 0, "idx_scan": 0})
        delta = {k: counts[k] - prior[k] for k in counts if counts[k] - prior[k] > 0}
        if delta:
            out[name] = delta
    return out


def result(entry, obs, error, changes, scanned=None):
    rewritten, truncated, rebuilt = changes if changes else ([], [], [])
    return {
        "id": entry.id,
        "sql": entry.sql,
        "mode": entry.mode,
        "setup": entry.setup,
        "error": error,
        "locks": obs.strongest(),
        "all_modes": {k: sorted(v, key=RANK.get) for k, v in sorted(obs.modes.items())},
        "waiting": {k: sorted(v, key=RANK.get) for k, v in sorted(obs.waiting.items())},
        "rewritten": rewritten,
        "truncated": truncated,
        "indexes_rebuilt": rebuilt,
        "scanned": scanned,
        "snapshots": obs.snapshots,
    }


def observe_tx(conn, entry, before):
    cur = conn.cursor()
    obs = Observation(before)
    error = None
    changes = None
    scanned = None
    try:
        cur.execute("BEGIN")
        scans_before = scans(cur, before)
        cur.execute(entry.sql)
        obs.add(lock_rows(cur, conn.get_backend_pid()))
        scanned = scan_delta(scans_before, scans(cur, before))
        changes = relfilenode_changes(cur, before)
    except psycopg2.Error as e:
        error = (e.pgerror or str(e)).strip()
    finally:
        cur.execute("ROLLBACK")
    return result(entry, obs, error, changes, scanned)


class Runner(threading.Thread):
    def __init__(self, conn, sql):
        super().__init__(daemon=True)
        self.conn, self.sql, self.error = conn, sql, None

    def run(self):
        try:
            self.conn.cursor().execute(self.sql)
        except psycopg2.Error as e:
            self.error = (e.pgerror or str(e)).strip()


def fresh_db(admin, name):
    cur = admin.cursor()
    cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    cur.execute(f"CREATE DATABASE {name} TEMPLATE {FIXTURE_DB} STRATEGY FILE_COPY")


def observe_fresh(admin, entry, number):
    """Entries with setup or in autocommit mode: a fresh copy of the fixture each."""
    db = f"zl_copy_{number % 2}"
    fresh_db(admin, db)
    b = connect(db)
    try:
        bcur = b.cursor()
        for s in entry.setup:
            bcur.execute(s)
        before = relations(bcur)
        if entry.mode == "tx":
            a = connect(db)
            try:
                for s in entry.session:
                    a.cursor().execute(s)
                return observe_tx(a, entry, before)
            finally:
                a.close()
        return observe_autocommit(db, b, entry, before)
    finally:
        b.close()
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def observe_autocommit(db, b, entry, before):
    bcur = b.cursor()
    blocker = None
    if entry.blocker:
        blocker = connect(db, autocommit=False)
        blocker.cursor().execute(entry.blocker)
    a = connect(db)
    for s in entry.session:
        a.cursor().execute(s)
    a.cursor().execute("SET synchronous_commit = on")
    pid = a.get_backend_pid()
    obs = Observation(before)
    runner = Runner(a, entry.sql)
    runner.start()
    last_cancel = 0.0
    deadline = time.monotonic() + 120
    try:
        while runner.is_alive():
            if time.monotonic() > deadline:
                bcur.execute("SELECT pg_cancel_backend(%s)", (pid,))
                raise RuntimeError(f"{entry.id}: did not finish in 120 s")
            obs.add(lock_rows(bcur, pid))
            bcur.execute("SELECT wait_event_type, wait_event FROM pg_stat_activity WHERE pid = %s", (pid,))
            row = bcur.fetchone()
            wait_type, wait = row if row else (None, None)
            if wait == "SyncRep":
                # A cancel takes microseconds to act; a wait still seen 0.3 s after a cancel is the next one.
                if time.monotonic() - last_cancel > 0.3:
                    obs.add(lock_rows(bcur, pid))
                    bcur.execute("SELECT pg_cancel_backend(%s)", (pid,))
                    last_cancel = time.monotonic()
            elif wait_type == "Lock" and blocker is not None:
                obs.add(lock_rows(bcur, pid))
                blocker.rollback()
                blocker.close()
                blocker = None
            time.sleep(0.0005)
        runner.join()
    finally:
        if blocker is not None:
            blocker.close()
        a.close()
    changes = relfilenode_changes(bcur, before) if runner.error is None else None
    return result(entry, obs, runner.error, changes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-o", "--output", default="observed.json")
    parser.add_argument("--only", default="", help="comma-separated entry ids")
    args = parser.parse_args()
    started = time.monotonic()
    # Pinned so that observations do not depend on the host: timestamp -> timestamptz is binary
    # compatible only when the session time zone is UTC (an entry's @session may change it).
    os.environ["PGTZ"] = "UTC"
    entries = catalogue.load()
    if args.only:
        wanted = set(args.only.split(","))
        entries = [e for e in entries if e.id in wanted]

    admin = connect("postgres")
    acur = admin.cursor()
    acur.execute("SELECT current_setting('server_version'), current_setting('synchronous_standby_names')")
    version, standby = acur.fetchone()
    if not standby and any(e.mode == "autocommit" for e in entries):
        sys.exit("observe: synchronous_standby_names must name a standby that never connects "
                 "(scratch_cluster.sh -c synchronous_standby_names=zerolock_never)")
    for db in (WORK_DB, FIXTURE_DB):
        acur.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    acur.execute(f"CREATE DATABASE {FIXTURE_DB}")
    fx = connect(FIXTURE_DB)
    fx.cursor().execute(catalogue.fixture_sql())
    fixture_rels = relations(fx.cursor())
    fx.close()
    acur.execute(f"CREATE DATABASE {WORK_DB} TEMPLATE {FIXTURE_DB} STRATEGY FILE_COPY")

    work = connect(WORK_DB)
    before = relations(work.cursor())
    results = []
    for number, entry in enumerate(entries):
        if entry.mode == "tx" and not entry.setup and not entry.session:
            results.append(observe_tx(work, entry, before))
        else:
            results.append(observe_fresh(admin, entry, number))
        r = results[-1]
        print(f"{entry.id:45} {'ERROR ' + r['error'].splitlines()[0] if r['error'] else r['locks']}"
              f"{' rewrite ' + ','.join(r['rewritten']) if r['rewritten'] else ''}", file=sys.stderr)
    work.close()
    acur.execute(f"DROP DATABASE IF EXISTS {WORK_DB} WITH (FORCE)")

    out = {
        "postgres": version,
        "fixture_relations": {r["name"]: {"kind": r["kind"], "table": r["table"], "parent": r["parent"]}
                              for r in sorted(fixture_rels.values(), key=lambda r: r["name"])},
        "statements": results,
    }
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, sort_keys=False)
        f.write("\n")
    errors = [r for r in results if r["error"]]
    print(f"observe: {len(results)} statements ({len(errors)} failed) in {time.monotonic() - started:.1f} s "
          f"-> {args.output}", file=sys.stderr)
    for r in errors:
        print(f"observe: {r['id']} failed: {r['error'].splitlines()[0]}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
