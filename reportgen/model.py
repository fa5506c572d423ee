"""The validated ledger as plain immutable objects: what the rest of the pipeline works from.

Nothing here parses or formats; the loader (``reportgen.ledger``) builds these objects only after
every field has been checked, so compute and render can trust them.  All numbers are ``Decimal``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from reportgen.base.units import Unit


@dataclass(frozen=True, slots=True)
class Quantity:
    """A value with its declared unit, exactly as the ledger gave it (no rounding, no scaling)."""

    value: Decimal
    unit: Unit

    def __str__(self) -> str:
        return f"{self.value}{self.unit.symbol}"


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period inside one year: months ``start``—``end`` (a quarter is 7—9, etc.)."""

    year: int
    start_month: int
    end_month: int


@dataclass(frozen=True, slots=True)
class FigureRef:
    """A reference to another figure by its id, for values that must stay single-sourced."""

    figure_id: str
    place: str


@dataclass(frozen=True, slots=True)
class SumOf:
    """A figure defined as the sum of other figures (合计), computed, never typed."""

    parts: tuple[FigureRef, ...]


@dataclass(frozen=True, slots=True)
class RatioOf:
    """A figure defined as numerator ÷ denominator (占比), computed, never typed."""

    numerator: FigureRef
    denominator: FigureRef


@dataclass(frozen=True, slots=True)
class QuotientOf:
    """A figure defined as numerator ÷ denominator × ``per`` in a declared unit (商), computed, never
    typed: 月人均保障水平 = 发放金额 ÷ 人次 (元); 每千名老人床位 = 床位 ÷ 老年人口 × 1000 (张).

    The numerator is converted into ``unit`` (万元 → 元 exactly), so ``unit`` is of its family.
    """

    numerator: FigureRef
    denominator: FigureRef
    unit: Unit
    per: Decimal = Decimal(1)


@dataclass(frozen=True, slots=True)
class TargetOnly:
    """The source of a figure that has only a 目标 (a task set, nothing measured yet): no 完成值."""


FigureSource = Quantity | SumOf | RatioOf | QuotientOf | TargetOnly


class Placed:
    """A part of the ledger that knows where it and its fields are, for messages.

    ``place`` is the part's own (a field path such as ``一览表.项目[2]``, or the first cell of its row
    in a workbook); ``field_places`` names a field's own cell when the ledger is a workbook, so a
    finding about 计划安排资金 says ``项目!F7`` rather than the row.
    """

    __slots__ = ()
    place: str
    field_places: tuple[tuple[str, str], ...]

    def place_of(self, field_name: str) -> str:
        return self.cell_of(field_name) or f"{self.place}.{field_name}"

    def cell_of(self, field_name: str) -> str | None:
        """The field's own cell in a workbook (None: a YAML ledger, or a field without a cell), for a
        caller whose place without a cell is not a field path (a declared table's 第3行“列”)."""
        for name, place in self.field_places:
            if name == field_name:
                return place
        return None


@dataclass(frozen=True, slots=True)
class Target:
    """A figure's 目标: ``direction`` is the ledger's own word (不少于, 不超过, …, ``TARGET_WORDS``),
    which both says how the 完成值 is compared and is what the document writes; ``unit`` is None when
    the figure's own unit applies (resolved when the figure is computed; % for a 比例)."""

    direction: str
    value: Decimal
    unit: Unit | None = None


# Words a 目标 may use, grouped by how the 完成值 must compare with the 目标值: ≥ and ≤ include the
# target itself (不低于50% is met at 50%), > and < do not (低于4.3% is not met at 4.3%).
AT_LEAST = ("不少于", "不低于", "达到", "以上")
AT_MOST = ("不超过", "不高于", "以内", "控制在")
ABOVE = ("高于", "多于")
BELOW = ("低于", "少于")
TARGET_GROUPS = (("≥", AT_LEAST), ("≤", AT_MOST), (">", ABOVE), ("<", BELOW))
TARGET_WORDS = (*AT_LEAST, *AT_MOST, *ABOVE, *BELOW)
TARGET_RELATIONS = {word: relation for relation, words in TARGET_GROUPS for word in words}
# The words with their meaning, for messages and help texts: 不少于、不低于、达到、以上（≥）；…
TARGET_WORDS_TEXT = "；".join(f"{'、'.join(words)}（{relation}）" for relation, words in TARGET_GROUPS)

