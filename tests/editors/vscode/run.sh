#!/usr/bin/env bash
# The VS Code test: builds the .vsix, installs it into code-server (VS Code's workbench served to
# a browser) on 127.0.0.1, and drives it with playwright-core + Debian's Chromium (test.cjs).
# A passing run regenerates the screenshots docs/images/vscode-*.png (ZEROLOCK_SCREENSHOT_DIR
# elsewhere, ZEROLOCK_NO_SCREENSHOTS=1 none).
#
#   tests/editors/vscode/run.sh PATH-TO-zerolock
#
# Tools are installed once into $ZEROLOCK_EDITORS_CACHE (default ~/.cache/zerolock-editors), never
# into the repository: Debian packages (chromium and code-server's build dependencies, when
# root), code-server@4.139.1, node@24 (code-server's runtime) and playwright-core. When they cannot
# be installed (no network, not root) the test is skipped with exit status 77.
set -euo pipefail
SKIP=77
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.65.1

here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../../.." && pwd)
binary=$(realpath "${1:?usage: run.sh PATH-TO-zerolock}")
cache=${ZEROLOCK_EDITORS_CACHE:-$HOME/.cache/zerolock-editors}
shots=${ZEROLOCK_SCREENSHOT_DIR:-$source_dir/docs/images}
chromium=${CHROMIUM:-/usr/bin/chromium}

skip() { echo "SKIP: $*" >&2; exit $SKIP; }
say() { echo "[run.sh] $*" >&2; }

[ -x "$binary" ] || { echo "FAIL: $binary is not executable" >&2; exit 1; }
command -v npm >/dev/null || skip "npm is not installed"
mkdir -p "$cache" || skip "cannot create $cache"
# One installer at a time (ctest -j, several build dirs).
exec 9>"$cache/.lock"
flock 9

# --- Debian packages: Chromium, and the headers code-server's native modules build against.
debs=(libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev)
[ -x "$chromium" ] || debs+=(chromium)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  [ "$(id -u)" -eq 0 ] || skip "missing Debian packages ${missing[*]} (not root, cannot install them)"
  say "installing ${missing[*]}"
  { apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
    { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; }; } ||
    skip "could not install ${missing[*]}"
fi
[ -x "$chromium" ] || skip "no Chromium at $chromium"

npm_install() { # dir, packages...
  local dir=$1; shift
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || echo '{"private":true}' >"$dir/package.json"
  (cd "$dir" && npm install --no-audit --no-fund --no-save --loglevel=error "$@" >&2)
}

# --- node@24: code-server 4.139 runs on Node 24.
node24_bin=$cache/node24/node_modules/node/bin
if ! "$node24_bin/node" --version >/dev/null 2>&1; then
  say "installing node@24 into $cache/node24"
  npm_install "$cache/node24" node@24 || skip "could not install node@24 from the npm registry"
fi
# --- code-server (about 2 minutes the first time).
cs_entry=$cache/code-server/node_modules/code-server/out/node/entry.js
if [ ! -f "$cs_entry" ] || [ ! -f "$cache/code-server/.installed-$CODE_SERVER_VERSION" ]; then
  say "installing code-server@$CODE_SERVER_VERSION into $cache/code-server"
  FORCE_NODE_VERSION=20 npm_config_unsafe_perm=true npm_install "$cache/code-server" "code-server@$CODE_SERVER_VERSION" ||
    skip "could not install code-server@$CODE_SERVER_VERSION"
  touch "$cache/code-server/.installed-$CODE_SERVER_VERSION"
fi
# --- playwright-core (driver only; the browser is Debian's Chromium).
pw=$cache/playwright/node_modules/playwright-core
if [ ! -f "$pw/package.json" ] || ! grep -q "\"version\": \"$PLAYWRIGHT_VERSION\"" "$pw/package.json"; then
  say "installing playwright-core@$PLAYWRIGHT_VERSION into $cache/playwright"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm_install "$cache/playwright" "playwright-core@$PLAYWRIGHT_VERSION" ||
    skip "could not install playwright-core"
fi
flock -u 9

