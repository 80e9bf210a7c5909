"""Customer archive: customers, their duplicate-check keys, contacts, ownership history,
access grants (查阅授权), change requests (规则 9) and the numbering counters.

Search columns (for the shared list component; all indexed):
  customers.name / short_name          Chinese text (LIKE %text%)
  customers.name_pinyin / short_pinyin full pinyin, every reading, variants space-joined
  customers.name_initials / short_initials  pinyin initials, variants space-joined
  customers.phone_digits               " "-joined digits-only forms of 电话, 传真, 负责人手机
  customers.number, owner_id, registered_on, is_in_pool
  contacts.name_pinyin / name_initials / phone_digits likewise for the 通讯录.
Build the WHERE clause with app.services.search.pinyin.search_clause(); scope every read with
app.services.access.visibility.customer_scope(actor).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, SoftDeleteMixin, TrackedMixin


def _code_fk() -> Mapped[int | None]:
    return mapped_column(ForeignKey("code_items.id"), nullable=True)


# What a user reads for each field of a customer (the 《客户资源信息登记表》 form: "capital"
# is 注册资金 as typed, "extra" the custom fields). Model metadata, so that the admin's change
# log can name fields without depending on the customer services.
# The kinds of sales action that reset a customer's idle clock (last_sales_action_kind).
SALES_ACTIONS = {
    "follow_up": "跟进", "visit": "回访", "deal": "成交", "sample": "寄样",
    "complaint": "处理投诉",
}  # fmt: skip

# Status of a 查阅授权 or an 信息变更 request.
APPROVAL_STATUS = {"pending": "待审批", "approved": "已批准", "rejected": "已驳回"}

CUSTOMER_FIELD_LABELS = {
    "name": "客户名称",
    "short_name": "简称",
    "registered_on": "登记日期",
    "type_id": "客户类型",
    "source_id": "客户来源",
    "industry_id": "所属行业",
    "region_id": "地区",
    "grade_id": "等级",
    "coop_status_id": "合作状态",
    "payment_id": "付款方式",
    "credit_level": "信用等级",
    "location": "公司地点",
    "demand": "需求意向",
    "demand_time": "需求时间",
    "expected_price": "期望价格",
    "website": "网站",
    "address": "地址",
    "business_scope": "经营范围",
    "capital": "注册资金",
    "phone": "电话",
    "fax": "传真",
    "principal": "负责人",
    "principal_mobile": "负责人手机",
    "email": "邮箱",
    "first_contact_at": "首次接触时间",
    "latitude": "纬度",
    "longitude": "经度",
    "remarks": "备注",
    "person_name": "姓名",
    "gender": "性别",
    "age": "年龄",
    "birthday": "生日",
    "position_id": "职位",
    "hobbies": "爱好",
    "extra": "自定义字段",
}


class Customer(TrackedMixin, SoftDeleteMixin, Base):
    __tablename__ = "customers"
    __table_args__ = (
        Index("ix_customers_name", "name"),
        Index("ix_customers_name_pinyin", "name_pinyin"),
        Index("ix_customers_name_initials", "name_initials"),
        Index("ix_customers_short_name", "short_name"),
        Index("ix_customers_phone_digits", "phone_digits"),
        Index("ix_customers_owner", "owner_id", "registered_on"),
        Index("ix_customers_registered_on", "registered_on"),
        # The pool list's default sort, newest first (migration 0028).
        Index("ix_customers_pool_since", "is_in_pool", "owner_since", "id"),
        # The pool sweep, its dry run and the reminders read a range of it (migration 0019).
        Index("ix_customers_pool_due", "pool_due_at"),
        Index("ix_customers_owner_pool_due", "owner_id", "pool_due_at"),
        # Development deadlines (the owner's reminders, the sweep's 评审) and registrations
        # awaiting 核对: ranges over the few rows still open, not scans (migration 0019).
        Index(
            "ix_customers_open_dev_owner",
            "owner_id",
            "dev_deadline",
            sqlite_where=text("developed_on IS NULL"),
            postgresql_where=text("developed_on IS NULL"),
        ),
        Index(
            "ix_customers_open_dev",
            "dev_deadline",
            sqlite_where=text("developed_on IS NULL"),
            postgresql_where=text("developed_on IS NULL"),
        ),
        Index(
            "ix_customers_unverified",
            "created_at",
            sqlite_where=text("verified_at IS NULL"),
            postgresql_where=text("verified_at IS NULL"),
        ),
        # The list's sort orders over live rows, read from the index alone (migration 0004).
        *(
            Index(
                f"ix_customers_live_{col}",
                col,
                "id",
                "deleted_at",  # so SQLite reads the index alone (covering)
                sqlite_where=text("deleted_at IS NULL"),
                postgresql_where=text("deleted_at IS NULL"),
            )
            for col in ("registered_on", "name_pinyin", "number")
        ),
        # 分组汇总 行业 × 归属销售 (the office's most used summary) read from the index
        # alone, already in group order: no sort of every customer (migration 0010).
        Index(
            "ix_customers_live_industry_owner",
            "industry_id",
            "owner_id",
            "capital_amount",
            "deleted_at",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)  # 客户编号
    registered_on: Mapped[date] = mapped_column(Date, nullable=False)  # 登记日期
    name: Mapped[str] = mapped_column(String(100), nullable=False)  # 客户名称
    short_name: Mapped[str] = mapped_column(String(50), nullable=False, default="")  # 简称
    name_pinyin: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    name_initials: Mapped[str] = mapped_column(String(400), nullable=False, default="")
    short_pinyin: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    short_initials: Mapped[str] = mapped_column(String(200), nullable=False, default="")

    type_id: Mapped[int | None] = _code_fk()  # 客户类型 企业/个人/供应商
    source_id: Mapped[int | None] = _code_fk()  # 客户来源
    industry_id: Mapped[int | None] = _code_fk()  # 所属行业
    region_id: Mapped[int | None] = _code_fk()  # 地区
    grade_id: Mapped[int | None] = _code_fk()  # 等级 A/B/C/D
    coop_status_id: Mapped[int | None] = _code_fk()  # 合作状态
    payment_id: Mapped[int | None] = _code_fk()  # 付款方式
    credit_level: Mapped[str] = mapped_column(String(20), nullable=False, default="")  # 信用等级

    location: Mapped[str] = mapped_column(String(100), nullable=False, default="")  # 公司地点
    demand: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 需求意向
    demand_time: Mapped[str] = mapped_column(String(50), nullable=False, default="")  # 需求时间
    expected_price: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    website: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    address: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    business_scope: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 经营范围
    # 注册资金: amount in the currency's base unit (元), the unit as typed, the original text.
    capital_amount: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    capital_unit: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    capital_text: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(100), nullable=False, default="")  # 电话
    fax: Mapped[str] = mapped_column(String(100), nullable=False, default="")  # 传真
    principal: Mapped[str] = mapped_column(String(40), nullable=False, default="")  # 负责人
    principal_mobile: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    email: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    phone_digits: Mapped[str] = mapped_column(String(400), nullable=False, default="")

    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # 归属销售
    owner_since: Mapped[datetime | None] = mapped_column(DateTime)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # 登记人
    first_contact_at: Mapped[datetime | None] = mapped_column(DateTime)
    late_registration: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    dev_deadline: Mapped[date | None] = mapped_column(Date)  # 开发期限
    last_follow_up_at: Mapped[datetime | None] = mapped_column(DateTime)  # 最近跟进时间
    # 最近销售动作 (市场部客户资源管理制度 二.3: any sales action keeps a customer): the
    # latest follow-up, visit, deal, sample request or complaint handled, and its kind.
    last_sales_action_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_sales_action_kind: Mapped[str | None] = mapped_column(String(20))
    # 核对 (4.3.2): the sales admin checked the registration against what the rep reported.
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_in_pool: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # When the idle clock returns it to the pool (NULL: never); kept by
    # services.customers.idle_clock from the last sales action and the idle limit.
    pool_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    # 保护: exempt from the automatic return to the pool (规则 4).
    is_protected: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=text("false")
    )
    developed_on: Mapped[date | None] = mapped_column(Date)  # first deal: 开发成功
    # 规则 5: manual inputs that can lower the class, and why the class is what it is.
    financial_status: Mapped[str] = mapped_column(
        String(10), nullable=False, default="", server_default=""
    )  # 良好 / 一般 / 较差
    class_reason: Mapped[str] = mapped_column(
        String(300), nullable=False, default="", server_default=""
    )
    classified_on: Mapped[date | None] = mapped_column(Date)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    remarks: Mapped[str] = mapped_column(Text, nullable=False, default="")  # 备注

    # A personal customer (客户类型 个人) also has:
    person_name: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    gender: Mapped[str] = mapped_column(String(4), nullable=False, default="")
    age: Mapped[int | None] = mapped_column(Integer)
    birthday: Mapped[date | None] = mapped_column(Date)
    position_id: Mapped[int | None] = _code_fk()  # 职位
    hobbies: Mapped[str] = mapped_column(String(200), nullable=False, default="")

    extra: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)  # 自定义字段
    # 合并客户: a record merged into another is soft-deleted and points at the one kept,
    # so an old link or an exported number still leads somewhere (issue 20).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))


class CustomerKey(Base):
    """Normalized name / phone / email / domain of a customer, for 规则 1.

    UNIQUE (kind, value) among non-overridden keys: of two concurrent registrations of
    the same company exactly one commits. A registration a manager forced through
    ("公司特别指派") stores its colliding keys with overridden = true.
    """

    __tablename__ = "customer_keys"
    __table_args__ = (
        Index(
            "uq_customer_keys_kind_value",
            "kind",
            "value",
            unique=True,
            sqlite_where=text("NOT overridden"),
            postgresql_where=text("NOT overridden"),
        ),
        Index("ix_customer_keys_customer", "customer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # name|phone|email|domain
    value: Mapped[str] = mapped_column(String(200), nullable=False)
    overridden: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class Contact(TrackedMixin, SoftDeleteMixin, Base):
    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_customer", "customer_id"),
        Index("ix_contacts_name_pinyin", "name_pinyin"),
        Index("ix_contacts_name_initials", "name_initials"),
        Index("ix_contacts_phone_digits", "phone_digits"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(40), nullable=False)
    name_pinyin: Mapped[str] = mapped_column(String(400), nullable=False, default="")
    name_initials: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    gender: Mapped[str] = mapped_column(String(4), nullable=False, default="")
    birthday: Mapped[date | None] = mapped_column(Date)
    position_id: Mapped[int | None] = _code_fk()
    mobile: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    email: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    wechat: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    qq: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    hobbies: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    remarks: Mapped[str] = mapped_column(Text, nullable=False, default="")
    is_primary: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    phone_digits: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class OwnershipChange(Base):
    """归属变更: every change of owner with its reason. Append-only."""

    __tablename__ = "ownership_changes"
    __table_args__ = (Index("ix_ownership_changes_customer", "customer_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # 登记 / 分配 / 领取 / 回收 / 评审调整 / 延期 / 转移
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    reason: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AccessGrant(TrackedMixin, Base):
    """查阅授权: a rep asks to see one customer, or another rep's whole book; the chairman decides."""

    __tablename__ = "access_grants"
    __table_args__ = (Index("ix_access_grants_requester", "requester_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    book_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(500), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    valid_until: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_note: Mapped[str] = mapped_column(String(500), nullable=False, default="")


class GrantView(Base):
    """Every view of a customer made possible only by a grant."""

    __tablename__ = "grant_views"
    __table_args__ = (Index("ix_grant_views_grant", "grant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("access_grants.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False, default="view")
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class ChangeRequest(TrackedMixin, Base):
    """规则 9: a rep's edit of key fields, waiting for the sales admin."""

    __tablename__ = "change_requests"
    __table_args__ = (Index("ix_change_requests_status", "status", "customer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    diff: Mapped[dict] = mapped_column(JSON, nullable=False)  # {field: [old, new]}
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(String(500), nullable=False, default="")


class NumberCounter(Base):
    """One row per numbering scope (e.g. "customer:KH2026"), incremented atomically."""

    __tablename__ = "number_counters"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


# Search indexes the models cannot describe (migration 0004): SQLite FTS5 tables (with
# their shadow tables *_data, *_idx, …) and PostgreSQL pg_trgm GIN indexes.
SEARCH_INDEX_TABLES = ("customers_fts", "contacts_fts")
SEARCH_INDEXES = ("ix_customers_search_trgm", "ix_contacts_search_trgm")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic autogenerate filter: leave the search indexes of migration 0004 alone."""
    if reflected and compare_to is None:
        if type_ == "table" and name.startswith(SEARCH_INDEX_TABLES):
            return False
        if type_ == "index" and name in SEARCH_INDEXES:
            return False
    return True


# 三.2.1: the first three steps with a prospect, ticked on the card.
PROSPECT_STEPS = {"card": "交换名片并自我介绍", "sample": "提供产品样品", "intro": "介绍公司情况"}


class ProspectStep(Base):
    """One of a prospect's first steps done (PROSPECT_STEPS): by whom and when. A row of
    its own, so that ticking it does not change the customer record under an open card."""

    __tablename__ = "prospect_steps"
    __table_args__ = (Index("ix_prospect_steps_customer", "customer_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    step: Mapped[str] = mapped_column(String(10), nullable=False)
    done_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
