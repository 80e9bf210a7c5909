"""公司地址、电话、标志 for the printed forms' letterhead: the logo must be a PNG or JPEG
image of at most 200 KB (a Chinese message otherwise, nothing saved), and the audit
log records that it changed without copying the image into the line."""

import base64

import pytest
from sqlalchemy import select

from app.models import AuditLog, Setting
from app.services.core import settings
from app.services.core.errors import ValidationError
from app.services.core.uow import UnitOfWork
from tests.services.customer_fixtures import fast_passwords, make_world

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 6000).decode()


@pytest.fixture
def world(db, monkeypatch):
    fast_passwords(monkeypatch)
    return make_world(db)


@pytest.mark.parametrize(
    "logo, message",
    [
        ("不是图片", "公司标志不是有效的图片数据。"),
        (base64.b64encode(b"GIF89a....").decode(), "公司标志须为 PNG 或 JPEG 图片。"),
        (
            base64.b64encode(b"\xff\xd8" + b"\x00" * 200_001).decode(),
            "公司标志图片过大（不超过 200 KB）。",
        ),
    ],
)
def test_a_bad_logo_is_refused(world, logo, message):
    with pytest.raises(ValidationError) as err:
        settings.update_settings(UnitOfWork(world.db, world.admin),
                                 {"company_address": "银川市", "company_logo": logo})  # fmt: skip
    assert str(err.value) == message
    values = settings.read_settings(UnitOfWork(world.db, world.admin))
    assert values["company_address"] == "" and values["company_logo"] == ""


def test_the_letterhead_is_saved_and_audited_readably(world):
    settings.update_settings(UnitOfWork(world.db, world.admin), {
        "company_address": "宁夏银川市金凤区枸杞路 1 号", "company_phone": "0951-5000000",
        "company_logo": PNG,
    })  # fmt: skip
    values = settings.read_settings(UnitOfWork(world.db, world.sales_admin))  # any role reads
    assert values["company_phone"] == "0951-5000000" and values["company_logo"] == PNG
    with UnitOfWork(world.db, world.admin, write=False) as uow:
        logo_id = uow.session.scalar(select(Setting.id).where(Setting.key == "company_logo"))
        lines = uow.session.scalars(
            select(AuditLog).where(AuditLog.record_id == logo_id, AuditLog.table_name == "settings")
        ).all()
    text = repr([line.changes for line in lines])
    assert lines and "个字符的数据" in text and PNG[:100] not in text
