import subprocess
import sys
from pathlib import Path

import pytest

from app.services.core import config
from app.services.core.database import (
    check_connection,
    describe_url,
    network_share_warning,
    normalize_url,
    open_database,
)
from app.services.core.errors import DatabaseError

MOUNTS = """\
/dev/vda1 / ext4 rw,relatime 0 0
server:/export /mnt/office nfs4 rw,relatime 0 0
//nas/share /media/nas cifs rw 0 0
/dev/vdb1 /mnt/office/local ext4 rw 0 0
"""


@pytest.mark.parametrize(
    "path,warned",
    [
        ("/home/li/crm.sqlite3", False),
        ("/mnt/office/crm.sqlite3", True),
        ("/media/nas/销售/crm.sqlite3", True),
        ("/mnt/office/local/crm.sqlite3", False),  # a local disk mounted inside the share
        ("/mnt/officework/crm.sqlite3", False),
    ],
)
def test_network_share_warning(path, warned):
    msg = network_share_warning(Path(path), MOUNTS)
    assert (msg is not None) == warned
    if warned:
        assert "网络共享" in msg and "PostgreSQL" in msg


def test_url_normalising_and_description_hide_the_password():
    url = normalize_url("postgres://sales:s3cret@db.office:5433/crm")
    assert url.startswith("postgresql+psycopg://")
    text = describe_url(url)
    assert "s3cret" not in text and "db.office:5433/crm" in text
    assert describe_url("sqlite:////data/crm.sqlite3") == "SQLite 文件：/data/crm.sqlite3"
    with pytest.raises(DatabaseError, match="不支持"):
        normalize_url("mysql://u@h/db")
    with pytest.raises(DatabaseError, match="格式不正确"):
        normalize_url("not a url")


def test_unreachable_postgresql_gives_a_chinese_message():
    db = open_database("postgresql://u:p@127.0.0.1:1/crm")
    with pytest.raises(DatabaseError, match="无法连接 PostgreSQL 服务器 127.0.0.1:1"):
        check_connection(db.engine)
    db.dispose()


def test_wrong_database_name_on_a_live_server(pg_server):
    server, _ = pg_server
    db = open_database(server.url("no_such_db"))
    with pytest.raises(DatabaseError, match="数据库不存在"):
        check_connection(db.engine)
    db.dispose()


def test_unwritable_data_dir(tmp_path):
    # A path under a regular file can never be created, even by root.
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DatabaseError, match="无法在.*权限|无法在"):
        config.ensure_writable_dir(blocker / "data")


def test_choose_database_order(monkeypatch, tmp_path):
    monkeypatch.setenv("CRM_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CRM_DATABASE_URL", raising=False)
    default = config.choose_database()
    assert default.source == "默认" and default.url.endswith("data/crm.sqlite3")
    config.save_config(config.SavedConfig(database_url="postgresql://a@h/saved"))
    assert config.choose_database().url == "postgresql://a@h/saved"
    monkeypatch.setenv("CRM_DATABASE_URL", "postgresql://a@h/env")
    assert config.choose_database().url.endswith("/env")
    assert config.choose_database("sqlite:///cli.db").source == "命令行参数"


def test_services_never_import_qt():
    root = Path(__file__).resolve().parents[3]
    for path in (root / "app" / "services").rglob("*.py"):
        assert "PySide6" not in path.read_text(encoding="utf-8"), path
    code = (
        "import pkgutil, importlib, sys, app.services as s\n"
        "for m in pkgutil.walk_packages(s.__path__, 'app.services.'):\n"
        "    importlib.import_module(m.name)\n"
        "assert not any(k.startswith('PySide6') for k in sys.modules), 'Qt imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)


class FakeKeyring:
    def __init__(self, monkeypatch, available=True):
        from app.services.core import credentials

        self.store = {}
        monkeypatch.setattr(credentials, "available", lambda: available)
        monkeypatch.setattr(credentials, "remember", self.remember if available else self.refuse)
        monkeypatch.setattr(credentials, "recall", lambda k, u: self.store.get((k, u)))

    def remember(self, key, user, password):
        self.store[(key, user)] = password
        return True

    def refuse(self, *_):
        return False


def test_the_database_password_stays_out_of_the_config_file(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_CONFIG_DIR", str(tmp_path))
    keyring = FakeKeyring(monkeypatch)
    url = "postgresql+psycopg://crm:s3cret-pw@db.example:5432/crm"
    config.save_config(config.SavedConfig(database_url=url))
    file = tmp_path / "config.json"
    assert "s3cret-pw" not in file.read_text(encoding="utf-8")
    assert file.stat().st_mode & 0o777 == 0o600
    assert keyring.store == {
        ("db:postgresql+psycopg://crm@db.example:5432/crm", "crm"): "s3cret-pw"
    }
    config._unsaved_passwords.clear()  # a new run: the password comes from the keyring
    assert config.load_config().database_url == url
    assert config.choose_database().url == url


def test_an_old_plain_text_password_is_moved_out_of_the_file(tmp_path, monkeypatch):
    import json

    monkeypatch.setenv("CRM_CONFIG_DIR", str(tmp_path))
    keyring = FakeKeyring(monkeypatch)
    url = "postgresql://crm:old-pw@h/crm"
    (tmp_path / "config.json").write_text(json.dumps({"database_url": url}))
    assert config.load_config().database_url == url
    assert "old-pw" not in (tmp_path / "config.json").read_text(encoding="utf-8")
    assert list(keyring.store.values()) == ["old-pw"]


def test_without_a_keyring_the_password_lasts_this_run_only(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_CONFIG_DIR", str(tmp_path))
    FakeKeyring(monkeypatch, available=False)
    url = "postgresql://crm:pw-123@h/crm"
    config.save_config(config.SavedConfig(database_url=url))
    assert "pw-123" not in (tmp_path / "config.json").read_text(encoding="utf-8")
    assert config.load_config().database_url == url
    config._unsaved_passwords.clear()
    assert config.load_config().database_url == "postgresql://crm@h/crm"
    assert not config.password_is_kept()
