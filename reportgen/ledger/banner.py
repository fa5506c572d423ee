"""The 版头 of a ledger (GB/T 9704 7.2) read and checked: 份号, 密级, 紧急程度, 标志, 发文字号, 签发人.

A clerk types the 发文字号 the way older notices print it, ``青民发[2024]12号``, ``（2024）``,
``〔24〕``, ``第012号``; 9704 7.2.5 writes ``青民发〔2024〕12号``: the year in full inside 六角括号 〔〕, the
顺序号 without 第 and without leading zeros (no 虚位), then 号.  Each such form is an error (RG128) whose
message gives the corrected text, so the fix is a copy and paste; nothing is corrected silently, since a
发文字号 is an identifier the bureau's register must hold in the same form (docs/standards.md §9.13).
"""

from __future__ import annotations

import re
from decimal import Decimal

from reportgen.ledger.fields import FULL_WIDTH_DIGITS, FieldReader
from reportgen.ledger.keys import BANNER_KEYS, BANNER_MARK, BANNER_NUMBER, BANNER_SIGNERS, BANNER_SUFFIX
from reportgen.ledger.plain import At
from reportgen.model import SECRECY_LEVELS, URGENCIES, Banner

CODE = "RG128"
NUMBER_FORM = "机关代字〔年份〕序号号，如 青民发〔2024〕12号"
# 9704 7.2.5 as a pattern: 机关代字 (no brackets, no space), 〔four-digit year〕, a 顺序号 from 1, 号.
_CANONICAL = re.compile(r"^(?P<code>[^\s〔〕\[\]（）()【】]+)〔(?P<year>[12]\d{3})〕(?P<seq>[1-9]\d*)号$")
_OPENING = "[［〔（(【〖{｛〈<"
_CLOSING = "]］〕）)】〗}｝〉>"
# What a clerk types instead: any bracket pair, a two-digit year, 年 inside the brackets, 第, leading
# zeros, no 号 — read so that the message can give the corrected text.
_LOOSE = re.compile(
    rf"^(?P<code>.+?)\s*(?P<open>[{re.escape(_OPENING)}])\s*(?P<year>\d{{2}}|\d{{4}})\s*年?\s*"
    rf"(?P<close>[{re.escape(_CLOSING)}])\s*(?P<first>第)?\s*(?P<seq>\d+)\s*(?P<hao>号)?$"
)
COPY_DIGITS = 6  # 份号: 6-digit Arabic numerals (9704 7.2.1)


def corrected_number(text: str) -> tuple[str, tuple[str, ...]] | None:
    """The 发文字号 ``text`` means, as 9704 7.2.5 writes it, and what was wrong with it; None when ``text``
    is not recognisably a 发文字号 at all (no bracketed year).

    >>> corrected_number("青民发[2024]12号")
    ('青民发〔2024〕12号', ('年份用六角括号〔〕，不用“[]”',))
    >>> corrected_number("青民发〔24〕第012号")[0]
    '青民发〔2024〕12号'
    >>> corrected_number("青民发〔2024〕12号")
    ('青民发〔2024〕12号', ())
    """
    stripped = text.strip().translate(FULL_WIDTH_DIGITS)
    if _CANONICAL.match(stripped) and stripped == text:
        return text, ()
    match = _LOOSE.match(stripped)
    if match is None or int(match["seq"]) == 0:
        return None
    wrong: list[str] = []
    if (match["open"], match["close"]) != ("〔", "〕"):
        wrong.append(f"年份用六角括号〔〕，不用“{match['open']}{match['close']}”")
    year = match["year"]
    if len(year) == 2:
        wrong.append(f"年份写全称，不写“{year}”")
        year = "20" + year
    elif "年" in match.group(0)[match.start("year") : match.start("close")]:
        wrong.append("括号内只写年份数字，不加“年”")
    if match["first"]:
        wrong.append("序号前不加“第”")
    if match["seq"].startswith("0"):
        wrong.append(f"序号不编虚位，不写“{match['seq']}”")
    if not match["hao"]:
        wrong.append("序号后加“号”")
    code = match["code"].strip()
    if not wrong and stripped != text:
        wrong.append("数字用半角，前后不留空格")
    if re.search(r"\s", stripped):
        wrong.append("不留空格")
    return f"{code}〔{year}〕{int(match['seq'])}号", tuple(dict.fromkeys(wrong))


