#!/usr/bin/env python3
"""Soak benchmark (not a test): one `zerolock lsp` session receiving EDITS random edits spread over
DOCS documents (SQL, Flyway, Alembic, Liquibase XML/YAML), RSS of the server sampled from /proc
during the run, and at the end every document's last published diagnostics compared with a fresh
`zerolock check --format json` of the same text at the same path.

Reports: edits/s, RSS samples, the least-squares RSS slope (KB per 1,000 edits) over the second
half of the run (after the caches have warmed), and how many documents matched.

usage: soak.py ZEROLOCK [--edits 100000] [--docs 50] [--seed 1] [--json FILE]
exit 0 when every document matched, 1 otherwise.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time

SQL_PIECES = [
    "CREATE INDEX ix_{n} ON users (email);\n",
    "ALTER TABLE orders ADD COLUMN c{n} integer NOT NULL DEFAULT 0;\n",
    "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12, 2);\n",
    "UPDATE accounts SET flag = true;\n",
    "SELECT {n};\n",
    "-- comment é {n}\n",
    "ALTER TABLE t{n} ADD CONSTRAINT fk_{n} FOREIGN KEY (a) REFERENCES p (id);\n",
    "SET lock_timeout = '5s';\n",
    "BEGIN;\n", "COMMIT;\n",
    "CREATE TABLE t{n} (id serial PRIMARY KEY, name varchar(20), at timestamp);\n",
    "DROP INDEX ix_{n};\n",
]
ALEMBIC_HEAD = "from alembic import op\nimport sqlalchemy as sa\n\nrevision = 'r{n}'\ndown_revision = None\n\n\ndef upgrade():\n"
ALEMBIC_PIECES = [
    "    op.create_index('ix_{n}', 'users', ['email'])\n",
    "    op.add_column('orders', sa.Column('c{n}', sa.Integer(), nullable=False))\n",
    "    op.execute(\"UPDATE accounts SET flag = true\")\n",
    "    op.drop_column('orders', 'c{n}')\n",
]
XML_HEAD = "<databaseChangeLog>\n"
XML_PIECES = [
    "  <changeSet id=\"{n}\" author=\"a\"><createIndex tableName=\"users\" indexName=\"ix_{n}\"><column name=\"email\"/></createIndex></changeSet>\n",
    "  <changeSet id=\"s{n}\" author=\"a\"><sql>ALTER TABLE orders ADD COLUMN c{n} int NOT NULL DEFAULT 0</sql></changeSet>\n",
]
XML_TAIL = "</databaseChangeLog>\n"
TYPING = list("abcdefghijklmnopqrstuvwxyz ();,'\n") + ["é", "€"]  # BMP only: str index == UTF-16 unit


class Server:
    def __init__(self, binary):
        self.proc = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.lock = threading.Condition()
        self.latest = {}     # uri -> (version, diagnostics)
        self.responses = {}
        self.next_id = 1
        self.invalid_utf8 = []  # excerpts of messages that were not valid UTF-8
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = out.read(length)
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as e:  # a server bug: JSON must be UTF-8
                self.invalid_utf8.append(body[max(0, e.start - 120):e.start + 40])
                text = body.decode("utf-8", errors="replace")
            msg = json.loads(text)
            with self.lock:
                if msg.get("method") == "textDocument/publishDiagnostics":
                    p = msg["params"]
                    self.latest[p["uri"]] = (p.get("version"), p["diagnostics"])
                elif "id" in msg and "method" in msg:  # a request from the server: answer null
                    self._send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
                elif "id" in msg:
                    self.responses[msg["id"]] = msg
                self.lock.notify_all()

    def _send(self, msg):
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method, params):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params, timeout=60):
        with self.lock:
            rid = self.next_id
            self.next_id += 1
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        with self.lock:
            self.lock.wait_for(lambda: rid in self.responses, timeout)
            return self.responses.pop(rid, None)

    def rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def wait_version(self, uri, version, timeout):
        with self.lock:
            return self.lock.wait_for(lambda: self.latest.get(uri, (None,))[0] == version, timeout)


def position(text, offset):
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return {"line": line, "character": offset - start}


def make_docs(root, count, rnd):
    docs = []
    for i in range(count):
        kind = ["sql", "sql", "sql", "flyway", "alembic", "xml"][i % 6]
        if kind == "sql":
            path, text = f"{root}/migrations/{i:04d}_m.sql", "".join(rnd.choice(SQL_PIECES).format(n=k) for k in range(20))
        elif kind == "flyway":
            path, text = f"{root}/db/migration/V{i}__m.sql", "".join(rnd.choice(SQL_PIECES).format(n=k) for k in range(20))
        elif kind == "alembic":
            path = f"{root}/alembic/versions/{i:04d}_r.py"
            text = ALEMBIC_HEAD.format(n=i) + "".join(rnd.choice(ALEMBIC_PIECES).format(n=k) for k in range(10))
        else:
            path = f"{root}/db/changelog/c{i}.xml"
            text = XML_HEAD + "".join(rnd.choice(XML_PIECES).format(n=k) for k in range(10)) + XML_TAIL
        docs.append({"uri": "file://" + path, "path": path, "text": text, "version": 1, "kind": kind})
    return docs


def random_edit(doc, rnd):
    text = doc["text"]
    op = rnd.random()
    if len(text) > 6000 or (op < 0.25 and len(text) > 200):  # delete a range
        a = rnd.randrange(len(text))
        b = min(len(text), a + rnd.randrange(1, 80))
        new = ""
    elif op < 0.55:  # paste a piece at a line start
        a = b = rnd.choice([0] + [i + 1 for i, c in enumerate(text) if c == "\n"])
        pieces = SQL_PIECES if doc["kind"] in ("sql", "flyway") else ALEMBIC_PIECES if doc["kind"] == "alembic" else XML_PIECES
        new = rnd.choice(pieces).format(n=rnd.randrange(1000))
    else:  # type a character, or replace one
        a = rnd.randrange(len(text) + 1)
        b = min(len(text), a + (1 if rnd.random() < 0.3 else 0))
        new = rnd.choice(TYPING)
    rng = {"start": position(text, a), "end": position(text, b)}
    doc["text"] = text[:a] + new + text[b:]
    doc["version"] += 1
    return {"textDocument": {"uri": doc["uri"], "version": doc["version"]}, "contentChanges": [{"range": rng, "text": new}]}


def key(rule, d):
    r = d["range"]
    return (rule, r["start"]["line"], r["start"]["character"], r["end"]["line"], r["end"]["character"])


def slope(samples):
    n = len(samples)
    if n < 2:
        return 0.0
    mx = sum(x for x, _ in samples) / n
    my = sum(y for _, y in samples) / n
    den = sum((x - mx) ** 2 for x, _ in samples)
    return sum((x - mx) * (y - my) for x, y in samples) / den if den else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--edits", type=int, default=100000)
    ap.add_argument("--docs", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json")
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    root = tempfile.mkdtemp(prefix="zerolock-soak-")
    session_root = os.path.join(root, "session")  # nothing is on disk under it during the session
    docs = make_docs(session_root, args.docs, rnd)
    server = Server(args.binary)
    init = server.request("initialize", {"processId": os.getpid(), "capabilities": {}, "rootUri": None})
    assert init and "result" in init, init
    server.notify("initialized", {})
    for d in docs:
        server.notify("textDocument/didOpen", {"textDocument": {"uri": d["uri"], "languageId": "", "version": 1, "text": d["text"]}})
    samples = [(0, server.rss_kb())]
    started = time.time()
    for i in range(1, args.edits + 1):
        server.notify("textDocument/didChange", random_edit(rnd.choice(docs), rnd))
        if i % 1000 == 0:
            # Pace the client a little so the server analyses as it would while someone types.
            sync = server.request("textDocument/documentSymbol", {"textDocument": {"uri": docs[i % len(docs)]["uri"]}})
            assert sync is not None, "server stopped answering"
            samples.append((i, server.rss_kb()))
    elapsed = time.time() - started
    for d in docs:
        server.wait_version(d["uri"], d["version"], 120)
    final_rss = server.rss_kb()

    mismatched = []
    for d in docs:
        got = server.latest.get(d["uri"])
        if not got or got[0] != d["version"]:
            mismatched.append((d["path"], "no diagnostics for the final version"))
            continue
        os.makedirs(os.path.dirname(d["path"]), exist_ok=True)
        with open(d["path"], "w", encoding="utf-8") as f:
            f.write(d["text"])
        proc = subprocess.run([args.binary, "check", "--format", "json", "--no-config", "-q", d["path"]],
                              capture_output=True)
        os.remove(d["path"])
        fresh = json.loads(proc.stdout)["files"][0]["diagnostics"] if proc.stdout else []
        want = sorted(key(x["rule"], x) for x in fresh)
        have = sorted(key(x["code"], x) for x in got[1])
        if want != have:
            mismatched.append((d["path"], f"lsp {len(have)} diagnostics, check {len(want)}: "
                               f"only lsp {sorted(set(have) - set(want))[:3]}, only check {sorted(set(want) - set(have))[:3]}"))
    server.request("shutdown", None)
    server.notify("exit", None)
    server.proc.wait(timeout=30)
    shutil.rmtree(root, ignore_errors=True)

    half = [s for s in samples if s[0] >= args.edits // 2]
    result = {
        "edits": args.edits, "docs": args.docs, "seconds": round(elapsed, 1), "edits_per_second": round(args.edits / elapsed),
        "rss_kb_start": samples[0][1], "rss_kb_after_first_1000": samples[1][1] if len(samples) > 1 else None,
        "rss_kb_end": final_rss, "rss_kb_max": max(y for _, y in samples),
        "slope_kb_per_1000_edits_second_half": round(slope(half) * 1000, 2),
        "slope_kb_per_1000_edits_all": round(slope(samples) * 1000, 2),
        "documents_matching_fresh_check": args.docs - len(mismatched), "mismatches": mismatched[:10],
        "messages_not_utf8": len(server.invalid_utf8),
        "not_utf8_excerpts": [repr(b) for b in server.invalid_utf8[:3]],
        "rss_samples": samples[:: max(1, len(samples) // 20)],
    }
    print(json.dumps(result, indent=2))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
    return 0 if not mismatched and not server.invalid_utf8 else 1


if __name__ == "__main__":
    sys.exit(main())
