"""Form values → column values: the checks of a customer's and a contact's fields (each
error names its field), and the derived pinyin and phone-digit columns."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app.models import Contact, Customer
from app.services.admin import code_tables, extra_fields
from app.services.core import clock
from app.services.core.errors import FieldChecks, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers.forms import CODE_FIELDS, FIELD_LABELS, TEXT_LIMITS, ContactForm
from app.services.search import customer_names as cn
from app.services.search.pinyin import name_keys


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


# 客户来源 “公司原有客户信息库”: a customer the company had before; its first contact is
# not known and the 24-hour rule does not apply to it.
ARCHIVE_SOURCE = "01"


def validate_customer(
    uow: UnitOfWork, values: dict, previous: Customer | None, *, registering: bool = False
) -> dict:
    """Form values → column values. A registration (`registering`) needs 首次接触时间, on
    which the 24-hour late-registration rule depends, unless the customer comes from the
    company's own archive. Raises ValidationError(field=...) carrying every bad
    field (err.every), so the form marks them all at once. `previous` (an edit) may keep
    a code entry made inactive since."""
    with uow:
        out: dict = {}
        checks = FieldChecks()
        with checks:
            out["name"] = _check_name(values)
        with checks:
            out["short_name"] = _checked(
                lambda: cn.check_name(values.get("short_name"), "简称", 50, required=False),
                "short_name",
            )
        for fname, table in CODE_FIELDS.items():
            prev = getattr(previous, fname) if previous is not None else None
            out[fname] = None
            with checks:
                out[fname] = code_tables.check_item(
                    uow, table, values.get(fname), field=fname, label=FIELD_LABELS[fname],
                    previous_id=prev,
                )  # fmt: skip
        if out["type_id"] is None:
            out["type_id"] = _default_code(uow, "customer_type", "E")
        if out["coop_status_id"] is None:
            out["coop_status_id"] = _default_code(uow, "coop_status", "1")
        with checks:
            if out["source_id"] is None and not checks.failed("source_id"):
                raise _v("请选择客户来源。", "source_id")
        with checks:
            out["registered_on"] = _date(values, "registered_on") or clock.now().date()
            if out["registered_on"] > clock.now().date():
                raise _v("登记日期不能晚于今天。", "registered_on")
        for name in TEXT_LIMITS:
            with checks:
                out[name] = _text(values, name)
        for name in ("phone", "principal_mobile", "fax"):
            with checks:
                out[name] = _check_phone(values, name)
        with checks:
            out["email"] = _check_email(values)
        with checks:
            out["website"] = _check_website(values)
        with checks:
            cap = _checked(lambda: cn.parse_capital(str(values.get("capital") or "")), "capital")
            if len(cap.text) > 50:
                raise _v("注册资金太长。", "capital")
            out["capital_amount"], out["capital_unit"], out["capital_text"] = (
                cap.amount, cap.unit, cap.text,
            )  # fmt: skip
        with checks:
            out["first_contact_at"] = _datetime(values, "first_contact_at")
            if out["first_contact_at"] and out["first_contact_at"] > clock.now() + timedelta(
                minutes=5
            ):
                raise _v("首次接触时间不能晚于现在。", "first_contact_at")
            if (
                registering
                and out["first_contact_at"] is None
                and out.get("source_id") != (_default_code(uow, "source", ARCHIVE_SOURCE))
            ):
                raise _v(
                    "请填写首次接触时间：新客户须在首次接触后规定时限内登记"
                    "（公司原有客户信息库的客户可不填）。",
                    "first_contact_at",
                )
        for name, lo, hi in (("latitude", -90, 90), ("longitude", -180, 180)):
            with checks:
                out[name] = _check_coordinate(values, name, lo, hi)
        with checks:
            out["person_name"] = _checked(
                lambda: cn.check_name(values.get("person_name"), "姓名", 40, required=False),
                "person_name",
            )
        with checks:
            out["gender"] = str(values.get("gender") or "").strip()
            if out["gender"] not in ("", "男", "女"):
                raise _v("性别请选择“男”或“女”。", "gender")
        with checks:
            out["age"] = _check_age(values.get("age"))
        with checks:
            out["birthday"] = _date(values, "birthday")
            if out["birthday"] and out["birthday"] > clock.now().date():
                raise _v("生日不能晚于今天。", "birthday")
        with checks:
            out["extra"] = extra_fields.check_values(
                uow, values.get("extra") or {}, previous.extra if previous is not None else None
            )
        checks.done()
        if is_personal(uow, out["type_id"]) and not out["person_name"]:
            out["person_name"] = out["name"][:40]
        return out


def _checked(check, field_name: str):
    """A customer_names check (ValueError) as this form's ValidationError at its field."""
    try:
        return check()
    except ValueError as exc:
        raise _v(str(exc), field_name) from None


def _check_name(values: dict) -> str:
    name = _checked(lambda: cn.check_name(values.get("name"), "客户名称", 100), "name")
    if len(name) < 2:
        raise _v("客户名称至少需要 2 个字。", "name")
    return name


def _check_phone(values: dict, name: str) -> str:
    raw = str(values.get(name) or "").strip()
    if len(raw) > (100 if name != "principal_mobile" else 60):
        raise _v(f"{FIELD_LABELS[name]}太长。", name)
    _checked(lambda: cn.phone_keys(raw), name)  # a landline as 负责人手机 is allowed
    return raw


def _check_email(values: dict) -> str:
    email = str(values.get("email") or "").strip()
    _checked(lambda: cn.email_key(email), "email")
    if len(email) > 120:
        raise _v("邮箱太长。", "email")
    return email


def _check_website(values: dict) -> str:
    website = str(values.get("website") or "").strip()
    if len(website) > 200:
        raise _v("网址太长。", "website")
    _checked(lambda: cn.host_of(website), "website")
    return website


def _check_coordinate(values: dict, name: str, lo: float, hi: float) -> float | None:
    v = values.get(name)
    if v in (None, ""):
        return None
    try:
        v = float(v)
    except (TypeError, ValueError):
        raise _v(f"{FIELD_LABELS[name]}必须是数字。", name) from None
    if not lo <= v <= hi:
        raise _v(f"{FIELD_LABELS[name]}应在 {lo} 到 {hi} 之间。", name)
    return v


def _check_age(age) -> int | None:
    if age in (None, ""):
        return None
    try:
        age = int(age)
    except (TypeError, ValueError):
        raise _v("年龄必须是整数。", "age") from None
    if not 0 < age < 130:
        raise _v("年龄应在 1 到 129 之间。", "age")
    return age


def _default_code(uow: UnitOfWork, table_key: str, code: str) -> int | None:
    """A built-in entry's id, looked up once per session (an import validates many rows)."""
    cache = uow.session.info.setdefault("customers.default_codes", {})
    if (table_key, code) not in cache:
        cache[(table_key, code)] = code_tables.find_item(uow, table_key, code)
    return cache[(table_key, code)]


def is_personal(uow: UnitOfWork, type_id: int | None) -> bool:
    """A 个人 customer: a person's name alone is no identity, and 姓名 defaults to it."""
    with uow:
        return type_id is not None and type_id == _default_code(uow, "customer_type", "P")


def derived_columns(cols: dict) -> dict:
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


def contact_columns(
    uow: UnitOfWork, form: ContactForm, previous: Contact | None, index=None
) -> dict:
    """A contact's form → column values; `index` (registering with contacts) prefixes each
    error's field: contacts[1].mobile."""
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
