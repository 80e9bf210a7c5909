"""Qt's own words in Simplified Chinese: the buttons of message boxes and file dialogs, the
menus of text fields, print-preview tooltips, and dates in the zh_CN locale.

PySide6 ships Qt's translations (qtbase_zh_CN.qm); in a PyInstaller bundle they are looked
for next to the Qt libraries, as Qt itself does (QLibraryInfo)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)
LOCALE = QLocale(QLocale.Language.Chinese, QLocale.Country.China)


def install_chinese(app: QApplication) -> bool:
    """zh_CN as the default locale and Qt's Chinese translations; False (logged) when the
    translations are not found — the app's own texts are Chinese either way."""
    QLocale.setDefault(LOCALE)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)  # parented: lives as long as the application
    if not translator.load(LOCALE, "qtbase", "_", folder):
        log.warning("Qt's Chinese translations not found in %s", folder)
        return False
    app.installTranslator(translator)
    return True
