#!/usr/bin/env bash
# Install into ./.venv (the first time, and again only when pyproject.toml changed) and
# launch the app on the embedded SQLite database. Once installed it starts offline.
# Extra arguments go to main.py (e.g. --database-url postgresql://user:pw@host/crm).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-packages.sh
stamp=.venv/.installed-pyproject.toml  # the pyproject.toml the venv was installed from
if [[ ! -x .venv/bin/python ]] || ! cmp -s pyproject.toml "$stamp"; then
  [[ -x .venv/bin/python ]] || python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e .
  cp pyproject.toml "$stamp"
fi
exec .venv/bin/python main.py "$@"
