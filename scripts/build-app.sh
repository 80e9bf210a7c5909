#!/usr/bin/env bash
# Build the one-folder desktop app with PyInstaller (dist/crm-desktop/) and run its
# self-check: a temporary database, the migrations, a form printed to PDF, a list
# exported to Excel — offscreen, so no display is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-packages.sh build
[[ -x .venv/bin/python ]] || python3 -m venv .venv
.venv/bin/python -m pip install -q -e ".[build]"
started=$(date +%s)
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN build.spec
echo "构建用时 $(( $(date +%s) - started )) 秒，目录大小 $(du -sh dist/crm-desktop | cut -f1)"
dist/crm-desktop/crm-desktop --version
QT_QPA_PLATFORM=offscreen dist/crm-desktop/crm-desktop --self-check
