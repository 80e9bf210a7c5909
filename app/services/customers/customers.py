"""Customer archive services: register (规则 1 and 2), card, search, update (规则 9),
recycle bin. Every read is scoped by visibility.customer_scope.

UI entry points (each takes a fresh UnitOfWork(db, actor)):
  check_duplicates(uow, form, exclude_id=None) -> list[DuplicateHit]   live, while typing
  register_customer(uow, form, override_reason=None) -> RegisterResult
  get_customer(uow, customer_id) -> CustomerCard
  search_customers(uow, text, limit=50) -> list[CustomerRow]
  list_customer_ids(uow, text="", *, include_pool=False, limit=None) -> list[int]
  customer_rows(uow, ids) -> list[CustomerRow]
  update_customer(uow, customer_id, expected_version, changes) -> UpdateResult
  delete_customer / restore_customer / list_recycle_bin
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, delete, or_, select, union
from sqlalchemy.exc import IntegrityError

from app.models import (
    ChangeRequest,
    Contact,
    Customer,
    CustomerKey,
    OwnershipChange,
    Role,
    User,
)
from app.services.access.visibility import customer_scope, edit_scope, grant_for
from app.services.admin import code_tables, extra_fields
from app.services.core import clock, numbering, settings
from app.services.core.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services.core.uow import CONFLICT_MESSAGE, UnitOfWork
from app.services.search import customer_names as cn
from app.services.search.pinyin import name_keys, search_clause, search_keys
from app.services.search.search_index import MIN_CHARS as FTS_MIN_CHARS
from app.services.search.search_index import fts_candidates

# --- the form ----------------------------------------------------------------------


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


FIELD_LABELS = {
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
REGISTER_ROLES = (Role.SALES_REP, Role.MANAGER, Role.SALES_ADMIN, Role.ADMIN)
OWNER_ROLES = (Role.SALES_REP, Role.MANAGER)


def _v(message: str, field_name: str) -> ValidationError:
    return ValidationError(message, field=field_name)


def _text(values: dict, name: str, required: bool = False) -> str:
    try:
        return cn.clean_text(
            values.get(name), FIELD_LABELS[name], TEXT_LIMITS[name], required=required
        )
    except ValueError as exc:
        raise _v(str(exc), name) from None


def _date(values: dict, name: str) -> date | None:
    v = values.get(name)
    if v in (None, ""):
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v).strip())
    except ValueError:
        raise _v(f"{FIELD_LABELS[name]}不是有效日期。", name) from None


def _datetime(values: dict, name: str) -> datetime | None:
    v = values.get(name)
    if v in (None, ""):
        return None
    if isinstance(v, datetime):
        return v.replace(microsecond=0)
    if isinstance(v, date):
        return datetime(v.year, v.month, v.day)
    try:
        return datetime.fromisoformat(str(v).strip())
    except ValueError:
        raise _v(f"{FIELD_LABELS[name]}不是有效时间。", name) from None


def _validate(uow: UnitOfWork, values: dict, previous: Customer | None) -> dict:
    """Form values → column values. Raises ValidationError(field=...) on the first error."""
    out: dict = {}
    try:
        out["name"] = cn.check_name(values.get("name"), "客户名称", 100)
    except ValueError as exc:
        raise _v(str(exc), "name") from None
    if len(out["name"]) < 2:
        raise _v("客户名称至少需要 2 个字。", "name")
    try:
        out["short_name"] = cn.check_name(values.get("short_name"), "简称", 50, required=False)
    except ValueError as exc:
        raise _v(str(exc), "short_name") from None
    for fname, table in CODE_FIELDS.items():
        prev = getattr(previous, fname) if previous is not None else None
        out[fname] = code_tables.check_item(
            uow, table, values.get(fname), field=fname, label=FIELD_LABELS[fname], previous_id=prev
        )
    if out["type_id"] is None:
        out["type_id"] = _default_code(uow, "customer_type", "E")
    if out["coop_status_id"] is None:
        out["coop_status_id"] = _default_code(uow, "coop_status", "1")
    if out["source_id"] is None:
        raise _v("请选择客户来源。", "source_id")
    out["registered_on"] = _date(values, "registered_on") or clock.now().date()
    if out["registered_on"] > clock.now().date():
        raise _v("登记日期不能晚于今天。", "registered_on")
    for name in TEXT_LIMITS:
        out[name] = _text(values, name)
    for name in ("phone", "principal_mobile", "fax"):
        raw = str(values.get(name) or "").strip()
        if len(raw) > (100 if name != "principal_mobile" else 60):
            raise _v(f"{FIELD_LABELS[name]}太长。", name)
        try:
            keys = cn.phone_keys(raw)
        except ValueError as exc:
            raise _v(str(exc), name) from None
        if name == "principal_mobile" and any(
            not (k.startswith("1") and len(k) == 11) for k in keys
        ):
            # a landline here is allowed but unusual; accept any valid phone
            pass
        out[name] = raw
    try:
        cn.email_key(str(values.get("email") or ""))
    except ValueError as exc:
        raise _v(str(exc), "email") from None
    out["email"] = str(values.get("email") or "").strip()
    if len(out["email"]) > 120:
        raise _v("邮箱太长。", "email")
    website = str(values.get("website") or "").strip()
    if len(website) > 200:
        raise _v("网址太长。", "website")
    try:
        cn.host_of(website)
    except ValueError as exc:
        raise _v(str(exc), "website") from None
    out["website"] = website
    try:
        cap = cn.parse_capital(str(values.get("capital") or ""))
    except ValueError as exc:
        raise _v(str(exc), "capital") from None
    if len(cap.text) > 50:
        raise _v("注册资金太长。", "capital")
    out["capital_amount"], out["capital_unit"], out["capital_text"] = cap.amount, cap.unit, cap.text
    out["first_contact_at"] = _datetime(values, "first_contact_at")
    if out["first_contact_at"] and out["first_contact_at"] > clock.now() + timedelta(minutes=5):
        raise _v("首次接触时间不能晚于现在。", "first_contact_at")
    for name, lo, hi in (("latitude", -90, 90), ("longitude", -180, 180)):
        v = values.get(name)
        if v in (None, ""):
            out[name] = None
            continue
        try:
            v = float(v)
        except (TypeError, ValueError):
            raise _v(f"{FIELD_LABELS[name]}必须是数字。", name) from None
        if not lo <= v <= hi:
            raise _v(f"{FIELD_LABELS[name]}应在 {lo} 到 {hi} 之间。", name)
        out[name] = v
    try:
        out["person_name"] = cn.check_name(values.get("person_name"), "姓名", 40, required=False)
    except ValueError as exc:
        raise _v(str(exc), "person_name") from None
    gender = str(values.get("gender") or "").strip()
    if gender not in ("", "男", "女"):
        raise _v("性别请选择“男”或“女”。", "gender")
    out["gender"] = gender
    age = values.get("age")
    if age in (None, ""):
        out["age"] = None
    else:
        try:
            age = int(age)
        except (TypeError, ValueError):
            raise _v("年龄必须是整数。", "age") from None
        if not 0 < age < 130:
            raise _v("年龄应在 1 到 129 之间。", "age")
        out["age"] = age
    out["birthday"] = _date(values, "birthday")
    if out["birthday"] and out["birthday"] > clock.now().date():
        raise _v("生日不能晚于今天。", "birthday")
    out["extra"] = extra_fields.check_values(
        uow, values.get("extra") or {}, previous.extra if previous is not None else None
    )
    if _is_personal(uow, out["type_id"]) and not out["person_name"]:
        out["person_name"] = out["name"][:40]
    return out


def _default_code(uow: UnitOfWork, table_key: str, code: str) -> int | None:
    """A built-in entry's id, looked up once per session (an import validates many rows)."""
    cache = uow.session.info.setdefault("customers.default_codes", {})
    if (table_key, code) not in cache:
        cache[(table_key, code)] = code_tables.find_item(uow, table_key, code)
    return cache[(table_key, code)]