work=$(mktemp -d /tmp/zerolock-vscode.XXXXXX)
cs_pid=""
cleanup() {
  # code-server runs in its own process group (setsid below): this ends it, its extension host
  # and the zerolock server it started, and nothing else.
  if [ -n "$cs_pid" ]; then
    kill -TERM -- "-$cs_pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 -- "-$cs_pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL -- "-$cs_pid" 2>/dev/null || true
    wait "$cs_pid" 2>/dev/null || true
  fi
  if [ -n "${ZEROLOCK_KEEP_WORK:-}" ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# --- the extension: npm ci (when node_modules is missing or stale), typecheck, lint, bundle, vsce.
ext=$source_dir/vscode-extension
if [ ! -d "$ext/node_modules" ] || [ "$ext/package-lock.json" -nt "$ext/node_modules/.package-lock.json" ]; then
  say "npm ci in vscode-extension"
  (cd "$ext" && npm ci --no-audit --no-fund --loglevel=error >&2) || skip "npm ci failed (registry unreachable?)"
fi
say "packaging the extension"
(cd "$ext" && node scripts/package.mjs --out "$work/zerolock.vsix" >&2)

# --- a workspace with the fixtures, and a profile that points the extension at the binary.
mkdir -p "$work/ws" "$work/data/User" "$work/data/Machine" "$work/extensions"
cp -r "$here/../fixtures/." "$work/ws/"
cat >"$work/data/User/settings.json" <<JSON
{
  "zerolock.server.path": "$binary",
  "zerolock.server.extraArgs": ["--log", "$work/zerolock-lsp.log", "--log-level", "debug"],
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none",
  "chat.disableAIFeatures": true,
  "workbench.colorTheme": "Default Dark Modern",
  "editor.fontSize": 15,
  "editor.minimap.enabled": false,
  "editor.hover.delay": 200,
  "editor.inlayHints.enabled": "on",
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "files.autoSave": "off"
}
JSON
# Machine-scoped settings (zerolock.server.*) are read from the remote (Machine) settings.
cp "$work/data/User/settings.json" "$work/data/Machine/settings.json"
printf 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n' >"$work/config.yaml"

export PATH=$node24_bin:$PATH
cs() { node "$cs_entry" --config "$work/config.yaml" --user-data-dir "$work/data" --extensions-dir "$work/extensions" "$@"; }
say "installing the .vsix into code-server"
cs --install-extension "$work/zerolock.vsix" >&2

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
say "starting code-server on 127.0.0.1:$port"
setsid node "$cs_entry" --config "$work/config.yaml" --user-data-dir "$work/data" --extensions-dir "$work/extensions" \
  --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override "$work/ws" >"$work/code-server.log" 2>&1 &
cs_pid=$!
for _ in $(seq 1 240); do
  python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
    "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$cs_pid" 2>/dev/null || { cat "$work/code-server.log" >&2; echo "FAIL: code-server exited" >&2; exit 1; }
  sleep 0.5
done
python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=5)" "http://127.0.0.1:$port/healthz" ||
  { tail -n 40 "$work/code-server.log" >&2; echo "FAIL: code-server does not answer on 127.0.0.1:$port" >&2; exit 1; }

# Alembic/Liquibase files are checked only when the server has a front end for them (it reports
# unsupported-format otherwise: another component's gap, not the extension's).
frontends=""
for f in alembic/versions/0002_orders_index.py liquibase/changelog.xml; do
  if "$binary" check --format json "$work/ws/$f" 2>/dev/null | grep -q '"unsupported-format"'; then
    say "NOTE: not checking $f in VS Code: zerolock reports unsupported-format for it"
  else
    frontends+=" $f"
  fi
done
export ZEROLOCK_VSCODE_FRONTENDS=$frontends

# A server that dies 2 seconds after it starts, for the restart-limit step.
cat >"$work/dying-zerolock" <<SH
#!/bin/sh
"$binary" "\$@" &
pid=\$!
sleep 2
kill -9 \$pid
exit 1
SH
chmod +x "$work/dying-zerolock"

status=0
MACHINE_SETTINGS="$work/data/Machine/settings.json" CRASHING_SERVER="$work/dying-zerolock" \
PLAYWRIGHT_CORE=$pw CODE_SERVER_URL="http://127.0.0.1:$port" WORKSPACE="$work/ws" CHROMIUM="$chromium" \
  SCREENSHOT_DIR="$work/shots" BROWSER_PROFILE="$work/chromium-profile" \
  node "$here/test.cjs" || status=$?
if [ $status -ne 0 ]; then
  echo "---- code-server log" >&2; tail -n 60 "$work/code-server.log" >&2 || true
  echo "---- zerolock lsp log" >&2; tail -n 80 "$work/zerolock-lsp.log" >&2 || true
  find "$work/data/logs" -name '*zerolock*' -exec sh -c 'echo "---- $1"; tail -n 60 "$1"' _ {} \; >&2 || true
fi
if [ -f "$work/shots/.complete" ] && [ -z "${ZEROLOCK_NO_SCREENSHOTS:-}" ]; then
  # Only a run that passed every step with a picture replaces them: the set in docs/images
  # always comes from one run.
  mkdir -p "$shots"
  rm -f "$shots"/vscode-*.png
  cp "$work/shots"/vscode-*.png "$shots/"
  say "screenshots: $(cd "$shots" && ls vscode-*.png | tr '\n' ' ')"
else
  say "screenshots of the failed run: $work/shots (ZEROLOCK_KEEP_WORK=1 keeps them)"
fi
exit $status
