"""scripts/run-app.sh installs only when needed, so a second start works offline
(issue 15, first point): it is run with a fake python/pip that records what it was asked."""

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_script(tmp_path: Path) -> list[str]:
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "scripts" / "run-app.sh", project / "scripts" / "run-app.sh")
    (project / "scripts" / "install-system-packages.sh").write_text("exit 0\n")
    if not (project / "pyproject.toml").exists():
        shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    log = tmp_path / "calls.txt"
    venv_bin = project / ".venv" / "bin"
    venv_bin.mkdir(parents=True, exist_ok=True)
    fake = venv_bin / "python"  # records its arguments; "main.py" is the app's start
    fake.write_text(f'#!/usr/bin/env bash\necho "$*" >> "{log}"\n')
    fake.chmod(0o755)
    subprocess.run(["bash", "scripts/run-app.sh"], cwd=project, check=True,
                   env={**os.environ, "PATH": os.environ["PATH"]})  # fmt: skip
    calls = log.read_text().splitlines()
    log.unlink()
    return calls


def test_installs_once_then_starts_without_pip(tmp_path):
    first = run_script(tmp_path)
    assert any("pip install" in c for c in first) and first[-1] == "main.py"
    again = run_script(tmp_path)
    assert again == ["main.py"]  # no pip, no network
    with (tmp_path / "project" / "pyproject.toml").open("a") as f:
        f.write("\n# changed\n")
    changed = run_script(tmp_path)
    assert any("pip install -q -e ." in c for c in changed)
