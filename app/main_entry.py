"""Start the desktop application: `python main.py [--database-url URL]`."""

from __future__ import annotations

import argparse
import os
import sys

from PySide6.QtWidgets import QApplication

from app import APP_ID, APP_NAME, __version__
from app.ui.bootstrap import Bootstrap
from app.ui.common.chinese import install_chinese
from app.ui.common.fonts import install_fonts
from app.ui.crash import install_excepthook


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=APP_ID, description=APP_NAME)
    parser.add_argument(
        "--database-url",
        help="数据库地址，优先于保存的设置，例如 postgresql://user:pw@host/crm 或 sqlite:///crm.sqlite3",
    )
    parser.add_argument(
        "--unlock-user",
        metavar="用户名",
        help="解除该用户因多次输错密码造成的锁定，然后退出（用于唯一的管理员被锁定时）",
    )
    parser.add_argument(
        "--demo",
        metavar="目录",
        help="在该目录建立（已有则直接打开）一个带演示数据的数据库，并用它启动",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="在临时数据库上自检（迁移、登记、打印 PDF、导出 Excel）后退出，无需显示器",
    )
    args, _qt_args = parser.parse_known_args(argv)
    return args


def unlock_user(database_url: str | None, username: str) -> int:
    """Recovery path without logging in: whoever can open the database (the SQLite file's
    machine, or the PostgreSQL account) may clear a lockout."""
    from app.services.admin import auth
    from app.services.core import config, database
    from app.services.core.errors import ServiceError
    from app.services.core.uow import UnitOfWork

    try:
        db = database.open_database(config.choose_database(database_url).url)
        found = auth.unlock_by_name(UnitOfWork(db), username)
    except ServiceError as exc:
        print(f"解锁失败：{exc}", file=sys.stderr)
        return 1
    if not found:
        print(f"没有用户名为“{username}”的用户。", file=sys.stderr)
        return 1
    print(f"已解除用户“{username}”的锁定，可以重新登录。")
    return 0


def demo_database(folder: str) -> str:
    """The demo database in `folder` (made on first use, half a minute): its URL."""
    from pathlib import Path

    path = Path(folder).expanduser().resolve() / "crm-demo.sqlite3"
    if not path.exists():
        from app.services.core.database import open_database
        from app.services.core.migrations import upgrade
        from app.services.demo import builder

        path.parent.mkdir(parents=True, exist_ok=True)
        print(f"正在建立演示数据库 {path} …", flush=True)
        db = open_database(f"sqlite:///{path}")
        upgrade(db.engine)
        done = builder.build(
            db, progress=lambda i, n: i % 50 == 0 and print(f"  {i}/{n} 位客户", flush=True)
        )
        db.dispose()
        print(f"演示数据已建立：{done.customers} 位客户，{done.users} 个账户。", flush=True)
    return f"sqlite:///{path}"


def self_check() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed
    from app.ui import self_check as check

    app = QApplication.instance() or QApplication([sys.argv[0]])
    if not install_fonts(app):
        print("自检失败：内置中文字体无法加载", file=sys.stderr)
        return 1
    return check.run()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.unlock_user:
        return unlock_user(args.database_url, args.unlock_user)
    if args.self_check:
        return self_check()
    if args.demo:
        args.database_url = demo_database(args.demo)
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setOrganizationName(APP_ID)
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    # Logout closes the main window before the login dialog opens again.
    app.setQuitOnLastWindowClosed(False)
    install_excepthook()
    install_fonts(app)
    install_chinese(app)
    bootstrap = Bootstrap(args.database_url)
    if bootstrap.start() is None:
        bootstrap.connector.close()
        return 0
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
