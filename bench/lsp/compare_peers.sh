#!/usr/bin/env bash
# Runs the same scripted LSP session (bench/lsp/lsp_latency_bench) against zerolock, squawk and
# postgres-language-server in one run and prints a table with ratios to zerolock.
# The peers are npm packages installed at run time into a cache outside the repository
# (ZEROLOCK_PEERS_DIR, default ~/.cache/zerolock-peers); nothing is committed or vendored.
# usage: bench/lsp/compare_peers.sh [build-dir] [edits] [peer-edits]
# peer-edits (default 10): edits timed for the peers; squawk takes ~25 s per edit of the 1 MB file
# on the 2-core VM, so 200 of them would take over an hour. p50/p99 of fewer edits are noisier.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../../build}"
edits="${2:-200}"
peer_edits="${3:-10}"
bench="$build/bench/lsp/lsp_latency_bench"
zerolock="$build/zerolock"
peers="${ZEROLOCK_PEERS_DIR:-$HOME/.cache/zerolock-peers}"
out="$(mktemp -d /tmp/zerolock-peers-run.XXXXXX)"
[[ -x "$bench" && -x "$zerolock" ]] || { echo "build lsp_latency_bench and zerolock first (in $build)" >&2; exit 2; }

mkdir -p "$peers"
[[ -f "$peers/package.json" ]] || echo '{"private":true}' > "$peers/package.json"
need=()
[[ -d "$peers/node_modules/squawk-cli" ]] || need+=(squawk-cli)
[[ -d "$peers/node_modules/@postgres-language-server/cli" ]] || need+=(@postgres-language-server/cli)
if ((${#need[@]})); then
  command -v npm >/dev/null || { echo "npm is needed to install ${need[*]}" >&2; exit 2; }
  (cd "$peers" && npm install --no-audit --no-fund "${need[@]}" >&2)
fi
# The packages' native binaries, called directly (their node wrappers would add node's start-up
# to every initialize); fall back to the wrappers.
squawk="$(ls "$peers"/node_modules/@squawk-cli/*/bin/squawk 2>/dev/null | head -1 || true)"
[[ -x "$squawk" ]] || squawk="$peers/node_modules/.bin/squawk"
pgls="$(ls "$peers"/node_modules/@postgres-language-server/cli-*/postgres-language-server 2>/dev/null | head -1 || true)"
[[ -x "$pgls" ]] || pgls="$peers/node_modules/.bin/postgres-language-server"

run() {  # name command [bench options]
  echo "== $1: $2" >&2
  "$bench" --name "$1" --server "$2" --workdir "$out/$1" "${@:3}" | tee "$out/$1.log" >&2 || true
}
run zerolock "$zerolock lsp" --edits "$edits"
# squawk server offers pull diagnostics only (diagnosticProvider, no publishDiagnostics).
run squawk "$squawk server" --pull --edits "$peer_edits"
# lsp-proxy talks to a daemon it starts (and that outlives it): stopped afterwards. Its logs go
# to the run directory, not the repository.
run postgres-language-server "$pgls lsp-proxy --log-path=$out/pgls-logs" --edits "$peer_edits"
"$pgls" stop >/dev/null 2>&1 || true

echo
printf '%-26s %12s %12s %12s %12s %12s %8s\n' server initialize_ms open_1MB_ms edit_p50_ms edit_p99_ms rss_100docs_MB diags
read -r _ _ z_init z_open z_p50 z_p99 z_rss _ < <(grep '^RESULT' "$out/zerolock.log" || echo "RESULT x -1 -1 -1 -1 -1 -1")
for name in zerolock squawk postgres-language-server; do
  line="$(grep '^RESULT' "$out/$name.log" 2>/dev/null || echo "RESULT $name -1 -1 -1 -1 -1 -1")"
  read -r _ n init open p50 p99 rss diags <<<"$line"
  printf '%-26s %12s %12s %12s %12s %12s %8s\n' "$n" "$init" "$open" "$p50" "$p99" "$rss" "$diags"
done
echo
echo "ratios (peer / zerolock; -1 means the peer gave no figure: no diagnostics published, or it exited)"
for name in squawk postgres-language-server; do
  line="$(grep '^RESULT' "$out/$name.log" 2>/dev/null || echo "RESULT $name -1 -1 -1 -1 -1 -1")"
  read -r _ n init open p50 p99 rss _ <<<"$line"
  awk -v n="$n" -v a="$init" -v b="$z_init" -v c="$open" -v d="$z_open" -v e="$p50" -v f="$z_p50" -v g="$p99" -v h="$z_p99" -v i="$rss" -v j="$z_rss" '
    function r(x, y) { return (x < 0 || y <= 0) ? "-1" : sprintf("%.1fx", x / y) }
    BEGIN { printf "%-26s initialize %s, open %s, edit p50 %s, edit p99 %s, RSS %s\n", n, r(a,b), r(c,d), r(e,f), r(g,h), r(i,j) }'
done
echo "logs: $out"
