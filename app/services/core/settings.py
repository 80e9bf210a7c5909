"""Settings kept in the shared database: company name and the configurable rule numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, cast, func, select

from app.models import Role, RuleChange, RuleValue, Setting, User
from app.services.core.errors import ConflictError, PermissionDenied, ValidationError
from app.services.core.numbering import PATTERN_SETTINGS, RECORD_PATTERNS, check_pattern
from app.services.core.uow import UnitOfWork


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: int | str
    minimum: int | None = None
    maximum: int | None = None

    @property
    def is_switch(self) -> bool:
        """On/off (stored 1/0): shown as a check box."""
        return isinstance(self.default, int) and (self.minimum, self.maximum) == (0, 1)


SPECS = {
    s.key: s
    for s in [
        SettingSpec("company_name", "公司名称", ""),
        # The printed forms' letterhead (2.3: forms carry the company's name and address).
        SettingSpec("company_address", "公司地址", ""),
        SettingSpec("company_phone", "公司电话", ""),
        SettingSpec("company_logo", "公司标志（打印在表头）", ""),  # base64 PNG/JPEG
        SettingSpec("security.max_failed_logins", "连续登录失败几次后锁定", 5, 1, 100),
        SettingSpec("security.lockout_minutes", "锁定时长（分钟）", 15, 1, 24 * 60),
        SettingSpec(
            "security.password_max_age_days", "密码有效期（天，0 表示不过期）", 90, 0, 3650
        ),
        SettingSpec("security.password_warn_days", "密码到期前几天提醒", 14, 0, 365),
        SettingSpec("security.password_min_length", "密码最短长度", 8, 6, 64),
        # Customer archive (issue 3)
        SettingSpec("customers.number_pattern", "客户编号格式", "KH{yyyy}{seq:05}"),
        SettingSpec("customers.change_approval", "销售人员修改关键信息需内勤审批", 1, 0, 1),
        SettingSpec(
            "customers.late_registration_hours", "首次接触后几小时内须登记", 24, 1, 24 * 30
        ),
        SettingSpec("customers.development_months", "客户开发期限（月）", 6, 1, 60),
        SettingSpec(
            "customers.next_follow_up_days",
            "新跟进记录预设下次跟进（几天后，0 表示不预设）",
            7,
            0,
            365,
        ),  # fmt: skip
        # 疑似重复客户 (issue 20): names at least this similar (after removing place names
        # and legal forms) are proposed as likely duplicates.
        SettingSpec(
            "customers.duplicate_similarity", "疑似重复：名称相似度不低于（%）", 90, 60, 100
        ),
        # 三.2.1: the first three steps with a prospect, done within this many days.
        SettingSpec(
            "customers.prospect_days",
            "新客户开发三步（名片、样品、公司介绍）须在登记后几天内完成",
            14,
            1,
            365,
        ),
        SettingSpec("customers.attachment_max_mb", "客户附件单个文件上限（MB）", 20, 1, 200),
        # Public pool (规则 4, issue 5)
        # 二.3 市场总监有权收回，改派: managers (by user name) who may reclaim, reassign and
        # protect any customer, not only their own team's.
        SettingSpec("pool.market_directors", "市场总监（销售主管的用户名，多个用逗号分隔）", ""),
        # 二.3: two months without any sales action, for every customer; per class optional.
        SettingSpec("pool.idle_days", "无任何销售动作几天后回收公海", 60, 1, 3650),
        SettingSpec(
            "pool.idle_by_class", "按客户等级分别设定回收天数（用下面各类的天数）", 0, 0, 1
        ),
        SettingSpec("pool.idle_days_A", "按等级时：A 类客户几天回收", 90, 1, 3650),
        SettingSpec("pool.idle_days_B", "按等级时：B 类客户几天回收", 60, 1, 3650),
        SettingSpec("pool.idle_days_C", "按等级时：C 类客户几天回收", 30, 1, 3650),
        SettingSpec("pool.idle_days_D", "按等级时：D 类客户几天回收", 30, 1, 3650),
        SettingSpec("pool.idle_days_default", "按等级时：未分级客户几天回收", 60, 1, 3650),
        SettingSpec("pool.auto_return", "到期自动回收公海（不勾选：只提醒主管回收）", 1, 0, 1),
        SettingSpec("pool.warn_days", "回收前几天提醒归属销售", 7, 0, 90),
        SettingSpec("pool.claim_cap", "每位销售最多拥有客户数（领取上限）", 300, 1, 100000),
        SettingSpec("pool.cooldown_days", "被回收后几天内不得再领取同一客户", 30, 0, 3650),
        # Classification (规则 5): A and B by the last three years' deal totals, in 元; below
        # B a customer is C (一般或新增); D is set by a person (policy.classification)
        SettingSpec(
            "class.threshold_A", "A 类：近三年成交额不低于（元）", 1_000_000, 0, 2_000_000_000
        ),
        SettingSpec(
            "class.threshold_B", "B 类：近三年成交额不低于（元）", 300_000, 0, 2_000_000_000
        ),
        # 《客户等级分类表》 (暂行办法 一.3): filled monthly or quarterly (and once a year) by a
        # responsible person, 复核 by the 结算经理 — users named here (policy.class_sheets).
        SettingSpec("class.sheet_monthly", "客户等级分类表按月填写（不勾选：按季度）", 0, 0, 1),
        SettingSpec(
            "class.sheet_fillers", "客户等级分类表填写人（用户名，逗号分隔；空：销售内勤）", ""
        ),
        SettingSpec("class.settlement_managers", "结算经理（复核分类表的用户名，逗号分隔）", ""),
        SettingSpec("class.sheet_warn_days", "分类表到期前几天提醒填写人", 7, 0, 31),
        # Maintenance frequency by class (规则 6): visits per calendar month
        SettingSpec("maint.min_A", "A 类客户每月至少拜访（次）", 1, 0, 31),
        SettingSpec("maint.max_A", "A 类客户每月至多拜访（次）", 2, 0, 31),
        SettingSpec("maint.min_B", "B 类客户每月至少拜访（次）", 1, 0, 31),
        SettingSpec("maint.max_B", "B 类客户每月至多拜访（次）", 2, 0, 31),
        SettingSpec("maint.min_C", "C 类客户每月至少拜访（次）", 2, 0, 31),
        SettingSpec("maint.max_C", "C 类客户每月至多拜访（次）", 4, 0, 31),
        # 二.3.1.1: A customers are visited by a company leader — the chairman, and these.
        SettingSpec("maint.leaders", "公司领导（拜访 A 类客户；董事长之外的用户名，逗号分隔）", ""),
        # Visits, complaints, samples, work plans (issue 6): step deadlines in days
        SettingSpec("visits.review_days", "回访报告提交后几天内主管须审阅", 3, 1, 90),
        SettingSpec("visits.archive_days", "回访报告审阅后几天内文员须归档", 5, 1, 90),
        SettingSpec("visits.remind_days", "回访计划到期前几天提醒回访人员", 2, 0, 30),
        SettingSpec("complaints.due_days_normal", "一般投诉处理期限（天）", 7, 1, 365),
        SettingSpec("complaints.due_days_serious", "较重投诉处理期限（天）", 3, 1, 365),
        SettingSpec("complaints.due_days_critical", "严重投诉处理期限（天）", 1, 1, 365),
        SettingSpec("samples.dispatch_days", "寄样申请几天内须寄出", 2, 1, 60),
        SettingSpec("work.remind_days", "工作计划到期前几天提醒", 1, 0, 30),
        # Record numbers in the customer number's style (core.numbering.RECORD_PATTERNS)
        *(
            SettingSpec(key, f"{label}编号格式", default)
            for label, (key, default) in zip(
                ("回访计划", "回访记录", "回访报告", "投诉/反馈", "寄样申请"),
                RECORD_PATTERNS.values(),
                strict=True,
            )
        ),
    ]
}


# Rule numbers of the office's rules (董事长负责本制度的批准): the admin's change waits for the
# chairman's approval (admin.rule_changes) and takes effect through admin._internal's
# apply_rule_change; their history of values is kept (rule_value reads it for a day).
RULE_KEYS = (
    "pool.idle_days", "pool.idle_by_class", "pool.idle_days_A", "pool.idle_days_B",
    "pool.idle_days_C", "pool.idle_days_D", "pool.idle_days_default",
    "customers.development_months",
    "class.threshold_A", "class.threshold_B",
    "maint.min_A", "maint.max_A", "maint.min_B", "maint.max_B", "maint.min_C", "maint.max_C",
)  # fmt: skip


def get(uow: UnitOfWork, key: str):
    with uow:
        spec = SPECS[key]
        raw = uow.session.scalar(select(Setting.value).where(Setting.key == key))
        if raw is None:
            return spec.default
        return int(raw) if isinstance(spec.default, int) else raw


def sql_int(key: str):
    """An integer setting as an SQL expression, read by the database when the query runs
    (its default when never stored): lists built once can show rules changed later."""
    stored = select(Setting.value).where(Setting.key == key).scalar_subquery()
    return func.coalesce(cast(stored, Integer), SPECS[key].default)


def sql_text(key: str):
    """A text setting as an SQL expression read when the query runs ("" when never stored)."""
    stored = select(Setting.value).where(Setting.key == key).scalar_subquery()
    return func.coalesce(stored, SPECS[key].default)


def get_all(uow: UnitOfWork) -> dict[str, int | str]:
    with uow:
        stored = dict(uow.session.execute(select(Setting.key, Setting.value)).tuples().all())
        out = {}
        for key, spec in SPECS.items():
            raw = stored.get(key)
            out[key] = (
                spec.default
                if raw is None
                else (int(raw) if isinstance(spec.default, int) else raw)
            )
        return out


LOGO_MAX_BYTES = 200_000


def check_logo(text: str) -> bytes:
    """The logo as stored (base64 of a PNG or JPEG image, at most 200 KB), or a Chinese
    ValidationError."""
    import base64
    import binascii

    try:
        data = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError("公司标志不是有效的图片数据。", field="company_logo") from None
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8")):
        raise ValidationError("公司标志须为 PNG 或 JPEG 图片。", field="company_logo")
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError("公司标志图片过大（不超过 200 KB）。", field="company_logo")
    return data


def checked_value(key: str, value) -> int | str:
    """A setting's value as stored, or a Chinese ValidationError (not a number, out of range)."""
    spec = SPECS[key]
    if isinstance(spec.default, int):
        try:
            value = int(str(value).strip())
        except ValueError:
            raise ValidationError(f"“{spec.label}”必须是整数。", field=key) from None
        if (spec.minimum is not None and value < spec.minimum) or (
            spec.maximum is not None and value > spec.maximum
        ):
            raise ValidationError(
                f"“{spec.label}”应在 {spec.minimum} 到 {spec.maximum} 之间。", field=key
            )
        return value
    return str(value).strip()


