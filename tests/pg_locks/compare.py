#!/usr/bin/python3
"""Compares `zerolock locks --format json` with what PostgreSQL 15 really did (observed.json).

    /usr/bin/python3 tests/pg_locks/compare.py --zerolock build/zerolock --observed observed.json

Each catalogue entry becomes one file: fixture.sql, then the entry's setup statements, its
@session statements (SET TimeZone ...), then the statement; zerolock thus knows the fixture's column types (binary-compatible type changes) exactly
as it would from earlier migrations. Only zerolock's statements that start at or after the
entry's statement are used (merged when zerolock splits it).

Comparison rule (README.md, "Comparison rule"):
  * Relation names are compared folded to lower case, quotes removed, `public.` dropped.
  * The compared relations of a statement are
      - the fixture relations the statement names (identifier tokens outside string literals,
        dollar-quoted bodies and comments),
      - the table of every fixture index it names (DROP INDEX locks the table too),
      - every fixture relation zerolock reports.
    Relations the statement creates are not compared (they did not exist before it).
  * For each compared relation, zerolock's strongest mode must equal the strongest mode the
    server held or requested (no lock on either side counts as the mode "none").
  * zerolock's `rewrite` must equal the observation: some fixture table, materialized view or
    index ended with a new, non-empty relfilenode (a truncation is not a rewrite).
  * Not compared (printed as notes; --strict makes them failures): strong locks (SHARE ROW
    EXCLUSIVE or stronger) the server took on fixture tables the statement does not name and
    which are not partitions / inheritance children of a named table (FK partners dropped or
    altered with the statement, CASCADE targets) -- zerolock can only know them from a schema.
    The `scan` flag is reported beside the observed sequential scans but not compared.
  * Entries the server rejected (observe error) are skipped.
Exit status 0 when every compared entry matches, 1 otherwise.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import catalogue  # noqa: E402

PG_MODES = ["AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock", "ShareLock",
            "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"]
NAMES = ["ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE",
         "EXCLUSIVE", "ACCESS EXCLUSIVE"]
RANK = {n: i for i, n in enumerate(NAMES)}
PG_TO_NAME = dict(zip(PG_MODES, NAMES))
STRONG = RANK["SHARE ROW EXCLUSIVE"]


def mode_name(mode):
    """Any spelling ("AccessExclusiveLock", "ACCESS EXCLUSIVE", "access_exclusive") -> "ACCESS EXCLUSIVE"."""
    if mode is None:
        return None
    if mode in PG_TO_NAME:
        return PG_TO_NAME[mode]
    m = mode.strip().upper().replace("_", " ")
    m = re.sub(r"\s+LOCK$", "", m)
    if m in RANK:
        return m
    spaced = re.sub(r"(?<!^)(?=[A-Z])", " ", mode.strip().replace("Lock", "")).upper()
    return spaced if spaced in RANK else m


def fold(name):
    name = name.strip().replace('"', "").lower()
    return name[len("public."):] if name.startswith("public.") else name


_STRIP = re.compile(r"\$(\w*)\$.*?\$\1\$|'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", re.S)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def named_tokens(sql):
    return {t.lower() for t in _IDENT.findall(_STRIP.sub(" ", sql))}


def run_zerolock(zerolock, entries, workdir, fixture=True):
    """Writes one file per entry, runs zerolock once, returns {id: merged prediction or error}.

    A file holds the fixture and the entry's setup (unless `fixture` is false), the entry's @session
    statements (SET TimeZone ... is part of the migration: zerolock reads it), then the statement."""
    os.makedirs(workdir, exist_ok=True)
    schema = catalogue.fixture_sql().rstrip() + "\n" if fixture else ""
    paths, starts = [], {}
    for e in entries:
        text = schema + "".join(s.rstrip().rstrip(";") + ";\n" for s in (e.setup if fixture else []))
        text += "".join(s.rstrip().rstrip(";") + ";\n" for s in e.session)
        starts[e.id] = text.count("\n")  # 0-based line of the statement
        sql = e.sql.rstrip()
        text += sql + ("" if sql.endswith(";") else ";") + "\n"
        path = os.path.join(workdir, e.id + ".sql")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        paths.append(path)
    proc = subprocess.run([zerolock, "locks", "--format", "json", *paths], capture_output=True, text=True)
    if proc.returncode not in (0, 1) or not proc.stdout.strip():
        sys.exit(f"compare: `zerolock locks` failed with status {proc.returncode}:\n{proc.stderr[-4000:]}")
    report = json.loads(proc.stdout)
    by_path = {os.path.realpath(f["path"]): f for f in report.get("files", [])}
    predictions = {}
    for e, path in zip(entries, paths):
        f = by_path.get(os.path.realpath(path))
        if f is None:
            predictions[e.id] = {"error": "zerolock reported no such file"}
            continue
        stmts = [s for s in f.get("statements", []) if s["range"]["start"]["line"] >= starts[e.id]]
        if not stmts:
            predictions[e.id] = {"error": "zerolock reported no statement"}
            continue
        locks = {}
        for s in stmts:
            for lock in s.get("locks", []):
                rel, mode = fold(lock["relation"]), mode_name(lock["mode"])
                if mode is None or mode not in RANK:
                    continue
                if rel not in locks or RANK[mode] > RANK[locks[rel]]:
                    locks[rel] = mode
        predictions[e.id] = {
            "locks": locks,
            "rewrite": any(s.get("rewrite", False) for s in stmts),
            "scan": any(s.get("scan", False) for s in stmts),
        }
    return predictions


def compare(entry, obs, pred, fixture_rels):
    """Returns (mismatch rows, notes)."""
    observed = {rel: PG_TO_NAME[mode] for rel, mode in obs["locks"].items()}
    tokens = named_tokens(entry.sql)
    named = {rel for rel in fixture_rels if rel.split(".")[-1] in tokens}
    compared = set(named)
    for rel in named:
        info = fixture_rels[rel]
        if info["kind"] in ("i", "I") and info["table"]:
            compared.add(info["table"])
    compared |= {rel for rel in pred["locks"] if rel in fixture_rels}
    rows = []
    for rel in sorted(compared):
        o, p = observed.get(rel), pred["locks"].get(rel)
        if o != p:
            rows.append((rel, p or "-", o or "-"))
    observed_rewrite = bool(obs["rewritten"] or obs["indexes_rebuilt"])
    if observed_rewrite != pred["rewrite"]:
        what = ",".join(obs["rewritten"] + obs["indexes_rebuilt"]) or "none"
        rows.append(("(rewrite)", str(pred["rewrite"]).lower(), f"{str(observed_rewrite).lower()} [{what}]"))
    notes = []
    for rel, mode in sorted(observed.items()):
        info = fixture_rels.get(rel, {})
        if rel in compared or info.get("kind") not in ("r", "p") or RANK[mode] < STRONG:
            continue
        if info.get("parent") and info["parent"] in compared:
            continue  # partitions and inheritance children follow their named parent
        notes.append((rel, mode))
    return rows, notes


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--zerolock", default=os.path.join(root, "build", "zerolock"))
    parser.add_argument("--observed", default="observed.json")
    parser.add_argument("--strict", action="store_true",
                        help="also fail on strong locks of tables the statement does not name")
    parser.add_argument("--json", help="write the per-entry comparison here")
    parser.add_argument("--only", default="", help="comma-separated entry ids")
    parser.add_argument("--known", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "known_mismatches.txt"),
                        help="entry ids that are known not to match yet (one per line, '# reason' allowed); "
                             "they are reported but do not fail, and a known entry that now matches fails "
                             "so the list stays exact")
    args = parser.parse_args()
    known = {}
    if args.known and os.path.exists(args.known):
        with open(args.known, encoding="utf-8") as f:
            for line in f:
                entry, _, reason = line.partition("#")
                if entry.strip():
                    known[entry.strip()] = reason.strip()

    with open(args.observed, encoding="utf-8") as f:
        observed = json.load(f)
    fixture_rels = observed["fixture_relations"]
    obs_by_id = {s["id"]: s for s in observed["statements"]}
    entries = [e for e in catalogue.load() if e.id in obs_by_id]
    if args.only:
        wanted = set(args.only.split(","))
        entries = [e for e in entries if e.id in wanted]
    with tempfile.TemporaryDirectory(prefix="zerolock-compare.") as workdir:
        predictions = run_zerolock(args.zerolock, entries, workdir)

    passed, failed, skipped, known_seen = 0, [], [], []
    all_notes = []
    details = []
    for e in entries:
        obs, pred = obs_by_id[e.id], predictions[e.id]
        if obs["error"]:
            skipped.append((e.id, "server error: " + obs["error"].splitlines()[0]))
            continue
        if "error" in pred:
            failed.append((e.id, [("(zerolock)", pred["error"], "")]))
            continue
        rows, notes = compare(e, obs, pred, fixture_rels)
        if args.strict:
            rows += [(rel, pred["locks"].get(rel, "-"), mode + " (unnamed)") for rel, mode in notes]
        elif notes:
            all_notes.append((e.id, notes))
        details.append({"id": e.id, "ok": not rows, "mismatches": rows, "not_compared": notes,
                        "predicted": pred, "observed": {k: PG_TO_NAME[v] for k, v in obs["locks"].items()},
                        "observed_scans": obs.get("scanned")})
        if rows and e.id in known:
            known_seen.append((e.id, rows))
        elif rows:
            failed.append((e.id, rows))
        elif e.id in known:
            failed.append((e.id, [("(known_mismatches.txt)", "now matches", "remove it from the list")]))
        else:
            passed += 1

    if failed:
        w = max(len(i) for i, _ in failed)
        print(f"{'statement':{w}}  {'relation':32} {'zerolock':24} postgresql 15")
        for entry_id, rows in failed:
            for n, (rel, p, o) in enumerate(rows):
                print(f"{entry_id if n == 0 else '':{w}}  {rel:32} {p:24} {o}")
        print()
    if all_notes:
        print("not compared (strong locks on tables the statement does not name; --strict compares them):")
        for entry_id, notes in all_notes:
            print(f"  {entry_id}: " + ", ".join(f"{rel} {mode}" for rel, mode in notes))
        print()
    if known_seen:
        print(f"known mismatches ({len(known_seen)}, see {os.path.basename(args.known)}):")
        for entry_id, rows in known_seen:
            print(f"  {entry_id}: {known[entry_id]}: " + "; ".join(f"{rel} zerolock {p} / postgresql {o}" for rel, p, o in rows))
        print()
    for entry_id, why in skipped:
        print(f"skipped {entry_id}: {why}")
    print(f"{passed} passed, {len(failed)} failed" + (f", {len(skipped)} skipped" if skipped else "")
          + (f", {len(known_seen)} known mismatches" if known_seen else ""))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(details, f, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
