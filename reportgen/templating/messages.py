"""Jinja's English messages in Chinese, keeping their facts: the unknown name, the token, the position.

The people who write a ledger's narrative do not read "No filter named '万'" or "expected token
'end of print statement', got '低保金'".  Every message Jinja (and Python, for a filter called with
the wrong arguments) can produce while a template compiles or renders goes through ``translate``:
a known message becomes its Chinese sentence with the names it quoted, plus a "did you mean" among
the filters or the figures when one is close; an unknown one keeps only its quoted names, so no
English sentence reaches the user even after a Jinja upgrade adds messages.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

# Jinja's names for its tokens (lexer.describe_token) → what the user typed
TOKENS = {
    "end of print statement": "}}",
    "begin of print statement": "{{",
    "end of statement block": "%}",
    "begin of statement block": "{%",
    "end of comment": "#}",
    "begin of comment": "{#",
    "end of template": "文字末尾",
    "template data / text": "普通文字",
    "end of line statement": "行末",
    "begin of line statement": "行语句",
    "name": "名称",
    "integer": "整数",
    "float": "小数",
    "string": "字符串",
}

# Python type names in Jinja's and Python's messages → what the template author knows them as
TYPES = {
    "FigureValue": "指标",
    "PeriodValue": "期间",
    "TablesQuote": "表格",
    "TableQuote": "表格",
    "RowQuote": "表格的行",
    "CellQuote": "表格的单元格",
    "str": "文字",
    "Markup": "文字",
    "int": "整数",
    "float": "小数",
    "Decimal": "数字",
    "bool": "真假值",
    "dict": "字段表",
    "list": "列表",
    "tuple": "列表",
    "NoneType": "空值",
    "None": "空值",
}


def token(text: str) -> str:
    """``end of print statement`` → ``}}``; a token that is the user's own text stays as it is."""
    return TOKENS.get(text, text)


def type_name(text: str) -> str:
    """``'reportgen.templating.values.FigureValue object'`` → ``指标``; unknown types are “值”."""
    bare = text.strip("'\"").removesuffix(" object").rsplit(".", 1)[-1]
    return TYPES.get(bare, "值")


def suggestion(name: str, known: Collection[str]) -> str:
    """``；是否应为“低保金”？`` when ``name`` is close to known names, else empty."""
    close = difflib.get_close_matches(name, [k for k in known if k != name], n=3, cutoff=0.5)
    return "；是否应为" + "或".join(f"“{c}”" for c in close) + "？" if close else ""


def _tags(listing: str | None) -> str:
    """``'elif' or 'else' or 'endif'`` → ``“elif”、“else”或“endif”``."""
    names = re.findall(r"'([^']*)'", listing or "")
    quoted = [f"“{n}”" for n in names]
    return "、".join(quoted[:-1]) + "或" + quoted[-1] if len(quoted) > 1 else "".join(quoted)


@dataclass(frozen=True)
class Known:
    """What a message can be matched against: names in the context, filter names, and the Python
    names of the filter functions (``number_filter`` → 数)."""

    names: Collection[str] = ()
    filters: Collection[str] = ()
    functions: Mapping[str, str] = field(default_factory=dict)


_Rule = tuple[re.Pattern[str], Callable[[re.Match[str], Known], str]]


def _rule(pattern: str) -> Callable[[Callable[..., str]], Callable[..., str]]:
    def register(function: Callable[..., str]) -> Callable[..., str]:
        _RULES.append((re.compile(pattern, re.S), function))
        return function

    return register


_RULES: list[_Rule] = []
_LOOKING = (
    r"(?: Jinja was looking for the following tags: (.+?)\.)?"
    r"(?: The innermost block that needs to be closed is '(.+?)'\.)?"
)


@_rule(r"No filter named '(.+?)'(?: found)?\.?$")
def _no_filter(m: re.Match[str], known: Known) -> str:
    return f"没有名为“{m[1]}”的过滤器{suggestion(m[1], known.filters)}"


@_rule(r"No test named '(.+?)'(?: found)?\.?$")
def _no_test(m: re.Match[str], known: Known) -> str:
    return f"没有名为“{m[1]}”的检验（is 后面的词）"


@_rule(r"'(.+?)' is undefined$")
def _undefined(m: re.Match[str], known: Known) -> str:
    return f"名称“{m[1]}”没有定义{suggestion(m[1], known.names)}"


@_rule(r"(.+?) has no attribute '(.+?)'$")
def _no_attribute(m: re.Match[str], known: Known) -> str:
    return f"{type_name(m[1])}没有“{m[2]}”这一项"