def _put(uow: UnitOfWork, key: str, value) -> None:
    """Store one setting (no permission check: callers check). Validates the value."""
    value = checked_value(key, value)
    row = uow.session.scalar(select(Setting).where(Setting.key == key))
    if row is None:
        uow.session.add(Setting(key=key, value=str(value)))
    elif row.value != str(value):
        row.value = str(value)


def read_settings(uow: UnitOfWork) -> dict[str, int | str]:
    """Entry point: every setting with its current value."""
    with uow:
        return get_all(uow)


@dataclass(frozen=True)
class SettingsSnapshot:
    """What an editor shows: each value and the version it was read at (0: never stored)."""

    values: dict[str, int | str]
    versions: dict[str, int]

    def changed(self, edited: dict) -> dict:
        """The edited values that differ from what was read (only those are saved)."""
        return {k: v for k, v in edited.items() if str(v).strip() != str(self.values.get(k))}


def snapshot(uow: UnitOfWork) -> SettingsSnapshot:
    """Entry point: the settings page's copy of every setting, with versions."""
    with uow:
        versions = dict(uow.session.execute(select(Setting.key, Setting.version)).tuples().all())
        return SettingsSnapshot(get_all(uow), {k: versions.get(k, 0) for k in SPECS})


def update_settings(uow: UnitOfWork, values: dict, seen: dict[str, int] | None = None) -> list[str]:
    """Entry point: the admin edits settings in 系统设置. All or nothing. A rule number
    (RULE_KEYS) is not changed here: it becomes a change pending the chairman's approval.
    Returns the keys that went to the chairman.

    With `seen` (a snapshot's versions), a value another admin changed since it was read
    is refused with ConflictError instead of being silently reverted."""
    if uow.actor is None or uow.actor.role != Role.ADMIN:
        raise PermissionDenied("只有系统管理员可以修改系统设置。")
    if "company_name" in values and not str(values["company_name"]).strip():
        raise ValidationError("公司名称不能为空。", field="company_name")
    if values.get("company_logo"):
        check_logo(str(values["company_logo"]))
    for key in PATTERN_SETTINGS:
        if key in values:
            values = {**values, key: check_pattern(values[key], key)}
    if "pool.market_directors" in values:
        values = {**values, "pool.market_directors": _check_directors(uow, values)}
    for key in PEOPLE_SETTINGS:
        if key in values:
            values = {**values, key: _check_people(uow, values, key)}
    unknown = set(values) - set(SPECS)
    if unknown:
        raise ValidationError(f"未知的设置项：{', '.join(sorted(unknown))}")
    with uow:
        if seen is not None:
            _check_versions(uow, values, seen)
        current = get_all(uow)
        rules = {k: checked_value(k, v) for k, v in values.items() if k in RULE_KEYS}
        rules = {k: v for k, v in rules.items() if str(v) != str(current[k])}
        check_ranges({**current, **values, **rules})  # what it would be once approved
        for key, value in values.items():
            if key not in RULE_KEYS:
                _put(uow, key, value)
        _check_ranges(uow)
        for key, value in rules.items():
            _request_rule_change(uow, key, str(current[key]), str(value))
        uow.commit()
        return sorted(rules)


