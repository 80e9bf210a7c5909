"""Normalization for the duplicate check (规则 1) and validation of contact details.

Pure functions, no database:
  name_key("宁夏红枸杞产业集团（有限公司）") == name_key("宁夏红 枸杞产业集团")
  phone_keys("0951-5012345 / (0951)5012345") == ["09515012345"]
  email_key(" Sales@NXH.com ") == "sales@nxh.com"
  domain_key("https://www.nxh.com.cn/about") == "nxh.com.cn"
  parse_capital("500万") == Capital(Decimal("5000000"), "万元", "500万")
Malformed input raises ValueError with a Chinese message; the caller turns it into a
ValidationError naming the form field.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[3] / "resources" / "data"


def data_file(name: str) -> Path:
    import sys

    bundle = getattr(sys, "_MEIPASS", None)  # PyInstaller
    if bundle:
        return Path(bundle) / "resources" / "data" / name
    return RESOURCES / name


@lru_cache(maxsize=1)
def provinces() -> list[tuple[str, str, str]]:
    """(GB/T 2260 code, full name, short name) of the provincial-level divisions."""
    with data_file("provinces_gbt2260.csv").open(encoding="utf-8") as f:
        return [(r["code"], r["name"], r["short"]) for r in csv.DictReader(f)]


@lru_cache(maxsize=1)
def industries() -> list[tuple[str, str]]:
    """(section code, name) of GB/T 4754-2017's 20 sections."""
    with data_file("industries_gbt4754.csv").open(encoding="utf-8") as f:
        return [(r["code"], r["name"]) for r in csv.DictReader(f)]


# --- text ------------------------------------------------------------------------