def _is_personal(uow: UnitOfWork, type_id: int | None) -> bool:
    return type_id is not None and type_id == _default_code(uow, "customer_type", "P")


def _derived(cols: dict) -> dict:
    """Pinyin and phone-digit columns computed from the values."""
    nk, sk = name_keys(cols["name"]), name_keys(cols["short_name"])
    digits: list[str] = []
    for name in ("phone", "fax", "principal_mobile"):
        for k in cn.phone_keys(cols[name]):
            if k not in digits:
                digits.append(k)
    return {
        "name_pinyin": nk.full,
        "name_initials": nk.initials,
        "short_pinyin": sk.full,
        "short_initials": sk.initials,
        "phone_digits": " ".join(digits)[:400],
    }


def keys_of(cols: dict, personal: bool) -> list[tuple[str, str]]:
    """The duplicate-check keys of a customer's values (kind, value)."""
    keys: list[tuple[str, str]] = []
    if not personal:  # a person's name alone is not an identity (two 张伟)
        nk = cn.name_key(cols["name"])
        if nk:
            keys.append(("name", nk))
    for name in ("phone", "fax", "principal_mobile"):
        for k in cn.phone_keys(cols.get(name) or ""):
            if ("phone", k) not in keys:
                keys.append(("phone", k))
    email = cn.email_key(cols.get("email") or "")
    if email:
        keys.append(("email", email))
    domain = cn.domain_key(cols.get("website") or "")
    if domain:
        keys.append(("domain", domain))
    return keys


# --- duplicates ---------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateHit:
    """One existing customer matching what is being registered. Details only if visible."""

    kind: str  # name | phone | email | domain
    value: str
    customer_id: int  # opaque to a rep who may not see it (usable for a 查阅授权 request)
    status: str  # mine | owned | pool | deleted
    owner_name: str
    owner_since: datetime | None
    visible: bool
    customer_name: str  # "" unless visible
    customer_number: str  # "" unless visible

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def message(self) -> str:
        since = self.owner_since.strftime("%Y-%m-%d") if self.owner_since else ""
        head = f"与已登记客户重复（{self.kind_label}相同）："
        if self.status == "deleted":
            return head + "该客户在回收站中（已删除），请联系销售内勤恢复，不能重复登记。"
        if self.status == "pool":
            return head + "该客户目前在公海中，请到公海领取，不能重复登记。"
        if self.status == "mine":
            return head + f"您已于 {since} 登记过该客户（{self.customer_number}），不能重复登记。"
        return head + f"该客户已由 {self.owner_name} 于 {since} 登记，归其所有，不能重复登记。"