def director_names(text: str) -> list[str]:
    return [n for n in re.split(r"[\s,，、;；]+", text or "") if n]


def _check_directors(uow: UnitOfWork, values: dict) -> str:
    """Every name must be an active 销售主管: the right is theirs (二.3)."""
    names = director_names(str(values["pool.market_directors"]))
    with uow:
        managers = set(
            uow.session.scalars(
                select(User.username).where(
                    User.username.in_(names), User.role == Role.MANAGER, User.is_active.is_(True)
                )
            )
        )
    wrong = [n for n in names if n not in managers]
    if wrong:
        raise ValidationError(
            f"“{'、'.join(wrong)}”不是在职的销售主管，不能设为市场总监。",
            field="pool.market_directors",
        )
    return ",".join(dict.fromkeys(names))


# Settings that name users (by user name): each must be an active user.
PEOPLE_SETTINGS = ("maint.leaders", "class.sheet_fillers", "class.settlement_managers")


def _check_people(uow: UnitOfWork, values: dict, key: str) -> str:
    names = director_names(str(values[key]))
    with uow:
        active = set(
            uow.session.scalars(
                select(User.username).where(User.username.in_(names), User.is_active.is_(True))
            )
        )
    wrong = [n for n in names if n not in active]
    if wrong:
        raise ValidationError(
            f"“{'、'.join(wrong)}”不是在职用户的用户名（{SPECS[key].label}）。", field=key
        )
    return ",".join(dict.fromkeys(names))


