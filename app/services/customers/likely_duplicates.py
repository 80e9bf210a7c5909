"""疑似重复客户 (issue 20): live customers the registration check's keys would call the
same — the normalised name, any phone (a contact's too), e-mail, website domain — and
near matches: the same name once a branch suffix (分公司, 办事处 …) is removed, or names
at least as similar as 系统设置 says. Each pair says why.

Not every pair is compared: names are compared with their neighbours in sorted order
(forwards and backwards), keys by equality. The search runs on demand, in the
background, and replaces the stored pairs (DuplicatePair); a pair marked 不是重复 is
never proposed again. Who sees which pair: duplicate_lists.

UI entry points: find_likely_duplicates(uow, progress, cancelled) -> int,
dismiss_pairs(uow, pair_ids) -> int, pair_customers(uow, pair_id) -> (id, id)."""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from collections.abc import Callable, Iterable

import numpy
from rapidfuzz import fuzz, process
from sqlalchemy import and_, delete, insert, select, text
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from app.models import Contact, Customer, CustomerKey, DuplicateDismissal, DuplicatePair
from app.services.access import roles
from app.services.access.visibility import customer_scope, edit_scope, ids_within
from app.services.core import clock, settings
from app.services.core.errors import NotFound, PermissionDenied
from app.services.core.uow import UnitOfWork
from app.services.search import customer_names as cn

# A branch or office of a company registered as a customer of its own.
BRANCH = re.compile(
    r"(分公司|子公司|分厂|分店|分部|办事处|营业部|经营部|门市部|销售部|分行|支行|分社|分所|分院)$"
)
WINDOW = 10  # neighbours compared in each sorted order
MAX_GROUP = 25  # a key shared by more is too common to mean one company (e.g. a switchboard)
SIMILAR_EACH = 5  # customers of each of two similar names paired (more share the name)
MAX_PAIRS = 50_000  # more than an office works through before the next search
_LABELS = {"name": "名称相同", "phone": "电话相同", "email": "邮箱相同", "domain": "网站相同"}


def branch_bases(name: str) -> list[str]:
    """The normalised names a branch's name may belong to: "宁夏红枸杞产业集团银川分公司"
    → the keys of "宁夏红枸杞产业集团银川" and of it without a two- or three-character
    place before the suffix ("宁夏红枸杞产业集团", "宁夏红枸杞产业集"). [] for a name
    that is no branch."""
    text = cn.half_width(name).strip()
    m = BRANCH.search(text)
    if not m:
        return []
    base = text[: m.start()].rstrip()
    variants = [base]
    if not base.endswith(tuple(cn.SUFFIXES)):  # "…有限公司办事处" names its company whole
        variants += [base[:-k] for k in (2, 3) if len(base) - k >= 3]
    keys = [cn.name_key(v) for v in variants]
    return list(dict.fromkeys(k for k in keys if len(k) >= 2))


class PairFinder:
    """Collects pairs (smaller id first) with their best score and every reason."""

    def __init__(self) -> None:
        self.pairs: dict[tuple[int, int], tuple[int, list[str]]] = {}

    def add(self, a: int, b: int, score: int, reason: str) -> None:
        if a == b:
            return
        key = (a, b) if a < b else (b, a)
        best, reasons = self.pairs.get(key, (0, []))
        if reason not in reasons:
            reasons.append(reason)
        self.pairs[key] = (max(best, score), reasons)

    def add_groups(self, groups: Iterable[Iterable[int]], score: int, reason: str) -> None:
        for ids in groups:
            ids = sorted(set(ids))
            if 1 < len(ids) <= MAX_GROUP:
                for i, a in enumerate(ids):
                    for b in ids[i + 1 :]:
                        self.add(a, b, score, reason)

    def add_names(self, names: list[tuple[str, int, str]], threshold: int) -> None:
        """Same normalised name, a branch and its company, and similar names. `names`:
        (normalised name, customer id, the name as registered)."""
        by_name: dict[str, list[int]] = defaultdict(list)
        for core, cid, _name in names:
            by_name[core].append(cid)
        self.add_groups(by_name.values(), 100, "名称相同")
        for _core, cid, name in names:
            for base in branch_bases(name):
                for other in by_name.get(base, ())[:MAX_GROUP]:
                    self.add(cid, other, 95, "去掉分支机构后同名")
        self._similar(by_name, threshold)

    def _similar(self, by_name: dict[str, list[int]], threshold: int) -> None:
        """Distinct names compared with their WINDOW neighbours in sorted order, then in
        the order of the reversed names (a difference at the start), element-wise in C
        threads; each similar pair of names pairs their customers."""
        keys = [core for core in by_name if len(core) >= 3]
        for order in (None, lambda core: core[::-1]):
            ranked = sorted(keys, key=order)
            for k in range(1, WINDOW + 1):
                scores = process.cpdist(ranked[:-k], ranked[k:], scorer=fuzz.ratio,
                                        score_cutoff=threshold, workers=-1)  # fmt: skip
                for i in numpy.flatnonzero(scores).tolist():
                    score = int(scores[i])
                    for a in by_name[ranked[i]][:SIMILAR_EACH]:
                        for b in by_name[ranked[i + k]][:SIMILAR_EACH]:
                            self.add(a, b, score, f"名称相似 {score}%")

    def rows(self) -> list[dict]:
        ranked = heapq.nsmallest(MAX_PAIRS, self.pairs.items(), key=lambda kv: (-kv[1][0], kv[0]))
        return [
            {"a_id": a, "b_id": b, "score": score, "reasons": "；".join(reasons)[:300]}
            for (a, b), (score, reasons) in ranked
        ]


