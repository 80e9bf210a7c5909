"""`main.py --self-check` (run by CI on the PyInstaller build): every step reports, and
a failing step is named with its reason and makes the exit status 1."""

import subprocess
import sys
from pathlib import Path

from app.ui import self_check

ROOT = Path(__file__).resolve().parents[2]


def test_every_step_passes():
    said = []
    assert self_check.run(said.append) == 0
    assert [s.split("：")[0] for s in said] == [
        "数据库",
        "用户",
        "登记",
        "打印",
        "导出",
        "自检通过。",
    ]


def test_a_failing_step_is_named(monkeypatch):
    from app.services.lists import excel_export

    def broken(*_a, **_k):
        raise OSError("磁盘已满")

    monkeypatch.setattr(excel_export, "export_list", broken)
    said = []
    assert self_check.run(said.append) == 1
    assert said[-1] == "自检失败（导出）：OSError: 磁盘已满"


def test_the_command_line():
    out = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0 and out.stdout.startswith("客户资源管理系统 ")