def _check_versions(uow: UnitOfWork, values: dict, seen: dict[str, int]) -> None:
    rows = {r.key: r for r in uow.session.scalars(select(Setting).where(Setting.key.in_(values)))}
    for key in values:
        row = rows.get(key)
        if (row.version if row else 0) != seen.get(key, 0):
            now = get(uow, key)
            raise ConflictError(
                f"“{SPECS[key].label}”已被其他管理员改为“{now}”。请刷新后再修改，以免覆盖对方的设置。"
            )


def _check_ranges(uow: UnitOfWork) -> None:
    check_ranges(get_all(uow))


def check_ranges(values) -> None:
    """Pairs of settings that bound a range: the minimum may not exceed the maximum."""
    for grade in ("A", "B", "C"):
        low, high = int(values[f"maint.min_{grade}"]), int(values[f"maint.max_{grade}"])
        if low > high:
            raise ValidationError(
                f"{grade} 类客户每月至少拜访次数（{low}）不能大于至多拜访次数（{high}）。",
                field=f"maint.min_{grade}",
            )


def _request_rule_change(uow: UnitOfWork, key: str, old: str, new: str) -> None:
    """One rule change waiting for the chairman; one at a time per rule."""
    pending = uow.session.scalar(
        select(RuleChange.new_value).where(RuleChange.key == key, RuleChange.status == "pending")
    )
    if pending is not None:
        raise ValidationError(
            f"“{SPECS[key].label}”已有一项待董事长批准的修改（改为 {pending}），"
            "请等批准或驳回后再修改。",
            field=key,
        )
    uow.session.add(RuleChange(key=key, old_value=old, new_value=new, status="pending",
                               requester_id=uow.actor.id, note=""))  # fmt: skip


def rule_value(uow: UnitOfWork, key: str, day: date):
    """The value of a rule in force on `day`: the last approved value effective by then;
    before the first approved change, the value that change replaced; never changed, the
    setting itself (so today's value is what get returns)."""
    if key not in RULE_KEYS:
        raise ValidationError(f"“{key}”不是需要董事长批准的规则。")
    with uow:
        q = select(RuleValue).where(RuleValue.key == key)
        row = uow.session.scalars(
            q.where(RuleValue.effective_from <= day)
            .order_by(RuleValue.effective_from.desc(), RuleValue.id.desc())
            .limit(1)
        ).first()
        if row is not None:
            return checked_value(key, row.value)
        later = uow.session.scalars(
            q.order_by(RuleValue.effective_from, RuleValue.id).limit(1)
        ).first()
        return checked_value(key, later.previous) if later is not None else get(uow, key)
