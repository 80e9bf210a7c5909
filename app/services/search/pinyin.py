"""Pinyin for every name-like field, and the search-box matcher built on it.

    keys = name_keys("曾小贤", person=True)
    keys.full      -> "cengxiaoxian zengxiaoxian"   (every plausible reading, space-joined)
    keys.initials  -> "cxx zxx"

Readings come from pypinyin's phrase dictionary. A person's name whose surname is
polyphonic (曾 zeng/ceng, 单 shan/dan, 解 xie/jie …) stores every reading, so a user who
types either finds it. Variants are joined by a space, so a search term (which never
contains a space after normalization) cannot match across two variants.

search_clause(text, ...) is what every search box uses: Chinese substring, full-pinyin
substring, initials substring and phone digits, OR-ed together.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import bindparam, false, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import NullType

# Surname readings (姓氏读音) where the everyday reading differs from the surname's.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "曾": ("zeng", "ceng"),
    "单": ("shan", "dan"),
    "解": ("xie", "jie"),
    "查": ("zha", "cha"),
    "仇": ("qiu", "chou"),
    "翟": ("zhai", "di"),
    "区": ("ou", "qu"),
    "朴": ("piao", "pu"),
    "盖": ("ge", "gai"),
    "乐": ("yue", "le"),
    "缪": ("miao", "mou"),
    "尉": ("wei", "yu"),
    "覃": ("qin", "tan"),
    "召": ("shao", "zhao"),
    "折": ("she", "zhe"),
    "秘": ("bi", "mi"),
    "种": ("chong", "zhong"),
    "员": ("yun", "yuan"),
    "华": ("hua",),
    "任": ("ren",),
    "纪": ("ji",),
    "冼": ("xian",),
    "燕": ("yan",),
    "宿": ("su", "xiu"),
    "繁": ("po", "fan"),
    "句": ("gou", "ju"),
    "郇": ("huan", "xun"),
    "沈": ("shen",),
    "长": ("chang", "zhang"),
    "重": ("chong", "zhong"),
    "石": ("shi", "dan"),
    "薄": ("bo",),
    "柏": ("bai", "bo"),
    "莘": ("shen", "xin"),
    "那": ("na",),
    "隗": ("wei", "kui"),
}
COMPOUND_SURNAMES: dict[str, tuple[str, ...]] = {
    "尉迟": ("yuchi",),
    "万俟": ("moqi",),
    "单于": ("chanyu",),
    "长孙": ("zhangsun",),
    "令狐": ("linghu",),
}
MAX_VARIANTS = 6


@dataclass(frozen=True)
class PinyinKeys:
    full: str
    initials: str


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _clean_token(token: str) -> str:
    """A non-Chinese run of text: keep letters and digits, lower-case, half width."""
    token = unicodedata.normalize("NFKC", token).lower()
    return "".join(ch for ch in token if ch.isascii() and ch.isalnum())


def _segments(text: str) -> list[tuple[str, bool]]:
    """Per Chinese character its reading (is_pinyin=True); per other run, the cleaned run."""
    out: list[tuple[str, bool]] = []
    # Imported on first use: its phrase dictionary takes 0.2 s to load, which the login
    # dialog must not wait for (bootstrap warms it up in the background).
    from pypinyin import lazy_pinyin

    for syl in lazy_pinyin(text, errors=lambda s: [s]):
        if all(_is_han(c) for c in syl):  # a character without a reading: keep it as is
            out.append((syl, False))
            continue
        if syl.isascii() and syl.isalpha() and syl.islower() and not _raw_run(text, syl):
            out.append((syl, True))
            continue
        cleaned = _clean_token(syl)
        if cleaned:
            out.append((cleaned, False))
    return out


def _raw_run(text: str, syl: str) -> bool:
    """True when `syl` was typed in the text itself (a Latin run), not a pinyin reading."""
    return syl in unicodedata.normalize("NFKC", text).lower()


@lru_cache(maxsize=4096)
def name_keys(text: str, person: bool = False) -> PinyinKeys:
    """Full pinyin and initials, every plausible reading, variants space-joined.

    person=True: the first character(s) are a surname; add its surname readings.
    Other names get the phrase dictionary's reading, plus the surname readings of a
    polyphonic first character when the name is short (2–4 characters, likely a person).
    """
    text = (text or "").strip()
    if not text:
        return PinyinKeys("", "")
    heads: list[str] = []
    rest = text
    for compound, readings in COMPOUND_SURNAMES.items():
        if person and text.startswith(compound):
            heads, rest = list(readings), text[len(compound) :]
            break
    segs = _segments(rest)
    if not heads and _is_han(text[0]) and segs and segs[0][1]:
        first = text[0]
        heads = [segs[0][0]]
        if first in SURNAME_READINGS and (person or len(text) <= 4):
            heads += SURNAME_READINGS[first]
        heads = list(dict.fromkeys(heads))[:MAX_VARIANTS]
        segs = segs[1:]
    tail_full = "".join(s for s, _ in segs)
    tail_init = "".join(s[0] if is_pin else s for s, is_pin in segs)
    if not heads:
        return PinyinKeys(tail_full, tail_init)
    fulls = [h + tail_full for h in heads]
    inits = list(dict.fromkeys(h[0] + tail_init for h in heads))
    return PinyinKeys(" ".join(fulls), " ".join(inits))


# --- search ---------------------------------------------------------------------

_LIKE_ESCAPE = "\\"


def like_pattern(term: str) -> str:
    """%term% with LIKE wildcards escaped (use with escape='\\\\')."""
    term = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{term}%"


@dataclass(frozen=True)
class SearchKeys:
    """What a search box's text means: a text fragment, a pinyin fragment, phone digits."""

    text: str  # the typed text, trimmed (for Chinese / code substring match)
    pinyin: str  # lower-case letters+digits if the text is Latin, else ""
    digits: str  # digits only, if the text looks like (part of) a phone number, else ""


