"""附件 on the customer card: who may add, open and delete, limits, grants, conflicts."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.models import AuditLog, CustomerAttachment
from app.services.core import clock, settings
from app.services.core.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers import attachments, grants
from app.services.customers.attachments import add_attachment, delete_attachment, list_attachments
from tests.services.customer_fixtures import NXH, fast_passwords, make_world, register

PDF = b"%PDF-1.4 contract " + bytes(range(256)) * 40


@pytest.fixture
def world(db, monkeypatch, fake_clock):
    fast_passwords(monkeypatch)
    w = make_world(db)
    w.cid = register(w, w.rep1, NXH).customer_id
    return w


def test_owner_adds_lists_opens_and_deletes(world):
    w = world
    aid = add_attachment(
        w.uow(w.rep1), w.cid, r"C:\Users\张三\桌面\购销合同2026.pdf", PDF, "年度合同"
    )
    [row] = list_attachments(w.uow(w.manager), w.cid)  # the manager sees the team's files
    assert (row.file_name, row.size, row.note, row.uploaded_by) == (
        "购销合同2026.pdf",
        len(PDF),
        "年度合同",
        "张三",
    )
    assert row.content_type == "application/pdf" and row.size_text == "10.0 KB"
    assert attachments.read_attachment(w.uow(w.sales_admin), aid) == ("购销合同2026.pdf", PDF)
    # The audit trail names the file but does not copy its bytes.
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        log = uow.session.scalars(
            select(AuditLog).where(AuditLog.table_name == "customer_attachments")
        ).all()
        assert log and all("data" not in (entry.changes or {}) for entry in log)
    delete_attachment(w.uow(w.rep1), aid, row.version)
    assert list_attachments(w.uow(w.rep1), w.cid) == []
    with pytest.raises(NotFound):
        attachments.read_attachment(w.uow(w.rep1), aid)


def test_who_may_do_what(world):
    w = world
    aid = add_attachment(w.uow(w.rep1), w.cid, "营业执照.jpg", b"\xff\xd8jpeg")
    for outsider in (w.rep2, w.rep3):
        with pytest.raises(NotFound):
            list_attachments(w.uow(outsider), w.cid)
        with pytest.raises(NotFound):
            attachments.read_attachment(w.uow(outsider), aid)
        with pytest.raises(NotFound):
            add_attachment(w.uow(outsider), w.cid, "x.txt", b"x")
    # The chairman and the clerk read but do not change.
    assert attachments.read_attachment(w.uow(w.chairman), aid)[1] == b"\xff\xd8jpeg"
    for reader in (w.chairman, w.clerk):
        with pytest.raises(PermissionDenied, match="只能为自己负责的客户"):
            add_attachment(w.uow(reader), w.cid, "x.txt", b"x")
        with pytest.raises(PermissionDenied):
            delete_attachment(w.uow(reader), aid, 1)
        assert not attachments.can_edit(w.uow(reader), w.cid)
    assert attachments.can_edit(w.uow(w.rep1), w.cid)
    assert attachments.can_edit(w.uow(w.sales_admin), w.cid)


def test_opening_under_a_grant_is_logged(world):
    w = world
    aid = add_attachment(w.uow(w.rep1), w.cid, "报价单.xlsx", b"PK\x03\x04sheet")
    until = clock.now() + timedelta(days=7)
    gid = grants.request_grant(w.uow(w.rep3), "协助报价", until, customer_id=w.cid)
    grants.decide_grant(w.uow(w.chairman), gid, True)
    assert attachments.read_attachment(w.uow(w.rep3), aid)[0] == "报价单.xlsx"
    views = grants.list_views(w.uow(w.chairman), gid)
    assert [(v.customer_id, v.action) for v in views] == [(w.cid, "attachment")]
    with pytest.raises(PermissionDenied):  # a grant is read-only
        delete_attachment(w.uow(w.rep3), aid, 1)


def test_bad_input_changes_nothing(world):
    w = world
    settings.update_settings(w.uow(w.admin), {"customers.attachment_max_mb": 1})
    cases = [
        (("空文件.txt", b""), "是空的"),
        (("大文件.zip", b"0" * (1024 * 1024 + 1)), "超过了单个附件 1 MB 的上限"),
        (("  ", b"x"), "请填写文件名"),
        (("说明太长.txt", b"x", "长" * 201), "说明不能超过 200 字"),
    ]
    for args, message in cases:
        with pytest.raises(ValidationError, match=message):
            add_attachment(w.uow(w.rep1), w.cid, *args)
    with UnitOfWork(w.db, w.admin, write=False) as uow:
        assert uow.session.scalar(select(func.count(CustomerAttachment.id))) == 0
    long_name = "合同" * 200 + ".pdf"
    aid = add_attachment(w.uow(w.rep1), w.cid, long_name, b"x")
    assert attachments.read_attachment(w.uow(w.rep1), aid)[0].endswith(".pdf")
    assert len(attachments.read_attachment(w.uow(w.rep1), aid)[0]) == 255


def test_deleting_a_changed_attachment_is_a_conflict(world):
    w = world
    aid = add_attachment(w.uow(w.rep1), w.cid, "a.txt", b"a")
    [row] = list_attachments(w.uow(w.rep1), w.cid)
    delete_attachment(w.uow(w.sales_admin), aid, row.version)
    with pytest.raises(NotFound):
        delete_attachment(w.uow(w.rep1), aid, row.version)
    aid = add_attachment(w.uow(w.rep1), w.cid, "b.txt", b"b")
    with pytest.raises(ConflictError):
        delete_attachment(w.uow(w.rep1), aid, 99)


@pytest.mark.parametrize(
    "name", ["报价单\u202efdp.exe", "a\u200fb.pdf", "合同\x00.pdf", "tab\tname.doc", "x\u2066y.txt"]
)
def test_names_with_control_or_direction_characters_are_refused(world, name):
    """Issue 12.14: a right-to-left override shows 报价单\u202efdp.exe as 报价单exe.pdf."""
    w = world
    with pytest.raises(ValidationError, match="控制字符或文字方向字符"):
        add_attachment(w.uow(w.rep1), w.cid, name, b"MZ")
    assert list_attachments(w.uow(w.rep1), w.cid) == []


def test_executable_types_are_known_by_their_real_extension():
    from app.services.customers.attachments import extension, is_executable

    for name in (
        "setup.EXE",
        "run.bat",
        "x.cmd",
        "快捷方式.lnk",
        "a.js",
        "b.vbs",
        "c.ps1",
        "d.scr",
    ):
        assert is_executable(name), name
    for name in ("报价单.pdf", "营业执照.jpg", "合同.docx", "exe.pdf", "无扩展名"):
        assert not is_executable(name), name
    assert extension("报价单.PDF") == ".pdf"
