"""Start the desktop application: `python main.py [--database-url URL]`."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication

from app import APP_ID, APP_NAME
from app.ui.bootstrap import Bootstrap
from app.ui.common.fonts import install_fonts
from app.ui.crash import install_excepthook


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=APP_ID, description=APP_NAME)
    parser.add_argument(
        "--database-url",
        help="数据库地址，优先于保存的设置，例如 postgresql://user:pw@host/crm 或 sqlite:///crm.sqlite3",
    )
    args, _qt_args = parser.parse_known_args(argv)
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setOrganizationName(APP_ID)
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    # Logout closes the main window before the login dialog opens again.
    app.setQuitOnLastWindowClosed(False)
    install_excepthook()
    install_fonts(app)
    bootstrap = Bootstrap(args.database_url)
    if bootstrap.start() is None:
        bootstrap.connector.close()
        return 0
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
