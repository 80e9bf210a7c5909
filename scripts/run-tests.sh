#!/usr/bin/env bash
# Install into ./.venv and run every test: lint, services on SQLite and on a real
# PostgreSQL server (started by the tests on loopback), and the Qt UI offscreen.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-packages.sh test
[[ -x .venv/bin/python ]] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# The PostgreSQL tests must run: a missing server is an error here, never a skip.
export CRM_REQUIRE_PG="${CRM_REQUIRE_PG:-1}"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
# One worker per core (pytest-xdist); each worker starts its own PostgreSQL server.
exec .venv/bin/python -m pytest -n "${CRM_TEST_WORKERS:-auto}" "$@"