def half_width(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


def _is_emoji_or_symbol(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat in ("So", "Sk", "Cs", "Co", "Cn") or ch in "\u200d\ufe0f\ufe0e"


def clean_text(value, label: str, max_len: int, *, required: bool = False) -> str:
    """Trim; reject too long and (if required) empty. Returns the trimmed text."""
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValueError(f"请输入{label}。")
    if len(text) > max_len:
        raise ValueError(f"{label}不能超过 {max_len} 个字（现在 {len(text)} 个）。")
    return text


def check_name(value, label: str, max_len: int, *, required: bool = True) -> str:
    """A name: not only spaces, no emoji/pictographs, needs a letter, digit or 汉字."""
    text = clean_text(value, label, max_len, required=required)
    if not text:
        return text
    text = re.sub(r"\s+", " ", text)
    if any(_is_emoji_or_symbol(ch) for ch in text):
        raise ValueError(f"{label}不能包含表情符号或特殊图形字符。")
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise ValueError(f"{label}包含不可见的控制字符。")
    if not any(ch.isalnum() for ch in text):
        raise ValueError(f"{label}至少要包含一个汉字、字母或数字。")
    return text


# --- name key ----------------------------------------------------------------------

# Longest first: 股份有限公司 before 有限公司 before 公司.
SUFFIXES = sorted(
    [
        "股份有限公司",
        "有限责任公司",
        "有限公司",
        "股份公司",
        "集团公司",
        "集团有限公司",
        "总公司",
        "公司",
        "集团",
        "控股",
        "有限",
        "coltd",
        "ltd",
        "inc",
        "corp",
        "co",
        "limited",
        "group",
    ],
    key=len,
    reverse=True,
)
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)  # spaces, brackets, punctuation
_CITY = re.compile(r"^[\u4e00-\u9fff]{2,3}市")


def _province_prefixes() -> list[str]:
    out = []
    for _code, full, short in provinces():
        out += [full, short]
        # 宁夏回族自治区 → also 宁夏自治区; 北京市 → 北京
        for tail in ("省", "市", "自治区", "特别行政区"):
            if full.endswith(tail):
                out.append(full[: -len(tail)])
    return sorted(set(out), key=len, reverse=True)


@lru_cache(maxsize=1)
def _prefixes() -> tuple[str, ...]:
    return tuple(_province_prefixes())


def name_key(name: str) -> str:
    """The company name reduced to what identifies it.

    Full/half width folded, case folded, brackets/spaces/punctuation dropped, common
    legal suffixes (有限公司 …) and a leading province (repeated at most twice) and city removed. Never
    returns "" for a name that had letters: if stripping would leave less than two
    characters, the less-stripped form is kept.
    """
    text = _DROP.sub("", half_width(name).lower())
    if not text:
        return ""
    changed = True
    while changed:
        changed = False
        for suffix in SUFFIXES:
            if text.endswith(suffix) and len(text) - len(suffix) >= 2:
                text = text[: -len(suffix)]
                changed = True
                break
    for _ in range(2):  # "宁夏回族自治区宁夏红…": the province, then its short name again
        for prefix in _prefixes():
            if text.startswith(prefix) and len(text) - len(prefix) >= 2:
                text = text[len(prefix) :]
                break
    m = _CITY.match(text)
    if m and len(text) - m.end() >= 2:
        text = text[m.end() :]
    return text


# --- phones ------------------------------------------------------------------------

_SPLIT = re.compile(r"[,，;；/、|]+|\s{2,}")
_EXT = re.compile(r"(转|分机|ext\.?|x|#)\s*\d{1,6}$", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"^[\d\s\-—–+()（）.]+$")


def phone_key(raw: str) -> str:
    """One phone number as digits only. Raises ValueError if it is not a phone number.

    "0951-5012345", "(0951)5012345", "09515012345", "0951 501 2345" → "09515012345";
    "+86 138-0013-8000", "008613800138000" → "13800138000"; an extension is dropped.
    """
    text = half_width(raw).strip()
    text = _EXT.sub("", text).strip()
    if not text:
        raise ValueError("电话号码为空。")
    if not _PHONE_CHARS.match(text):
        raise ValueError(
            f"电话号码“{raw.strip()}”格式不正确：只能包含数字、空格、括号、加号和减号。"
        )
    digits = re.sub(r"\D", "", text)
    international = text.startswith("+") or digits.startswith("00")
    if digits.startswith("0086"):
        digits, international = digits[4:], False
    elif text.startswith("+86") or (text.startswith("+") and digits.startswith("86")):
        digits, international = digits[2:], False
    elif digits.startswith("86") and len(digits) == 13 and digits[2] == "1":
        digits = digits[2:]
    if digits.startswith("86") and len(digits) in (11, 12) and digits[2] != "1":
        digits = "0" + digits[2:]  # +86 951 5012345 → 0951 5012345
    if international:
        if not 8 <= len(digits) <= 17:
            raise ValueError(f"电话号码“{raw.strip()}”位数不正确。")
        return digits
    if digits.startswith("1"):
        if len(digits) != 11:
            raise ValueError(f"手机号码“{raw.strip()}”应为 11 位数字。")
        return digits
    if digits.startswith(("400", "800")) and len(digits) == 10:
        return digits
    if digits.startswith("0"):
        if not 10 <= len(digits) <= 12:
            raise ValueError(f"电话号码“{raw.strip()}”位数不正确（区号 + 7–8 位号码）。")
        return digits
    if len(digits) in (7, 8) or (len(digits) == 5 and digits.startswith("9")):
        return digits  # local number without area code; 955xx service numbers
    raise ValueError(f"电话号码“{raw.strip()}”位数不正确。")


def phone_keys(text: str) -> list[str]:
    """Every phone number in a field ("0951-5012345 / 13800138000"), digits only, unique."""
    text = half_width(text or "").strip()
    if not text:
        return []
    out: list[str] = []
    for part in _SPLIT.split(text):
        if part.strip():
            key = phone_key(part)
            if key not in out:
                out.append(key)
    return out


# --- email, website --------------------------------------------------------------

_EMAIL = re.compile(r"^[a-z0-9._%+\-]+@[a-z0-9\-]+(\.[a-z0-9\-]+)*\.[a-z]{2,}$")


def email_key(raw: str) -> str:
    text = half_width(raw or "").strip().lower()
    if not text:
        return ""
    if not _EMAIL.match(text) or ".." in text:
        raise ValueError(f"邮箱“{raw.strip()}”格式不正确，例如 name@example.com。")
    return text


SECOND_LEVEL = {"com", "net", "org", "gov", "edu", "ac", "co", "mil", "int"}
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9\-]{0,61}[a-z0-9])?$")


