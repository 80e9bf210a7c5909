"""Build and read back database URLs for the settings dialog (no SQLAlchemy in the UI)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from app.services.core import config

PG_DRIVER = "postgresql+psycopg"
PG_DEFAULT_PORT = 5432


@dataclass
class PgParams:
    host: str = "localhost"
    port: int = PG_DEFAULT_PORT
    database: str = "crm"
    user: str = ""
    password: str = ""


def postgres_url(p: PgParams) -> str:
    # Quote every part so '@', ':' or '/' in a password cannot break the URL.
    auth = quote(p.user, safe="")
    if p.password:
        auth += ":" + quote(p.password, safe="")
    host = f"[{p.host}]" if ":" in p.host else p.host
    return f"{PG_DRIVER}://{auth}@{host}:{p.port}/{quote(p.database, safe='')}"


def sqlite_url(path: str | Path) -> str:
    return config.sqlite_url(Path(path).expanduser())


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite:")


def parse_sqlite(url: str) -> str:
    return url.split(":///", 1)[1] if ":///" in url else ""


def parse_postgres(url: str) -> PgParams:
    parts = urlsplit(url)
    try:
        port = parts.port or PG_DEFAULT_PORT
    except ValueError:
        port = PG_DEFAULT_PORT
    return PgParams(
        host=parts.hostname or "localhost",
        port=port,
        database=unquote(parts.path.lstrip("/")),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )
