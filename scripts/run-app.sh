#!/usr/bin/env bash
# Install into ./.venv and launch the app on the embedded SQLite database.
# Extra arguments go to main.py (e.g. --database-url postgresql://user:pw@host/crm).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-packages.sh
[[ -x .venv/bin/python ]] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
exec .venv/bin/python main.py "$@"