def host_of(raw: str) -> str:
    """The host name of a website typed any way ("www.x.com", "http://x.com/a?b")."""
    text = half_width(raw or "").strip().lower()
    if not text:
        return ""
    text = re.sub(r"^[a-z][a-z0-9+.\-]*://", "", text)
    host = re.split(r"[/?#]", text, maxsplit=1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        raise ValueError(f"网址“{raw.strip()}”格式不正确。") from None
    labels = host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(lb) for lb in labels) or labels[-1].isdigit():
        raise ValueError(f"网址“{raw.strip()}”格式不正确，例如 www.example.com。")
    return host


def domain_key(raw: str) -> str:
    """The registrable domain: "http://www.sales.nxh.com.cn/x" → "nxh.com.cn"."""
    host = host_of(raw)
    if not host:
        return ""
    labels = host.split(".")
    if len(labels) >= 3 and (
        labels[-2] in SECOND_LEVEL or (labels[-1] == "cn" and len(labels[-2]) == 2)
    ):
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


# --- registered capital -------------------------------------------------------------

_UNITS = {"": 1, "万": 10_000, "亿": 100_000_000, "千": 1_000, "百万": 1_000_000}
_CURRENCIES = ("人民币", "美元", "港元", "港币", "欧元", "日元", "元", "rmb", "usd", "cny")
_CAPITAL = re.compile(r"^(?P<num>\d+(\.\d+)?)(?P<mult>百万|万|亿|千)?(?P<cur>.*)$")


@dataclass(frozen=True)
class Capital:
    amount: Decimal | None  # in the currency's unit (元, 美元 …)
    unit: str  # as typed, normalized: "万元", "元", "亿元", "万美元"
    text: str  # the original text


def parse_capital(raw: str) -> Capital:
    """注册资金: "500万", "5,000,000", "50万元", "1亿", "100万美元", "人民币500万元"."""
    original = (raw or "").strip()
    if not original:
        return Capital(None, "", "")
    text = half_width(original).lower().replace(",", "").replace("，", "").replace(" ", "")
    currency_first = ""
    for cur in ("人民币", "rmb", "cny", "美元", "usd", "港币", "港元", "欧元"):
        if text.startswith(cur):
            currency_first, text = cur, text[len(cur) :]
            break
    m = _CAPITAL.match(text)
    if not m:
        raise ValueError(f"注册资金“{original}”无法识别，请填写如 500万、5,000,000 或 1亿。")
    cur = (m["cur"] or "") or currency_first
    if cur and cur not in _CURRENCIES:
        raise ValueError(f"注册资金“{original}”的单位“{cur}”无法识别，请填写万、亿或元。")
    cur = {"人民币": "元", "rmb": "元", "cny": "元", "usd": "美元", "港币": "港元", "": "元"}.get(
        cur, cur
    )
    try:
        number = Decimal(m["num"])
    except InvalidOperation:
        raise ValueError(f"注册资金“{original}”无法识别。") from None
    mult = m["mult"] or ""
    amount = number * _UNITS[mult]
    if amount <= 0:
        raise ValueError("注册资金应大于 0。")
    if amount >= Decimal("1e17"):
        raise ValueError(f"注册资金“{original}”过大，请检查。")
    return Capital(amount.quantize(Decimal("0.01")), f"{mult}{cur}", original)