_PHONEISH = re.compile(r"^[\d\s\-+()（）]+$")


def search_keys(text: str) -> SearchKeys:
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return SearchKeys("", "", "")
    pin = ""
    if text.isascii() and any(c.isalpha() for c in text):
        pin = "".join(c for c in text.lower() if c.isalnum())
    digits = ""
    if _PHONEISH.match(text):
        d = re.sub(r"\D", "", text)
        if len(d) >= 3:
            digits = d
    return SearchKeys(text, pin, digits)


class _CaseInsensitiveLike(ColumnElement[bool]):
    """ILIKE on PostgreSQL; plain LIKE on SQLite, whose LIKE already ignores ASCII case.
    SQLAlchemy's ilike() would wrap both sides in lower() on SQLite, which costs a
    function call per row (measured 4.0 s vs 1.1 s over a million names)."""

    type = NullType()  # a Boolean type would make SQLite render "(…) = 1"
    # Cacheable: the column and the pattern's bound parameter make the cache key, so a
    # search compiles once per shape and dialect (the pattern's value is bound per run).
    inherit_cache = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("pattern", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column, pattern: str):
        # The SQL column, not an ORM attribute: statement visitors (the list's join
        # pruning) must see which table it reads (issue 12.10).
        if hasattr(column, "__clause_element__"):
            column = column.__clause_element__()
        self.column = column
        self.pattern = bindparam(None, pattern, unique=True)


@compiles(_CaseInsensitiveLike)
def _ilike_default(element, compiler, **kw):
    return compiler.process(element.column.ilike(element.pattern, escape=_LIKE_ESCAPE), **kw)


@compiles(_CaseInsensitiveLike, "sqlite")
def _ilike_sqlite(element, compiler, **kw):
    return compiler.process(element.column.like(element.pattern, escape=_LIKE_ESCAPE), **kw)


def case_insensitive_like(column, pattern: str):
    return _CaseInsensitiveLike(column, pattern)


def search_clause(text: str, *, text_columns=(), pinyin_columns=(), digit_columns=()):
    """OR of the matches a search box offers; false() for an empty text.

    text_columns: Chinese/plain text (name, short name, number …)
    pinyin_columns: full-pinyin and initials columns (space-joined variants)
    digit_columns: digits-only phone columns
    """
    keys = search_keys(text)
    if not keys.text:
        return false()
    conds = [case_insensitive_like(c, like_pattern(keys.text)) for c in text_columns]
    if keys.pinyin:
        pat = like_pattern(keys.pinyin)
        conds += [c.like(pat, escape=_LIKE_ESCAPE) for c in pinyin_columns]
    if keys.digits:
        pat = like_pattern(keys.digits)
        conds += [c.like(pat, escape=_LIKE_ESCAPE) for c in digit_columns]
    return or_(*conds) if conds else false()


def matches(text: str, name: str, keys: PinyinKeys | None = None) -> bool:
    """In-memory version for combo-box type-ahead over a short list (code tables, users)."""
    sk = search_keys(text)
    if not sk.text:
        return True
    if sk.text.lower() in (name or "").lower():
        return True
    if sk.pinyin:
        keys = keys or name_keys(name)
        return sk.pinyin in keys.full or sk.pinyin in keys.initials
    return False


def match_rank(text: str, name: str, keys: PinyinKeys | None = None) -> int | None:
    """How well a short list's entry matches what was typed, for type-ahead order:
    0 the whole name, initials or pinyin; 1 their start; 2 anywhere; None no match.
    (宁夏 is 0 for "nx"; 山西 only 2, through shaN-Xi.)"""
    sk = search_keys(text)
    if not sk.text:
        return 0
    typed, name = sk.text.lower(), (name or "").lower()
    keys = keys or name_keys(name) if sk.pinyin else keys
    spelled = (keys.full, keys.initials) if sk.pinyin and keys else ()
    if typed == name or sk.pinyin in spelled:
        return 0
    if name.startswith(typed) or any(k.startswith(sk.pinyin) for k in spelled):
        return 1
    return 2 if matches(text, name, keys) else None
