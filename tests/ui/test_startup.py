"""Start-up imports only what the first dialog needs: the main window's modules and
pypinyin's dictionary load in the background once a dialog is up (bootstrap._warm_up)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import sys, app.main_entry; "
    "print(sorted(m for m in ('app.ui.main_window', 'pypinyin', 'openpyxl') if m in sys.modules))"
)


def test_the_first_dialog_waits_for_no_page():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_warm_up_loads_them():
    from app.ui import bootstrap

    bootstrap.warm_up_in_background().join(timeout=60)
    assert {"app.ui.main_window", "pypinyin"} <= set(sys.modules)