@_rule(r"(.+?) has no element (.+)$")
def _no_element(m: re.Match[str], known: Known) -> str:
    return f"{type_name(m[1])}没有“{m[2].strip(chr(39))}”这一项"


@_rule(r"unexpected end of template, expected '(.+?)'\.?$")
def _early_end(m: re.Match[str], known: Known) -> str:
    return f"文字在“{token(m[1])}”之前就结束了：缺少“{token(m[1])}”"


@_rule(r"expected token '(.+?)', got '(.+?)'$")
def _expected_token(m: re.Match[str], known: Known) -> str:
    return f"此处应为“{token(m[1])}”，却是“{token(m[2])}”（一个 {{{{ }}}} 里只能写一个名称和它的过滤器）"


@_rule(r"Encountered unknown tag '(.+?)'\." + _LOOKING + "$")
def _unknown_tag(m: re.Match[str], known: Known) -> str:
    text = f"未知的或多余的语句“{{% {m[1]} %}}”"
    if m[2]:
        text += f"；此处应为{_tags(m[2])}"
    if m[3]:
        text += f"（“{m[3]}”语句尚未结束）"
    return text


@_rule(r"Unexpected end of template\." + _LOOKING + "$")
def _unclosed_block(m: re.Match[str], known: Known) -> str:
    text = "文字在语句结束之前就结束了"
    if m[2]:
        text += f"：“{m[2]}”语句缺少结束标签"
    if m[1]:
        text += f"（应有{_tags(m[1])}）"
    return text


@_rule(r"unexpected char '(.+?)' at (\d+)$")
def _bad_char(m: re.Match[str], known: Known) -> str:
    return f"字符“{m[1]}”不能出现在 {{{{ }}}} 或 {{% %}} 之中"


@_rule(r"unexpected '(.+?)'(?:, expected '(.+?)')?$")
def _unexpected(m: re.Match[str], known: Known) -> str:
    return f"此处不应出现“{token(m[1])}”" + (f"，应为“{token(m[2])}”" if m[2] else "")


@_rule(r"tag name expected$")
def _no_tag_name(m: re.Match[str], known: Known) -> str:
    return "{% 后面缺少语句名称"


@_rule(r"access to attribute '(.+?)' of '(.+?)' object is unsafe\.?$")
def _unsafe_attribute(m: re.Match[str], known: Known) -> str:
    return f"不能访问{type_name(m[2])}的“{m[1]}”（模板只能引用台账中的名称）"


@_rule(r"(.+?) is not safely callable$")
def _unsafe_call(m: re.Match[str], known: Known) -> str:
    return "模板不能调用这个函数"


@_rule(r"'(.+?)' not supported between instances of '(.+?)' and '(.+?)'$")
def _comparison(m: re.Match[str], known: Known) -> str:
    return (
        f"不能用“{m[1]}”比较或排序{type_name(m[2])}与{type_name(m[3])}"
        "（数字之间的比较由程序的检查完成，模板只引用数字）"
    )


@_rule(r"(\S+?)\(\) (?:takes|missing|got) .*$")
def _arguments(m: re.Match[str], known: Known) -> str:
    name = known.functions.get(m[1], m[1])
    return f"“{name}”的参数个数或名称不对（请对照 docs/templates.md 中该过滤器的写法）"


@_rule(
    r"(?:can't assign to|expected name or number|expected subscript expression"
    r"|invalid syntax for function call expression|expected call).*$"
)
def _expression(m: re.Match[str], known: Known) -> str:
    return "表达式写法不对"


@_rule(r"You cannot chain multiple tests with is$")
def _chained_tests(m: re.Match[str], known: Known) -> str:
    return "不能连用多个 is 检验"


@_rule(r"[Bb]lock '(.+?)' defined twice$")
def _block_twice(m: re.Match[str], known: Known) -> str:
    return f"块“{m[1]}”定义了两次"


def translate(message: str, known: Known | None = None) -> str:
    """Jinja's (or Python's) message in Chinese; ``known`` feeds "did you mean"."""
    known = known or Known()
    text = message.strip()
    for pattern, explain in _RULES:
        found = pattern.match(text)
        if found:
            return explain(found, known)
    return generic(text) if _ENGLISH.search(text) else text  # ours, already Chinese


_ENGLISH = re.compile(r"[A-Za-z]{2,}[\s,.:;]+[A-Za-z]{2,}")


def generic(message: str) -> str:
    """A message no rule knows: only the names it quotes, in Chinese quotes; never its English."""
    quoted = [token(q) for q in re.findall(r"'([^']+)'", message)]
    if quoted:
        return "模板有误，涉及" + "、".join(f"“{q}”" for q in dict.fromkeys(quoted))
    return "模板有误"