Progress = Callable[[int, int], None]


def find_likely_duplicates(
    uow: UnitOfWork, progress: Progress | None = None, cancelled: Callable[[], bool] | None = None
) -> int:
    """Search the whole archive and replace the stored pairs. Reads in a read-only
    transaction (no desk waits meanwhile), writes the result in one short one. Returns
    how many pairs were found (before scope: each user sees those in their scope)."""
    if uow.actor is None or uow.actor.role not in roles.CAN_MERGE_CUSTOMERS:
        raise PermissionDenied("只有销售内勤、销售主管或系统管理员可以查找疑似重复客户。")
    step = progress or (lambda done, total: None)
    stop = cancelled or (lambda: False)
    finder = PairFinder()
    with uow.separate(write=False) as r:
        threshold = settings.get(r, "customers.duplicate_similarity")
        names = list(_name_keys(r))
        step(1, 5)
        if stop():
            return 0
        finder.add_names(names, threshold)
        del names
        step(2, 5)
        if stop():
            return 0
        for kind, groups in _shared_keys(r).items():
            finder.add_groups(groups, 100, _LABELS[kind])
        step(3, 5)
        for a, b in _contact_phones(r):
            finder.add(a, b, 100, "联系人电话相同")
        dismissed = set(r.session.execute(select(DuplicateDismissal.a_id, DuplicateDismissal.b_id)))
    step(4, 5)
    if stop():
        return 0
    rows = [row for row in finder.rows() if (row["a_id"], row["b_id"]) not in dismissed]
    now = clock.now()
    with uow.separate(write=True) as w:
        w.session.execute(delete(DuplicatePair))
        for start in range(0, len(rows), 1000):
            chunk = [{**row, "found_at": now} for row in rows[start : start + 1000]]
            w.session.execute(insert(DuplicatePair), chunk)
        # Fresh statistics: without them SQLite's planner builds a Bloom filter over the
        # customers before the list's first window (0.4 s instead of 1 ms at 50,000 pairs).
        w.session.execute(text("ANALYZE duplicate_pairs"))
        w.commit()
    step(5, 5)
    return len(rows)


def _live():
    return and_(Customer.deleted_at.is_(None))


def pair_scope(model, scope: ColumnElement[bool]) -> ColumnElement[bool]:
    """Both customers of a pair (a_id, b_id) within `scope` (a customer filter)."""
    return ids_within(scope, model.a_id, model.b_id)


def _name_keys(uow: UnitOfWork):
    """(normalised name, customer id, name) of every live company (a person's name is
    no key)."""
    q = (
        select(CustomerKey.value, CustomerKey.customer_id, Customer.name)
        .join(Customer, Customer.id == CustomerKey.customer_id)
        .where(CustomerKey.kind == "name", _live())
        .execution_options(yield_per=20_000)
    )
    return uow.session.execute(q).tuples()


