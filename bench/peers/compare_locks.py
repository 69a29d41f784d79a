#!/usr/bin/python3
"""Lock accuracy of squawk, pgfence and zerolock against what PostgreSQL 15 really did.

    /usr/bin/python3 bench/peers/compare_locks.py --observed observed.json --zerolock build/zerolock \
        --squawk PATH --pgfence PATH [--json results.json] [--markdown table.md]
    /usr/bin/python3 bench/peers/compare_locks.py --self-test bench/peers/fixture

Normally run through bench/peers/compare_locks.sh, which installs the peers and produces the
observation. The questions and what counts as correct are defined in bench/peers/README.md:

  exact      per relation: the strongest mode on every compared relation and the rewrite flag,
             exactly the rule of tests/pg_locks/compare.py (tools that name relations and modes)
  strongest  the strongest mode the statement takes on any relation that existed before it, and
             the rewrite flag (every tool that states a mode, named relation or not)
  danger     does the tool flag the statement exactly when it takes a lock that blocks reads or
             writes (SHARE or stronger) of an existing relation, or rewrites one

Every tool sees one file per catalogue entry: the entry's @session statements, then the statement.
zerolock is run twice: on that file alone, and (as tests/pg_locks/compare.py does) after the
fixture schema and the entry's setup, the way it sees earlier migrations of a project.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "pg_locks"))
import catalogue  # noqa: E402
import compare  # noqa: E402  (the lock comparison rule of the pg_locks proof, reused as is)

RANK, NAMES, fold, mode_name = compare.RANK, compare.NAMES, compare.fold, compare.mode_name
SHARE = RANK["SHARE"]  # SHARE and every stronger mode conflict with ROW EXCLUSIVE: they block writes

# squawk rules that are not about locks or rewrites (style, robustness, timeouts): they do not
# count as "squawk flags this statement as dangerous".
SQUAWK_NOT_LOCK_RULES = {
    "prefer-robust-stmts", "prefer-bigint-over-int", "prefer-bigint-over-smallint", "prefer-identity",
    "prefer-text-field", "prefer-timestamptz", "ban-char-field", "require-statement-timeout",
    "require-enum-value-ordering", "ban-create-domain-with-constraint", "require-table-schema",
    "transaction-nesting", "ban-uncommitted-transaction", "ban-alter-domain-with-add-constraint",
}
SQUAWK_LOCK_TIMEOUT_RULE = "require-lock-timeout"
_SQUAWK_MODE = re.compile(r"Statement requires: ([A-Z ]+?) lock")
# pgfence messages that assert a rewrite ("causes table rewrite", "rewrites the entire table");
# conditional ones ("Narrowing causes a table rewrite", "metadata-only ... no table rewrite",
# "Changing column type later requires ... table rewrite") do not.
_PGFENCE_REWRITE = re.compile(r"causes (?:a )?(?:full )?table rewrite|\brewrites (?:the entire )?table", re.I)
_PGFENCE_CONDITIONAL = re.compile(r"safe if|narrowing causes|metadata-only|no table rewrite|later requires", re.I)


# ----------------------------------------------------------------------------------- parsing

def parse_squawk(report, start_lines):
    """squawk --reporter json output -> {entry id: {"mode", "rewrite", "warns", "warns_rules", "rules"}}.

    `start_lines`: {entry id: 0-based line where the statement starts in its file}. squawk names no
    relation: its lock mode is the one `require-lock-timeout` states ("Statement requires: X lock")."""
    out = {i: {"mode": None, "rewrite": False, "warns": False, "warns_rules": False, "rules": []}
           for i in start_lines}
    for v in report:
        entry = os.path.splitext(os.path.basename(v["file"]))[0]
        if entry not in out or v.get("line", 0) < start_lines[entry]:
            continue
        p, rule = out[entry], v["rule_name"]
        p["rules"].append(rule)
        if rule == SQUAWK_LOCK_TIMEOUT_RULE:
            text = (v.get("message") or "") + " " + (v.get("help") or "")
            m = _SQUAWK_MODE.search(text)
            mode = mode_name(m.group(1)) if m else "unstated"
            if p["mode"] is None or (mode in RANK and (p["mode"] not in RANK or RANK[mode] > RANK[p["mode"]])):
                p["mode"] = mode
            if mode in RANK and RANK[mode] >= SHARE:
                p["warns"] = True
            continue
        if rule in SQUAWK_NOT_LOCK_RULES:
            continue
        p["warns"] = p["warns_rules"] = True
        # A rewrite is claimed when the message's first sentence says so ("requires a table rewrite",
        # "while that table is rewritten"); later sentences carry caveats ("can be added without a rewrite").
        if "rewrit" in (v.get("message") or "").split(". ")[0].lower():
            p["rewrite"] = True
    return out


def parse_pgfence(report, fixture_rels):
    """pgfence analyze --output json -> {entry id: {"locks", "rewrite", "rules"}} (one check names one
    table and one lock mode)."""
    out = {}
    for result in report.get("results", []):
        entry = os.path.splitext(os.path.basename(result["filePath"]))[0]
        p = out.setdefault(entry, {"locks": {}, "rewrite": False, "rules": []})
        for c in result.get("checks", []):
            p["rules"].append(c.get("ruleId", "?"))
            mode, table = mode_name(c.get("lockMode")), c.get("tableName")
            if mode in RANK and table:
                rel = fold(table)
                if rel not in p["locks"] or RANK[mode] > RANK[p["locks"][rel]]:
                    p["locks"][rel] = mode
            message = c.get("message", "")
            if _PGFENCE_REWRITE.search(message) and not _PGFENCE_CONDITIONAL.search(message):
                p["rewrite"] = True
    return out


# ----------------------------------------------------------------------------------- judging

def observed_top(obs):
    modes = [compare.PG_TO_NAME[m] for m in obs["locks"].values()]
    return max(modes, key=RANK.get) if modes else None


def observed_rewrite(obs):
    return bool(obs["rewritten"] or obs["indexes_rebuilt"])


def top_of(locks, fixture_rels):
    """Strongest mode over the relations that existed before the statement."""
    modes = [m for rel, m in locks.items() if rel in fixture_rels]
    return max(modes, key=RANK.get) if modes else None


def judge(entry, obs, tool, pred, fixture_rels):
    """-> {"exact": bool|None, "strongest": bool, "danger": bool, "flagged": bool, "why": str}."""
    truth_top, truth_rw = observed_top(obs), observed_rewrite(obs)
    truth_danger = truth_rw or (truth_top is not None and RANK[truth_top] >= SHARE)
    v = {"exact": None}
    if "locks" in pred:
        rows, _ = compare.compare(entry, obs, {"locks": pred["locks"], "rewrite": pred["rewrite"]}, fixture_rels)
        v["exact"] = not rows
        top = top_of(pred["locks"], fixture_rels)
        flagged = pred["rewrite"] or (top is not None and RANK[top] >= SHARE)
    else:  # squawk
        top = pred["mode"]
        flagged = pred["warns_rules"] if tool == "squawk (rule warnings only)" else pred["warns"]
    v["strongest"] = top == truth_top and pred["rewrite"] == truth_rw
    v["flagged"] = flagged
    v["danger"] = flagged == truth_danger
    v["truth"] = {"top": truth_top, "rewrite": truth_rw, "danger": truth_danger}
    v["said"] = {"top": top, "rewrite": pred["rewrite"]}
    return v


def sections(path=catalogue.CATALOGUE):
    """{entry id: category}: the `-- ===== name =====` header above each entry in catalogue.sql."""
    current, out = "", {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^--\s*=+\s*(.*?)\s*=+\s*$", line)
            if m:
                current = m.group(1)
                continue
            m = re.match(r"^--\s*@id\s+(\S+)", line)
            if m:
                out[m.group(1)] = current
    return out


# ----------------------------------------------------------------------------------- running

def statement_file(entry):
    sql = entry.sql.rstrip()
    sessions = "".join(s.rstrip().rstrip(";") + ";\n" for s in entry.session)
    return sessions, sessions + sql + ("" if sql.endswith(";") else ";") + "\n"


def run(cmd, ok=(0, 1)):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode not in ok or not proc.stdout.strip():
        sys.exit(f"compare_locks: {' '.join(cmd[:3])} ... failed with status {proc.returncode}:\n{proc.stderr[-3000:]}")
    return proc.stdout


def version(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    words = (proc.stdout or proc.stderr).split()
    return words[-1] if words else "?"


def predictions(args, entries, fixture_rels, workdir):
    alone = os.path.join(workdir, "alone")
    os.makedirs(alone)
    paths, starts = [], {}
    for e in entries:
        prefix, text = statement_file(e)
        starts[e.id] = prefix.count("\n")
        paths.append(os.path.join(alone, e.id + ".sql"))
        with open(paths[-1], "w", encoding="utf-8") as f:
            f.write(text)
    preds, versions = OrderedDict(), OrderedDict()

    zl_context = compare.run_zerolock(args.zerolock, entries, os.path.join(workdir, "context"))
    zl_alone = compare.run_zerolock(args.zerolock, entries, alone, fixture=False)
    versions["zerolock"] = version([args.zerolock, "--version"])
    preds["zerolock (after the fixture schema)"] = zl_context
    preds["zerolock (statement alone)"] = zl_alone

    if args.pgfence:
        out = run([args.pgfence, "analyze", "--format", "sql", "--output", "json", "--min-pg-version",
                   str(args.pg_version), *paths])
        preds["pgfence"] = parse_pgfence(json.loads(out), fixture_rels)
        versions["pgfence"] = version([args.pgfence, "--version"])
    if args.squawk:
        out = run([args.squawk, "--reporter", "json", "--pg-version", f"{args.pg_version}.0", *paths])
        sq = parse_squawk(json.loads(out), starts)
        preds["squawk"] = sq
        preds["squawk (rule warnings only)"] = sq
        versions["squawk"] = version([args.squawk, "--version"])
    return preds, versions


def evaluate(entries, obs_by_id, fixture_rels, preds):
    verdicts = OrderedDict()
    for tool, by_id in preds.items():
        verdicts[tool] = {}
        for e in entries:
            pred = by_id.get(e.id)
            if pred is None or "error" in pred:
                pred = {"locks": {}, "rewrite": False} if "zerolock" in tool or tool == "pgfence" else \
                    {"mode": None, "rewrite": False, "warns": False, "warns_rules": False}
            verdicts[tool][e.id] = judge(e, obs_by_id[e.id], tool, pred, fixture_rels)
    return verdicts


def report(entries, verdicts, versions, markdown=None):
    cats = sections()
    order = list(OrderedDict.fromkeys(cats[e.id] for e in entries))
    n = len(entries)
    lines = []
    w = max(len(t) for t in verdicts)
    head = f"{'tool':{w}}  {'version':8}  {'exact':>9}  {'strongest':>9}  {'danger':>9}  {'missed':>6}  {'false alarm':>11}"
    lines.append(head)
    md = ["| tool | version | exact (per relation + rewrite) | strongest mode + rewrite | dangerous or not | missed | false alarms |",
          "|---|---|---|---|---|---|---|"]
    for tool, vs in verdicts.items():
        base = tool.split(" ")[0]
        ex = [v["exact"] for v in vs.values()]
        exact = "n/a" if all(x is None for x in ex) else f"{sum(bool(x) for x in ex)}/{n}"
        strongest = f"{sum(v['strongest'] for v in vs.values())}/{n}"
        danger = f"{sum(v['danger'] for v in vs.values())}/{n}"
        missed = sum(v["truth"]["danger"] and not v["flagged"] for v in vs.values())
        false = sum(v["flagged"] and not v["truth"]["danger"] for v in vs.values())
        lines.append(f"{tool:{w}}  {versions.get(base, '?'):8}  {exact:>9}  {strongest:>9}  {danger:>9}  {missed:>6}  {false:>11}")
        md.append(f"| {tool} | {versions.get(base, '?')} | {exact} | {strongest} | {danger} | {missed} | {false} |")
    dangerous = sum(v["truth"]["danger"] for v in next(iter(verdicts.values())).values())
    lines.append(f"({n} statements, {dangerous} of them dangerous on PostgreSQL 15)")
    lines.append("")
    tools = list(verdicts)
    short = {t: t.replace("zerolock (after the fixture schema)", "zerolock+schema")
             .replace("zerolock (statement alone)", "zerolock alone")
             .replace("squawk (rule warnings only)", "squawk rules") for t in tools}
    cw = max(len(c) for c in order) + 6
    lines.append("by category: exact / strongest / danger correct")
    lines.append(f"{'category':{cw}}" + "".join(f"  {short[t]:>16}" for t in tools))
    md += ["", "By category (exact / strongest / danger correct, of the statements in the category):", "",
           "| category | " + " | ".join(short[t] for t in tools) + " |",
           "|---|" + "---|" * len(tools)]
    for c in order:
        ids = [e.id for e in entries if cats[e.id] == c]
        cells = []
        for t in tools:
            vs = [verdicts[t][i] for i in ids]
            ex = "-" if vs[0]["exact"] is None else str(sum(bool(v["exact"]) for v in vs))
            cells.append(f"{ex}/{sum(v['strongest'] for v in vs)}/{sum(v['danger'] for v in vs)}")
        label = f"{c} ({len(ids)})"
        lines.append(f"{label:{cw}}" + "".join(f"  {x:>16}" for x in cells))
        md.append(f"| {label} | " + " | ".join(cells) + " |")
    text = "\n".join(lines)
    print(text)
    if markdown:
        with open(markdown, "w", encoding="utf-8") as f:
            f.write("\n".join(md) + "\n")
    return text


# ----------------------------------------------------------------------------------- self test

def self_test(folder):
    """Parses captured squawk / pgfence output (folder/squawk.json, folder/pgfence.json), judges it
    against folder/observed.json and checks the verdicts written by hand in folder/expected.json."""
    with open(os.path.join(folder, "observed.json"), encoding="utf-8") as f:
        observed = json.load(f)
    with open(os.path.join(folder, "expected.json"), encoding="utf-8") as f:
        expected = json.load(f)
    fixture_rels = observed["fixture_relations"]
    obs_by_id = {s["id"]: s for s in observed["statements"]}
    entries = [e for e in catalogue.load() if e.id in obs_by_id]
    missing = set(obs_by_id) - {e.id for e in entries}
    if missing:
        print(f"self-test: ids not in the catalogue: {sorted(missing)}")
        return 1
    starts = {e.id: statement_file(e)[0].count("\n") for e in entries}
    with open(os.path.join(folder, "squawk.json"), encoding="utf-8") as f:
        sq = parse_squawk(json.load(f), starts)
    with open(os.path.join(folder, "pgfence.json"), encoding="utf-8") as f:
        pf = parse_pgfence(json.load(f), fixture_rels)
    verdicts = evaluate(entries, obs_by_id, fixture_rels,
                        OrderedDict([("pgfence", pf), ("squawk", sq), ("squawk (rule warnings only)", sq)]))
    failures = 0
    for tool, by_id in expected.items():
        for entry_id, want in by_id.items():
            got = verdicts[tool][entry_id]
            for key, value in want.items():
                have = got["said"][key] if key in ("top", "rewrite") else got[key]
                if have != value:
                    failures += 1
                    print(f"self-test: {tool} {entry_id} {key}: expected {value!r}, got {have!r}")
    checked = sum(len(w) for by_id in expected.values() for w in by_id.values())
    print(f"self-test: {checked - failures}/{checked} expectations hold")
    return 1 if failures or not checked else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--observed", help="observed.json of tests/pg_locks/observe.py")
    parser.add_argument("--zerolock", default=os.path.join(ROOT, "build", "zerolock"))
    parser.add_argument("--squawk", help="squawk binary (squawk-cli)")
    parser.add_argument("--pgfence", help="pgfence binary (@flvmnt/pgfence)")
    parser.add_argument("--pg-version", type=int, default=15, help="told to the peers (the observation is PostgreSQL 15)")
    parser.add_argument("--json", help="write every verdict here")
    parser.add_argument("--markdown", help="write the tables as markdown here")
    parser.add_argument("--self-test", metavar="FOLDER", help="check the peer output parsing on a captured fixture")
    args = parser.parse_args()
    if args.self_test:
        return self_test(args.self_test)
    if not args.observed:
        parser.error("--observed is required")
    with open(args.observed, encoding="utf-8") as f:
        observed = json.load(f)
    fixture_rels = observed["fixture_relations"]
    obs_by_id = {s["id"]: s for s in observed["statements"] if not s["error"]}
    entries = [e for e in catalogue.load() if e.id in obs_by_id]
    with tempfile.TemporaryDirectory(prefix="zerolock-peers.") as workdir:
        preds, versions = predictions(args, entries, fixture_rels, workdir)
    verdicts = evaluate(entries, obs_by_id, fixture_rels, preds)
    report(entries, verdicts, versions, args.markdown)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"versions": versions, "postgres": observed.get("postgres"),
                       "verdicts": verdicts,
                       "predictions": {t: p for t, p in preds.items()}}, f, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