class DuplicateFound(ValidationError):
    """Registration blocked by 规则 1. `hits` say who owns the match and since when."""

    def __init__(self, hits: list[DuplicateHit]):
        super().__init__(hits[0].message, field=_FIELD_OF_KIND[hits[0].kind])
        self.hits = hits


_FIELD_OF_KIND = {"name": "name", "phone": "phone", "email": "email", "domain": "website"}


def _find_hits(
    uow: UnitOfWork, keys: list[tuple[str, str]], exclude_id: int | None = None
) -> list[DuplicateHit]:
    if not keys:
        return []
    cond = or_(*[and_(CustomerKey.kind == k, CustomerKey.value == v) for k, v in keys])
    q = (
        select(CustomerKey.kind, CustomerKey.value, Customer, User.full_name)
        .join(Customer, Customer.id == CustomerKey.customer_id)
        .outerjoin(User, User.id == Customer.owner_id)
        .where(cond)
        .order_by(CustomerKey.kind, Customer.id)
        .execution_options(include_deleted=True)
    )
    if exclude_id is not None:
        q = q.where(Customer.id != exclude_id)
    rows = uow.session.execute(q).all()
    if not rows:
        return []
    ids = {c.id for _, _, c, _ in rows}
    visible = set(
        uow.session.scalars(
            select(Customer.id)
            .where(Customer.id.in_(ids), customer_scope(uow.actor))
            .execution_options(include_deleted=True)
        )
    )
    order = {"name": 0, "phone": 1, "email": 2, "domain": 3}
    hits, seen = [], set()
    for kind, value, c, owner_name in sorted(rows, key=lambda r: order[r[0]]):
        if (kind, c.id) in seen:
            continue
        seen.add((kind, c.id))
        if c.deleted_at is not None:
            status = "deleted"
        elif c.is_in_pool or c.owner_id is None:
            status = "pool"
        elif uow.actor is not None and c.owner_id == uow.actor.id:
            status = "mine"
        else:
            status = "owned"
        see = c.id in visible
        hits.append(
            DuplicateHit(
                kind, value, c.id, status, owner_name or "", c.owner_since or c.created_at, see,
                c.name if see else "", c.number if see else "",
            )
        )  # fmt: skip
    return hits


def _lenient_keys(uow: UnitOfWork, form: CustomerForm) -> list[tuple[str, str]]:
    """Keys of a half-typed form: malformed parts are skipped, not errors."""
    keys = []
    if form.name and not _is_personal(uow, form.type_id):
        nk = cn.name_key(form.name)
        if len(nk) >= 2:
            keys.append(("name", nk))
    for raw in (form.phone, form.fax, form.principal_mobile):
        for part in cn._SPLIT.split(cn.half_width(raw or "")):
            try:
                keys.append(("phone", cn.phone_key(part)))
            except ValueError:
                pass
    for kind, fn, raw in (
        ("email", cn.email_key, form.email),
        ("domain", cn.domain_key, form.website),
    ):
        try:
            v = fn(raw or "")
        except ValueError:
            continue
        if v:
            keys.append((kind, v))
    return list(dict.fromkeys(keys))


def check_duplicates(
    uow: UnitOfWork, form: CustomerForm, exclude_id: int | None = None
) -> list[DuplicateHit]:
    """Live duplicate check for the registration dialog (call as the user types)."""
    with uow:
        return _find_hits(uow, _lenient_keys(uow, form), exclude_id)


# --- register -------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterResult:
    customer_id: int
    number: str
    late_registration: bool
    overridden: bool


def _add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def _check_owner(uow: UnitOfWork, owner_id: int | None) -> int:
    actor = uow.actor
    if actor.role == Role.SALES_REP:
        if owner_id not in (None, actor.id):
            raise PermissionDenied("销售人员只能登记自己的客户。")
        return actor.id
    if owner_id is None:
        if actor.role == Role.MANAGER:
            return actor.id
        raise _v("请选择归属销售。", "owner_id")
    owner = uow.session.get(User, owner_id)
    if owner is None or not owner.is_active or owner.role not in OWNER_ROLES:
        raise _v("归属销售必须是在职的销售人员或销售主管。", "owner_id")
    if (
        actor.role == Role.MANAGER
        and owner.id != actor.id
        and (actor.team_id is None or owner.team_id != actor.team_id)
    ):
        raise PermissionDenied("销售主管只能为本团队成员登记客户。")
    return owner.id


def _write_keys(uow: UnitOfWork, customer_id: int, keys, overridden: set) -> None:
    for kind, value in keys:
        uow.session.add(
            CustomerKey(
                customer_id=customer_id,
                kind=kind,
                value=value,
                overridden=(kind, value) in overridden,
            )
        )