# The 类型 of a ledger that names none: the 民生实事 report (templates/project-progress/kind.yaml).
DEFAULT_KIND = "民生实事"

# What a standard (标准) is per: 每人每月, 每人每年, 每户每月, 每户每年, 每人次.
STANDARD_BASES = ("人月", "人年", "户月", "户年", "人次")


@dataclass(frozen=True, slots=True)
class Figure(Placed):
    """A named figure of the ledger, quoted by narrative templates as ``{{ id | filter }}``.

    ``baselines`` holds the same figure for earlier periods, in the figure's own unit, keyed by
    ``BASELINES`` names (上年同期 for 同比, 上期 for 环比); only a typed figure carries them, a 合计 or
    比例 gets its earlier values from its parts, so a comparison can never use a typed-in total.

    Checks only, never used to compute: ``breakdown`` (分项) lists the parts a typed total must equal
    exactly; ``of_which`` (其中) parts whose sum must not exceed the figure; ``published`` (公布值) is
    what the source document printed for a derived figure, in its display unit (% for a 比例).
    """

    id: str
    name: str
    source: FigureSource
    place: str
    note: str = ""
    baselines: tuple[tuple[str, Decimal], ...] = ()
    breakdown: tuple[FigureRef, ...] = ()
    of_which: tuple[FigureRef, ...] = ()
    published: Decimal | None = None
    field_places: tuple[tuple[str, str], ...] = ()
    # 口径 of a typed figure: 时点 (a stock), 累计 (a flow over the period) or 计划; "" when unsaid
    basis: str = ""
    # A standard (标准): ``per`` is what one unit of it is for (人月 → 每人每月), one of ``STANDARD_BASES``;
    # ``before`` the value before a change, in the figure's unit; ``changed`` when it took effect (text)
    per: str = ""
    before: Decimal | None = None
    changed: str = ""
    # 目标: the figure's value is the 完成值 measured against it (None: no target)
    target: Target | None = None

    def baseline(self, period: str) -> Decimal | None:
        for name, value in self.baselines:
            if name == period:
                return value
        return None


# What a typed figure counts (口径): a stock at a date, a flow over the period, or a plan; a 合计 never
# adds two of them, and 分项/其中 are of their whole's kind.
BASES = ("时点", "累计", "计划")

# Earlier periods a figure may carry: 上年同期 (same months a year before) and 上期 (the adjacent
# earlier period of the same length).  The order is the one documented and written to workbooks.
BASELINES = ("上年同期", "上期")


@dataclass(frozen=True, slots=True)
class Section(Placed):
    """One numbered part of the narrative; the title and the paragraphs are Jinja template strings.

    ``run_in`` puts the heading at the start of the first paragraph (``（一）低保方面。一是……``),
    as reports commonly do for level-2 headings.  ``sequence`` numbers the paragraphs themselves
    (``一是`` ``第一`` ``1.`` ``（1）``, see ``SEQUENCES``), as a spoken statement lists its points; such a
    section may have no title, and then takes no heading number.
    """

    title: str
    paragraphs: tuple[str, ...]
    subsections: tuple[Section, ...]
    place: str
    run_in: bool = False
    field_places: tuple[tuple[str, str], ...] = ()
    sequence: str = ""


# Paragraph numbering styles a section may ask for (GB/T 15834 B.3): 一是 (no punctuation after it),
# 第一， (a comma), 1. and （1）.
SEQUENCES = ("一是", "第一", "1.", "（1）")


@dataclass(frozen=True, slots=True)
class Funding:
    """资金执行情况 of a project; amounts are in whatever unit each was entered in, or name a figure
    (``{指标: 护理补贴资金}``) so the narrative and the table quote one number."""

    plan: Quantity | FigureRef | None
    sources: tuple[tuple[str, Quantity], ...]
    budget: Quantity | FigureRef | None
    paid: Quantity | FigureRef | None


@dataclass(frozen=True, slots=True)
class Project(Placed):
    """One row of the 项目推进和资金执行情况一览表."""

    name: str
    target_text: str
    target: Quantity | FigureRef | None
    progress_text: str
    actual: Quantity | FigureRef | None
    funding: Funding
    owner: str
    note: str
    place: str
    field_places: tuple[tuple[str, str], ...] = ()


