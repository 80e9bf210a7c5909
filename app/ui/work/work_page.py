"""工作计划 page: tabs 工作计划 (plans), 日程 (calendar) and 日常记事 (notes).

Drill-through: show_record("work_plan" | "daily_note", id) selects the record here;
calendar events that belong elsewhere (visit plans, customers) are passed on through
`open_target` for the main window to route.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QMenu, QTabWidget

from app.services.reminders.engine import Target
from app.ui.context import AppContext
from app.ui.work.calendar_view import CalendarTab
from app.ui.work.notes_tab import NotesTab
from app.ui.work.plans_tab import PlansTab

OWN_ENTITIES = ("work_plan", "daily_note")


class WorkPage(QTabWidget):
    open_target = Signal(object)  # app.services.reminders.engine.Target of another screen's record

    def __init__(self, ctx: AppContext, company: str = "", parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.plans = PlansTab(ctx, company)
        self.calendar = CalendarTab(ctx)
        self.notes = NotesTab(ctx, company)
        self.addTab(self.plans, "工作计划")
        self.addTab(self.calendar, "日程")
        self.addTab(self.notes, "日常记事")
        self.plans.changed.connect(self.calendar.reload)
        self.notes.changed.connect(self.calendar.reload)
        self.calendar.event_activated.connect(self.open_event)
        self.calendar.day_activated.connect(self.add_on_day)
        self.plans.open_target.connect(self.open_target)
        self.currentChanged.connect(self._tab_changed)

    def may_leave(self) -> bool:
        """Logging out with an unsaved 日常记事: save, discard or stay."""
        return self.notes.leave_ok()

    def reload(self) -> None:
        self.plans.reload()
        self.calendar.reload()
        self.notes.reload()

    def _tab_changed(self, _index: int) -> None:
        if self.currentWidget() is self.calendar:
            self.calendar.reload()  # plans and notes may have changed elsewhere

    def show_record(self, entity: str, record_id: int) -> bool:
        """Drill-through from a reminder or the calendar."""
        if entity == "work_plan":
            self.setCurrentWidget(self.plans)
            return self.plans.select_plan(record_id)
        if entity == "daily_note":
            self.setCurrentWidget(self.notes)
            return self.notes.open_note(record_id)
        return False

    def show_record_set(self, entity: str, ids, label: str) -> bool:
        """A grouped reminder: the plan list narrowed to its items."""
        if entity != "work_plan":
            return False
        self.setCurrentWidget(self.plans)
        self.plans.list.show_rows(ids, label)
        return True

    def add_on_day(self, day) -> QMenu:
        """A day double-clicked in the calendar: a plan or a note on that day."""
        menu = QMenu(self)
        menu.addAction(f"新建 {day:%m-%d} 的工作计划…", lambda: self._new_plan_on(day))
        menu.addAction(f"新建 {day:%m-%d} 的日常记事", lambda: self._new_note_on(day))
        menu.popup(QCursor.pos())
        return menu

    def _new_plan_on(self, day) -> None:
        if self.plans.new_plan(on=day):
            self.calendar.reload()

    def _new_note_on(self, day) -> None:
        self.setCurrentWidget(self.notes)
        self.notes.new_note(on=day)

    def open_event(self, target: Target) -> None:
        if target.entity in OWN_ENTITIES:
            self.show_record(target.entity, target.record_id)
        else:
            self.open_target.emit(target)
