# Sourced by the scripts that drive PostgreSQL from Python. Prints the python3 that can import
# psycopg2 ($ZEROLOCK_PYTHON if set): Debian installs it for the system Python, and a pyenv python3
# first on PATH may lack it. Fails (status 1, nothing printed) when there is none.
psycopg2_python() {
  if [ -n "${ZEROLOCK_PYTHON:-}" ]; then echo "$ZEROLOCK_PYTHON"; return 0; fi
  local candidate
  for candidate in /usr/bin/python3 python3; do
    if "$candidate" -c 'import psycopg2' >/dev/null 2>&1; then echo "$candidate"; return 0; fi
  done
  return 1
}
