"""Developers: autogenerate the next Alembic migration from the models.

    .venv/bin/python scripts/new_migration.py "add customers" 0002

It migrates a scratch SQLite file to head first, so only the difference is generated.
Review the file it writes before committing it.
"""

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic import command  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402

from app.services.core.migrations import alembic_config, upgrade  # noqa: E402


def main() -> None:
    message, rev_id = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{tmp}/scratch.sqlite3")
        upgrade(engine)
        with engine.begin() as conn:
            cfg = alembic_config(engine)
            cfg.attributes["connection"] = conn
            command.revision(cfg, message=message, autogenerate=True, rev_id=rev_id)


if __name__ == "__main__":
    main()