def register_customer(
    uow: UnitOfWork, form: CustomerForm, override_reason: str | None = None
) -> RegisterResult:
    """登记: duplicate check, number, keys, pinyin, 归属变更 “登记”.

    A duplicate blocks with DuplicateFound (who owns it, since when). A manager or admin
    may force it with override_reason ("公司特别指派"), recorded in the ownership history.
    Of two concurrent registrations of the same company exactly one commits (UNIQUE on
    customer_keys); the other gets DuplicateFound.
    """
    actor = uow.actor
    if actor is None or actor.role not in REGISTER_ROLES:
        raise PermissionDenied("您没有登记客户的权限。")
    override_reason = (override_reason or "").strip()
    if override_reason and actor.role not in (Role.MANAGER, Role.ADMIN):
        raise PermissionDenied("只有销售主管或系统管理员可以“公司特别指派”重复客户。")
    if len(override_reason) > 400:
        raise _v("指派理由不能超过 400 个字。", "override_reason")
    keys: list[tuple[str, str]] = []
    try:
        with uow:
            prepared = prepare_registration(uow, form)
            keys = prepared.keys
            hits = _find_hits(uow, keys)
            if hits and not override_reason:
                raise DuplicateFound(hits)
            result = insert_registration(uow, prepared, hits, override_reason)
            uow.commit()
            return result
    except IntegrityError:
        # Someone registered the same company between our check and our commit.
        with UnitOfWork(uow.db, uow.actor, write=False) as again:
            hits = _find_hits(again, keys)
        if hits:
            raise DuplicateFound(hits) from None
        raise ConflictError("保存失败：其他用户同时登记了相同信息的客户，请刷新后重试。") from None


@dataclass
class PreparedRegistration:
    """One validated registration, not yet written (see prepare_registration)."""

    owner_id: int
    cols: dict
    contact_rows: list[dict]
    keys: list[tuple[str, str]]  # duplicate-check keys (规则 1)


def prepare_registration(uow: UnitOfWork, form: CustomerForm) -> PreparedRegistration:
    """Inside an open unit of work: the owner check and every validation of a registration,
    without writing. Raises ValidationError(field=...) or PermissionDenied. Registration
    and the Excel import (customer_import) both go through here and insert_registration."""
    contacts = [c if isinstance(c, ContactForm) else ContactForm(**c) for c in form.contacts]
    owner_id = _check_owner(uow, form.owner_id)
    cols = _validate(uow, asdict(form), None)
    personal = _is_personal(uow, cols["type_id"])
    contact_rows = [_contact_cols(uow, c, None, i) for i, c in enumerate(contacts)]
    return PreparedRegistration(owner_id, cols, contact_rows, keys_of(cols, personal))


def find_duplicates(uow: UnitOfWork, keys: list[tuple[str, str]]) -> list[DuplicateHit]:
    """Inside an open unit of work: existing customers (pool and recycle bin too) sharing
    a key. A hit's message never reveals a customer the actor may not see."""
    return _find_hits(uow, keys)


def insert_registration(
    uow: UnitOfWork,
    p: PreparedRegistration,
    hits: list[DuplicateHit] = (),
    override_reason: str = "",
) -> RegisterResult:
    """Inside an open writing unit of work: number, customer row, keys, pinyin, 归属变更
    “登记” and contacts, flushed but not committed (the caller commits once)."""
    actor = uow.actor
    cols = p.cols
    now = clock.now()
    hours = settings.get(uow, "customers.late_registration_hours")
    late = bool(
        cols["first_contact_at"] and now - cols["first_contact_at"] > timedelta(hours=hours)
    )
    months = settings.get(uow, "customers.development_months")
    number = numbering.next_number(
        uow,
        "customer",
        settings.get(uow, "customers.number_pattern"),
        cols["registered_on"],
        lambda n: (
            uow.session.scalar(
                select(Customer.id)
                .where(Customer.number == n)
                .execution_options(include_deleted=True)
            )
            is not None
        ),
    )
    c = Customer(
        number=number,
        owner_id=p.owner_id,
        owner_since=now,
        registered_by_id=actor.id,
        late_registration=late,
        dev_deadline=_add_months(cols["registered_on"], months),
        is_in_pool=False,
        **cols,
        **_derived(cols),
    )
    uow.session.add(c)
    uow.session.flush()
    _write_keys(uow, c.id, p.keys, {(h.kind, h.value) for h in hits})
    reason = "登记" if not hits else f"公司特别指派：{override_reason}"
    uow.session.add(
        OwnershipChange(
            customer_id=c.id, from_user_id=None, to_user_id=p.owner_id, kind="登记",
            reason=reason[:500], at=now, by_id=actor.id,
        )
    )  # fmt: skip
    _add_contacts(uow, c.id, [dict(r) for r in p.contact_rows])
    uow.session.flush()
    return RegisterResult(c.id, number, late, bool(hits))


# --- contacts (shared with contacts.py) --------------------------------------------------


