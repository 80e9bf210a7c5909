"""日常记事: private to the owner (even from the admin, and out of the audit trail), dated,
searchable, with optimistic locking; and its list source."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.models import AuditLog, DailyNote
from app.services.core.errors import ConflictError, NotFound, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.lists import query as list_query
from app.services.lists.spec import ListQuery
from app.services.work import notes as daily_notes
from app.services.work.lists import daily_notes_source
from app.services.work.notes import NoteForm
from tests.services.customer_fixtures import fast_passwords, make_world


@pytest.fixture
def world(db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    return make_world(db)


def note_count(w) -> int:
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        return uow.session.scalar(select(func.count(DailyNote.id)))


def notes(w, actor, search="", end=None) -> list[int]:
    """The ids the 日常记事 list shows the actor, newest first."""
    query = ListQuery(search=search, date_key="note_date", date_to=end)
    uow = UnitOfWork(w.db, actor, write=False)
    return list(list_query.fetch_ids(uow, daily_notes_source(), query))


def test_notes_crud_search_and_locking(world, fake_clock):
    w = world
    today = fake_clock().date()
    n1 = daily_notes.create_note(
        UnitOfWork(w.db, w.rep1), NoteForm(None, "拜访宁夏红", "客户对枸杞原浆很感兴趣\n下周寄样")
    )
    n2 = daily_notes.create_note(
        UnitOfWork(w.db, w.rep1), NoteForm(today - timedelta(days=1), "", "  \n电话回访银川贸易\n")
    )
    assert notes(w, w.rep1) == [n1, n2]
    rows = [daily_notes.get_note(UnitOfWork(w.db, w.rep1), n) for n in (n1, n2)]
    assert [(r.note_date, r.title) for r in rows] == [
        (today, "拜访宁夏红"), (today - timedelta(days=1), "电话回访银川贸易")]  # fmt: skip
    assert notes(w, w.rep1, "寄样") == [n1]
    assert notes(w, w.rep1, "银川") == [n2]
    assert notes(w, w.rep1, "100%") == []
    assert notes(w, w.rep1, end=today - timedelta(days=1)) == [n2]
    # Bad input: a clear message and nothing stored.
    for form, message in [(NoteForm(None, " ", " \n "), "请填写记事标题或内容"),
                          (NoteForm(None, "x" * 201, ""), "200 字"),
                          (NoteForm(None, "t", "x" * 20001), "20000 字")]:  # fmt: skip
        with pytest.raises(ValidationError, match=message):
            daily_notes.create_note(UnitOfWork(w.db, w.rep1), form)
    assert note_count(w) == 2
    note = daily_notes.get_note(UnitOfWork(w.db, w.rep1), n1)
    fake_clock.advance(minutes=5)
    daily_notes.update_note(UnitOfWork(w.db, w.rep1), n1, note.version,
                            NoteForm(note.note_date, "拜访宁夏红（已寄样）", note.content))  # fmt: skip
    with pytest.raises(ConflictError):
        daily_notes.update_note(UnitOfWork(w.db, w.rep1), n1, note.version, NoteForm(None, "旧的"))
    with pytest.raises(ValidationError):
        daily_notes.update_note(UnitOfWork(w.db, w.rep1), n1, note.version + 1, NoteForm(None, ""))
    fresh = daily_notes.get_note(UnitOfWork(w.db, w.rep1), n1)
    assert (fresh.title, fresh.version) == ("拜访宁夏红（已寄样）", note.version + 1)
    with pytest.raises(ConflictError):
        daily_notes.delete_note(UnitOfWork(w.db, w.rep1), n1, note.version)
    daily_notes.delete_note(UnitOfWork(w.db, w.rep1), n1, fresh.version)
    assert notes(w, w.rep1) == [n2]
    with pytest.raises(NotFound):
        daily_notes.get_note(UnitOfWork(w.db, w.rep1), n1)


def test_notes_are_private_even_from_the_admin(world):
    w = world
    secret = "私人备忘：考虑跳槽"
    nid = daily_notes.create_note(UnitOfWork(w.db, w.rep1), NoteForm(None, "备忘", secret))
    v = daily_notes.get_note(UnitOfWork(w.db, w.rep1), nid).version
    for actor in (w.admin, w.chairman, w.manager, w.rep2, w.sales_admin):
        assert notes(w, actor) == []
        with pytest.raises(NotFound, match="不是您的记事"):
            daily_notes.get_note(UnitOfWork(w.db, actor), nid)
        with pytest.raises(NotFound):
            daily_notes.update_note(UnitOfWork(w.db, actor), nid, v, NoteForm(None, "改"))
        with pytest.raises(NotFound):
            daily_notes.delete_note(UnitOfWork(w.db, actor), nid, v)
    assert daily_notes.get_note(UnitOfWork(w.db, w.rep1), nid).title == "备忘"
    # The admin's audit trail records that a note was written, not what it says.
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        logged = uow.session.scalars(
            select(AuditLog.changes).where(AuditLog.table_name == "daily_notes")
        ).all()
    assert logged and not any(secret in str(c) or "备忘" in str(c) for c in logged)


def test_notes_list_source(world, fake_clock):
    w = world
    today = fake_clock().date()
    for i in range(3):
        daily_notes.create_note(
            UnitOfWork(w.db, w.rep1),
            NoteForm(today - timedelta(days=i), f"第{i}条", "很长的内容" * 30 if i == 0 else "短"),
        )
    daily_notes.create_note(UnitOfWork(w.db, w.rep2), NoteForm(today, "别人的", "短"))
    src = daily_notes_source()
    read = UnitOfWork(w.db, w.rep1, write=False)
    ids = list_query.fetch_ids(read, src, ListQuery())
    rows = list_query.fetch_rows(UnitOfWork(w.db, w.rep1, write=False), src, ids,
                              ["note_date", "title", "content"])  # fmt: skip
    assert [r[2] for r in rows] == ["第0条", "第1条", "第2条"]  # newest first
    excerpt = src.column("content").display(rows[0][3])
    assert excerpt.endswith("…") and len(excerpt) == 61
    sliced = ListQuery(date_key="note_date", date_from=today - timedelta(days=1), date_to=today)
    assert len(list_query.fetch_ids(read, src, sliced)) == 2
    assert len(list_query.fetch_ids(read, src, ListQuery(search="很长"))) == 1
    assert not any(c.groupable for c in src.columns)  # notes have nothing to group by
