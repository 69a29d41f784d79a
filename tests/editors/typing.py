#!/usr/bin/env python3
"""Types a statement into an open SQL document one character at a time, the way editors send
incremental textDocument/didChange notifications, then pulls diagnostics: the finished text must
be analysed like the same text opened at once (same rule ids, no syntax errors left over from
the intermediate states).

Usage: typing.py --binary PATH
"""
import argparse
import subprocess
import sys

import check_snippets as cs

BEFORE = "SELECT 1;\n"
TYPED = "\nCREATE INDEX idx_orders_total ON orders (total);\n"
URI = "file:///tmp/zerolock-typing/V9__typed.sql"


def diagnostics(binary, typed):
    p = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def send(m):
        p.stdin.write(cs.frame(m))
        p.stdin.flush()

    try:
        send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": None, "rootUri": None, "capabilities": {"textDocument": {"diagnostic": {}}}}})
        cs.wait_response(p.stdout, 1)
        send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        text = BEFORE if typed else BEFORE + TYPED
        send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": URI, "languageId": "sql", "version": 1, "text": text}}})
        if typed:
            line, ch, version = 1, 0, 1
            for c in TYPED:
                version += 1
                pos = {"line": line, "character": ch}
                send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                    "textDocument": {"uri": URI, "version": version},
                    "contentChanges": [{"range": {"start": pos, "end": pos}, "text": c}]}})
                line, ch = (line + 1, 0) if c == "\n" else (line, ch + 1)
        send({"jsonrpc": "2.0", "id": 2, "method": "textDocument/diagnostic", "params": {"textDocument": {"uri": URI}}})
        result = cs.wait_response(p.stdout, 2)["result"]
        send({"jsonrpc": "2.0", "id": 3, "method": "shutdown"})
        cs.wait_response(p.stdout, 3)
        send({"jsonrpc": "2.0", "method": "exit"})
        p.wait(timeout=20)
        return sorted((d["code"], d["range"]["start"]["line"], d["range"]["start"]["character"]) for d in result["items"])
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    a = ap.parse_args()
    at_once = diagnostics(a.binary, typed=False)
    typed = diagnostics(a.binary, typed=True)
    print("opened at once:", at_once)
    print("typed:         ", typed)
    if not any(code == "require-concurrent-index-creation" for code, _, _ in at_once):
        print("FAIL: the statement is not reported at all", file=sys.stderr)
        return 1
    if typed != at_once:
        print("FAIL: typing the statement character by character leaves different diagnostics than "
              "opening the same text", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
