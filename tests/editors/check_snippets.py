#!/usr/bin/env python3
"""Checks that the command line in each editor snippet is accepted by the real zerolock binary.

For each snippet it extracts the `zerolock lsp ...` arguments from the file as the editor would
read them, starts the binary with those arguments (the command itself replaced by --binary), and
speaks LSP over stdio: initialize (expects a result with capabilities), initialized, shutdown
(expects a null result), exit (expects exit status 0).

Usage: check_snippets.py --binary PATH [--only NAME] [--list]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import threading
import tomllib

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EDITORS = os.path.join(ROOT, "editors")


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def strip_json_comments(text):
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


def lua_string_list(text):
    return re.findall(r"""['"]([^'"]*)['"]""", text)


def from_nvim_plugin():
    m = re.search(r"M\.default_cmd\s*=\s*\{([^}]*)\}", read("editors/nvim/lua/zerolock/init.lua"))
    return lua_string_list(m.group(1))


def from_nvim_lua(rel):
    def extract():
        m = re.search(r"cmd\s*=\s*\{([^}]*)\}", read(rel))
        return lua_string_list(m.group(1))
    return extract


def from_helix():
    conf = tomllib.loads(read("editors/helix/languages.toml"))
    server = conf["language-server"]["zerolock"]
    langs = [l["name"] for l in conf["language"] if "zerolock" in l.get("language-servers", [])]
    if "sql" not in langs:
        raise ValueError("the sql language does not use zerolock")
    return [server["command"], *server.get("args", [])]


def from_elisp(rel):
    def extract():
        m = re.search(r"""\(\s*"zerolock"((?:\s+"[^"]*")*)\s*\)""", read(rel))
        return ["zerolock", *re.findall(r'"([^"]*)"', m.group(1))]
    return extract


def from_zed_settings():
    conf = json.loads(strip_json_comments(read("editors/zed/settings.json")))
    binary = conf["lsp"]["zerolock"]["binary"]
    return [binary["path"], *binary["arguments"]]


def from_zed_extension():
    text = read("editors/zed/src/lib.rs")
    m = re.search(r"unwrap_or_else\(\|\|\s*vec!\[([^\]]*)\]", text)
    args = re.findall(r'"([^"]*)"', m.group(1))
    if 'which("zerolock")' not in text:
        raise ValueError("the extension does not look for zerolock on PATH")
    return ["zerolock", *args]


def from_sublime():
    conf = json.loads(strip_json_comments(read("editors/sublime/LSP.sublime-settings")))
    return conf["clients"]["zerolock"]["command"]


def from_vscode(debug):
    def extract():
        text = read("vscode-extension/src/extension.ts")
        m = re.search(r"const args = \[((?:'[^']*',?\s*)+)", text)
        args = re.findall(r"'([^']*)'", m.group(1))
        if debug:
            m = re.search(r"debug: \{[^}]*args: \[\.\.\.args, ([^\]]*)\]", text)
            args += re.findall(r"'([^']*)'", m.group(1))
        if "TransportKind.stdio" not in text:
            raise ValueError("the extension no longer uses stdio")
        # vscode-languageclient appends --stdio for TransportKind.stdio.
        return ["zerolock", *args, "--stdio"]
    return extract


SNIPPETS = {
    "nvim-plugin": from_nvim_plugin,
    "nvim-lspconfig": from_nvim_lua("editors/nvim/lua/lspconfig/server_configurations/zerolock.lua"),
    "nvim-0.11": from_nvim_lua("editors/nvim/lsp/zerolock.lua"),
    "helix": from_helix,
    "emacs-eglot": from_elisp("editors/emacs/zerolock-eglot.el"),
    "emacs-lsp-mode": from_elisp("editors/emacs/zerolock-lsp-mode.el"),
    "zed-settings": from_zed_settings,
    "zed-extension": from_zed_extension,
    "sublime": from_sublime,
    "vscode": from_vscode(False),
    "vscode-debug": from_vscode(True),
}


def frame(msg):
    body = json.dumps(msg).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_message(stream):
    headers = {}
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        k, _, v = line.decode().partition(":")
        headers[k.strip().lower()] = v.strip()
    n = int(headers["content-length"])
    return json.loads(stream.read(n))


def wait_response(stream, id_):
    while True:
        msg = read_message(stream)
        if msg is None:
            raise RuntimeError(f"the server closed stdout before answering request {id_}")
        if msg.get("id") == id_ and "method" not in msg:
            return msg
        # Server requests (workspace/configuration, registerCapability ...) are answered with null.
        if "method" in msg and "id" in msg:
            pending.append(msg)


pending = []


def check(name, argv, binary):
    if not argv or os.path.basename(argv[0]) != "zerolock":
        raise ValueError(f"{name}: the snippet's command is {argv!r}, not zerolock")
    cmd = [binary, *argv[1:]]
    print(f"{name}: {' '.join(argv)}  ->  {' '.join(cmd)}")
    if cmd[1:2] != ["lsp"]:
        raise ValueError(f"{name}: the first argument is not `lsp`")
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stderr = []
    t = threading.Thread(target=lambda: stderr.append(proc.stderr.read()), daemon=True)
    t.start()
    timer = threading.Timer(30, proc.kill)
    timer.start()
    try:
        proc.stdin.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": os.getpid(), "rootUri": None, "capabilities": {},
            "clientInfo": {"name": f"check_snippets/{name}"}}}))
        proc.stdin.flush()
        init = wait_response(proc.stdout, 1)
        if "error" in init or "capabilities" not in init.get("result", {}):
            raise RuntimeError(f"{name}: initialize failed: {init}")
        proc.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
        for req in pending:
            proc.stdin.write(frame({"jsonrpc": "2.0", "id": req["id"], "result": None}))
        proc.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        proc.stdin.flush()
        shut = wait_response(proc.stdout, 2)
        if "error" in shut:
            raise RuntimeError(f"{name}: shutdown failed: {shut}")
        proc.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
        proc.stdin.close()
        code = proc.wait(timeout=20)
    except (BrokenPipeError, RuntimeError, ValueError, KeyError) as e:
        proc.kill()
        proc.wait()
        t.join(2)
        raise RuntimeError(f"{name}: {e}\nexit status {proc.returncode}; stderr:\n"
                           f"{b''.join(stderr).decode(errors='replace')}") from None
    finally:
        timer.cancel()
    t.join(5)
    if code != 0:
        raise RuntimeError(f"{name}: exit status {code} after shutdown/exit; stderr:\n"
                           f"{b''.join(stderr).decode(errors='replace')}")
    print(f"{name}: ok (server {init['result'].get('serverInfo', {})})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary")
    ap.add_argument("--only", action="append")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    if a.list:
        for name, extract in SNIPPETS.items():
            print(name, " ".join(extract()))
        return 0
    failures = 0
    for name in a.only or SNIPPETS:
        try:
            check(name, SNIPPETS[name](), a.binary)
        except Exception as e:  # noqa: BLE001 - report every snippet
            print(f"FAIL {e}", file=sys.stderr)
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