def _contact_cols(uow: UnitOfWork, form: ContactForm, previous: Contact | None, index=None) -> dict:
    prefix = f"contacts[{index}]." if index is not None else ""

    def err(msg, name):
        return _v(msg, prefix + name)

    try:
        name = cn.check_name(form.name, "联系人姓名", 40)
    except ValueError as exc:
        raise err(str(exc), "name") from None
    out = {"name": name}
    gender = (form.gender or "").strip()
    if gender not in ("", "男", "女"):
        raise err("性别请选择“男”或“女”。", "gender")
    out["gender"] = gender
    out["birthday"] = (
        form.birthday
        if isinstance(form.birthday, date) or form.birthday is None
        else _date({"birthday": form.birthday}, "birthday")
    )
    out["position_id"] = code_tables.check_item(
        uow, "position", form.position_id, field=prefix + "position_id", label="职位",
        previous_id=previous.position_id if previous is not None else None,
    )  # fmt: skip
    digits = []
    for fname, label in (("mobile", "手机"), ("phone", "电话")):
        raw = (getattr(form, fname) or "").strip()
        if len(raw) > 60:
            raise err(f"{label}太长。", fname)
        try:
            for k in cn.phone_keys(raw):
                if k not in digits:
                    digits.append(k)
        except ValueError as exc:
            raise err(str(exc), fname) from None
        out[fname] = raw
    try:
        cn.email_key(form.email or "")
    except ValueError as exc:
        raise err(str(exc), "email") from None
    out["email"] = (form.email or "").strip()[:120]
    qq = (form.qq or "").strip()
    if qq and not (qq.isdigit() and 5 <= len(qq) <= 12):
        raise err("QQ 号应为 5–12 位数字。", "qq")
    out["qq"] = qq
    for fname, label, limit in (
        ("wechat", "微信", 60),
        ("hobbies", "爱好", 200),
        ("remarks", "备注", 2000),
    ):
        try:
            out[fname] = cn.clean_text(getattr(form, fname), label, limit)
        except ValueError as exc:
            raise err(str(exc), fname) from None
    keys = name_keys(name, person=True)
    out.update(name_pinyin=keys.full, name_initials=keys.initials, phone_digits=" ".join(digits))
    out["is_primary"] = bool(form.is_primary)
    return out


def _add_contacts(uow: UnitOfWork, customer_id: int, rows: list[dict]) -> None:
    if rows and not any(r["is_primary"] for r in rows):
        rows[0]["is_primary"] = True
    primary_seen = False
    for r in rows:
        if r["is_primary"] and primary_seen:
            r["is_primary"] = False
        primary_seen = primary_seen or r["is_primary"]
        uow.session.add(Contact(customer_id=customer_id, **r))


# --- read ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactRow:
    id: int
    customer_id: int
    name: str
    gender: str
    birthday: date | None
    position_id: int | None
    position: str
    mobile: str
    phone: str
    email: str
    wechat: str
    qq: str
    hobbies: str
    remarks: str
    is_primary: bool
    version: int


def contact_row(c: Contact, labels: dict[int, str]) -> ContactRow:
    return ContactRow(
        c.id, c.customer_id, c.name, c.gender, c.birthday, c.position_id,
        labels.get(c.position_id, ""), c.mobile, c.phone, c.email, c.wechat, c.qq, c.hobbies,
        c.remarks, c.is_primary, c.version,
    )  # fmt: skip


@dataclass(frozen=True)
class OwnershipRow:
    at: datetime
    kind: str
    from_name: str
    to_name: str
    reason: str
    by_name: str


@dataclass(frozen=True)
class CustomerCard:
    id: int
    number: str
    version: int
    form: CustomerForm  # current values, ready for an edit dialog
    labels: dict[str, str]  # code field → entry name ("source_id": "展会"), inactive ones too
    capital_amount: Decimal | None
    capital_unit: str
    owner_id: int | None
    owner_name: str
    owner_since: datetime | None
    registered_by_name: str
    registered_at: datetime
    late_registration: bool
    dev_deadline: date | None
    last_follow_up_at: datetime | None
    is_in_pool: bool
    is_deleted: bool
    is_personal: bool
    contacts: list[ContactRow]
    ownership: list[OwnershipRow]
    extra_display: list[tuple[str, str, object]]
    can_edit: bool
    via_grant: bool
    pending_change_requests: int


def _form_values(c: Customer) -> dict:
    out = {name: getattr(c, name) for name in EDITABLE if name not in ("capital", "extra")}
    out["capital"] = c.capital_text
    out["extra"] = dict(c.extra or {})
    return out


