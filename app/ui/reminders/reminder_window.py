"""待办提醒: everything due for the logged-in user, each row drilling through to its record.

The reminders are read on a background thread (a manager's at a million customers take
longer than a frame): the window shows the last items read until the new ones arrive, and
a refresh asked for while one runs is folded into one more read after it."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.core.errors import ServiceError
from app.services.reminders import registry as reminders
from app.ui.common import prefs
from app.ui.common.style import HINT_COLOR, WARNING_COLOR, message_label, set_message
from app.ui.common.tasks import Task
from app.ui.context import AppContext
from app.ui.reminders.reminder_model import ALL_KINDS, ReminderTableModel


class ReminderWindow(QWidget):
    open_target = Signal(object)  # Target
    count_changed = Signal(int)
    refreshed = Signal()  # a read has been shown (or has failed)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        # A window, not a dialog: Esc closes it all the same.
        if event.key() == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx = ctx
        self.setWindowTitle("待办提醒")
        self.resize(1000, 440)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("类别："))
        self.kind_combo = QComboBox()
        self.kind_combo.setMinimumWidth(140)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        top.addWidget(self.kind_combo)
        self.count_label = QLabel()
        top.addWidget(self.count_label)
        top.addStretch(1)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)

        self.failure_label = message_label(WARNING_COLOR)
        layout.addWidget(self.failure_label)

        self.model = ReminderTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for col, width in enumerate((80, 100, 420, 140)):
            self.table.setColumnWidth(col, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        # Not `activated`: depending on the platform a double-click emits it as well as
        # doubleClicked, which would open the record twice. Enter is caught in eventFilter.
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.table.installEventFilter(self)
        self.empty_label = message_label(HINT_COLOR, "暂无待办事项", hidden=False)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)
        layout.addWidget(self.stack, 1)

        bottom = QHBoxLayout()
        hint = message_label(HINT_COLOR, "双击或按回车键打开对应记录。", hidden=False)
        hint.setWordWrap(False)
        bottom.addWidget(hint)
        bottom.addStretch(1)
        self.open_button = QPushButton("打开")
        self.open_button.clicked.connect(self._open_current)
        self.close_button = QPushButton("关闭")
        self.close_button.clicked.connect(self.close)
        bottom.addWidget(self.open_button)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)

        geometry = prefs.ui_settings().value(prefs.REMINDER_GEOMETRY)
        self._placed = geometry is not None and self.restoreGeometry(geometry)
        self._reading = False  # from the start of a read until its result is shown
        self._again = False
        self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802
        if not self._placed:
            self.place_over(self.parentWidget())
            self._placed = True
        super().showEvent(event)

    def place_over(self, owner: QWidget | None) -> None:
        """Centred on the main window, and no larger than the screen it is on (a
        1366×768 laptop: the app stays visible around it)."""
        screen = (owner.screen() if owner is not None else self.screen()).availableGeometry()
        width = min(1000, int(screen.width() * 0.8))
        height = min(440, int(screen.height() * 0.6))
        self.resize(width, height)
        centre = owner.frameGeometry().center() if owner is not None else screen.center()
        frame = self.frameGeometry()
        frame.moveCenter(centre)
        # keep the whole window on the screen
        x = max(screen.left(), min(frame.left(), screen.right() - frame.width()))
        y = max(screen.top(), min(frame.top(), screen.bottom() - frame.height()))
        self.move(x, y)

    def reading(self) -> bool:
        return self._reading

    def refresh(self) -> None:
        """Read the reminders again, off the GUI thread."""
        if self.reading():
            self._again = True
            return
        self._again, self._reading = False, True
        if not self.model.total():
            self.count_label.setText("正在读取…")
        uow = self.ctx.read_uow()
        (
            Task(lambda _progress, _cancelled: reminders.collect(uow), name="reminders")
            .on_success(self._read)
            .on_failure(self._failed)
            .run_in_background()
        )

    def _failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return  # the window closed (logout) while the reminders were read
        text = str(exc) if isinstance(exc, ServiceError) else "程序内部出错"
        set_message(self.failure_label, f"无法读取待办提醒：{text}")
        self._update_view()
        self._done()

    def _done(self) -> None:
        self._reading = False
        self.refreshed.emit()
        if self._again:
            self.refresh()

    def _read(self, result) -> None:
        if not shiboken6.isValid(self):
            return
        self.model.set_items(result.items)
        failures = "、".join(result.failures)
        set_message(self.failure_label, f"以下提醒暂时无法读取：{failures}" if failures else "")
        self._fill_kinds()
        self._update_view()
        self.count_changed.emit(self.model.total())
        self._done()

    def _fill_kinds(self) -> None:
        current = self.kind_combo.currentData() or ALL_KINDS
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        self.kind_combo.addItem("全部", ALL_KINDS)
        for kind, label in sorted(self.model.kinds_present().items(), key=lambda kv: kv[1]):
            self.kind_combo.addItem(label, kind)
        index = self.kind_combo.findData(current)
        self.kind_combo.setCurrentIndex(max(index, 0))
        self.kind_combo.blockSignals(False)
        self.model.set_kind(self.kind_combo.currentData() or ALL_KINDS)

    def _kind_changed(self) -> None:
        self.model.set_kind(self.kind_combo.currentData() or ALL_KINDS)
        self._update_view()

    def _update_view(self) -> None:
        shown, total = self.model.rowCount(), self.model.total()
        if shown == total:
            self.count_label.setText(f"共 {total} 项")
        else:
            self.count_label.setText(f"显示 {shown} 项，共 {total} 项")
        self.stack.setCurrentWidget(self.table if shown else self.empty_label)
        self.open_button.setEnabled(shown > 0)
        if shown:
            self.table.selectRow(0)

    def _open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self._open_row(index.row())

    def _open_row(self, row: int) -> None:
        reminder = self.model.reminder_at(row)
        if reminder is not None:
            self.open_target.emit(reminder.target)

    def eventFilter(self, watched, event) -> bool:
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._open_current()
            return True
        return super().eventFilter(watched, event)

    def closeEvent(self, event) -> None:
        prefs.ui_settings().setValue(prefs.REMINDER_GEOMETRY, self.saveGeometry())
        super().closeEvent(event)
