"""日程 tab: a month grid or a week view of one user's calendar events, with previous /
next / today, a colour per kind and, for a manager, a choice of team member.
Double-clicking an event emits `event_activated(Target)` for drill-through."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFrame,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.services.core import clock
from app.services.core.errors import ServiceError
from app.services.work import calendar_events
from app.services.work.calendar_events import (
    APPOINTMENT,
    FOLLOW_UP,
    NOTE,
    VISIT_PLAN,
    WORK_PLAN,
    CalendarEvent,
)
from app.ui.common.flow_layout import flow_bar
from app.ui.common.pinyin_combo import PinyinCombo
from app.ui.common.style import ERROR_COLOR, HINT_COLOR, message_label, set_message
from app.ui.context import AppContext

KIND_COLORS = {
    WORK_PLAN: "#1565c0",
    VISIT_PLAN: "#2e7d32",
    APPOINTMENT: "#d84315",
    FOLLOW_UP: "#6a1b9a",
    NOTE: "#546e7a",
}
DONE_COLOR = "#9e9e9e"
TODAY_BG = "#fff8e1"
OTHER_MONTH_BG = "#f4f4f4"
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
TARGET_ROLE = Qt.ItemDataRole.UserRole
EVENT_ROLE = Qt.ItemDataRole.UserRole + 1
MONTH_WEEKS = 6


def _swatch(color: str) -> QIcon:
    pix = QPixmap(10, 10)
    pix.fill(QColor(color))
    return QIcon(pix)


def month_range(anchor: date) -> tuple[date, date]:
    """The six weeks the month grid shows: from the Monday on or before the 1st."""
    first = anchor.replace(day=1)
    start = first - timedelta(days=first.weekday())
    return start, start + timedelta(days=7 * MONTH_WEEKS - 1)


def week_range(anchor: date) -> tuple[date, date]:
    start = anchor - timedelta(days=anchor.weekday())
    return start, start + timedelta(days=6)


class EventList(QListWidget):
    """Events one line each, coloured by kind, done ones struck through; double-click
    on an event emits `activated(Target)`, beside the events `day_activated(day)`."""

    activated = Signal(object)  # Target
    day_activated = Signal(object)  # date

    def __init__(self, detailed: bool, parent=None):
        super().__init__(parent)
        self.detailed = detailed
        self.day: date | None = None
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setIconSize(QSize(10, 10))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWordWrap(detailed)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setStyleSheet("QListWidget{background:transparent;}")
        self.itemDoubleClicked.connect(lambda item: self.activated.emit(item.data(TARGET_ROLE)))
        self.itemActivated.connect(lambda item: self.activated.emit(item.data(TARGET_ROLE)))
        self.viewport().installEventFilter(self)

    def fill(self, day: date, events: list[CalendarEvent]) -> None:
        self.day = day
        self.clear()
        for e in events:
            label = e.title
            if e.time is not None:
                label = f"{e.time:%H:%M} {label}"
            if self.detailed:
                label = f"[{e.kind}] {label}"
            item = QListWidgetItem(_swatch(KIND_COLORS[e.kind]), label)
            item.setData(TARGET_ROLE, e.target)
            item.setData(EVENT_ROLE, e)
            item.setForeground(QBrush(QColor(DONE_COLOR if e.done else KIND_COLORS[e.kind])))
            if e.done:
                font = QFont(item.font())
                font.setStrikeOut(True)
                item.setFont(font)
            when = f"{e.date:%Y-%m-%d}" + (f" {e.time:%H:%M}" if e.time else "")
            tip = f"{e.kind}　{when}\n{e.title}" + (f"\n{e.detail}" if e.detail else "")
            item.setToolTip(tip + "\n（双击打开）")
            self.addItem(item)

    def titles(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())]

    def eventFilter(self, watched, event) -> bool:
        if (
            event.type() == QEvent.Type.MouseButtonDblClick
            and watched is self.viewport()
            and self.itemAt(event.position().toPoint()) is None
            and self.day is not None
        ):
            self.day_activated.emit(self.day)
            return True
        return super().eventFilter(watched, event)


def _cell_style(frame: QFrame, day: date, today: date | None, in_month: bool = True) -> None:
    is_today = day == today
    bg = TODAY_BG if is_today else ("white" if in_month else OTHER_MONTH_BG)
    border = "#f9a825" if is_today else "#d0d0d0"
    frame.setStyleSheet(f"#{frame.objectName()}{{background:{bg}; border:1px solid {border};}}")


class DayCell(QFrame):
    """One day of the month grid: a header and its events, one line each."""

    activated = Signal(object)  # Target
    day_activated = Signal(object)  # date: a double-click beside the events

    def __init__(self, detailed: bool = False, parent=None):
        super().__init__(parent)
        self.day: date | None = None
        self.setFrameShape(QFrame.Shape.Box)
        self.setObjectName("dayCell")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(3, 2, 3, 3)
        layout.setSpacing(1)
        self.header = QLabel()
        layout.addWidget(self.header)
        self.events = EventList(detailed)
        self.events.activated.connect(self.activated)
        self.events.day_activated.connect(self.day_activated)
        layout.addWidget(self.events, 1)
        self.setMinimumSize(64, 56)  # six weeks must fit a laptop screen

    def set_day(self, day: date, events: list[CalendarEvent], *, in_month: bool = True,
                today: date | None = None) -> None:  # fmt: skip
        self.day = day
        is_today = day == today
        text = f"{day.day}" if day.day != 1 else f"{day.month}月1日"
        if is_today:
            text += "（今天）"
        color = "#000" if in_month else HINT_COLOR
        self.header.setText(text)
        self.header.setStyleSheet(f"font-weight:{'bold' if is_today else 'normal'}; color:{color}")
        _cell_style(self, day, today, in_month)
        self.events.fill(day, events)

    def titles(self) -> list[str]:
        return self.events.titles()

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        if self.day is not None:  # on the day's header or border
            self.day_activated.emit(self.day)


class MonthGrid(QWidget):
    activated = Signal(object)
    day_activated = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(2)
        for col, name in enumerate(WEEKDAYS):
            head = QLabel(name)
            head.setAlignment(Qt.AlignmentFlag.AlignCenter)
            head.setStyleSheet("font-weight:bold; padding:2px")
            grid.addWidget(head, 0, col)
        self.cells: list[DayCell] = []
        for i in range(7 * MONTH_WEEKS):
            cell = DayCell(False)
            cell.activated.connect(self.activated)
            cell.day_activated.connect(self.day_activated)
            grid.addWidget(cell, 1 + i // 7, i % 7)
            self.cells.append(cell)
        for row in range(1, MONTH_WEEKS + 1):
            grid.setRowStretch(row, 1)
        for col in range(7):
            grid.setColumnStretch(col, 1)

    def show_events(self, anchor: date, events: list[CalendarEvent], today: date) -> None:
        start, _end = month_range(anchor)
        by_day = _by_day(events)
        for i, cell in enumerate(self.cells):
            day = start + timedelta(days=i)
            cell.set_day(day, by_day.get(day, []), in_month=day.month == anchor.month,
                         today=today)  # fmt: skip

    def cell(self, day: date) -> DayCell | None:
        return next((c for c in self.cells if c.day == day), None)


class WeekDay:
    """One day of the week view: its untimed events (全天) and one slot per hour."""

    def __init__(self, all_day: EventList, slots: dict[int, EventList]):
        self.day: date | None = None
        self.all_day, self.slots = all_day, slots

    def lists(self) -> list[EventList]:
        return [self.all_day, *(self.slots[h] for h in sorted(self.slots))]

    def titles(self) -> list[str]:
        """Every event of the day, untimed first, then by time."""
        return [t for events in self.lists() for t in events.titles()]


class WeekView(QWidget):
    """The week on a time grid: a column per day, a row per office hour (wider when an
    event lies outside them), untimed events in a 全天 row on top."""

    activated = Signal(object)
    day_activated = Signal(object)
    FIRST_HOUR, LAST_HOUR = 8, 18  # the office day; events elsewhere widen the grid

    def __init__(self, parent=None):
        super().__init__(parent)
        self.heads: list[QLabel] = []
        self.days: list[WeekDay] = []
        self.hours: list[int] = []
        self.grid_box = QWidget()
        self.grid = QGridLayout(self.grid_box)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.grid_box)
        self.scroll = scroll
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def _build(self, hours: list[int]) -> None:
        """(Re)make the grid's widgets for these hour rows."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.hours, self.heads, self.days = hours, [], []
        labels = ["全天"] + [f"{h:02d}:00" for h in hours]
        for row, text in enumerate(labels, start=1):
            label = QLabel(text)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            label.setStyleSheet(f"color:{HINT_COLOR}; padding:2px 6px 0 2px")
            self.grid.addWidget(label, row, 0)
            self.grid.setRowMinimumHeight(row, 44 if row > 1 else 36)
        for col in range(1, 8):
            head = QLabel()
            head.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.grid.addWidget(head, 0, col)
            self.heads.append(head)
            lists = []
            for row in range(1, len(labels) + 1):
                frame = QFrame()
                frame.setObjectName(f"slot{col}_{row}")
                box = QVBoxLayout(frame)
                box.setContentsMargins(2, 1, 2, 1)
                events = EventList(True)
                events.activated.connect(self.activated)
                events.day_activated.connect(self.day_activated)
                box.addWidget(events)
                self.grid.addWidget(frame, row, col)
                lists.append((frame, events))
            day = WeekDay(lists[0][1], {h: lists[i + 1][1] for i, h in enumerate(hours)})
            day.frames = [f for f, _ in lists]
            self.days.append(day)
            self.grid.setColumnStretch(col, 1)
            self.grid.setColumnMinimumWidth(col, 80)

    def show_events(self, anchor: date, events: list[CalendarEvent], today: date) -> None:
        start, _end = week_range(anchor)
        timed = [e.time.hour for e in events if e.time is not None]
        first = min([self.FIRST_HOUR, *timed])
        last = max([self.LAST_HOUR, *timed])
        hours = list(range(first, last + 1))
        if hours != self.hours:
            self._build(hours)
        by_day = _by_day(events)
        for i, wd in enumerate(self.days):
            day = start + timedelta(days=i)
            wd.day = day
            mine = by_day.get(day, [])
            weight = "bold" if day == today else "normal"
            suffix = "（今天）" if day == today else ""
            self.heads[i].setText(f"{WEEKDAYS[day.weekday()]}　{day.month}月{day.day}日{suffix}")
            self.heads[i].setStyleSheet(f"font-weight:{weight}; padding:3px")
            wd.all_day.fill(day, [e for e in mine if e.time is None])
            for h, slot in wd.slots.items():
                slot.fill(day, [e for e in mine if e.time is not None and e.time.hour == h])
            for frame in wd.frames:
                _cell_style(frame, day, today)
        # Open on the office day (or the first event before it).
        self.scroll.verticalScrollBar().setValue(0)

    def cell(self, day: date) -> WeekDay | None:
        return next((d for d in self.days if d.day == day), None)


