#!/usr/bin/env python3
"""Corpus sweep: runs `zerolock check --format json` over every file of ../shared/corpus/<kind>
and reports files, statements, findings and syntax errors by cause. Fails on a crash, a hang
(per-batch timeout) or output that is not the JSON contract. Exit 77 (skip) when the corpus is absent.

usage: sweep.py ZEROLOCK CORPUS_DIR [--summary-json FILE]
"""
import collections
import json
import os
import subprocess
import sys

BATCH = 50
TIMEOUT_PER_FILE = 10  # seconds; a batch gets BATCH times this


def files_under(root):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith((".sql", ".py", ".xml", ".yaml", ".yml", ".json")):
                out.append(os.path.join(dirpath, name))
    return out


def run(binary, paths):
    proc = subprocess.run([binary, "check", "--format", "json", "--no-config", "-q", *paths],
                          capture_output=True, timeout=TIMEOUT_PER_FILE * len(paths))
    return proc


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    binary, root = sys.argv[1], sys.argv[2]
    if not os.path.isdir(root):
        print(f"corpus not found at {root}: skipped")
        return 77
    files = files_under(root)
    stats = collections.Counter()
    causes = collections.Counter()
    failures = []
    rules = collections.Counter()
    # Per format (the JSON report's "format"): files, statements, files with syntax errors, causes.
    per_format = collections.defaultdict(lambda: {"files": 0, "statements": 0, "files_with_syntax_errors": 0,
                                                  "syntax_errors_by_cause": collections.Counter()})
    for i in range(0, len(files), BATCH):
        batch = files[i:i + BATCH]
        try:
            proc = run(binary, batch)
        except subprocess.TimeoutExpired:
            failures.append(f"timeout in batch starting at {batch[0]}")
            continue
        if proc.returncode not in (0, 1, 2) or not proc.stdout:
            # Find the culprit file by file.
            for f in batch:
                p = run(binary, [f])
                if p.returncode not in (0, 1, 2):
                    failures.append(f"{f}: exit status {p.returncode}: {p.stderr.decode(errors='replace')[-300:]}")
            continue
        report = json.loads(proc.stdout)
        for entry in report["files"]:
            stats["files"] += 1
            diags = entry["diagnostics"]
            syntax = [d for d in diags if d["rule"] == "syntax-error"]
            fmt = per_format[entry.get("format", "?")]
            fmt["files"] += 1
            fmt["statements"] += entry.get("statements", 0)
            stats["statements"] += entry.get("statements", 0)
            if syntax:
                fmt["files_with_syntax_errors"] += 1
            for d in syntax:
                fmt["syntax_errors_by_cause"][d["message"].split(" at or near")[0][:120]] += 1
            unsupported = [d for d in diags if d["rule"] == "unsupported-format"]
            if unsupported:
                stats["files not analysed (format)"] += 1
            elif syntax:
                stats["files with syntax errors"] += 1
                for d in syntax:
                    causes[d["message"].split(" at or near")[0]] += 1
            else:
                stats["files parsed cleanly"] += 1
            for d in diags:
                rules[d["rule"]] += 1
    by_format = {name: dict(v, syntax_errors_by_cause=dict(v["syntax_errors_by_cause"].most_common()))
                 for name, v in sorted(per_format.items())}
    summary = {"files": stats["files"], "statements": stats["statements"], "by_format": by_format,
               "parsed_cleanly": stats["files parsed cleanly"],
               "with_syntax_errors": stats["files with syntax errors"],
               "not_analysed": stats["files not analysed (format)"],
               "syntax_error_causes": dict(causes.most_common()), "findings_by_rule": dict(rules.most_common()),
               "failures": failures}
    print(json.dumps(summary, indent=2))
    if "--summary-json" in sys.argv:
        with open(sys.argv[sys.argv.index("--summary-json") + 1], "w") as f:
            json.dump(summary, f, indent=2)
    for name, v in sorted(per_format.items()):
        print(f"{name}: {v['files']} files, {v['statements']} statements, "
              f"{v['files_with_syntax_errors']} files with syntax errors "
              f"({sum(v['syntax_errors_by_cause'].values())} errors)")
    found = sum(1 for _ in files)
    print(f"{found} files swept, {len(failures)} crashes or hangs")
    print(f"{stats['files'] - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
