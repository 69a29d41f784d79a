"""Reads tests/pg_locks/catalogue.sql (format described at its top and in README.md)."""
import os
import re
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOGUE = os.path.join(HERE, "catalogue.sql")
FIXTURE = os.path.join(HERE, "fixture.sql")


@dataclass
class Entry:
    id: str
    sql: str
    mode: str = "tx"  # tx | autocommit
    setup: list = field(default_factory=list)
    blocker: str = ""
    session: list = field(default_factory=list)  # run on the statement's own connection first
    line: int = 0  # 1-based line of the statement in catalogue.sql


_DIRECTIVE = re.compile(r"^--\s*@(\w+)\s*(.*)$")


def load(path: str = CATALOGUE) -> list:
    entries = []
    current = None
    body = []

    def finish():
        if current is not None:
            text = "\n".join(body).strip()
            if not text:
                raise ValueError(f"{path}: entry {current.id} has no statement")
            current.sql = text
            entries.append(current)

    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            m = _DIRECTIVE.match(line)
            if m:
                key, value = m.group(1), m.group(2).strip()
                if key == "id":
                    finish()
                    current, body = Entry(id=value, sql=""), []
                elif current is None:
                    raise ValueError(f"{path}:{number}: @{key} before the first @id")
                elif key == "mode":
                    if value not in ("tx", "autocommit"):
                        raise ValueError(f"{path}:{number}: unknown mode {value}")
                    current.mode = value
                elif key == "setup":
                    current.setup.append(value)
                elif key == "session":
                    current.session.append(value)
                elif key == "blocker":
                    current.blocker = value
                else:
                    raise ValueError(f"{path}:{number}: unknown directive @{key}")
                continue
            if current is None:
                continue
            stripped = line.strip()
            if not body and (not stripped or stripped.startswith("--")):
                continue  # comments between the directives and the statement
            if stripped.startswith("--") and not body:
                continue
            if not body:
                current.line = number
            body.append(line)
    finish()
    # Trailing section comments belong to no statement.
    for e in entries:
        lines = e.sql.split("\n")
        while lines and (not lines[-1].strip() or lines[-1].strip().startswith("--")):
            lines.pop()
        e.sql = "\n".join(lines)
    ids = [e.id for e in entries]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ValueError(f"{path}: duplicate ids {sorted(dupes)}")
    return entries


def fixture_sql() -> str:
    with open(FIXTURE, encoding="utf-8") as f:
        return f.read()