def _user_names(uow: UnitOfWork, ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    q = (
        select(User.id, User.full_name)
        .where(User.id.in_(ids))
        .execution_options(include_deleted=True)
    )
    return dict(uow.session.execute(q).tuples().all())


def _scoped(uow: UnitOfWork, customer_id: int, *, deleted: bool = False) -> Customer:
    q = select(Customer).where(Customer.id == customer_id, customer_scope(uow.actor))
    if deleted:
        q = q.execution_options(include_deleted=True)
    c = uow.session.scalar(q)
    if c is None:
        raise NotFound("客户不存在，或您无权查看该客户。")
    return c


def _can_edit(uow: UnitOfWork, customer_id: int) -> bool:
    return (
        uow.session.scalar(
            select(Customer.id).where(Customer.id == customer_id, edit_scope(uow.actor))
        )
        is not None
    )


def get_customer(uow: UnitOfWork, customer_id: int) -> CustomerCard:
    """The customer card (客户档案). Scoped; a view under a 查阅授权 is logged."""
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    with uow:
        c = _scoped(uow, customer_id)
        grant_id = grant_for(uow.session, uow.actor, c)
        if grant_id is not None:
            from app.services.customers.grants import log_view

            log_view(uow, grant_id, c.id, "view")
        contacts = list(
            uow.session.scalars(
                select(Contact)
                .where(Contact.customer_id == c.id)
                .order_by(Contact.is_primary.desc(), Contact.id)
            )
        )
        history = list(
            uow.session.scalars(
                select(OwnershipChange)
                .where(OwnershipChange.customer_id == c.id)
                .order_by(OwnershipChange.at, OwnershipChange.id)
            )
        )
        code_ids = [getattr(c, f) for f in CODE_FIELDS] + [k.position_id for k in contacts]
        labels_by_id = code_tables.item_labels(uow, code_ids)
        names = _user_names(
            uow,
            [c.owner_id, c.registered_by_id]
            + [h.from_user_id for h in history]
            + [h.to_user_id for h in history]
            + [h.by_id for h in history],
        )
        pending = uow.session.scalar(
            select(ChangeRequest.id)
            .where(ChangeRequest.customer_id == c.id, ChangeRequest.status == "pending")
            .with_only_columns(ChangeRequest.id)
            .limit(1)
        )
        values = _form_values(c)
        card = CustomerCard(
            id=c.id,
            number=c.number,
            version=c.version,
            form=CustomerForm(**values, owner_id=c.owner_id),
            labels={f: labels_by_id.get(getattr(c, f), "") for f in CODE_FIELDS},
            capital_amount=c.capital_amount,
            capital_unit=c.capital_unit,
            owner_id=c.owner_id,
            owner_name=names.get(c.owner_id, ""),
            owner_since=c.owner_since,
            registered_by_name=names.get(c.registered_by_id, ""),
            registered_at=c.created_at,
            late_registration=c.late_registration,
            dev_deadline=c.dev_deadline,
            last_follow_up_at=c.last_follow_up_at,
            is_in_pool=c.is_in_pool,
            is_deleted=c.deleted_at is not None,
            is_personal=_is_personal(uow, c.type_id),
            contacts=[contact_row(k, labels_by_id) for k in contacts],
            ownership=[
                OwnershipRow(
                    h.at,
                    h.kind,
                    names.get(h.from_user_id, ""),
                    names.get(h.to_user_id, ""),
                    h.reason,
                    names.get(h.by_id, ""),
                )
                for h in history
            ],  # fmt: skip
            extra_display=extra_fields.display_values(uow, c.extra),
            can_edit=_can_edit(uow, c.id),
            via_grant=grant_id is not None,
            pending_change_requests=1 if pending else 0,
        )
        if grant_id is not None:
            uow.commit()
        return card


@dataclass(frozen=True)
class CustomerRow:
    id: int
    number: str
    name: str
    short_name: str
    type_label: str
    grade_label: str
    coop_status_label: str
    region_label: str
    phone: str
    principal: str
    owner_id: int | None
    owner_name: str
    registered_on: date
    last_follow_up_at: datetime | None
    is_in_pool: bool
    late_registration: bool
    version: int


def _shortest_term(text: str) -> int:
    keys = search_keys(text)
    return min((len(t) for t in (keys.text, keys.pinyin, keys.digits) if t), default=0)


def _search_where(text: str):
    """Customer columns match, or a live contact matches. Written as
    `id IN (matching customers UNION customers of matching contacts)` so that each side
    can use its search index (migration 0004: FTS5 on SQLite, pg_trgm on PostgreSQL).
    A list's first window may use _search_first_window instead (listing.ids_in_session)."""
    customer_cols, contact_cols = _search_columns()
    by_customer = select(Customer.id).where(
        search_clause(text, **customer_cols),
        fts_candidates(Customer.id, "customers_fts", text, **customer_cols),
    )
    by_contact = select(Contact.customer_id).where(
        Contact.deleted_at.is_(None),
        search_clause(text, **contact_cols),
        fts_candidates(Contact.id, "contacts_fts", text, **contact_cols),
    )
    return Customer.id.in_(union(by_customer.correlate(None), by_contact.correlate(None)))


def _search_columns():
    customer_cols = dict(
        text_columns=(Customer.name, Customer.short_name, Customer.number, Customer.principal),
        pinyin_columns=(
            Customer.name_pinyin,
            Customer.name_initials,
            Customer.short_pinyin,
            Customer.short_initials,
        ),
        digit_columns=(Customer.phone_digits,),
    )
    contact_cols = dict(
        text_columns=(Contact.name,),
        pinyin_columns=(Contact.name_pinyin, Contact.name_initials),
        digit_columns=(Contact.phone_digits,),
    )
    return customer_cols, contact_cols


def _search_first_window(text: str):
    """_search_where(text) shaped for a list's first window.

    No trigram index finds fewer than 3 characters, so the usual form reads every
    customer and contact before the first row is shown (68,000 matches for 伟); a
    longer term found in many rows (a city's pinyin: 24,000) is looked up and sorted
    row by row too. As a per-row test (own columns, or a live contact of this customer
    matches), a first window of `ORDER BY … LIMIT 200` walks the sort index and stops
    at the 200th match: milliseconds for a common fragment. For a rare one it would walk
    every row, so listing tries it within a time budget (for 3+ characters only after
    the indexed form ran long) and falls back to _search_where.
    """
    customer_cols, contact_cols = _search_columns()
    by_contact_row = (
        select(Contact.id)
        .where(
            Contact.customer_id == Customer.id,
            Contact.deleted_at.is_(None),
            search_clause(text, **contact_cols),
        )
        # OFFSET 0 keeps PostgreSQL from turning the test into one scan of every
        # contact up front (a hashed subplan): each candidate row is looked up by its
        # customer_id instead, so the window stops early there too.
        .offset(0)
        .exists()
    )
    return or_(search_clause(text, **customer_cols), by_contact_row)


_search_first_window.applies = lambda text: _shortest_term(text) < FTS_MIN_CHARS  # type: ignore[attr-defined]
_search_where.first_window = _search_first_window  # type: ignore[attr-defined]


def _rows(uow: UnitOfWork, customers: list[Customer]) -> list[CustomerRow]:
    labels = code_tables.item_labels(
        uow, [x for c in customers for x in (c.type_id, c.grade_id, c.coop_status_id, c.region_id)]
    )
    names = _user_names(uow, [c.owner_id for c in customers])
    return [
        CustomerRow(
            c.id, c.number, c.name, c.short_name, labels.get(c.type_id, ""),
            labels.get(c.grade_id, ""), labels.get(c.coop_status_id, ""),
            labels.get(c.region_id, ""), c.phone, c.principal, c.owner_id,
            names.get(c.owner_id, ""), c.registered_on, c.last_follow_up_at, c.is_in_pool,
            c.late_registration, c.version,
        )
        for c in customers
    ]  # fmt: skip


def search_customers(uow: UnitOfWork, text: str, limit: int = 50) -> list[CustomerRow]:
    """The search box: Chinese text, full pinyin, initials, phone digits (also of contacts).
    Only customers the actor may see."""
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    with uow:
        q = (
            select(Customer)
            .where(customer_scope(uow.actor), _search_where(text))
            .order_by(Customer.registered_on.desc(), Customer.id.desc())
            .limit(max(1, min(int(limit), 1000)))
        )
        return _rows(uow, list(uow.session.scalars(q)))


def list_customer_ids(uow: UnitOfWork, text: str = "", *, limit: int | None = None) -> list[int]:
    """Ids (newest first) for lists, export and print: the same scope as every read."""
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    with uow:
        q = select(Customer.id).where(customer_scope(uow.actor))
        if text and text.strip():
            q = q.where(_search_where(text))
        q = q.order_by(Customer.registered_on.desc(), Customer.id.desc())
        if limit:
            q = q.limit(limit)
        return list(uow.session.scalars(q))


def customer_rows(uow: UnitOfWork, ids: list[int]) -> list[CustomerRow]:
    """Rows for the given ids, in that order; ids the actor may not see are left out."""
    if uow.actor is None:
        raise PermissionDenied("请先登录。")
    with uow:
        found = {
            c.id: c
            for c in uow.session.scalars(
                select(Customer).where(Customer.id.in_(ids), customer_scope(uow.actor))
            )
        }
        return _rows(uow, [found[i] for i in ids if i in found])


# --- update ------------------------------------------------------------------------


@dataclass(frozen=True)
class UpdateResult:
    applied: list[str]  # form fields changed now
    change_request_id: int | None  # key fields waiting for approval (规则 9)
    pending: list[str]
    version: int


def _jsonable(v):
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    return v


def _changed_fields(before: dict, after_cols: dict, current: Customer) -> list[str]:
    changed = []
    for name in EDITABLE:
        if name == "capital":
            if (current.capital_text or "") != after_cols["capital_text"]:
                changed.append(name)
        elif name == "extra":
            if dict(current.extra or {}) != after_cols["extra"]:
                changed.append(name)
        elif before.get(name) != after_cols.get(name):
            changed.append(name)
    return changed


def _apply(uow: UnitOfWork, c: Customer, changes: dict) -> list[str]:
    """Validate the merged values, write changed columns, refresh keys. Returns fields."""
    before = _form_values(c)
    merged = {**before, **changes}
    cols = _validate(uow, merged, c)
    changed = _changed_fields(before, cols, c)
    if not changed:
        return []
    personal = _is_personal(uow, cols["type_id"])
    keys = keys_of(cols, personal)
    old = list(uow.session.scalars(select(CustomerKey).where(CustomerKey.customer_id == c.id)))
    kept_overrides = {(k.kind, k.value) for k in old if k.overridden}
    hits = [
        h for h in _find_hits(uow, keys, exclude_id=c.id) if (h.kind, h.value) not in kept_overrides
    ]
    if hits:
        raise DuplicateFound(hits)
    for name in EDITABLE:
        if name == "capital":
            c.capital_amount, c.capital_unit, c.capital_text = (
                cols["capital_amount"], cols["capital_unit"], cols["capital_text"],
            )  # fmt: skip
        elif name in changed:
            setattr(c, name, cols[name])
    for k, v in _derived(cols).items():
        setattr(c, k, v)
    if {(k.kind, k.value) for k in old} != set(keys) or any(
        k.overridden != ((k.kind, k.value) in kept_overrides) for k in old
    ):
        uow.session.execute(delete(CustomerKey).where(CustomerKey.customer_id == c.id))
        uow.session.flush()
        _write_keys(uow, c.id, keys, kept_overrides)
    return changed


def update_customer(
    uow: UnitOfWork, customer_id: int, expected_version: int, changes: dict
) -> UpdateResult:
    """Edit a customer. Optimistic locking on expected_version.

    With the setting customers.change_approval on, a sales rep's changes to KEY_FIELDS
    become one ChangeRequest for the sales admin (规则 9); other fields apply at once.
    """
    actor = uow.actor
    if actor is None:
        raise PermissionDenied("请先登录。")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"不能在此修改：{', '.join(sorted(unknown))}")
    try:
        with uow:
            c = _scoped(uow, customer_id)
            if not _can_edit(uow, customer_id):
                raise PermissionDenied("您无权修改该客户的信息。")
            if c.version != expected_version:
                raise ConflictError(CONFLICT_MESSAGE)
            needs_approval = (
                actor.role == Role.SALES_REP and settings.get(uow, "customers.change_approval") == 1
            )
            held: dict = {}
            if needs_approval:
                before = _form_values(c)
                # Validate the whole edit now, so the request cannot carry bad values.
                merged = {**before, **changes}
                cols = _validate(uow, merged, c)
                for name in _changed_fields(before, cols, c):
                    if name in KEY_FIELDS:
                        held[name] = [_jsonable(before[name]), _jsonable(changes[name])]
            direct = {k: v for k, v in changes.items() if k not in held}
            applied = _apply(uow, c, direct) if direct else []
            request_id = None
            if held:
                if uow.session.scalar(
                    select(ChangeRequest.id).where(
                        ChangeRequest.customer_id == c.id,
                        ChangeRequest.requester_id == actor.id,
                        ChangeRequest.status == "pending",
                    )
                ):
                    raise ValidationError(
                        "您对该客户已有一条待审批的信息变更申请，请等待销售内勤处理。"
                    )
                cr = ChangeRequest(
                    customer_id=c.id, requester_id=actor.id, status="pending", diff=held
                )
                uow.session.add(cr)
                uow.session.flush()
                request_id = cr.id
            uow.session.flush()
            uow.commit()
            return UpdateResult(applied, request_id, list(held), c.version)
    except IntegrityError:
        raise DuplicateFound(
            [DuplicateHit("name", "", 0, "owned", "其他用户", clock.now(), False, "", "")]
        ) from None


