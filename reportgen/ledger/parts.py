"""Which parts a ledger must have, may have or must not have: a report kind's ``需要`` (docs/kinds.md).

A 民生实事 report cannot go without its 正文, 落款 and 成文日期; a 公示 is a table with a 公示期 and may
have no 正文; a 绩效自评表 is a form with neither 正文 nor 落款.  A kind says so in its ``kind.yaml``
(``需要: [正文]``, or ``需要: {表格: 必填, 正文: 可选, 一览表: 不用}``), read into a ``Needs``; the loader
applies it as soon as it has read the ledger's ``类型`` (``schema.build_ledger``), so a missing part is
reported with every other problem, and ``kinds.check_parts`` applies it again when a report is drawn as
another kind (``--kind``) or from a ledger built in code.  Nothing is filled in for a part that is
absent: no default sentence for a missing 正文, no date for a missing 成文日期.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from reportgen.ledger.fields import FieldReader
from reportgen.ledger.keys import KIND_REQUIRED
from reportgen.ledger.plain import At
from reportgen.model import UPWARD, Ledger

REQUIRED, OPTIONAL, UNUSED = "必填", "可选", "不用"
STATES = (REQUIRED, OPTIONAL, UNUSED)


def _written(texts: Iterable[str]) -> bool:
    """Some text that is more than white space: 导语: "" or [" "] prints nothing, so it is not there."""
    return any(text.strip() for text in texts)


# Whether a ledger has each part a kind may declare (every one a top-level key of the ledger); blank
# text counts as absent, so a required part cannot be met by "" or a space.
PRESENT: dict[str, Callable[[Ledger], bool]] = {
    "指标": lambda ledger: bool(ledger.figures),
    "导语": lambda ledger: _written(ledger.intro),
    "正文": lambda ledger: any(_written((s.title, *s.paragraphs)) or s.subsections for s in ledger.sections),
    "结语": lambda ledger: _written(ledger.closing),
    "一览表": lambda ledger: ledger.table is not None,
    "目标表": lambda ledger: ledger.target_table is not None,
    "表格": lambda ledger: bool(ledger.tables),
    "主送机关": lambda ledger: _written(ledger.recipients),
    "要素": lambda ledger: _written(value for _, value in ledger.particulars),
    "称呼": lambda ledger: _written((ledger.salutation,)),
    "落款": lambda ledger: _written((ledger.signer,)),
    "成文日期": lambda ledger: ledger.date is not None,
    "期间": lambda ledger: ledger.period is not None,
}
PARTS = tuple(PRESENT)
# Required unless a kind says otherwise: what every ledger had to have before a kind could say.
DEFAULT_REQUIRED = KIND_REQUIRED


@dataclass(frozen=True, slots=True)
class Needs:
    """A kind's parts: each declared part's state; the others are ``DEFAULT_REQUIRED`` or optional."""

    kind: str = ""  # the 类型 these are of, for messages ("" : no kind chosen, the defaults)
    declared: tuple[tuple[str, str], ...] = ()  # (part, 必填 | 可选 | 不用), as kind.yaml lists them
    direction: str = ""  # 行文 (上行文, 下行文, 平行文; "" unsaid): a 上行文's 版头 names its 签发人

    def state(self, part: str) -> str:
        for name, state in self.declared:
            if name == part:
                return state
        return REQUIRED if part in DEFAULT_REQUIRED else OPTIONAL

    def parts(self, state: str) -> tuple[str, ...]:
        """The parts in ``state``, in ``PARTS`` order."""
        return tuple(part for part in PARTS if self.state(part) == state)

    def relaxed(self) -> tuple[str, ...]:
        """The parts every kind requires unless it says otherwise that this one lets go without."""
        return tuple(part for part in DEFAULT_REQUIRED if self.state(part) == OPTIONAL)


DEFAULT_NEEDS = Needs()

# What a ledger's 类型 requires, given the 类型 it names: the caller knows the report kinds
# (``api.kind_needs``), this layer does not.  None for a 类型 the caller does not know (it reports RG117).
NeedsOf = Callable[[str], Needs | None]


def read_needs(reader: FieldReader, value: object, kind: str, at: At = ("需要",)) -> Needs:
    """``需要`` of a kind.yaml: a list of required parts, or ``{part: 必填 | 可选 | 不用}``."""
    pairs: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for part, state in value.items():
            text = reader.text(state, (*at, str(part)))
            if text not in STATES:
                reader.report("RG105", f"不认识的要求“{text}”", (*at, str(part)), text, "、".join(STATES))
            pairs.append((str(part), text))
    else:
        pairs = [(reader.text(p, (*at, i)), REQUIRED) for i, p in enumerate(reader.sequence(value, at), 1)]
    for part, _ in pairs:
        if part not in PARTS:
            reader.report("RG103", f"未知的台账部分“{part}”", (*at, part), part, "、".join(PARTS))
    return Needs(kind, tuple(pairs))


def unmet(needs: Needs, ledger: Ledger) -> list[tuple[str, str, str, str]]:
    """(code, part, message, expected) for each part ``needs`` requires and ``ledger`` lacks (RG104)
    and each part it does not use and ``ledger`` has (RG103): the declared ones in kind.yaml's order
    first, then the others."""
    found: list[tuple[str, str, str, str]] = []
    declared = tuple(part for part, _ in needs.declared if part in PRESENT)
    for part in (*declared, *(p for p in PARTS if p not in declared)):
        state, present = needs.state(part), PRESENT[part](ledger)
        if state == REQUIRED and not present:
            whose = f"“{needs.kind}”报告" if needs.kind else "台账"
            other = "，或用 --kind 选择别的报告类型" if needs.kind else ""
            found.append(("RG104", part, f"{whose}需要“{part}”", f"填写“{part}”{other}"))
        elif state == UNUSED and present:
            found.append(
                (
                    "RG103",
                    part,
                    f"“{needs.kind}”报告不用“{part}”，不会印出",
                    f"删去“{part}”，或用 --kind 选择别的报告类型",
                )
            )
    banner = ledger.banner
    if needs.direction == UPWARD and banner is not None and not banner.signers:
        whose = f"“{needs.kind}”报告" if needs.kind else "报告"
        found.append(
            (
                "RG104",
                "版头.签发人",
                f"{whose}是上行文，版头须标注签发人（GB/T 9704 7.2.6）",
                "签发人: 姓名（几位签发人写成列表，主办机关的在前）",
            )
        )
    return found
