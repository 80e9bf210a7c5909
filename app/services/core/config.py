"""Where the app keeps its files, and which database it opens.

The database URL is chosen, first match wins, from: the --database-url option,
the CRM_DATABASE_URL environment variable, the saved config file, and finally a
SQLite file in the user's data directory.

A PostgreSQL password never reaches the config file: it is kept in the operating
system's keyring (or, on a machine without one, only in memory for this run), and the
file is readable by its owner alone.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from app import APP_ID
from app.services.core import credentials
from app.services.core.errors import DatabaseError

ENV_URL = "CRM_DATABASE_URL"
ENV_DATA_DIR = "CRM_DATA_DIR"
ENV_CONFIG_DIR = "CRM_CONFIG_DIR"


def data_dir() -> Path:
    return Path(os.environ.get(ENV_DATA_DIR) or platformdirs.user_data_dir(APP_ID, appauthor=False))


def config_dir() -> Path:
    return Path(
        os.environ.get(ENV_CONFIG_DIR) or platformdirs.user_config_dir(APP_ID, appauthor=False)
    )


def default_sqlite_path() -> Path:
    return data_dir() / "crm.sqlite3"


def ensure_writable_dir(path: Path) -> Path:
    """Create `path` if needed and prove we can write in it, or say why not in Chinese."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise DatabaseError(
            f"无法在“{path}”中创建或写入数据文件（{exc.strerror or exc}）。"
            "请检查该目录的权限，或在“数据库设置”中选择其他位置。"
        ) from exc
    return path


@dataclass
class SavedConfig:
    database_url: str | None = None


def _config_file() -> Path:
    return config_dir() / "config.json"


_unsaved_passwords: dict[tuple[str, str], str] = {}  # without a keyring: this run only


def _split_password(url: str) -> tuple[str, str | None, str | None]:
    """(url without its password, the user name, the password) — sqlite: no password."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url, None, None
    if not parsed.password:
        return url, parsed.username, None
    # URL.set() takes None as "unchanged": replace the field itself.
    bare = parsed._replace(password=None).render_as_string(hide_password=False)
    return bare, parsed.username, str(parsed.password)


def _with_password(url: str) -> str:
    bare, user, _ = _split_password(url)
    if not user:
        return url
    password = _unsaved_passwords.get((bare, user)) or credentials.recall(f"db:{bare}", user)
    if not password:
        return url
    return make_url(bare).set(password=password).render_as_string(hide_password=False)


def _keep_password(bare: str, user: str, password: str) -> None:
    _unsaved_passwords[(bare, user)] = password
    credentials.remember(f"db:{bare}", user, password)


def password_is_kept() -> bool:
    """Whether a database password given in 数据库设置 outlives this run (a keyring)."""
    return credentials.available()


def load_config() -> SavedConfig:
    try:
        raw = json.loads(_config_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return SavedConfig()
    url = raw.get("database_url") or None
    if url and _split_password(url)[2]:
        save_config(SavedConfig(url))  # an older file held the password: move it out
    return SavedConfig(database_url=_with_password(url) if url else None)


def save_config(cfg: SavedConfig) -> None:
    url = cfg.database_url
    if url:
        bare, user, password = _split_password(url)
        if password:
            _keep_password(bare, user or "", password)
        url = bare
    path = _config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    # Owner-only from the first byte (the file names the server and the account).
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"database_url": url}, f, ensure_ascii=False)
    os.chmod(tmp, 0o600)
    tmp.replace(path)


@dataclass(frozen=True)
class DatabaseChoice:
    url: str
    source: str  # 命令行 / 环境变量 / 配置文件 / 默认


def choose_database(cli_url: str | None = None) -> DatabaseChoice:
    if cli_url:
        return DatabaseChoice(cli_url, "命令行参数")
    if os.environ.get(ENV_URL):
        return DatabaseChoice(os.environ[ENV_URL], "环境变量 " + ENV_URL)
    saved = load_config().database_url
    if saved:
        return DatabaseChoice(saved, "数据库设置")
    return DatabaseChoice(sqlite_url(default_sqlite_path()), "默认")


def sqlite_url(path: Path) -> str:
    return "sqlite:///" + str(Path(path).absolute())
