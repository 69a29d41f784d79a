#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build, and lint the shipped examples.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
echo "== zerolock check examples/" >&2
# Exit status 1 only means "error-level findings", which the examples are there to show.
build/zerolock check examples/ || [ $? -eq 1 ]