def read_banner(reader: FieldReader, value: object, at: At = ("版头",)) -> Banner | None:
    """``版头`` of a ledger: every part checked, every problem reported (RG104/RG105/RG128)."""
    fields = reader.mapping(value, at, required=(BANNER_MARK,), optional=BANNER_KEYS)
    if fields is None:
        return None
    agencies, suffix = _mark(reader, fields, at)
    number = _number(reader, fields.get(BANNER_NUMBER), (*at, BANNER_NUMBER))
    signers = _names(reader, fields.get(BANNER_SIGNERS), (*at, BANNER_SIGNERS))
    if signers and not number:
        reader.report(
            "RG104",
            "标注签发人的版头须有发文字号：发文字号与最后一个签发人在同一行（GB/T 9704 7.2.6）",
            (*at, BANNER_NUMBER),
            None,
            NUMBER_FORM,
        )
    secrecy = _choice(reader, fields.get("密级"), (*at, "密级"), SECRECY_LEVELS, "7.2.2")
    term = reader.text(fields.get("保密期限"), (*at, "保密期限"), required=False).strip()
    if term and fields.get("密级") is None:  # a 密级 given but wrong is reported as such
        reader.report(
            "RG104",
            "写了保密期限而没有密级（GB/T 9704 7.2.2）",
            (*at, "密级"),
            None,
            "、".join(SECRECY_LEVELS),
        )
    copy_number = _copy_number(reader, fields.get("份号"), (*at, "份号"))
    if secrecy and fields.get("份号") is None:
        reader.report(
            "RG104",
            "涉密公文应当标注份号（GB/T 9704 7.2.1）",
            (*at, "份号"),
            None,
            "6位阿拉伯数字，如 000012",
        )
    return Banner(
        agencies=agencies,
        suffix=suffix,
        number=number,
        signers=signers,
        copy_number=copy_number,
        secrecy=secrecy,
        secrecy_term=term,
        urgency=_choice(reader, fields.get("紧急程度"), (*at, "紧急程度"), URGENCIES, "7.2.3"),
        place=reader.place(at),
        field_places=reader.field_places(at, [(key, (key,)) for key in BANNER_KEYS]),
    )


def _mark(reader: FieldReader, fields: dict[str, object], at: At) -> tuple[tuple[str, ...], str]:
    """发文机关标志: one text with its 文件 (``青山区民政局文件``), or joint agencies (a list, 主办 first)
    with 标志后缀 (``文件``) printed right of their stacked names."""
    agencies = _names(reader, fields.get(BANNER_MARK), (*at, BANNER_MARK))
    suffix = reader.text(fields.get(BANNER_SUFFIX), (*at, BANNER_SUFFIX), required=False).strip()
    if suffix and len(agencies) == 1:
        reader.report(
            CODE,
            f"只有一个发文机关时，“{suffix}”直接写在发文机关标志中；标志后缀只用于联合行文",
            (*at, BANNER_SUFFIX),
            suffix,
            f"发文机关标志: {agencies[0]}{suffix}，删去标志后缀",
        )
        return (agencies[0] + suffix,), ""
    return agencies, suffix


def _names(reader: FieldReader, value: object, at: At) -> tuple[str, ...]:
    """A name or a list of names (签发人, joint agencies), each plain text, none twice."""
    items = value if isinstance(value, list) else [] if value is None else [value]
    names: list[str] = []
    for i, item in enumerate(items, start=1):
        place = (*at, i) if isinstance(value, list) else at
        name = reader.prose(item, place).strip()
        if name in names:
            reader.report("RG111", f"“{name}”列了两次", place, item, "每个名称只写一次")
        elif name:
            names.append(name)
    return tuple(names)


def _number(reader: FieldReader, value: object, at: At) -> str:
    text = reader.text(value, at, required=False)
    if not text:
        return ""
    found = corrected_number(text)
    if found is None:
        reader.report(CODE, "发文字号的写法不符合 GB/T 9704 7.2.5", at, text, NUMBER_FORM)
        return text
    fixed, wrong = found
    if wrong:
        reader.report(
            CODE,
            f"发文字号的写法不符合 GB/T 9704 7.2.5：{'；'.join(wrong)}；应写作 {fixed}",
            at,
            text,
            fixed,
        )
    return fixed


def _copy_number(reader: FieldReader, value: object, at: At) -> str:
    """份号: six Arabic digits, as text (YAML reads 000012 unquoted as the number 12: zeros lost)."""
    if value is None:
        return ""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        digits = str(value)
        fix = (
            f'"{digits.zfill(COPY_DIGITS)}"' if digits.isdigit() and len(digits) <= COPY_DIGITS else "000012"
        )
        reader.report(
            CODE,
            "份号是6位数字的编号，YAML 中须加引号，否则前面的 0 读不到（GB/T 9704 7.2.1）",
            at,
            value,
            f"份号: {fix}（加引号的6位数字）",
        )
        return ""
    text = reader.text(value, at).strip()
    digits = text.translate(FULL_WIDTH_DIGITS)
    if not (digits.isascii() and digits.isdigit() and len(digits) == COPY_DIGITS):
        fix = (
            digits.zfill(COPY_DIGITS)
            if digits.isascii() and digits.isdigit() and len(digits) < COPY_DIGITS
            else ""
        )
        reader.report(
            CODE,
            "份号应为6位阿拉伯数字（GB/T 9704 7.2.1）" + (f"；应写作 {fix}" if fix else ""),
            at,
            text,
            fix or "6位阿拉伯数字，如 000012",
        )
        return ""
    return digits


def _choice(reader: FieldReader, value: object, at: At, words: tuple[str, ...], clause: str) -> str:
    text = reader.text(value, at, required=False).strip()
    if text and text not in words:
        reader.report(CODE, f"“{text}”不是 GB/T 9704 {clause} 的写法", at, text, "、".join(words))
        return ""
    return text