# The table text sizes a ledger may choose (字号, GB/T 148 号 names → points), the one list the ledger
# checks 字号 against and the document sets the text in: 五号 by default; 小五 sets a long 一览表 on fewer
# pages (a 30-project one 5 → 4 landscape pages).
TABLE_TEXT_SIZES = {"五号": Decimal("10.5"), "小五": Decimal("9")}


@dataclass(frozen=True, slots=True)
class ProjectTable:
    """The 一览表 and how to show it: one money unit and fixed decimals per column."""

    title: str | None
    filler: str
    fill_date: datetime.date | None
    amount_unit: Unit
    amount_digits: int
    ratio_digits: int
    projects: tuple[Project, ...]
    text_size: str = "五号"  # 字号: the table's text size (``TABLE_TEXT_SIZES``)
    # 列: (name, header label or 不用) for the preset's columns the ledger renames or leaves out
    # (``ledger.keys.PRESET_COLUMNS``); 下达预算/实际拨付 rename the header over their 金额 and 占计划比例
    columns: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class TargetTable:
    """The 目标表: figures with a 目标, one row each (指标, 目标值, 完成值, 完成情况), as an attachment."""

    title: str  # a template, like 正文 titles
    figures: tuple[FigureRef, ...]
    place: str


# GB/T 9704 7.2: the words a 版头 may carry.  密级 (7.2.2) is one of three; 紧急程度 (7.2.3) one of two;
# 行文 is how a report kind addresses its recipient (a 报告 goes up: 上行文, whose 版头 names 签发人, 7.2.6).
SECRECY_LEVELS = ("绝密", "机密", "秘密")
URGENCIES = ("特急", "加急")
UPWARD, DOWNWARD, LATERAL = "上行文", "下行文", "平行文"
DIRECTIONS = (UPWARD, DOWNWARD, LATERAL)


@dataclass(frozen=True, slots=True)
class Banner(Placed):
    """The 版头 of a 公文 (GB/T 9704 7.2), as the ledger gives it, every part already checked.

    ``agencies`` is the 发文机关标志: one text (``青山区民政局文件``, the word 文件 typed with it), or the
    names of joint agencies, 主办 first, which are stacked with ``suffix`` (标志后缀, ``文件``) right of
    them.  ``number`` is the 发文字号 as 9704 7.2.5 writes it (``青民发〔2024〕12号``); the others are
    "" or () when not given."""

    agencies: tuple[str, ...]
    suffix: str
    number: str
    signers: tuple[str, ...]
    copy_number: str  # 份号: six Arabic digits
    secrecy: str  # 密级: one of SECRECY_LEVELS
    secrecy_term: str  # 保密期限 (text: 1年, 长期)
    urgency: str  # 紧急程度: one of URGENCIES
    place: str
    field_places: tuple[tuple[str, str], ...] = ()

    @property
    def joint(self) -> bool:
        return len(self.agencies) > 1


@dataclass(frozen=True, slots=True)
class Colophon:
    """The 版记 (GB/T 9704 7.4): who else receives the document (抄送), who printed it and when."""

    copy_to: tuple[str, ...]  # 抄送机关, in the ledger's order (may be none)
    issuer: str  # 印发机关
    issued: datetime.date  # 印发日期


@dataclass(frozen=True, slots=True)
class Seal:
    """The 印章 image (GB/T 9704 7.3.5.1): the path the ledger wrote, the PNG read from it (checked by
    ``ledger.seal``) and its size in pixels."""

    path: str
    png: bytes = field(repr=False)
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Ledger:
    """One reporting unit and period: everything a report is made from."""

    source: Path | None
    title: str
    recipients: tuple[str, ...]
    signer: str  # 落款; "" when the kind lets the ledger go without (a form)
    date: datetime.date | None  # 成文日期; None when the kind lets the ledger go without
    filler: str
    period: Period | None  # 期间; None when the kind lets the ledger go without (a 公示)
    figures: tuple[Figure, ...]
    intro: tuple[str, ...]
    sections: tuple[Section, ...]
    closing: tuple[str, ...]
    table: ProjectTable | None
    kind: str = DEFAULT_KIND
    charts: bool = False
    target_table: TargetTable | None = None  # 目标表
    particulars: tuple[tuple[str, str], ...] = ()  # 要素: labelled lines under the title (templates)
    salutation: str = ""  # 称呼: whom a spoken statement addresses (尊敬的各位领导……)
    names: tuple[str, ...] = ()  # 专有名称: names whose digits are not figures (民生100工程), for RG207
    tables: tuple[DeclaredTable, ...] = ()  # 表格: tables declared in the ledger (docs/tables.md)
    banner: Banner | None = None  # 版头: 发文机关标志, 发文字号 … above the title (GB/T 9704 7.2)
    colophon: Colophon | None = None  # 版记: at the foot of the last even page (GB/T 9704 7.4)
    seal: Seal | None = None  # 印章: placed over 落款 and 成文日期 (GB/T 9704 7.3.5.1)
    rollup: Rollup | None = (
        None  # 汇总: the figures this ledger takes from its units' ledgers (docs/rollup.md)
    )

    def figure(self, figure_id: str) -> Figure | None:
        for figure in self.figures:
            if figure.id == figure_id:
                return figure
        return None


