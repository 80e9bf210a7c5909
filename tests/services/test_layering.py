"""The service layer keeps its shape: dependencies one way, lists and reminder providers
private to their package, no private names across modules, role sets in access.roles."""

import shutil
import textwrap
from pathlib import Path

import pytest

from tests.services.layering import ALLOWED, violations

ROOT = Path(__file__).resolve().parents[2]


def test_every_service_package_is_declared():
    packages = {
        p.name for p in (ROOT / "app" / "services").iterdir() if (p / "__init__.py").exists()
    }
    assert packages == set(ALLOWED)


def test_the_tree_keeps_the_rules():
    assert violations(ROOT) == []


@pytest.fixture
def tree(tmp_path):
    """A copy of app/ to plant violations in."""
    shutil.copytree(ROOT / "app", tmp_path / "app", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def plant(tree: Path, module: str, code: str) -> None:
    path = tree / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text(encoding="utf-8") + "\n" + textwrap.dedent(code))


PLANTED = [
    ("app.services.core.clock", "from app.services.customers import ownership\n", "core may not"),
    ("app.services.admin.users", "from app.services.customers import grants\n", "admin may not"),
    ("app.services.pool.rules", "from app.services.customers.lists import customers_source\n",
     "another package's list"),
    ("app.services.visits.scope", "from app.services.work import reminders\n", "only app.services"),
    ("app.services.pool.rules", "from app.services.core.uow import _private\n", "private name"),
    ("app.services.work.notes", "ROLES = (Role.MANAGER, Role.ADMIN)\n", "role set outside"),
    ("app.ui.main_window", "ROLES = (Role.MANAGER, Role.ADMIN)\n", "the UI declares a role set"),
    ("app.services.core.clock", "import PySide6\n", "never import Qt"),
    # a public helper that works only inside someone else's open unit of work
    ("app.services.work.notes", "def helper(uow):\n    return uow.session.get(object, 1)\n",
     "helper(uow) needs an open unit of work"),
    ("app.services.work.notes",
     "from app.services.customers._internal import can_edit\n"
     "def check(uow, cid):\n    return can_edit(uow, cid)\n",
     "check(uow) needs an open unit of work"),
    ("app.services.work.notes", "def f(uow):\n    return UnitOfWork(uow.db, uow.actor)\n",
     "a new UnitOfWork from another's db"),
    ("app.ui.main_window", "from app.services.customers import _internal\n",
     "the UI imports a service's private module"),
    # a cycle through function-level imports inside one package
    ("app.services.core.clock", "def f():\n    from app.services.core import settings\n",
     "import cycle"),
]  # fmt: skip


def test_a_helper_that_opens_its_unit_of_work_is_public(tree):
    plant(tree, "app.services.work.notes",
          "def fine(uow):\n    with uow:\n        return uow.session.get(object, 1)\n")  # fmt: skip
    assert not [v for v in violations(tree) if "fine(uow)" in v]


@pytest.mark.parametrize(("module", "code", "expected"), PLANTED)
def test_a_planted_violation_is_found(tree, module, code, expected):
    if expected == "import cycle":
        plant(
            tree,
            "app.services.core.settings",
            "def g():\n    from app.services.core import clock\n",
        )
    plant(tree, module, code)
    found = violations(tree)
    assert any(expected in line for line in found), found
