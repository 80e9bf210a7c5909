"""The screenshot set of issue 15 at 1366×768 and 1600×1000 (tests/ui/screenshot_set.py,
each in a process whose offscreen screen has that size): every window fits the screen
with its buttons on it, the printed list reads back, and the pictures are saved under
artifacts/screenshots/set/ for a person to look at."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui.conftest import SCREENSHOTS

ROOT = Path(__file__).resolve().parents[2]
SHOWN = {"login", "main_window", "reminder_window", "registration_dialog",
         "card_unsaved_prompt", "conflict_prompt", "audit_log", "printed_list"}  # fmt: skip


@pytest.mark.parametrize("size", [(1366, 768), (1600, 1000)])
def test_every_screen_fits_and_is_saved(size, tmp_path):
    width, height = size
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": width,
                                               "height": height, "logicalDpi": 96,
                                               "logicalBaseDpi": 96, "dpr": 1}],
                                  "windowFrameMargins": True}))  # fmt: skip
    out = SCREENSHOTS / "set"
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screen}",
           "CRM_CONFIG_DIR": str(tmp_path / "config")}  # fmt: skip
    run = subprocess.run([sys.executable, "-m", "tests.ui.screenshot_set", str(out)], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=240)  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    rows = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert {r["name"] for r in rows} == SHOWN
    for r in rows:
        assert Path(r["file"]).stat().st_size > 5000, r["name"]
        assert r["fits"], f"{r['name']} at {width}×{height}: {r.get('sizes')}"
    printed = "".join(next(r for r in rows if r["name"] == "printed_list")["text"].split())
    assert "客户档案" in printed and "共6条" in printed and "KH202600001" in printed
    assert "宁夏红枸杞产业集团" in printed  # a wrapped name reads back whole