def _shared_keys(uow: UnitOfWork) -> dict[str, list[list[int]]]:
    """Phone, e-mail and domain keys two or more live customers share. The keys are
    unique among those not overridden, so each shared key is an overridden one (a
    公司特别指派 let the second customer through): start from those, few and indexed."""
    overridden = (
        select(CustomerKey.kind, CustomerKey.value)
        .where(CustomerKey.overridden.is_(True), CustomerKey.kind != "name")
        .distinct()
        .subquery()
    )
    q = (
        select(CustomerKey.kind, CustomerKey.value, CustomerKey.customer_id)
        .join(overridden, and_(overridden.c.kind == CustomerKey.kind,
                               overridden.c.value == CustomerKey.value))
        .join(Customer, Customer.id == CustomerKey.customer_id)
        .where(_live())
    )  # fmt: skip
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for kind, value, cid in uow.session.execute(q):
        groups[(kind, value)].append(cid)
    out: dict[str, list[list[int]]] = defaultdict(list)
    for (kind, _value), ids in groups.items():
        out[kind].append(ids)
    return out


def _contact_phones(uow: UnitOfWork):
    """(customer, other customer) where a contact's phone is the other customer's phone:
    a contact person registered again as a 个人 customer, or a company's two records.
    A contact with one number is matched in SQL through the keys' index; one with
    several numbers (rare) number by number."""
    owner = aliased(Customer)
    key = (
        select(CustomerKey.customer_id)
        .join(owner, owner.id == CustomerKey.customer_id)
        .where(CustomerKey.kind == "phone", owner.deleted_at.is_(None))
    )
    single = (
        select(Contact.customer_id, CustomerKey.customer_id)
        .join(Customer, Customer.id == Contact.customer_id)
        .join(CustomerKey, and_(CustomerKey.kind == "phone",
                                CustomerKey.value == Contact.phone_digits))
        .join(owner, owner.id == CustomerKey.customer_id)
        .where(Contact.deleted_at.is_(None), _live(), owner.deleted_at.is_(None),
               Contact.phone_digits != "", Contact.phone_digits.not_like("% %"),
               CustomerKey.customer_id != Contact.customer_id)
    )  # fmt: skip
    yield from uow.session.execute(single).tuples()
    several = (
        select(Contact.phone_digits, Contact.customer_id)
        .join(Customer, Customer.id == Contact.customer_id)
        .where(Contact.deleted_at.is_(None), _live(), Contact.phone_digits.like("% %"))
    )
    for digits, cid in uow.session.execute(several).tuples():
        for phone in digits.split():
            others = uow.session.scalars(key.where(CustomerKey.value == phone).limit(MAX_GROUP))
            for other in others:
                if other != cid:
                    yield cid, other


def dismiss_pairs(uow: UnitOfWork, pair_ids) -> int:
    """不是重复: the pairs are checked and never proposed again. Only pairs whose two
    customers the actor may change. Returns how many were marked."""
    if uow.actor is None or uow.actor.role not in roles.CAN_MERGE_CUSTOMERS:
        raise PermissionDenied("只有销售内勤、销售主管或系统管理员可以标记疑似重复客户。")
    with uow:
        q = select(DuplicatePair).where(
            DuplicatePair.id.in_(list(pair_ids)), pair_scope(DuplicatePair, edit_scope(uow.actor))
        )
        now, done = clock.now(), 0
        for pair in uow.session.scalars(q).all():
            uow.session.add(
                DuplicateDismissal(a_id=pair.a_id, b_id=pair.b_id, by_id=uow.actor.id, at=now)
            )
            uow.session.delete(pair)
            done += 1
        uow.commit()
        return done


def pair_customers(uow: UnitOfWork, pair_id: int) -> tuple[int, int]:
    """The two customers of a listed pair (for 合并…), if the actor may see both."""
    if uow.actor is None or uow.actor.role not in roles.CAN_MERGE_CUSTOMERS:
        raise PermissionDenied("只有销售内勤、销售主管或系统管理员可以合并客户。")
    with uow:
        row = uow.session.execute(
            select(DuplicatePair.a_id, DuplicatePair.b_id).where(
                DuplicatePair.id == pair_id, pair_scope(DuplicatePair, customer_scope(uow.actor))
            )
        ).first()
        if row is None:
            raise NotFound("这对疑似重复客户已不存在（可能已合并或标记），请刷新列表。")
        return row[0], row[1]
