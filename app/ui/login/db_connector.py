"""Open the chosen database step by step, turning every failure into a Chinese message.

Kept free of widgets so the login dialog can show the outcome and retry after the
user fixes the database settings.
"""

from __future__ import annotations

import logging

from app.services.admin import auth
from app.services.core import config, database, migrations
from app.services.core.config import DatabaseChoice
from app.services.core.database import Database
from app.services.core.errors import ServiceError
from app.services.core.uow import UnitOfWork

log = logging.getLogger(__name__)


class DatabaseConnector:
    def __init__(self, cli_url: str | None = None):
        self.cli_url = cli_url
        self.choice: DatabaseChoice | None = None
        self.db: Database | None = None
        self.error = ""
        self.warning = ""  # e.g. SQLite file on a network share

    @property
    def description(self) -> str:
        if self.db is not None:
            return self.db.description
        if self.choice is None:
            return "（未选择）"
        try:
            return database.describe_url(self.choice.url)
        except ServiceError:
            return "（地址格式不正确）"

    def connect(self) -> bool:
        """(Re)open the database the config points at; False with self.error set on failure."""
        self.close()
        self.error = self.warning = ""
        try:
            self.choice = config.choose_database(self.cli_url)
            self.db = self._open(self.choice.url)
        except ServiceError as err:
            self.error = str(err)
        except Exception as exc:  # a driver surprise must still land in the login dialog
            log.exception("unexpected error opening the database")
            self.error = f"无法打开数据库（{type(exc).__name__}：{exc}）。"
        return self.db is not None

    def _open(self, url: str) -> Database:
        url = database.normalize_url(url)
        path = database.sqlite_path(url)
        if path is not None:
            config.ensure_writable_dir(path.parent)
            self.warning = database.network_share_warning(path) or ""
        db = database.open_database(url)
        try:
            database.check_connection(db.engine)
            migrations.upgrade(db.engine)
        except BaseException:
            db.dispose()
            raise
        return db

    def needs_setup(self) -> bool:
        """True when the open database has no user yet; on failure sets self.error."""
        if self.db is None:
            return False
        try:
            return auth.needs_setup(UnitOfWork(self.db, None))
        except ServiceError as err:
            self.error = str(err)
            return False

    def company_name(self) -> str:
        if self.db is None:
            return ""
        try:
            return auth.company_name(UnitOfWork(self.db, None))
        except ServiceError:
            return ""

    def close(self) -> None:
        if self.db is not None:
            self.db.dispose()
            self.db = None