# -- 汇总: a parent ledger's figures taken from its units' ledgers (docs/rollup.md) ----------------------


@dataclass(frozen=True, slots=True)
class RollupChild:
    """One unit a parent ledger sums: its name as a table row and a message print it (填报单位) and
    its ledger file as the parent named it (relative to the parent's folder)."""

    name: str
    file: str


@dataclass(frozen=True, slots=True)
class RollupFigure:
    """A figure summed from the units: ``parts`` is each unit's value (in ``Rollup.children``'s order,
    in that unit's own unit); ``typed`` the value the parent itself typed, which ``check`` compares
    with the sum (RG216) — the sum is what the report prints."""

    figure_id: str
    parts: tuple[Quantity, ...]
    typed: Quantity | None = None
    typed_place: str = ""


@dataclass(frozen=True, slots=True)
class Rollup:
    """What a parent ledger took from its units, kept for the checks and messages: the figures are
    already in ``Ledger.figures`` (a sum as a typed value, a ratio recomputed from its summed parts)
    and the units' rows in its tables."""

    children: tuple[RollupChild, ...]
    figures: tuple[RollupFigure, ...]
    place: str


# -- 表格: tables declared in the ledger (docs/tables.md) ----------------------------------------------
# In this module rather than one of their own: the architecture keeps the model one module (the layer
# below the ledger), and these classes are the same kind of value as ``ProjectTable``.

FORMULA_KINDS = ("求和", "差", "乘", "商", "占合计", "排名", "序号")
NUMBERING = "序号"  # the formula without operands, written alone: ``公式: 序号``
TOTAL_RULES = ("求和", "重算", "无")  # how a 合计/小计 cell of a column is made
RECOMPUTED = ("商", "占合计")  # the formulas whose 合计 is the formula on the totals (重算): ratios only


@dataclass(frozen=True, slots=True)
class ColumnFormula:
    """How a computed column gets its value in each row (``FORMULA_KINDS``): ``operands`` are column
    names (求和 any number, 差/商 two, 乘 one or two, 占合计/排名 one, 序号 none: it numbers the data
    rows 1, 2, 3 … as printed, after any 排序); ``constant`` is 乘's factor
    with its unit (户籍人口数 × 7 元); ``ascending`` orders a 排名 (default: the largest is first)."""

    kind: str
    operands: tuple[str, ...]
    constant: Quantity | None = None
    ascending: bool = False


@dataclass(frozen=True, slots=True)
class DeclaredColumn:
    """One leaf column.  ``unit`` None and not ``text``: a plain number whose unit another column names
    (计量单位).  ``total`` is the 合计/小计 rule (``TOTAL_RULES``)."""

    name: str
    label: str  # the header text (显示为), the name unless renamed
    unit: Unit | None
    text: bool
    digits: int
    align: str  # 左, 中, 右
    width: Decimal | None  # a hint in 汉字 widths, for the writers
    formula: ColumnFormula | None
    total: str
    place: str
    # A preset's (the 一览表's) own: ``hint`` the width in 汉字 it was designed with, not a minimum (the
    # .xlsx sizes the column by it, the printed table shares spare width by it); ``template`` a text
    # column whose cells are templates rendered like the narrative (目标任务, 实施进度).
    hint: Decimal | None = None
    template: bool = False


