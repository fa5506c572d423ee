"""大写金额: every example in docs/standards.md §8.2–8.9, the options, and a round trip through the parser."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.numbers import format_daxie, parse_daxie

D = Decimal
ALLOWED = set("人民币零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        # 4.2 prefix 人民币 with no gap; 4.3 ends at 元 → 整
        ("35680", "人民币叁万伍仟陆佰捌拾元整"),
        ("100000", "人民币壹拾万元整"),
        # 4.4 bank rule (default): no 整 after 角
        ("1004.50", "人民币壹仟零肆元伍角"),
        ("471.90", "人民币肆佰柒拾壹元玖角"),
        # 4.5 has 分 → no 整
        ("2308.66", "人民币贰仟叁佰零捌元陆角陆分"),
        # 4.6 internal zeros → one 零
        ("1409.50", "人民币壹仟肆佰零玖元伍角"),
        ("6007.14", "人民币陆仟零柒元壹角肆分"),
        # 4.7 optional 零 written (default optional_zero=True)
        ("1680.32", "人民币壹仟陆佰捌拾元零叁角贰分"),
        ("107000.53", "人民币壹拾万零柒仟元零伍角叁分"),
        # the zero run covers 千位 too: 零 mandatory
        ("100500", "人民币壹拾万零伍佰元整"),
        # 4.8 角 is 0, 分 is not → 零 mandatory
        ("16409.02", "人民币壹万陆仟肆佰零玖元零贰分"),
        ("325.04", "人民币叁佰贰拾伍元零肆分"),
        # 4.9 leading 拾 → 壹拾
        ("10", "人民币壹拾元整"),
        ("15", "人民币壹拾伍元整"),
        # integer part 0 / exactly 0
        ("0.50", "人民币伍角"),
        ("0.04", "人民币肆分"),
        ("0.54", "人民币伍角肆分"),
        ("0", "人民币零元整"),
        ("0.00", "人民币零元整"),
        # 万 / 亿 sections
        ("100000000", "人民币壹亿元整"),
        ("1000000000000", "人民币壹万亿元整"),
        ("100000005", "人民币壹亿零伍元整"),
        ("1000100000000", "人民币壹万零壹亿元整"),
        ("110000000", "人民币壹亿壹仟万元整"),
        ("1000.02", "人民币壹仟元零贰分"),
        (
            "9999999999999999.99",
            "人民币玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分",
        ),
    ],
)
def test_format_daxie(amount: str, expected: str) -> None:
    assert format_daxie(D(amount)) == expected
    assert parse_daxie(expected) == D(amount).quantize(D("0.01"))


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("1004.50", "人民币壹仟零肆元伍角整"),  # 4.4 accounting rule
        ("471.90", "人民币肆佰柒拾壹元玖角整"),  # 4.4 (KJ example)
        ("0.50", "人民币伍角整"),
        ("2308.66", "人民币贰仟叁佰零捌元陆角陆分"),  # 分: still no 整
        ("35680", "人民币叁万伍仟陆佰捌拾元整"),
    ],
)
def test_zheng_after_jiao(amount: str, expected: str) -> None:
    assert format_daxie(D(amount), zheng_after_jiao=True) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("1680.32", "人民币壹仟陆佰捌拾元叁角贰分"),  # 4.7 without the optional 零
        ("107000.53", "人民币壹拾万柒仟元伍角叁分"),
        ("100500", "人民币壹拾万零伍佰元整"),  # mandatory: the run covers 千位
        ("16409.02", "人民币壹万陆仟肆佰零玖元零贰分"),  # 4.8 mandatory
        ("1001000", "人民币壹佰万壹仟元整"),  # run ends at 万位
        ("100001000", "人民币壹亿零壹仟元整"),  # whole 万 section is zero: 零 kept (a choice)
        ("1000.5", "人民币壹仟元伍角"),
    ],
)
def test_without_optional_zero(amount: str, expected: str) -> None:
    assert format_daxie(D(amount), optional_zero=False) == expected


@pytest.mark.parametrize(
    "text",
    [
        # 4.7: the two optional 零 are independent; the parser accepts every combination.
        "壹拾万柒仟元零伍角叁分",
        "壹拾万零柒仟元伍角叁分",
        "人民币壹拾万零柒仟元零伍角叁分",
        "人民币壹拾万柒仟元伍角叁分",
    ],
)
def test_parse_accepts_mixed_optional_zeros(text: str) -> None:
    assert parse_daxie(text) == D("107000.53")


def test_custom_words() -> None:
    # docs/standards.md §8.10: 35.5元（叁拾伍圆伍角）, 3,504元（叁仟伍佰零肆圆）
    assert format_daxie(D("35.5"), prefix="", yuan="圆") == "叁拾伍圆伍角"
    assert format_daxie(D("3504"), prefix="", yuan="圆", zheng="") == "叁仟伍佰零肆圆"
    assert format_daxie(D("100000"), yuan="圆", zheng="正") == "人民币壹拾万圆正"
    assert format_daxie(D("0"), prefix="", yuan="圆", zheng="正") == "零圆正"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0.125", "人民币壹角叁分"),  # half up to 分 first
        ("0.005", "人民币壹分"),
        ("0.004", "人民币零元整"),
        ("99.995", "人民币壹佰元整"),
        ("1E+3", "人民币壹仟元整"),
    ],
)
def test_rounds_half_up_to_fen(amount: str, expected: str) -> None:
    assert format_daxie(D(amount)) == expected


@pytest.mark.parametrize("amount", ["-0.01", "-1", "1E+16", "NaN", "Infinity"])
def test_format_daxie_rejects(amount: str) -> None:
    with pytest.raises(ValueError):
        format_daxie(D(amount))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("人民币壹仟零肆元伍角", "1004.50"),
        ("人民币壹仟零肆元伍角整", "1004.50"),
        ("壹仟零肆圆伍角正", "1004.50"),
        ("叁拾伍圆伍角", "35.50"),
        ("叁仟伍佰零肆圆", "3504.00"),
        ("拾元整", "10.00"),  # 拾 without 壹 is read leniently
        ("人民币零元整", "0.00"),
        ("伍角", "0.50"),
        ("零肆分", "0.04"),
        (" 人民币肆分 ", "0.04"),
        ("壹万零壹亿元整", "1000100000000.00"),
    ],
)
def test_parse_daxie(text: str, expected: str) -> None:
    result = parse_daxie(text)
    assert result == D(expected)
    assert str(result) == expected  # always two decimals


@pytest.mark.parametrize(
    "text",
    [
        "",
        "人民币",
        "整",
        "元整",
        "壹贰元",  # two digits in a row
        "壹万贰万元",  # 万 twice
        "壹亿壹亿元",
        "壹佰壹仟元",  # units out of order
        "壹拾壹拾元",
        "佰元",  # unit without a digit
        "一百元",  # not 大写 characters
        "壹佰元伍",  # digit without 角/分
        "伍角伍角",
        "伍分伍角",
        "壹佰元元",
        "万元",
        "壹佰",  # no 元, 角 or 分
        "壹零元",
        "人民币壹佰美元",
    ],
)
def test_parse_daxie_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_daxie(text)


# --- properties ----------------------------------------------------------------------------------

# Amounts as cents: uniform ones, and ones with many zeros (the zero-run rules live there).
uniform_cents = st.integers(min_value=0, max_value=10**14)
sparse_cents = st.lists(st.sampled_from([0, 0, 0, 0, 0, 1, 2, 5, 9]), min_size=1, max_size=15).map(
    lambda digits: int("".join(map(str, digits)))
)
cents_strategy = st.one_of(uniform_cents, sparse_cents)


@settings(max_examples=300)
@given(cents=cents_strategy, optional_zero=st.booleans(), zheng_after_jiao=st.booleans())
def test_round_trip(cents: int, optional_zero: bool, zheng_after_jiao: bool) -> None:
    amount = D(cents).scaleb(-2)
    text = format_daxie(amount, optional_zero=optional_zero, zheng_after_jiao=zheng_after_jiao)
    assert parse_daxie(text) == amount
    assert set(text) <= ALLOWED
    assert text.startswith("人民币")
    assert "零零" not in text
    if cents:
        assert "零万" not in text and "零亿" not in text and "零元" not in text
        assert not text.endswith("零")
    jiao, fen = cents // 10 % 10, cents % 10
    if fen:
        assert text.endswith("分")
    elif jiao:
        assert text.endswith("角整" if zheng_after_jiao else "角")
    else:
        assert text.endswith("元整")


@settings(max_examples=300)
@given(cents=cents_strategy)
def test_optional_zero_only_drops_zeros(cents: int) -> None:
    amount = D(cents).scaleb(-2)
    with_zero = format_daxie(amount)
    without = format_daxie(amount, optional_zero=False)
    assert with_zero.replace("零", "") == without.replace("零", "")
    assert len(without) <= len(with_zero)
    assert parse_daxie(without) == amount


@settings(max_examples=100)
@given(cents=uniform_cents)
def test_custom_words_round_trip(cents: int) -> None:
    amount = D(cents).scaleb(-2)
    text = format_daxie(amount, prefix="", yuan="圆", zheng="正", zheng_after_jiao=True)
    assert "元" not in text and "整" not in text and not text.startswith("人民币")
    assert parse_daxie(text) == amount
