"""Every dialog fits the screen it opens on and comes back at the size the user left it.

On a 1366×768 laptop a dialog laid out for a desktop would open with its 登记/取消
buttons below the screen's edge. Every dialog of the app is a FittedDialog: on show it restores the size last used for that kind of dialog, then shrinks
it to the available screen (the dialogs' scroll areas take up the difference, the button
row stays visible) and moves it fully onto the screen. The size is kept when it hides."""

from __future__ import annotations

from PySide6.QtCore import QSize, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from app.ui.common import prefs


def _key(dialog: QDialog) -> str:
    return f"dialogs/{type(dialog).__name__}/size"


def fit_to_screen(dialog: QDialog) -> None:
    screen = (dialog.screen() or QApplication.primaryScreen()).availableGeometry()
    frame = dialog.frameGeometry()
    extra_w = frame.width() - dialog.width()  # the window frame around the dialog
    extra_h = frame.height() - dialog.height()
    width = min(dialog.width(), screen.width() - extra_w)
    height = min(dialog.height(), screen.height() - extra_h)
    if (width, height) != (dialog.width(), dialog.height()):
        dialog.resize(width, height)
    frame = dialog.frameGeometry()
    x = max(screen.left(), min(frame.left(), screen.right() + 1 - frame.width()))
    y = max(screen.top(), min(frame.top(), screen.bottom() + 1 - frame.height()))
    if (x, y) != (frame.left(), frame.top()):
        dialog.move(x, y)


class FittedDialog(QDialog):
    """The base of the app's dialogs: see the module docstring."""

    def showEvent(self, event) -> None:  # noqa: N802
        saved = prefs.ui_settings().value(_key(self))
        if isinstance(saved, QSize) and saved.isValid():
            self.resize(saved.expandedTo(self.minimumSizeHint()))
        fit_to_screen(self)
        super().showEvent(event)
        # The window frame (title bar, borders) is known only once the window is on the
        # screen: fit again then, or a dialog as tall as a 768-pixel screen loses its
        # buttons under the title bar's height.
        QTimer.singleShot(0, self, self._fit_again)  # dropped if the dialog is deleted first

    def _fit_again(self) -> None:
        if self.isVisible():
            fit_to_screen(self)

    def hideEvent(self, event) -> None:  # noqa: N802
        prefs.ui_settings().setValue(_key(self), self.size())
        super().hideEvent(event)