@dataclass(frozen=True, slots=True)
class HeaderGroup:
    """A spanner: a header cell over its member columns (names) and sub-groups, at any depth."""

    name: str
    members: tuple[str | HeaderGroup, ...]


@dataclass(frozen=True, slots=True)
class Printed:
    """The value the source printed in a computed cell (公布值), checked, never shown: in the column's
    display unit (% for a ratio)."""

    value: Decimal


FIGURE_FIELDS = ("名称", "要求", "完成值", "完成情况")


@dataclass(frozen=True, slots=True)
class FigureField:
    """A text cell that quotes a figure (``FIGURE_FIELDS``): its 名称, the 要求 of its 目标, its 完成值
    as the report prints it, its 完成情况 (the 目标表's cells): one source with the narrative."""

    figure_id: str
    field: str


CellValue = str | Decimal | FigureRef | Printed | FigureField


@dataclass(frozen=True, slots=True)
class DeclaredRow(Placed):
    """One data row: its cells by column name.  ``number`` counts rows as entered (第3行) for messages;
    ``field_places`` the cell of each column in a workbook, so a finding names the cell typed in."""

    cells: tuple[tuple[str, CellValue], ...]
    number: int
    place: str
    field_places: tuple[tuple[str, str], ...] = ()

    def cell(self, column: str) -> CellValue | None:
        for name, value in self.cells:
            if name == column:
                return value
        return None


@dataclass(frozen=True, slots=True)
class RowGroup(Placed):
    """Rows under one label (its cell merges vertically in the group's label column).  ``own`` is the
    group's own row when it has values (an indicator's target above its sub-targets); ``checked`` names
    the columns whose rows must add up to ``own``'s value; ``subtotal`` adds a 小计 row, ``printed`` its
    公布值 by column; ``field_places`` in a workbook the cells of those 公布值 (``小计公布值.列``; the own
    row's cells are ``own``'s)."""

    name: str
    own: DeclaredRow | None
    rows: tuple[DeclaredRow | RowGroup, ...]
    subtotal: bool
    printed: tuple[tuple[str, Decimal], ...]
    checked: tuple[str, ...]
    place: str
    field_places: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class DeclaredTable(Placed):
    """A table declared under ``表格``: columns, spanners, rows and groups, the 合计 row and its checks.

    ``group_columns`` are the label columns of the group levels (depth 1 first); ``sort`` is a column
    and ``ascending`` (None: rows as entered); ``total_printed`` the 合计 row's 公布值 and ``total_equals``
    figures a column's 合计 must equal (支出明细 against 支出), both checked, never used to compute;
    ``field_places`` in a workbook the cells of those, by column (``合计公布值.列``, ``合计应等于.列``)."""

    id: str
    title: str
    columns: tuple[DeclaredColumn, ...]
    header: tuple[HeaderGroup, ...]
    rows: tuple[DeclaredRow | RowGroup, ...]
    group_columns: tuple[str, ...]
    total_row: bool
    total_label: str  # 合计名称: 合计, 全市 …
    total_printed: tuple[tuple[str, Decimal], ...]
    total_equals: tuple[tuple[str, FigureRef], ...]
    sort: tuple[str, bool] | None
    place: str
    # 附件 (附件1 …) or 正文 (in the body: after ``after_section``, else at its end); "" when the ledger
    # gives no 位置: the report kind's 表格位置 decides when the document is built (a ledger may be drawn
    # as another kind, and converting it between YAML and Excel keeps the 位置 it did not write unwritten)
    placement: str = ""
    after_section: str = ""  # the title of the section it follows, as typed in the ledger
    field_places: tuple[tuple[str, str], ...] = ()
    text_size: str = "五号"  # its text's 字号 (the 一览表's 字号; a 表格 has no such key yet)
    # columns computed but not printed (the 一览表's 列 … 不用: its ratios and checks still need them)
    hidden: frozenset[str] = frozenset()

    @property
    def shown_columns(self) -> tuple[DeclaredColumn, ...]:
        return tuple(c for c in self.columns if c.name not in self.hidden) if self.hidden else self.columns

    def placed(self, default: str) -> str:
        """Where the table goes: its own 位置, else ``default`` (the report kind's 表格位置)."""
        return self.placement or default

    def column(self, name: str) -> DeclaredColumn | None:
        for column in self.columns:
            if column.name == name:
                return column
        return None
