"""Per-user UI preferences (last username, window geometry), kept next to the app's config.

An INI file in config_dir() rather than the platform default store, so the
CRM_CONFIG_DIR override (used by tests and portable installs) covers it too.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from app.services.core.config import config_dir

LAST_USERNAME = "login/last_username"
MAIN_GEOMETRY = "main_window/geometry"
MAIN_STATE = "main_window/state"
REMINDER_GEOMETRY = "reminder_window/geometry"


def ui_settings() -> QSettings:
    return QSettings(str(config_dir() / "ui.ini"), QSettings.Format.IniFormat)
