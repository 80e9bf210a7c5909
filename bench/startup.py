"""Start-up: process start → the first dialog on screen (login, or setup on a new
database), each a new process, as an office PC starts the app.

    .venv/bin/python -m bench.startup [--runs 10] [--sqlite FILE]

The child process is `main.py` itself, with QDialog.showEvent wrapped to print the
moment a dialog is shown and exit. Qt offscreen. Median / p95 in ms; targets in
bench/README.md ("Start-up").
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import os, sys
from PySide6.QtWidgets import QDialog
def shown(self, event):
    print("SHOWN", type(self).__name__, flush=True)
    os._exit(0)
QDialog.showEvent = shown
sys.argv = ["main.py", *sys.argv[1:]]
from app.main_entry import main
main(sys.argv[1:])
"""


def one(args: list[str], env: dict) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD, *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    ms = (time.perf_counter() - t0) * 1000
    shown = next((line.split()[1] for line in out.stdout.splitlines()
                  if line.startswith("SHOWN")), None)  # fmt: skip
    if shown is None:
        raise RuntimeError(f"no dialog shown:\n{out.stdout}\n{out.stderr}")
    return ms, shown


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--sqlite", help="a database to log in to (default: a new one → setup)")
    a = p.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="crm-startup-"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "CRM_DATA_DIR": str(home / "data"), "CRM_CONFIG_DIR": str(home / "config")}  # fmt: skip
    url = f"sqlite:///{a.sqlite}" if a.sqlite else f"sqlite:///{home / 'new.sqlite3'}"
    one(["--database-url", url], env)  # the first start creates the file and migrates
    times, dialog = [], ""
    for _ in range(a.runs):
        ms, dialog = one(["--database-url", url], env)
        times.append(ms)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"start → {dialog} shown: {statistics.median(times):,.0f} / {p95:,.0f} ms "
          f"(median / p95 of {a.runs}; target 800)")  # fmt: skip


if __name__ == "__main__":
    main()
