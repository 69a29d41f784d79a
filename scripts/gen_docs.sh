#!/usr/bin/env bash
# Generates docs/rules/<id>.md and the README rule table from the rules' own metadata
# (`zerolock explain`). With --check, fails when the committed docs are stale instead.
# Usage: scripts/gen_docs.sh [--check] [path/to/zerolock]
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
bin=${1:-build/zerolock}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

mkdir -p "$out/rules"
for id in $("$bin" explain --list --format json | python3 -c 'import json,sys; print("\n".join(r["id"] for r in json.load(sys.stdin)))'); do
  "$bin" explain "$id" > "$out/rules/$id.md"
done
table=$("$bin" explain --list --format markdown)
python3 - "$out/README.md" "$table" <<'PY'
import sys, re
readme = open("README.md", encoding="utf-8").read()
begin, end = "<!-- rules:begin -->", "<!-- rules:end -->"
if begin not in readme or end not in readme:
    sys.exit("README.md has no rule table markers")
head, rest = readme.split(begin, 1)
_, tail = rest.split(end, 1)
open(sys.argv[1], "w", encoding="utf-8").write(head + begin + "\n" + sys.argv[2].rstrip("\n") + "\n" + end + tail)
PY

if [ "$check" = 1 ]; then
  status=0
  if ! diff -r "$out/rules" docs/rules > /dev/null 2>&1; then
    echo "docs/rules is stale: run scripts/gen_docs.sh" >&2
    diff -r "$out/rules" docs/rules | head -20 >&2 || true
    status=1
  fi
  if ! diff "$out/README.md" README.md > /dev/null; then
    echo "README.md rule table is stale: run scripts/gen_docs.sh" >&2
    diff "$out/README.md" README.md | head -20 >&2 || true
    status=1
  fi
  [ $status = 0 ] && echo "docs are up to date"
  exit $status
fi
rm -rf docs/rules && mkdir -p docs && cp -r "$out/rules" docs/rules
cp "$out/README.md" README.md
echo "wrote docs/rules/ ($(ls docs/rules | wc -l) rules) and the README rule table"
