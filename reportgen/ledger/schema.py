"""The ledger's structure: what each key holds, and how it becomes the model.

The keys themselves, which are required and their order, are the vocabulary of ``keys``
(``docs/ledger.md`` documents the same names); this module says
what each one holds.  It reads with ``FieldReader`` so every problem is collected, and builds the
model only when there were none.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import keyword
from decimal import Decimal
from pathlib import Path

from reportgen.base.errors import LedgerError, Problem
from reportgen.base.units import Family, Unit
from reportgen.ledger.banner import read_banner
from reportgen.ledger.directions import suggest_direction
from reportgen.ledger.fields import FieldReader, is_figure_text
from reportgen.ledger.keys import (
    COLOPHON,
    COLOPHON_REQUIRED,
    COPY_TO,
    FIGURE_CHECKS,
    FIGURE_KEYS,
    FIGURE_SOURCES,
    FUNDING_SOURCES,
    KIND_REQUIRED,
    MAX_HEADING_LEVEL,
    PERIOD_KEYS,
    PRESET_COLUMNS,
    PRESET_KEPT,
    PRESET_OPERANDS,
    PROJECT_OPTIONAL,
    PROJECT_REQUIRED,
    QUOTIENT_KEYS,
    RATIO_KEYS,
    ROLLUP,
    SEAL,
    SECTION_KEYS,
    STANDARD_KEYS,
    TABLE_KEYS,
    TARGET_TABLE_KEYS,
    TOP_OPTIONAL,
    TOP_REQUIRED,
    UNUSED,
)
from reportgen.ledger.parts import DEFAULT_NEEDS, OPTIONAL, PARTS, REQUIRED, Needs, NeedsOf, unmet
from reportgen.ledger.plain import At, PlainLedger
from reportgen.ledger.seal import read_seal
from reportgen.ledger.tables import TableReader
from reportgen.model import (
    BASELINES,
    BASES,
    DEFAULT_KIND,
    SEQUENCES,
    STANDARD_BASES,
    TABLE_TEXT_SIZES,
    TARGET_WORDS,
    TARGET_WORDS_TEXT,
    Colophon,
    Figure,
    FigureRef,
    FigureSource,
    Funding,
    Ledger,
    Period,
    Project,
    ProjectTable,
    Quantity,
    QuotientOf,
    RatioOf,
    Seal,
    Section,
    SumOf,
    Target,
    TargetOnly,
    TargetTable,
)
from reportgen.numbers.dates import parse_month_range

SAME_UNIT = "与本指标同一单位，不写单位"  # RG106's advice for a number whose unit is the figure's

# Names the narrative templates get besides the figures; a figure may not take one of them.
RESERVED_NAMES = frozenset(  # names narrative templates already have (document.narrative_context)
    {
        "期间",
        "成文日期",
        "填报单位",
        "报告",
        "一览表",
        "表格",
        "项目",
        "指标",
        "loop",
        "self",
        "range",
        "true",
        "false",
        "none",
    }
)


def build_ledger(
    document: PlainLedger, source: Path | None, needs: NeedsOf | None = None, *, files: Path | None = None
) -> Ledger:
    """Validate ``document`` completely; raise one ``LedgerError`` carrying every problem found.

    ``files`` is the folder a ledger read from a file may name files in (its 印章); None for a ledger
    held in memory, which may name none (``ledger.seal``).

    ``needs`` gives the parts the ledger's 类型 requires (``parts.Needs``), checked with every other
    problem; without it (a ledger read on its own) 落款, 成文日期 and 期间 are required as for any kind
    that does not say otherwise."""
    reader = FieldReader(document, source)
    ledger = _Builder(reader, source, needs, files).ledger(document.data)
    if reader.problems:
        raise LedgerError(*reader.problems)
    if ledger is None:
        raise LedgerError(Problem("RG104", "台账为空", file=source, expected="包含“标题”“期间”等字段的台账"))
    return ledger


class _Builder:
    def __init__(
        self,
        reader: FieldReader,
        source: Path | None,
        needs: NeedsOf | None = None,
        files: Path | None = None,
    ) -> None:
        self.r = reader
        self.source = source
        self.files = files
        self.needs_of = needs
        self.refs: list[tuple[FigureRef, At]] = []

    def ledger(self, data: object) -> Ledger | None:
        if data is None:
            return None
        kind = (
            self.r.text(data.get("类型"), ("类型",), required=False) if isinstance(data, dict) else ""
        ) or DEFAULT_KIND
        needs = self.needs(kind)
        # 落款, 成文日期 and 期间 are required unless the kind says otherwise, reported as every key is.
        required = tuple(k for k in TOP_REQUIRED if k not in KIND_REQUIRED or needs.state(k) == REQUIRED)
        optional = (*(k for k in TOP_REQUIRED if k not in required), *TOP_OPTIONAL)
        top = self.r.mapping(data, (), required=required, optional=optional)
        if top is None:
            return None
        written = top.get("期间")
        if written == {} and "期间" not in required:  # an Excel ledger's blank 年度 and 月份: no 期间
            written = None
        period = self.period(written, ("期间",)) if written is not None else None
        figures = self.figures(top.get("指标"), ("指标",))
        recipients = self.r.texts(top.get("主送机关"), ("主送机关",))
        intro = self.r.texts(top.get("导语"), ("导语",), template=True)
        closing = self.r.texts(top.get("结语"), ("结语",), template=True)
        sections = tuple(
            section
            for i, item in enumerate(self.r.sequence(top.get("正文"), ("正文",)), start=1)
            if (section := self.section(item, ("正文", i), level=1)) is not None
        )
        filler = self.r.text(top.get("填报单位"), ("填报单位",))
        date = self.r.date(top.get("成文日期"), ("成文日期",), required=False)
        table = (
            self.table(top.get("一览表"), ("一览表",), filler=filler, date=date) if "一览表" in top else None
        )
        if table is not None and table.title is None and period is None and "期间" not in top:
            self.r.report(
                "RG104",
                "没有“期间”的台账，一览表须写“标题”（默认标题由期间得出）",
                ("一览表", "标题"),
                None,
                "填写一览表的“标题”，或填写“期间”",
            )
        ledger = Ledger(
            source=self.source,
            title=self.r.text(top.get("标题"), ("标题",), template=True),
            recipients=recipients,
            signer=self.r.text(top.get("落款"), ("落款",), required=False),
            date=date,
            filler=filler,
            period=period,
            figures=figures,
            intro=intro,
            sections=sections,
            closing=closing,
            table=table,
            kind=kind or DEFAULT_KIND,
            charts=self.r.boolean(top.get("图表"), ("图表",)),
            particulars=self.particulars(top.get("要素"), ("要素",)),
            salutation=self.r.prose(top.get("称呼"), ("称呼",), required=False, template=True),
            names=self.names(top.get("专有名称"), ("专有名称",)),
            tables=TableReader(self.r, self.ref).tables(top.get("表格"), ("表格",)) if "表格" in top else (),
            banner=read_banner(self.r, top["版头"]) if top.get("版头") is not None else None,
            colophon=self.colophon(top.get(COLOPHON), (COLOPHON,)),
            seal=self.seal(top.get(SEAL), (SEAL,)),
        )
        if ROLLUP in top:
            # Resolved by ``reportgen.rollup`` before the schema sees the ledger: here only when the
            # ledger has no folder to find its units in (text in memory, Python values, an upload).
            self.r.report(
                "RG130",
                "“汇总”的下级是台账所在文件夹中的文件，只在从文件读取时汇总；在内存中的台账"
                "（网页上传、标准输入、Python 值）不能汇总",
                (ROLLUP,),
                None,
                "从文件读取汇总台账：reportgen.load(路径) 或 reportgen check/render/batch 文件名；"
                "汇总台账与下级台账都可以是 Excel 台账",
            )
        if "目标表" in top:
            ledger = dataclasses.replace(ledger, target_table=self.target_table(top["目标表"], ledger))
        self.check_references(ledger)
        self.check_placements(ledger)
        for code, part, message, expected in unmet(needs, ledger):
            if code != "RG104" or top.get(part) in (None, "", [], {}):  # a part given but wrong is reported
                self.r.report(code, message, tuple(part.split(".")), None, expected)
        return ledger

    def needs(self, kind: str) -> Needs:
        """The parts ``kind`` requires; a kind the caller does not know requires nothing more than
        every ledger does (the caller reports RG117 for it, not a part it may not need)."""
        if self.needs_of is None:
            return DEFAULT_NEEDS
        return self.needs_of(kind) or Needs(kind, tuple((part, OPTIONAL) for part in PARTS))

    # -- 版记 ----------------------------------------------------------------------------------------
    def colophon(self, value: object, at: At) -> Colophon | None:
        """抄送 (names, may be none), 印发机关 and 印发日期 (GB/T 9704 7.4); an Excel ledger's blank
        版记 rows read as none."""
        if value is None or value == {}:
            return None
        fields = self.r.mapping(value, at, required=COLOPHON_REQUIRED, optional=(COPY_TO,))
        if fields is None:
            return None
        copy_to = tuple(
            name.strip() for name in self.r.texts(fields.get(COPY_TO), (*at, COPY_TO)) if name.strip()
        )
        issuer = self.r.text(fields.get("印发机关"), (*at, "印发机关"))
        issued = self.r.date(fields.get("印发日期"), (*at, "印发日期"))
        if not issuer or issued is None:
            return None
        return Colophon(copy_to, issuer, issued)

    def seal(self, value: object, at: At) -> Seal | None:
        """印章: a PNG in the ledger's folder, read and checked by ``ledger.seal`` (RG129)."""
        name = self.r.text(value, at, required=False).strip() if value is not None else ""
        if not name:
            return None
        return read_seal(
            name, self.files, lambda message, expected: self.r.report("RG129", message, at, value, expected)
        )

    # -- 专有名称 ------------------------------------------------------------------------------------
    def names(self, value: object, at: At) -> tuple[str, ...]:
        """Names and identifiers whose digits RG207 leaves alone (民生100工程, 会计凭证号2023-0456).

        Each must hold a digit (else there is nothing to exempt) and be more than a number with a
        unit: ``3.5万元`` listed here would silence a figure typed as text, which is what RG207 is for.
        """
        items = value if isinstance(value, list) else [] if value is None else [value]
        names: list[str] = []
        for i, item in enumerate(items, start=1):
            place = (*at, i) if isinstance(value, list) else at
            name = self.r.prose(item, place).strip()
            if not name:
                continue
            if not any(c.isdigit() for c in name):
                self.r.report(
                    "RG105",
                    f"专有名称“{name}”中没有数字，不必登记",
                    place,
                    item,
                    "含数字的名称，如 民生100工程",
                )
            elif is_figure_text(name):
                self.r.report(
                    "RG105",
                    f"“{name}”是数字，不是名称；数字应登记为指标",
                    place,
                    item,
                    "含数字的名称或编号，如 民生100工程、20件民生实事",
                )
            elif name in names:
                self.r.report("RG111", f"专有名称“{name}”列了两次", place, item, "每个名称只列一次")
            else:
                names.append(name)
        return tuple(names)

    # -- 目标表 --------------------------------------------------------------------------------------
    def target_table(self, value: object, ledger: Ledger) -> TargetTable | None:
        """标题 (a template) and 指标: the figures with a 目标, in the table's order."""
        at: At = ("目标表",)
        fields = self.r.mapping(value, at, required=TARGET_TABLE_KEYS)
        if fields is None:
            return None
        title = self.r.prose(fields.get("标题"), (*at, "标题"), template=True)
        items = self.r.sequence(fields.get("指标"), (*at, "指标"))
        if not items and isinstance(fields.get("指标"), list):
            self.r.report("RG104", "“目标表”至少要列出一个指标编号", (*at, "指标"), None, "[编号1, 编号2, …]")
        refs: list[FigureRef] = []
        for i, item in enumerate(items, start=1):
            place = (*at, "指标", i)
            if item in [r.figure_id for r in refs]:
                self.r.report("RG111", f"“目标表”中“{item}”列了两次", place, item, "每个编号只列一次")
                continue
            ref = self.ref(item, place)
            if ref is None:
                continue
            figure = ledger.figure(ref.figure_id)
            if figure is not None and figure.target is None:
                self.r.report(
                    "RG104",
                    f"指标“{ref.figure_id}”没有“目标”，不能列入目标表",
                    place,
                    item,
                    "在“指标”中为它填写“目标”，如 目标: {不少于: 45}",
                )
                continue
            refs.append(ref)
        return TargetTable(title, tuple(refs), self.r.place(at))

    # -- 要素 ----------------------------------------------------------------------------------------
    def particulars(self, value: object, at: At) -> tuple[tuple[str, str], ...]:
        """Labelled lines under the title (发布时间、发布地点…): label → template text, in order."""
        if value is None:
            return ()
        if not isinstance(value, dict):
            self.r.report("RG105", "“要素”应为若干“标签: 内容”", at, value, "如 发布时间: 2019年11月1日")
            return ()
        return tuple(
            (self.r.text(label, at), self.r.prose(text, (*at, str(label)), required=False, template=True))
            for label, text in value.items()
        )

    # -- 期间 ----------------------------------------------------------------------------------------
    def period(self, value: object, at: At) -> Period | None:
        fields = self.r.mapping(value, at, required=PERIOD_KEYS)
        if fields is None:
            return None
        year = self.r.integer(fields.get("年度"), (*at, "年度"), low=1949, high=2200)
        months = fields.get("月份")
        if months is None:
            return None
        try:
            start, end = parse_month_range(str(months))
        except ValueError as exc:
            self.r.report(
                "RG109", str(exc), (*at, "月份"), months, "如 1—9、9、一季度、上半年、前三季度、全年"
            )
            return None
        return Period(year, start, end) if year is not None else None

    # -- 指标 ----------------------------------------------------------------------------------------
    def figures(self, value: object, at: At) -> tuple[Figure, ...]:
        if value is None:
            return ()
        if not isinstance(value, dict):
            self.r.report("RG105", "“指标”应为“编号: {名称, 数值, 单位}”的映射", at, value, "映射")
            return ()
        figures: list[Figure] = []
        for figure_id, spec in value.items():
            place = (*at, figure_id)
            if not figure_id.isidentifier() or keyword.iskeyword(figure_id) or figure_id in RESERVED_NAMES:
                self.r.report(
                    "RG111",
                    f"指标编号“{figure_id}”不能用作模板变量",
                    place,
                    figure_id,
                    "以汉字或字母开头、只含汉字字母数字下划线的编号，且不是保留名 "
                    + "、".join(sorted(RESERVED_NAMES)),
                )
                continue
            figure = self.figure(figure_id, spec, place)
            if figure is not None:
                figures.append(figure)
        return tuple(figures)

    def figure(self, figure_id: str, spec: object, at: At) -> Figure | None:
        fields = self.r.mapping(spec, at, optional=FIGURE_KEYS)
        if fields is None:
            return None
        name = self.r.text(fields.get("名称"), (*at, "名称"), required=False) or figure_id
        note = self.r.text(fields.get("说明"), (*at, "说明"), required=False)
        kinds = [k for k in FIGURE_SOURCES if k in fields]
        target = self.figure_target(kinds, fields, at)
        if not kinds and "目标" in fields:
            # Only a 目标: a task set, nothing measured yet (no 完成值; 完成情况 “—”).
            return self.target_only(figure_id, name, note, fields, at, target)
        if len(kinds) != 1:
            self.r.report(
                "RG104",
                "指标须且只须给出“数值”“合计”“比例”“商”之一（只有“目标”的指标可以都不填）",
                at,
                None,
                "数值+单位、合计、比例 或 商+单位",
            )
            return None
        kind = kinds[0]
        per, before, changed = self.figure_standard(kind, fields, at)
        baselines = self.figure_baselines(kind, fields, at)
        breakdown = self.figure_parts(figure_id, kind, fields, at, "分项")
        of_which = self.figure_parts(figure_id, kind, fields, at, "其中")
        published = self.figure_published(kind, fields, at)
        source = self.figure_source(kind, fields, at)
        if source is None:
            return None
        return Figure(
            figure_id,
            name,
            source,
            place=self.r.place(at),
            note=note,
            baselines=baselines,
            breakdown=breakdown,
            of_which=of_which,
            published=published,
            field_places=self.r.field_places(
                at, [(key, (key,)) for key in (*FIGURE_CHECKS, "口径", "合计", "目标")]
            ),
            basis=self.figure_basis(kind, fields, at),
            per=per,
            before=before,
            changed=changed,
            target=target,
        )

    def figure_standard(
        self, kind: str, fields: dict[str, object], at: At
    ) -> tuple[str, Decimal | None, str]:
        """每 (what a standard is per: 人月 → 每人每月), 调整前 (its value before a change, in the
        figure's unit) and 调整时间 (when the change took effect, text such as 7月)."""
        per = ""
        if fields.get("每") is not None:
            per = self.r.text(fields["每"], (*at, "每")).strip()
            if kind not in ("数值", "商"):
                self.r.report(
                    "RG103",
                    f"“每”用于填写“数值”或“商”的标准（如每人每年7500元），不用于“{kind}”指标",
                    (*at, "每"),
                    fields["每"],
                    "删去“每”",
                )
                per = ""
            elif per not in STANDARD_BASES:
                self.r.report(
                    "RG105",
                    f"不认识的标准计量“{per}”",
                    (*at, "每"),
                    per,
                    "、".join(STANDARD_BASES) + "（人月 即 每人每月）",
                )
                per = ""
        before: Decimal | None = None
        if "调整前" in fields:
            if kind != "数值":
                self.r.report(
                    "RG103",
                    f"“调整前”只用于填写“数值”的指标（调整后的标准），不用于“{kind}”指标",
                    (*at, "调整前"),
                    fields["调整前"],
                    "删去“调整前”",
                )
            else:
                before = self.r.number(
                    fields["调整前"], (*at, "调整前"), allow_negative=True, unit_note=SAME_UNIT
                )
        changed = self.r.text(fields.get("调整时间"), (*at, "调整时间"), required=False).strip()
        if changed and "调整前" not in fields:
            self.r.report(
                "RG104",
                "填了“调整时间”，却没有“调整前”的数值",
                (*at, "调整前"),
                None,
                "填写调整前的数值（与本指标同一单位），如 调整前: 636",
            )
        return per, before, changed

    def figure_target(self, kinds: list[str], fields: dict[str, object], at: At) -> Target | None:
        """目标: ``{不少于: 45}`` (one direction word and its value) and an optional ``单位``."""
        value = fields.get("目标")
        if value is None:
            return None
        place = (*at, "目标")
        if not isinstance(value, dict):
            self.r.report(
                "RG105", "“目标”应为“方向: 目标值”", place, value, '如 {不少于: 45}、{达到: 100, 单位: "%"}'
            )
            return None
        words = [k for k in value if k != "单位"]
        for word in words:
            if word not in TARGET_WORDS:
                close = suggest_direction(str(word))  # never the opposite meaning (低于 ≠ 不低于)
                hint = f"，是否应为“{close}”" if close else ""
                self.r.report("RG103", f"不认识的目标方向“{word}”{hint}", place, word, TARGET_WORDS_TEXT)
        if len(words) != 1:
            if not words:
                self.r.report(
                    "RG104",
                    "“目标”须写明方向和目标值",
                    place,
                    None,
                    "如 {不少于: 45}，方向为 " + TARGET_WORDS_TEXT,
                )
            elif all(w in TARGET_WORDS for w in words):
                self.r.report(
                    "RG105",
                    f"“目标”只能有一个方向，却写了{'、'.join(map(str, words))}",
                    place,
                    None,
                    "一个方向和一个目标值，如 {不少于: 45}",
                )
            return None
        word = str(words[0])
        number = self.r.number(value[word], (*place, word), allow_negative=True, unit_key=word)
        declared = None
        if value.get("单位") is not None:
            declared = self.r.unit(value["单位"], (*place, "单位"))
            if declared is None:
                return None
            if "比例" in kinds and declared.symbol != "%":
                self.r.report(
                    "RG107", "“比例”指标的目标以 % 计", (*place, "单位"), value["单位"], "删去“单位”，或写 %"
                )
                return None
        elif not kinds and fields.get("单位") is None:
            self.r.report(
                "RG104",
                "只有“目标”的指标须写明目标的单位",
                (*place, "单位"),
                None,
                "如 {达到: 4, 单位: 个}",
            )
            return None
        if number is None or word not in TARGET_WORDS:
            return None
        return Target(word, number, declared)

    def target_only(
        self, figure_id: str, name: str, note: str, fields: dict[str, object], at: At, target: Target | None
    ) -> Figure | None:
        """A figure with a 目标 and nothing measured; its 单位 (if given) is the target's."""
        for key in (*FIGURE_CHECKS, *BASELINES, *STANDARD_KEYS, "口径"):
            if key in fields:
                self.r.report(
                    "RG103",
                    f"只有“目标”、没有数值的指标不填“{key}”",
                    (*at, key),
                    fields[key],
                    "先填“数值”（或合计、比例、商），再填其他字段",
                )
        if target is not None and target.unit is None:
            declared = self.r.unit(fields.get("单位"), (*at, "单位"))
            target = Target(target.direction, target.value, declared) if declared is not None else None
        if target is None:
            return None
        return Figure(
            figure_id,
            name,
            TargetOnly(),
            place=self.r.place(at),
            note=note,
            target=target,
            field_places=self.r.field_places(at, [("目标", ("目标",))]),
        )

    def figure_basis(self, kind: str, fields: dict[str, object], at: At) -> str:
        """口径: 时点, 累计 or 计划, on a typed figure (a derived one has its parts')."""
        if fields.get("口径") is None:
            return ""
        if kind != "数值":
            self.r.report(
                "RG103",
                f"“{kind}”指标的口径由分项决定，不另写“口径”",
                (*at, "口径"),
                fields["口径"],
                "在各分项指标中填写“口径”",
            )
            return ""
        basis = self.r.text(fields["口径"], (*at, "口径")).strip()
        if basis not in BASES:
            self.r.report("RG105", f"不认识的口径“{basis}”", (*at, "口径"), basis, "、".join(BASES))
            return ""
        return basis

    def figure_source(self, kind: str, fields: dict[str, object], at: At) -> FigureSource | None:
        """The figure's value: typed (数值 + 单位) or how to compute it (合计, 比例, 商 + 单位)."""
        if kind == "数值":
            number = self.r.number(fields["数值"], (*at, "数值"), allow_negative=True)
            declared = self.r.unit(fields.get("单位"), (*at, "单位"))
            if "单位" not in fields:
                return None
            return Quantity(number, declared) if number is not None and declared is not None else None
        if kind == "合计":
            if "单位" in fields:
                self.r.report("RG103", "“合计”指标的单位由各分项决定，不另写“单位”", (*at, "单位"))
            parts = self.r.sequence(fields["合计"], (*at, "合计"))
            refs = tuple(self.ref(p, (*at, "合计", i)) for i, p in enumerate(parts, start=1))
            if len(refs) < 2:
                self.r.report(
                    "RG104", "“合计”至少要列出两个指标编号", (*at, "合计"), None, "[编号1, 编号2, …]"
                )
            return SumOf(tuple(r for r in refs if r is not None))
        if kind == "比例":
            if "单位" in fields:
                self.r.report("RG103", "“比例”指标的单位是 %，不另写“单位”", (*at, "单位"))
            ratio = self.r.mapping(fields["比例"], (*at, "比例"), required=RATIO_KEYS)
            if ratio is None:
                return None
            numerator, denominator = (self.operand(ratio, key, (*at, "比例")) for key in RATIO_KEYS)
            return RatioOf(numerator, denominator) if numerator and denominator else None
        quotient = self.r.mapping(
            fields["商"], (*at, "商"), required=QUOTIENT_KEYS[:2], optional=QUOTIENT_KEYS[2:]
        )
        if "单位" not in fields or fields["单位"] is None:
            self.r.report(
                "RG104",
                "“商”指标须写明结果的“单位”（分子换算到这个单位）",
                (*at, "单位"),
                None,
                "如 单位: 元",
            )
        declared = self.r.unit(fields.get("单位"), (*at, "单位")) if fields.get("单位") is not None else None
        if quotient is None:
            return None
        numerator, denominator = (self.operand(quotient, key, (*at, "商")) for key in RATIO_KEYS)
        per: Decimal | None = Decimal(1)
        if quotient.get("每") is not None:
            per = self.r.number(quotient["每"], (*at, "商", "每"), unit_note="分母的单位，不写单位")
            if per is not None and per.is_zero():
                self.r.report("RG106", "“每”应大于 0", (*at, "商", "每"), quotient["每"], "正数，如 每: 1000")
                per = None
        if numerator is None or denominator is None or declared is None or per is None:
            return None
        return QuotientOf(numerator, denominator, declared, per)

    def operand(self, fields: dict[str, object], key: str, at: At) -> FigureRef | None:
        """分子 or 分母 of a 比例/商; a missing one is already reported (RG104) by ``mapping``."""
        return self.ref(fields[key], (*at, key)) if fields.get(key) is not None else None

    def figure_baselines(
        self, kind: str, fields: dict[str, object], at: At
    ) -> tuple[tuple[str, Decimal], ...]:
        baselines: list[tuple[str, Decimal]] = []
        for period in BASELINES:
            if period not in fields:
                continue
            if kind != "数值":
                self.r.report(
                    "RG103",
                    f"“{kind}”指标的{period}数值由分项计算，不另填写",
                    (*at, period),
                    fields[period],
                    f"在各分项指标中填写“{period}”",
                )
                continue
            earlier = self.r.number(fields[period], (*at, period), allow_negative=True, unit_note=SAME_UNIT)
            if earlier is not None:
                baselines.append((period, earlier))
        return tuple(baselines)

    def figure_parts(
        self, figure_id: str, kind: str, fields: dict[str, object], at: At, key: str
    ) -> tuple[FigureRef, ...]:
        """分项 (a typed total's exhaustive breakdown) or 其中 (some parts of any figure)."""
        if fields.get(key) is None:
            return ()
        if key == "分项" and kind != "数值":
            why = "本身就是分项之和" if kind == "合计" else "由程序计算"
            self.r.report(
                "RG103",
                f"“分项”只用于填写“数值”的指标（手填的总数）；“{kind}”指标{why}",
                (*at, key),
                None,
                "删去“分项”，或用“其中”列出部分分项",
            )
            return ()
        items = self.r.sequence(fields[key], (*at, key))
        if not items and isinstance(fields[key], list):
            self.r.report("RG104", f"“{key}”至少要列出一个指标编号", (*at, key), None, "[编号1, 编号2, …]")
        refs: list[FigureRef] = []
        for i, item in enumerate(items, start=1):
            if item == figure_id:
                self.r.report("RG112", f"“{key}”不能列出本指标自己", (*at, key, i), item, "其他指标的编号")
            elif item in [r.figure_id for r in refs]:
                self.r.report("RG111", f"“{key}”中“{item}”列了两次", (*at, key, i), item, "每个编号只列一次")
            elif (ref := self.ref(item, (*at, key, i))) is not None:
                refs.append(ref)
        return tuple(refs)

    def figure_published(self, kind: str, fields: dict[str, object], at: At) -> Decimal | None:
        """公布值: what the source printed for a derived figure, in its display unit."""
        if "公布值" not in fields:
            return None
        if kind == "数值":
            self.r.report(
                "RG103",
                "“公布值”只用于合计、比例、商等计算得出的指标；填写“数值”的指标，数值就是公布的数",
                (*at, "公布值"),
                fields["公布值"],
                "删去“公布值”；核对手填的总数请用“分项”",
            )
            return None
        note = "比例以 % 计，不写 %" if kind == "比例" else SAME_UNIT
        return self.r.number(fields["公布值"], (*at, "公布值"), allow_negative=True, unit_note=note)

    def ref(self, value: object, at: At) -> FigureRef | None:
        if not isinstance(value, str) or not value:
            self.r.report("RG105", "此处应为指标编号", at, value, "“指标”中定义过的编号")
            return None
        ref = FigureRef(value, self.r.place(at))
        self.refs.append((ref, at))
        return ref

    # -- 正文 ----------------------------------------------------------------------------------------
    def section(self, value: object, at: At, level: int) -> Section | None:
        numbered = isinstance(value, dict) and value.get("段落序号") is not None
        # A section that numbers its paragraphs (一是……二是……) may go without a title.
        fields = self.r.mapping(
            value, at, required=() if numbered else ("标题",), optional=SECTION_KEYS[int(not numbered) :]
        )
        if fields is None:
            return None
        sequence = self.r.text(fields.get("段落序号"), (*at, "段落序号"), required=False)
        if sequence and sequence not in SEQUENCES:
            self.r.report(
                "RG105", f"不认识的段落序号“{sequence}”", (*at, "段落序号"), sequence, "、".join(SEQUENCES)
            )
        subsections: tuple[Section, ...] = ()
        if "小节" in fields:
            if level >= MAX_HEADING_LEVEL:
                self.r.report("RG105", f"标题最多{MAX_HEADING_LEVEL}级（一、（一）1.（1））", (*at, "小节"))
            else:
                subsections = tuple(
                    s
                    for i, item in enumerate(self.r.sequence(fields["小节"], (*at, "小节")), start=1)
                    if (s := self.section(item, (*at, "小节", i), level + 1)) is not None
                )
        paragraphs = self.r.texts(fields.get("段落"), (*at, "段落"), template=True)
        return Section(
            title=self.r.prose(fields.get("标题"), (*at, "标题"), required=not numbered, template=True),
            paragraphs=paragraphs,
            subsections=subsections,
            place=self.r.place(at),
            run_in=self.r.boolean(fields.get("接排"), (*at, "接排")),
            sequence=sequence,
            field_places=self.r.field_places(
                at,
                [("标题", ("标题",))] + [(f"段落[{i}]", ("段落", i)) for i in range(1, len(paragraphs) + 1)],
            ),
        )

    # -- 一览表 --------------------------------------------------------------------------------------
    def table(self, value: object, at: At, *, filler: str, date: object) -> ProjectTable | None:
        fields = self.r.mapping(value, at, required=("金额单位", "项目"), optional=TABLE_KEYS)
        if fields is None:
            return None
        amount_unit = self.r.unit(
            fields.get("金额单位"), (*at, "金额单位"), families=(Family.MONEY,), what="金额"
        )
        projects = tuple(
            p
            for i, item in enumerate(self.r.sequence(fields.get("项目"), (*at, "项目")), start=1)
            if (p := self.project(item, (*at, "项目", i), amount_unit)) is not None
        )
        fill_date = self.r.date(fields.get("填表时间"), (*at, "填表时间"), required=False)
        if amount_unit is None:
            return None
        return ProjectTable(
            title=self.r.text(fields.get("标题"), (*at, "标题"), required=False, template=True) or None,
            filler=self.r.text(fields.get("填表单位"), (*at, "填表单位"), required=False) or filler,
            fill_date=fill_date
            if fill_date is not None
            else (date if isinstance(date, datetime.date) else None),
            amount_unit=amount_unit,
            amount_digits=self.r.integer(
                fields.get("金额小数位"), (*at, "金额小数位"), low=0, high=6, default=2
            )
            or 0,
            ratio_digits=self.r.integer(
                fields.get("比例小数位"), (*at, "比例小数位"), low=0, high=4, default=2
            )
            or 0,
            projects=projects,
            text_size=self.text_size(fields.get("字号"), (*at, "字号")),
            columns=self.preset_columns(fields.get("列"), (*at, "列")),
        )

    def preset_columns(self, value: object, at: At) -> tuple[tuple[str, str], ...]:
        """一览表.列: ``{列名: 新列名 | 不用}``.  A ratio that stays needs the amounts it divides (a reader
        checks it against them) and 项目名称 always stays (it names the rows and the 合计)."""
        if value is None:
            return ()
        fields = self.r.mapping(value, at, optional=PRESET_COLUMNS)
        if fields is None:
            return ()
        columns: list[tuple[str, str]] = []
        for name, setting in fields.items():
            text = self.r.text(setting, (*at, name))
            if text:
                columns.append((name, text))
        unused = {name for name, text in columns if text == UNUSED}
        for name in sorted(unused & set(PRESET_KEPT)):
            self.r.report(
                "RG105", f"一览表的“{name}”列不能不用", (*at, name), UNUSED, "新的列名，或删去这一项"
            )
        for name, operands in PRESET_OPERANDS.items():
            for operand in operands:
                if operand in unused and name not in unused:
                    self.r.report(
                        "RG105",
                        f"“{name}”由“{operand}”算出，读者要能核对，“{operand}”不能不用",
                        (*at, operand),
                        UNUSED,
                        f"保留“{operand}”，或同时写 {name}: {UNUSED}",
                    )
        return tuple(columns)

    def text_size(self, value: object, at: At) -> str:
        """字号 of a table's text: one of ``TABLE_TEXT_SIZES`` (五号 when not given)."""
        size = self.r.text(value, at, required=False) or "五号"
        if size not in TABLE_TEXT_SIZES:
            self.r.report("RG105", f"表格字号“{size}”不可用", at, size, "、".join(TABLE_TEXT_SIZES))
            return "五号"
        return size

    def project(self, value: object, at: At, amount_unit: Unit | None) -> Project | None:
        fields = self.r.mapping(value, at, required=PROJECT_REQUIRED, optional=PROJECT_OPTIONAL)
        if fields is None:
            return None

        def money(key: str) -> Quantity | FigureRef | None:
            value = fields.get(key)
            if value is None:
                return None
            if isinstance(value, dict) and "指标" in value:
                return self.measure(value, (*at, key))
            return self.r.quantity(
                value, (*at, key), default_unit=amount_unit, families=(Family.MONEY,), what="金额"
            )

        sources: list[tuple[str, Quantity]] = []
        if fields.get("资金来源") is not None:
            source_fields = self.r.mapping(fields["资金来源"], (*at, "资金来源"), optional=FUNDING_SOURCES)
            for name, amount in (source_fields or {}).items():
                if name in FUNDING_SOURCES and amount is not None:
                    quantity = self.r.quantity(
                        amount,
                        (*at, "资金来源", name),
                        default_unit=amount_unit,
                        families=(Family.MONEY,),
                        what="金额",
                    )
                    if quantity is not None:
                        sources.append((name, quantity))
        return Project(
            name=self.r.prose(fields.get("项目名称"), (*at, "项目名称")),
            target_text=self.r.prose(fields.get("目标任务"), (*at, "目标任务"), template=True),
            target=self.measure(fields.get("目标"), (*at, "目标")),
            progress_text=self.r.prose(fields.get("实施进度"), (*at, "实施进度"), template=True),
            actual=self.measure(fields.get("实际完成"), (*at, "实际完成")),
            funding=Funding(money("计划安排资金"), tuple(sources), money("下达预算"), money("实际拨付")),
            owner=self.r.text(fields.get("责任单位"), (*at, "责任单位"), required=False),
            note=self.r.text(fields.get("备注"), (*at, "备注"), required=False),
            place=self.r.place(at),
            field_places=self.r.field_places(
                at, [(key, (key,)) for key in (*PROJECT_REQUIRED, *PROJECT_OPTIONAL)]
            ),
        )

    def measure(self, value: object, at: At) -> Quantity | FigureRef | None:
        """A numeric target or actual: ``{数值: 100, 单位: 人}`` or ``{指标: 编号}``."""
        if value is None:
            return None
        if isinstance(value, dict) and "指标" in value:
            fields = self.r.mapping(value, at, required=("指标",))
            return self.ref(fields.get("指标") if fields else None, (*at, "指标"))
        return self.r.quantity(value, at, default_unit=None)

    # -- cross-references ----------------------------------------------------------------------------
    def check_references(self, ledger: Ledger) -> None:
        known = [f.id for f in ledger.figures]
        for ref, at in self.refs:
            if ref.figure_id not in known:
                close = difflib.get_close_matches(ref.figure_id, known, n=1, cutoff=0.5)
                hint = f"，是否应为“{close[0]}”" if close else ""
                self.r.report(
                    "RG112",
                    f"引用的指标“{ref.figure_id}”不存在{hint}",
                    at,
                    ref.figure_id,
                    "“指标”中定义过的编号",
                )

    def check_placements(self, ledger: Ledger) -> None:
        """A table placed after a section (位置: {章节: 标题}) names a section of 正文 (RG127)."""
        titles: list[str] = []

        def collect(sections: tuple[Section, ...]) -> None:
            for section in sections:
                titles.append(section.title)
                collect(section.subsections)

        collect(ledger.sections)
        for i, table in enumerate(ledger.tables, start=1):
            if table.after_section and table.after_section not in titles:
                close = difflib.get_close_matches(table.after_section, titles, n=1, cutoff=0.5)
                hint = f"，是否应为“{close[0]}”" if close else ""
                self.r.report(
                    "RG127",
                    f"表格“{table.title}”要放在章节“{table.after_section}”之后，正文中没有这个章节{hint}",
                    ("表格", i, "位置", "章节"),
                    table.after_section,
                    "正文中某一章节的标题（与台账中写的一字不差）",
                )
