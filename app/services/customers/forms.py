"""The customer form (《客户资源信息登记表》) and what the services know about its fields:
labels, code-table fields, key fields (规则 9), text limits. Validation is in validation.py."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime

from app.models import Customer
from app.models.customer import CUSTOMER_FIELD_LABELS


@dataclass
class ContactForm:
    name: str = ""
    gender: str = ""
    birthday: date | None = None
    position_id: int | None = None
    mobile: str = ""
    phone: str = ""
    email: str = ""
    wechat: str = ""
    qq: str = ""
    hobbies: str = ""
    remarks: str = ""
    is_primary: bool = False


@dataclass
class CustomerForm:
    """The 《客户资源信息登记表》 fields. Code-table fields take a CodeItem id."""

    name: str = ""
    short_name: str = ""
    registered_on: date | None = None  # default: today
    type_id: int | None = None  # default: 企业
    source_id: int | None = None
    industry_id: int | None = None
    region_id: int | None = None
    grade_id: int | None = None
    coop_status_id: int | None = None  # default: 待开发考察
    payment_id: int | None = None
    credit_level: str = ""
    location: str = ""
    demand: str = ""
    demand_time: str = ""
    expected_price: str = ""
    website: str = ""
    address: str = ""
    business_scope: str = ""
    capital: str = ""  # 注册资金 as typed: "500万", "5,000,000"
    phone: str = ""
    fax: str = ""
    principal: str = ""
    principal_mobile: str = ""
    email: str = ""
    first_contact_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    remarks: str = ""
    person_name: str = ""
    gender: str = ""
    age: int | None = None
    birthday: date | None = None
    position_id: int | None = None
    hobbies: str = ""
    extra: dict = field(default_factory=dict)
    owner_id: int | None = None  # register only: 归属销售 (default: the acting rep)
    contacts: list[ContactForm] = field(default_factory=list)  # register only


FIELD_LABELS = CUSTOMER_FIELD_LABELS  # model metadata: admin's change log reads it too
CODE_FIELDS = {
    "type_id": "customer_type",
    "source_id": "source",
    "industry_id": "industry",
    "region_id": "region",
    "grade_id": "grade",
    "coop_status_id": "coop_status",
    "payment_id": "payment",
    "position_id": "position",
}
# 规则 9: a rep's change to these waits for the sales admin when the setting is on.
KEY_FIELDS = (
    "name",
    "short_name",
    "phone",
    "fax",
    "principal",
    "principal_mobile",
    "address",
    "email",
    "website",
    "capital",
    "type_id",
)
TEXT_LIMITS = {
    "credit_level": 20,
    "location": 100,
    "demand": 2000,
    "demand_time": 50,
    "expected_price": 100,
    "address": 200,
    "business_scope": 2000,
    "fax": 100,
    "principal": 40,
    "remarks": 4000,
    "hobbies": 200,
}
EDITABLE = [f.name for f in fields(CustomerForm) if f.name not in ("owner_id", "contacts")]
KIND_LABELS = {"name": "客户名称", "phone": "电话", "email": "邮箱", "domain": "网站域名"}


def form_values(c: Customer) -> dict:
    """A customer's current values as form values (the card, an edit, a change request)."""
    out = {name: getattr(c, name) for name in EDITABLE if name not in ("capital", "extra")}
    out["capital"] = c.capital_text
    out["extra"] = dict(c.extra or {})
    return out
