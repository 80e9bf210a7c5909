"""Where the app keeps its files, and which database it opens.

The database URL is chosen, first match wins, from: the --database-url option,
the CRM_DATABASE_URL environment variable, the saved config file, and finally a
SQLite file in the user's data directory.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from app import APP_ID
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


def load_config() -> SavedConfig:
    try:
        raw = json.loads(_config_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return SavedConfig()
    return SavedConfig(database_url=raw.get("database_url") or None)


def save_config(cfg: SavedConfig) -> None:
    path = _config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"database_url": cfg.database_url}, ensure_ascii=False), "utf-8")
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
