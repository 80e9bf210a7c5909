"""app.ui.common.tasks: work off the GUI thread, results on it, failures told or logged."""

import logging
import threading
import time

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QWidget

from app.services.core.errors import ValidationError
from app.ui.common.tasks import INTERNAL_ERROR, ProgressTask, Task


def test_success_and_progress_arrive_on_the_gui_thread(qtbot):
    worker_threads, delivered = [], []

    def job(progress, cancelled):
        worker_threads.append(threading.current_thread())
        progress(1, 2)
        return 42

    gui = QApplication.instance().thread()
    task = Task(job).on_progress(
        lambda d, t: delivered.append(("progress", QThread.currentThread() is gui))
    )
    task.on_success(lambda r: delivered.append((r, QThread.currentThread() is gui)))
    task.run_in_background()
    qtbot.waitUntil(lambda: len(delivered) == 2, timeout=5000)
    assert delivered == [("progress", True), (42, True)]
    assert worker_threads[0] is not threading.main_thread()


def test_a_service_error_is_shown_in_chinese_by_default(qtbot, message_boxes):
    parent = QWidget()
    qtbot.addWidget(parent)

    def job(_p, _c):
        raise ValidationError("客户名称不能为空。")

    Task(job, parent=parent, title="保存").run_in_background()
    qtbot.waitUntil(lambda: bool(message_boxes), timeout=5000)
    assert message_boxes == [("warning", "保存", "客户名称不能为空。")]


def test_any_other_exception_is_logged_with_its_traceback(qtbot, message_boxes, caplog):
    def job(_p, _c):
        raise KeyError("boom")

    failures = []
    with caplog.at_level(logging.ERROR, logger="app.ui.common.tasks"):
        Task(job, name="导出").on_failure(failures.append).run_in_background()
        qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert isinstance(failures[0], KeyError) and message_boxes == []
    [record] = [r for r in caplog.records if "导出" in r.getMessage()]
    assert record.exc_info and record.exc_info[0] is KeyError  # the traceback is kept


def test_progress_task_cancels_and_reports_a_generic_message(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    started = threading.Event()

    def job(_p, cancelled):
        started.set()
        for _ in range(500):
            if cancelled():
                raise RuntimeError("stopped")
            time.sleep(0.01)

    task = ProgressTask(parent, "正在导出…", job)
    errors = []
    task.error.connect(errors.append)
    task.start()
    started.wait(5)
    task.dialog.canceled.emit()  # the 取消 button
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert errors == [INTERNAL_ERROR]
