"""日常记事 (daily notes): a user's private diary of the working day.

A note belongs to its owner alone: every read and write is filtered by owner_id, for
every role — the admin and the chairman do not read other people's notes either, and
the note's text is kept out of the audit trail (DailyNote.__audit_exclude__).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.models import DailyNote
from app.services.core import clock
from app.services.core._internal import load_row
from app.services.core.errors import ValidationError
from app.services.core.uow import UnitOfWork, logged_in
from app.services.lists.spec import text_search

MAX_TITLE = 200
MAX_CONTENT = 20000
NOT_FOUND = "该记事不存在，或不是您的记事。"
AUTO_TITLE_CHARS = 30


@dataclass
class NoteForm:
    note_date: date | None = None  # default: today
    title: str = ""
    content: str = ""


@dataclass(frozen=True)
class NoteRow:
    id: int
    note_date: date
    title: str
    content: str
    updated_at: datetime
    version: int


def _checked(form: NoteForm) -> dict:
    content = (form.content or "").rstrip()
    if len(content) > MAX_CONTENT:
        raise ValidationError(f"记事内容不能超过 {MAX_CONTENT} 字。", field="content")
    title = (form.title or "").strip()
    if not title:
        # A quick note: its first line is the title.
        first = next((ln.strip() for ln in content.splitlines() if ln.strip()), "")
        title = first[:AUTO_TITLE_CHARS]
    if not title:
        raise ValidationError("请填写记事标题或内容。", field="title")
    if len(title) > MAX_TITLE:
        raise ValidationError(f"记事标题不能超过 {MAX_TITLE} 字。", field="title")
    note_date = form.note_date or clock.now().date()
    if not isinstance(note_date, date):
        raise ValidationError("记事日期无效。", field="note_date")
    return {"note_date": note_date, "title": title, "content": content}


def _load(uow: UnitOfWork, note_id: int, expected_version: int | None) -> DailyNote:
    actor = logged_in(uow)
    stmt = select(DailyNote).where(DailyNote.id == note_id, DailyNote.owner_id == actor.id)
    return load_row(uow, stmt, expected_version, NOT_FOUND)


def _row(n: DailyNote) -> NoteRow:
    return NoteRow(n.id, n.note_date, n.title, n.content, n.updated_at, n.version)


def create_note(uow: UnitOfWork, form: NoteForm) -> int:
    actor = logged_in(uow)
    values = _checked(form)
    with uow:
        note = DailyNote(owner_id=actor.id, **values)
        uow.session.add(note)
        uow.flush()
        uow.commit()
        return note.id


def update_note(uow: UnitOfWork, note_id: int, expected_version: int, form: NoteForm) -> None:
    values = _checked(form)
    with uow:
        note = _load(uow, note_id, expected_version)
        for key, value in values.items():
            setattr(note, key, value)
        uow.commit()


def delete_note(uow: UnitOfWork, note_id: int, expected_version: int) -> None:
    with uow:
        note = _load(uow, note_id, expected_version)
        note.deleted_at = clock.now()
        uow.commit()


def get_note(uow: UnitOfWork, note_id: int) -> NoteRow:
    with uow:
        return _row(_load(uow, note_id, None))


note_search = text_search(DailyNote.title, DailyNote.content)
