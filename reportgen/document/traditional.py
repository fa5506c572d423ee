"""Traditional-character output: the finished document converted by OpenCC, for any report kind.

Some bureaus publish in Traditional characters (the report samples/key-tasks-2020.yaml reproduces is
one).  Conversion is a property of the output, not of the ledger: figures, checks and the narrative
are worked out in Simplified and the finished ``Document`` — every text it holds, the fixed words of
the layouts (``Document.words``: sheet names, form headers) included — is converted at the end, with
OpenCC's maintained phrase tables rather than a character map of our own (``于`` → ``於`` but
``关于`` → ``關於``, ``发`` → ``發``/``髮`` by context).  Numbers and dates are untouched by OpenCC;
values stored for the .xlsx stay exact.

``hant`` writes the forms published Traditional documents print (为 → 為, 床, 审核 → 審核, 群众 →
群眾): OpenCC's ``s2tw`` (the Taiwan standard character forms, without its vocabulary: 项目 stays
項目) and a short table of the published forms where OpenCC picks another accepted one (占, 扎實,
依托, 了解).  OpenCC's own ``s2t`` writes the older orthodox forms (爲 牀 審覈 羣衆), which no
bureau prints; it stays available as ``hant-opencc``.  docs/script.md gives the comparison.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Protocol, TypeVar

from reportgen.base.errors import Problem, RenderError
from reportgen.document.blocks import Document, Words


@dataclass(frozen=True, slots=True)
class Script:
    config: str | None  # OpenCC configuration; None: the text as written (Simplified)
    language: str  # BCP 47 tag of the output (HTML ``lang``)
    name: str  # for --help
    corrections: tuple[tuple[str, str], ...] = ()  # (OpenCC's form, the published form), in order


# Where OpenCC s2tw writes one accepted form and published Traditional documents (the source of
# samples/key-tasks-2020.yaml) the other.  Words, not single characters, for 扎/托: 駐紮, 包紮, 委託,
# 拜託 are the published forms too.
# 占 alone: it is the standard form in Taiwan (佔 its variant), for 占比 and 占卜 alike.
PUBLISHED_FORMS = (
    ("佔", "占"),
    ("紮紮實實", "扎扎實實"),
    ("紮實", "扎實"),
    ("依託", "依托"),
    ("瞭解", "了解"),
)

SCRIPTS: dict[str, Script] = {
    "hans": Script(None, "zh-CN", "简体（默认）"),
    "hant": Script("s2tw", "zh-Hant", "繁体，公开发布的繁体文件的字形（為 床 審核 群眾）", PUBLISHED_FORMS),
    "hant-tw": Script("s2twp", "zh-Hant-TW", "繁体，台湾用字和用语（项目→專案、信息→資訊）"),
    "hant-hk": Script("s2hk", "zh-Hant-HK", "繁体，香港字形（羣 着 説）"),
    "hant-opencc": Script("s2t", "zh-Hant", "繁体，OpenCC 标准字形（爲 牀 審覈 羣衆）"),
}


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


@lru_cache(maxsize=len(SCRIPTS))
def _converter(config: str) -> _Converter:
    try:
        import opencc
    except ImportError:
        raise RenderError(
            Problem("RG404", "未安装 OpenCC，无法输出繁体", expected="pip install opencc")
        ) from None
    converter: Any = opencc.OpenCC(config)
    return converter  # type: ignore[no-any-return]


def script_named(script: str) -> Script:
    """The ``Script`` called ``script``; RG402 for a name not in ``SCRIPTS``."""
    if script not in SCRIPTS:
        raise RenderError(
            Problem("RG402", f"不支持的字形“{script}”", value=script, expected="、".join(SCRIPTS))
        )
    return SCRIPTS[script]


def converter(script: str) -> Callable[[str], str]:
    """The function that writes a Simplified text in ``script``."""
    chosen = script_named(script)
    if chosen.config is None:
        return str
    opencc = _converter(chosen.config).convert
    corrections = chosen.corrections

    def convert(text: str) -> str:
        if text.isascii():  # figures and keys: OpenCC changes Chinese characters only
            return text
        text = opencc(text)
        for found, published in corrections:
            text = text.replace(found, published)
        return text

    return convert


def convert_text(text: str, script: str) -> str:
    """``text`` in ``script`` (a key of ``SCRIPTS``)."""
    return converter(script)(text)


T = TypeVar("T")


def convert_document(document: Document, script: str) -> Document:
    """``document`` in ``script``; ``hans`` returns it as it is.

    Every text the document holds is converted, found by walking its dataclasses and tuples (a field
    added later cannot be forgotten here); numbers, dates and enums are left as they are, and so are
    the keys of ``Document.words`` (layouts look their words up by them).
    """
    chosen = script_named(script)
    if chosen.config is None:
        return document
    convert = cache(converter(script))  # a table repeats its texts: 合计, 已完成
    return dataclasses.replace(_converted(document, convert), language=chosen.language)


def _converted(value: T, convert: Callable[[str], str]) -> T:
    result: Any = value
    kind: type = type(value)  # compared by identity: isinstance against an ABC (Words) is slow
    if isinstance(value, str):
        result = convert(value)
    elif kind is tuple:
        result = tuple(_converted(item, convert) for item in result)
    elif kind is Words:
        result = Words({key: _converted(item, convert) for key, item in result.items()})
    elif names := _field_names(kind):
        result = kind(**{name: _converted(getattr(value, name), convert) for name in names})
    return result  # type: ignore[no-any-return]


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    """A dataclass's fields (each an argument of its constructor); none for any other type."""
    if not dataclasses.is_dataclass(kind):
        return ()
    return tuple(f.name for f in dataclasses.fields(kind) if f.init)
