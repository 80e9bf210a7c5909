"""Pure functions: name keys, phones, emails, domains, registered capital, pinyin."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.services.search import customer_names as cn
from app.services.search.pinyin import matches, name_keys, search_keys


def test_name_variants_share_a_key():
    names = ["宁夏红枸杞产业集团有限公司", "宁夏红枸杞产业集团（有限公司）", "宁夏红 枸杞产业集团",
             "宁夏回族自治区宁夏红枸杞产业集团股份有限公司", "宁夏红枸杞产业集团【有限责任公司】"]  # fmt: skip
    assert len({cn.name_key(n) for n in names}) == 1
    assert cn.name_key("银川市新华百货有限公司") == cn.name_key("新华百货")
    assert cn.name_key("ＡＢＣ 有限公司") == cn.name_key("abc公司")
    assert cn.name_key("宁夏红枸杞产业集团") != cn.name_key("宁夏枸杞产业集团")
    assert cn.name_key("宁夏公司") == "宁夏"  # never strips to nothing


@pytest.mark.parametrize(
    "raw, key",
    [("0951-5012345", "09515012345"), ("(0951)5012345", "09515012345"),
     ("09515012345", "09515012345"), ("（0951）501 2345", "09515012345"),
     ("+86 138-0013-8000", "13800138000"), ("008613800138000", "13800138000"),
     ("010-12345678转801", "01012345678"), ("400-800-1234", "4008001234"),
     ("5012345", "5012345")],
)  # fmt: skip
def test_phone_keys(raw, key):
    assert cn.phone_keys(raw) == [key]


@pytest.mark.parametrize("raw", ["abc", "0951-50", "1380013800", "138001380001", "12"])
def test_bad_phones(raw):
    with pytest.raises(ValueError):
        cn.phone_keys(raw)


def test_several_phones_in_one_field():
    assert cn.phone_keys("0951-5012345 / 13800138000、0951-5012345") == [
        "09515012345",
        "13800138000",
    ]


def test_email_and_domain():
    assert cn.email_key(" Sales@NXH.com.cn ") == "sales@nxh.com.cn"
    for bad in ("sales@", "@nxh.com", "a b@c.com", "a@b", "a..b@c.com"):
        with pytest.raises(ValueError):
            cn.email_key(bad)
    assert cn.domain_key("https://www.sales.nxh.com.cn/about?x=1") == "nxh.com.cn"
    assert cn.domain_key("NXH.com") == "nxh.com"
    assert cn.domain_key("http://www.nx.gov.cn") == "nx.gov.cn"
    assert cn.domain_key("www.shop.nx.cn") == "shop.nx.cn"
    for bad in ("nxh", "http://", "http://a_b.com", "www.-x.com"):
        with pytest.raises(ValueError):
            cn.domain_key(bad)


@pytest.mark.parametrize(
    "raw, amount, unit",
    [("500万", "5000000.00", "万元"), ("5,000,000", "5000000.00", "元"),
     ("50万元", "500000.00", "万元"), ("1亿", "100000000.00", "亿元"),
     ("人民币500万元", "5000000.00", "万元"), ("100万美元", "1000000.00", "万美元"),
     ("５００万", "5000000.00", "万元")],
)  # fmt: skip
def test_capital(raw, amount, unit):
    cap = cn.parse_capital(raw)
    assert (cap.amount, cap.unit, cap.text) == (Decimal(amount), unit, raw)


@pytest.mark.parametrize("raw", ["很多", "-5", "0", "500万块", "五百万"])
def test_bad_capital(raw):
    with pytest.raises(ValueError):
        cn.parse_capital(raw)


@pytest.mark.parametrize("bad", ["", "   ", "😀😀", "公司😀", "宁" * 101, "——", "\u200b\u200b"])
def test_bad_names(bad):
    with pytest.raises(ValueError):
        cn.check_name(bad, "客户名称", 100)


def test_pinyin_keys_and_polyphonic_surnames():
    k = name_keys("宁夏红枸杞产业集团有限公司")
    assert k.full.startswith("ningxiahong") and k.initials.startswith("nxh")
    for name, readings in {"曾": ("zeng", "ceng"), "单": ("shan", "dan"), "解": ("xie", "jie"),
                           "查": ("zha", "cha"), "仇": ("qiu", "chou"), "翟": ("zhai",),
                           "区": ("ou", "qu"), "朴": ("piao",), "盖": ("ge", "gai"),
                           "乐": ("yue", "le")}.items():  # fmt: skip
        keys = name_keys(name + "明", person=True)
        for r in readings:
            assert r + "ming" in keys.full.split(" "), (name, r)
            assert r[0] + "m" in keys.initials.split(" ")
    assert name_keys("王五", person=True).full == "wangwu"
    assert name_keys("尉迟恭", person=True).full == "yuchigong"
    assert name_keys("ABC科技").initials == "abckj"


def test_search_keys_and_matches():
    assert search_keys(" 0951-501 ").digits == "0951501"
    assert search_keys("NXH").pinyin == "nxh"
    assert search_keys("枸杞").pinyin == "" and search_keys("枸杞").digits == ""
    assert matches("nx", "宁夏回族自治区") and matches("ningxia", "宁夏回族自治区")
    assert matches("回族", "宁夏回族自治区") and not matches("bj", "宁夏回族自治区")


def test_provinces_loaded_from_resources():
    assert ("64", "宁夏回族自治区", "宁夏") in cn.provinces()
    assert cn.data_file("provinces_gbt2260.csv").parent.name == "data"
