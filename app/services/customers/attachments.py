"""附件: files attached to a customer card.

Who: anyone who sees the customer may list and open its files (a view under a 查阅授权
is logged like a card view); those who may edit the customer add and delete them.
Deleting is soft: the file goes to the recycle of the audit trail, not the disk.
"""

from __future__ import annotations

import mimetypes
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath, PureWindowsPath

from sqlalchemy import select
from sqlalchemy.orm import undefer

from app.models import Customer, CustomerAttachment, User
from app.services.access._internal import editable_customer, visible_customer
from app.services.access.visibility import grant_for
from app.services.core import clock, settings
from app.services.core.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services.core.uow import CONFLICT_MESSAGE, UnitOfWork
from app.services.customers._internal import log_view

NOTE_MAX = 200
NAME_MAX = 255
# Opened by the operating system, these run code: the screen asks before opening one.
EXECUTABLE_TYPES = frozenset(
    [
        ".exe",
        ".com",
        ".bat",
        ".cmd",
        ".lnk",
        ".js",
        ".jse",
        ".vbs",
        ".vbe",
        ".wsf",
        ".wsh",
        ".ps1",
        ".psm1",
        ".scr",
        ".pif",
        ".msi",
        ".msp",
        ".hta",
        ".cpl",
        ".jar",
        ".reg",
        ".url",
        ".sh",
        ".app",
        ".desktop",
    ]
)


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    file_name: str
    size: int
    content_type: str
    note: str
    uploaded_by: str
    uploaded_at: datetime
    version: int

    @property
    def size_text(self) -> str:
        return human_size(self.size)


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def clean_name(name: str) -> str:
    """The bare file name, whatever path or OS it came from. Control and direction
    characters are refused: "报价单\u202efdp.exe" would show as "报价单exe.pdf"."""
    name = PureWindowsPath(PurePosixPath(str(name or "")).name).name.strip()
    if not name or name in (".", ".."):
        raise ValidationError("请填写文件名。", field="file_name")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in name):
        raise ValidationError(
            "文件名含有控制字符或文字方向字符（可能伪装真实的文件类型），请改名后再添加。",
            field="file_name",
        )
    if len(name) > NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        keep = NAME_MAX - len(ext) - 1 if dot and len(ext) < 20 else NAME_MAX
        name = (stem[:keep] + "." + ext) if dot and len(ext) < 20 else name[:NAME_MAX]
    return name


def extension(name: str) -> str:
    """The real extension, lower case, as the operating system will read it ("" if none)."""
    return PurePosixPath(name).suffix.lower()


def is_executable(name: str) -> bool:
    return extension(name) in EXECUTABLE_TYPES


def _visible(uow: UnitOfWork, customer_id: int) -> Customer:
    return visible_customer(uow, customer_id)


def _editable(uow: UnitOfWork, customer_id: int) -> Customer:
    return editable_customer(uow, customer_id, "您只能为自己负责的客户添加或删除附件。")


def can_edit(uow: UnitOfWork, customer_id: int) -> bool:
    """For the screen: whether 添加/删除 make sense for this user and customer."""
    try:
        with uow:
            _editable(uow, customer_id)
        return True
    except (PermissionDenied, NotFound):
        return False


def add_attachment(
    uow: UnitOfWork, customer_id: int, file_name: str, data: bytes, note: str = ""
) -> int:
    name = clean_name(file_name)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(f"说明不能超过 {NOTE_MAX} 字。", field="note")
    if not data:
        raise ValidationError(f"文件“{name}”是空的，没有内容可以保存。", field="file_name")
    with uow:
        limit_mb = settings.get(uow, "customers.attachment_max_mb")
        if len(data) > limit_mb * 1024 * 1024:
            raise ValidationError(
                f"文件“{name}”有 {human_size(len(data))}，超过了单个附件 {limit_mb} MB 的上限。",
                field="file_name",
            )
        _editable(uow, customer_id)
        row = CustomerAttachment(
            customer_id=customer_id,
            file_name=name,
            size=len(data),
            content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
            note=note,
            data=data,
        )
        uow.session.add(row)
        uow.flush()
        uow.commit()
        return row.id


def list_attachments(uow: UnitOfWork, customer_id: int) -> list[AttachmentRow]:
    with uow:
        _visible(uow, customer_id)
        q = (
            select(CustomerAttachment, User.full_name)
            .outerjoin(User, User.id == CustomerAttachment.created_by_id)
            .where(CustomerAttachment.customer_id == customer_id)
            .order_by(CustomerAttachment.created_at.desc(), CustomerAttachment.id.desc())
        )
        return [
            AttachmentRow(a.id, a.file_name, a.size, a.content_type, a.note, who or "",
                          a.created_at, a.version)
            for a, who in uow.session.execute(q)
        ]  # fmt: skip


def _attachment(uow: UnitOfWork, attachment_id: int, *, with_data: bool = False):
    q = select(CustomerAttachment).where(CustomerAttachment.id == attachment_id)
    if with_data:
        q = q.options(undefer(CustomerAttachment.data))
    a = uow.session.scalar(q)
    if a is None:
        raise NotFound("该附件不存在，或已被删除。")
    return a


def read_attachment(uow: UnitOfWork, attachment_id: int) -> tuple[str, bytes]:
    """(file name, content) for 打开 / 另存为. Opening under a grant is logged."""
    with uow:
        a = _attachment(uow, attachment_id, with_data=True)
        c = _visible(uow, a.customer_id)
        grant_id = grant_for(uow.session, uow.actor, c)
        if grant_id is not None:
            log_view(uow, grant_id, c.id, "attachment")
            uow.commit()
        return a.file_name, a.data


def delete_attachment(uow: UnitOfWork, attachment_id: int, expected_version: int) -> None:
    with uow:
        a = _attachment(uow, attachment_id)
        _editable(uow, a.customer_id)
        if a.version != expected_version:
            raise ConflictError(CONFLICT_MESSAGE)
        a.deleted_at, a.deleted_by_id = clock.now(), uow.actor.id
        uow.commit()