def _by_day(events: list[CalendarEvent]) -> dict[date, list[CalendarEvent]]:
    out: dict[date, list[CalendarEvent]] = {}
    for e in events:
        out.setdefault(e.date, []).append(e)
    return out


WHOLE_TEAM = -1  # the person choice that shows every member of a manager's team


class CalendarTab(QWidget):
    event_activated = Signal(object)  # Target of a double-clicked event
    day_activated = Signal(object)  # date double-clicked beside its events: add something

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.mode = "month"
        self.anchor = clock.now().date()
        self.shown: list[CalendarEvent] = []
        self.prev_button = QPushButton("◀ 上一月")
        self.today_button = QPushButton("今天")
        self.next_button = QPushButton("下一月 ▶")
        self.prev_button.clicked.connect(self.go_prev)
        self.next_button.clicked.connect(self.go_next)
        self.today_button.clicked.connect(self.go_today)
        self.title = QLabel()
        self.title.setStyleSheet("font-size:15px; font-weight:bold; padding:0 10px")
        self.month_button = QToolButton()
        self.month_button.setText("月")
        self.week_button = QToolButton()
        self.week_button.setText("周")
        modes = QButtonGroup(self)
        for b in (self.month_button, self.week_button):
            b.setCheckable(True)
            b.setMinimumWidth(36)
            modes.addButton(b)
        self.month_button.setChecked(True)
        self.month_button.clicked.connect(lambda: self.set_mode("month"))
        self.week_button.clicked.connect(lambda: self.set_mode("week"))
        self.person = PinyinCombo(allow_none=False, placeholder="输入姓名或拼音首字母")
        self.person.setMinimumWidth(120)
        self.person_label = QLabel("查看：")
        try:
            owners = calendar_events.viewable_users(ctx.read_uow())
        except ServiceError:
            owners = []
        choices = [(o.id, o.name) for o in owners]
        if len(owners) > 1:  # a manager: also the whole team at once
            choices.append((WHOLE_TEAM, "全组"))
        self.person.set_items(choices, ctx.actor.id)
        self.person.current_id_changed.connect(lambda _id: self.reload())
        many = len(owners) > 1
        self.person.setVisible(many)
        self.person_label.setVisible(many)
        # The bar wraps (FlowLayout) so the calendar does not set the window's width.
        bar_widget, bar = flow_bar()
        bar.setContentsMargins(6, 6, 6, 0)
        legend = QLabel(
            "　".join(f"<span style='color:{c}'>■</span> {k}" for k, c in KIND_COLORS.items())
        )
        for w in (self.prev_button, self.today_button, self.next_button, self.title, legend,
                  self.person_label, self.person, self.month_button, self.week_button):  # fmt: skip
            bar.addWidget(w)
        self.message = message_label(ERROR_COLOR)
        self.month = MonthGrid()
        self.week = WeekView()
        self.month.activated.connect(self.event_activated)
        self.week.activated.connect(self.event_activated)
        self.month.day_activated.connect(self.day_activated)
        self.week.day_activated.connect(self.day_activated)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.month)
        self.stack.addWidget(self.week)
        hint = QLabel("双击日程打开对应的记录；双击某天的空白处在这一天新建工作计划或日常记事。")
        hint.setStyleSheet(f"color:{HINT_COLOR}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.addWidget(bar_widget)
        layout.addWidget(self.message)
        layout.addWidget(self.stack, 1)
        layout.addWidget(hint)
        self.reload()

    # --- navigation ---------------------------------------------------------------

    def user_id(self) -> int:
        return self.person.current_id() or self.ctx.actor.id

    def set_user(self, user_id: int) -> bool:
        ok = self.person.set_current_id(user_id)
        self.reload()
        return ok

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        (self.month_button if mode == "month" else self.week_button).setChecked(True)
        self.stack.setCurrentWidget(self.month if mode == "month" else self.week)
        unit = "月" if mode == "month" else "周"
        self.prev_button.setText(f"◀ 上一{unit}")
        self.next_button.setText(f"下一{unit} ▶")
        self.reload()

    def set_anchor(self, day: date) -> None:
        self.anchor = day
        self.reload()

    def _step(self, sign: int) -> None:
        if self.mode == "week":
            self.anchor += timedelta(days=7 * sign)
        else:
            year, month = self.anchor.year, self.anchor.month + sign
            year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
            day = min(self.anchor.day, calendar.monthrange(year, month)[1])
            self.anchor = date(year, month, day)
        self.reload()

    def go_prev(self) -> None:
        self._step(-1)

    def go_next(self) -> None:
        self._step(1)

    def go_today(self) -> None:
        self.set_anchor(clock.now().date())

    def date_range(self) -> tuple[date, date]:
        return month_range(self.anchor) if self.mode == "month" else week_range(self.anchor)

    # --- data -----------------------------------------------------------------------

    def reload(self) -> None:
        start, end = self.date_range()
        if self.mode == "month":
            self.title.setText(f"{self.anchor.year}年{self.anchor.month}月")
        else:
            monday, sunday = week_range(self.anchor)
            self.title.setText(f"{monday:%Y-%m-%d} 至 {sunday:%m-%d}")
        try:
            if self.user_id() == WHOLE_TEAM:
                self.shown = calendar_events.team_events(self.ctx.read_uow(), start, end)
            else:
                self.shown = calendar_events.events(self.ctx.read_uow(), start, end, self.user_id())
            set_message(self.message, "")
        except ServiceError as err:
            self.shown = []
            set_message(self.message, str(err))
        today = clock.now().date()
        view = self.month if self.mode == "month" else self.week
        view.show_events(self.anchor, self.shown, today)

    def cell(self, day: date) -> DayCell | WeekDay | None:
        view = self.month if self.mode == "month" else self.week
        return view.cell(day)