# --- recycle bin --------------------------------------------------------------------

DELETE_ROLES = (Role.SALES_ADMIN, Role.ADMIN, Role.MANAGER)


def delete_customer(uow: UnitOfWork, customer_id: int, expected_version: int) -> None:
    """Into the recycle bin (soft delete). Its keys stay, so 规则 1 still sees it."""
    if uow.actor is None or uow.actor.role not in DELETE_ROLES:
        raise PermissionDenied("只有销售内勤、销售主管或系统管理员可以删除客户。")
    with uow:
        c = _scoped(uow, customer_id)
        if not _can_edit(uow, customer_id):
            raise PermissionDenied("您无权删除该客户。")
        if c.version != expected_version:
            raise ConflictError(CONFLICT_MESSAGE)
        c.deleted_at = clock.now()
        uow.commit()


def restore_customer(uow: UnitOfWork, customer_id: int) -> None:
    if uow.actor is None or uow.actor.role not in DELETE_ROLES:
        raise PermissionDenied("只有销售内勤、销售主管或系统管理员可以恢复客户。")
    with uow:
        c = uow.session.scalar(
            select(Customer)
            .where(Customer.id == customer_id, edit_scope(uow.actor))
            .execution_options(include_deleted=True)
        )
        if c is None or c.deleted_at is None:
            raise NotFound("回收站中没有该客户，或您无权恢复。")
        c.deleted_at = None
        c.deleted_by_id = None
        uow.commit()


def list_recycle_bin(uow: UnitOfWork) -> list[CustomerRow]:
    if uow.actor is None or uow.actor.role not in DELETE_ROLES:
        raise PermissionDenied("您无权查看客户回收站。")
    with uow:
        q = (
            select(Customer)
            .where(Customer.deleted_at.is_not(None), edit_scope(uow.actor))
            .order_by(Customer.deleted_at.desc())
            .execution_options(include_deleted=True)
        )
        return _rows(uow, list(uow.session.scalars(q)))


def owner_choices(uow: UnitOfWork) -> list[tuple[int, str]]:
    """归属销售 drop-down for the registration form: whom the actor may register for."""
    actor = uow.actor
    with uow:
        q = select(User.id, User.full_name).where(
            User.is_active.is_(True), User.role.in_(OWNER_ROLES)
        )
        if actor.role == Role.SALES_REP:
            q = q.where(User.id == actor.id)
        elif actor.role == Role.MANAGER:
            q = q.where(or_(User.id == actor.id, User.team_id == actor.team_id))
        elif actor.role not in (Role.SALES_ADMIN, Role.ADMIN):
            return []
        return list(uow.session.execute(q.order_by(User.full_name)).tuples())
