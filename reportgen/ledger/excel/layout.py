"""The Excel ledger's layout, declared once: sheets, columns, what each cell holds and how to fill it.

The reader (``excel.read``) and the writer (``excel.write``) work from these declarations, so the
workbook a person fills in, the one reportgen reads and the documentation on its 说明 sheet cannot
drift apart.  Each column names the key path (in the vocabulary of ``ledger.keys``) it stands for,
a ``CellType`` (what the cell may hold: the reader's parsing, the writer's number format and data
validation), a width in Excel character units, and a short Chinese help text used as the header
comment, the input message of its cells and a line of the 说明 sheet.

This module is pure data: no openpyxl, no parsing.  ``expectation`` words what a column's cell
takes for every message about it (the reader's own and the schema's "required" ones), from the same
declarations.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from reportgen.base.units import known_units
from reportgen.ledger.keys import (
    BANNER,
    BANNER_MARK,
    BANNER_NUMBER,
    BANNER_SIGNERS,
    BANNER_SUFFIX,
    COLOPHON,
    COPY_TO,
    FUNDING_SOURCES,
    MAX_HEADING_LEVEL,
    NAMES,
    PARAGRAPHS,
    PARTICULARS,
    ROLLUP,
    SEAL,
    TITLE,
)
from reportgen.model import SECRECY_LEVELS, STANDARD_BASES, TARGET_WORDS, TARGET_WORDS_TEXT, URGENCIES


class CellType(Enum):
    """What a cell holds; decides how it is read and written and which drop-down it gets."""

    TEXT = "文字"  # kept exactly as typed (names, 落款, 备注)
    PROSE = "段落"  # long text, may quote figures ({{ 低保金 | 万元 }}); wrapped
    NUMBER = "数字"  # an exact decimal, negative allowed (指标 数值, 上年同期, 上期)
    INTEGER = "整数"  # 年度, 小数位, 层级 (bounds on the column)
    UNIT = "单位"  # any unit of ``reportgen.base.units`` (drop-down)
    MONEY_UNIT = "金额单位"  # 元/万元/亿元 (drop-down)
    DATE = "日期"  # a date cell
    BOOLEAN = "是否"  # 是/否 (drop-down; Excel TRUE/FALSE also read)
    MONTHS = "月份"  # 1—9, 前三季度 … (text: Excel would turn 1-9 into a date)
    FIGURE_ID = "指标编号"  # one figure id
    FIGURE_IDS = "指标编号列表"  # ids separated by 、 or ,
    AMOUNT = "金额"  # a number in 金额单位, a number with a money unit (1.3168亿元), or a figure id
    FUNDING = "来源金额"  # a number in 金额单位 or with a money unit (no figure ids)
    MEASURE = "数量"  # a number with its unit (300张) or a figure id
    OWNER = "责任单位"  # text, with a drop-down of known units that allows others after a warning


@dataclass(frozen=True, slots=True)
class SheetColumn:
    """One column of a sheet (or one row of 基本信息): header, YAML key path, kind, width, help."""

    header: str
    key: tuple[str, ...]
    kind: CellType
    width: float
    help: str
    low: int | None = None  # bounds of an INTEGER (also given to the data validation)
    high: int | None = None
    added: bool = False  # added after the first layout: a workbook without it reads as if it were empty
    choices: tuple[str, ...] = ()  # a TEXT column's words, offered as a drop-down (others refused)
    # A NUMBER in the unit of these columns of its own row (the first one filled; a 比例 row is in %):
    # a percentage-formatted cell (92% holds 0.92) is read as the 92 it shows only when that unit is %.
    unit_of: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Sheet:
    """A sheet: its name (also in every error: ``项目!F7``), what it is for, and its columns."""

    name: str
    purpose: str
    columns: tuple[SheetColumn, ...]
    freeze: str = "A2"  # the header row (and for 项目 the 项目名称 column) stay in view

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(column.header for column in self.columns)


# -- 基本信息: one row per field, label in column A, value in column B ---------------------------------

INFO = "基本信息"
INFO_LABEL = "项目"
INFO_VALUE = "内容"
INFO_NOTE = "填写说明"  # read-only help; the reader ignores it
PRESET_COLUMNS_ROW = "一览表列"
REPEATED = frozenset(
    {"主送机关", PARTICULARS, "导语", "结语", NAMES, PRESET_COLUMNS_ROW, COPY_TO}
)  # a row per item
PARTICULAR_SEPARATOR = "："  # each 要素 row holds “标签：内容” (a YAML mapping label → text)
# rows that hold a YAML mapping one “标签：内容” a row, with an example of the form
LABELLED = {PARTICULARS: "发布地点：区为民服务中心", PRESET_COLUMNS_ROW: "备注：不用"}
TABLE_BLOCK = frozenset(
    {
        "一览表标题",
        "填表单位",
        "填表时间",
        "金额单位",
        "金额小数位",
        "比例小数位",
        "一览表字号",
        PRESET_COLUMNS_ROW,
    }
)

INFO_ROWS: tuple[SheetColumn, ...] = (
    SheetColumn("标题", ("标题",), CellType.TEXT, 0, "报告标题，必填。可引用期间，如 {{ 期间.年月 }}。"),
    SheetColumn("主送机关", ("主送机关",), CellType.PROSE, 0, "主送机关，可不填；有几个就写几行“主送机关”。"),
    SheetColumn("落款", ("落款",), CellType.TEXT, 0, "署名（发文机关），必填。"),
    SheetColumn(
        "成文日期", ("成文日期",), CellType.DATE, 0, "日期，必填，如 2024-09-23；报告中写作 2024年9月23日。"
    ),
    SheetColumn(
        "填报单位", ("填报单位",), CellType.TEXT, 0, "填报单位，必填；也是一览表“填表单位”的默认值。"
    ),
    SheetColumn("年度", ("期间", "年度"), CellType.INTEGER, 0, "报告期所在年度，必填，如 2024。", 1949, 2200),
    SheetColumn(
        "月份",
        ("期间", "月份"),
        CellType.MONTHS,
        0,
        "报告期的月份，必填：1—9、9（单月）、一季度、上半年、前三季度、全年等。",
    ),
    SheetColumn("类型", ("类型",), CellType.TEXT, 0, "报告类型，可不填，默认“民生实事”。"),
    SheetColumn("图表", ("图表",), CellType.BOOLEAN, 0, "报告是否附图表：是/否，默认否。"),
    SheetColumn("导语", ("导语",), CellType.PROSE, 0, "第一个标题之前的段落，可不填；一段一行“导语”。"),
    SheetColumn("结语", ("结语",), CellType.PROSE, 0, "最后一个标题之后的段落，可不填；一段一行“结语”。"),
    SheetColumn(
        PARTICULARS,
        ("要素",),
        CellType.PROSE,
        0,
        "标题下“标签：内容”的各行（如 发布时间：{{ 成文日期 | 日期 }}），可不填；一行一项，用全角冒号隔开。",
    ),
    SheetColumn(
        "称呼",
        ("称呼",),
        CellType.PROSE,
        0,
        "发言稿的称呼（如 尊敬的各位领导、各位来宾），可不填；冒号自动加。",
    ),
    SheetColumn(
        "一览表标题",
        ("一览表", "标题"),
        CellType.TEXT,
        0,
        "一览表：标题，可不填（按期间自动生成）；可引用期间，如 {{ 期间.年月 }}民生实事一览表。",
    ),
    SheetColumn(
        "填表单位", ("一览表", "填表单位"), CellType.TEXT, 0, "一览表：填表单位，可不填（默认为填报单位）。"
    ),
    SheetColumn(
        "填表时间", ("一览表", "填表时间"), CellType.DATE, 0, "一览表：填表时间，可不填（默认为成文日期）。"
    ),
    SheetColumn(
        "金额单位",
        ("一览表", "金额单位"),
        CellType.MONEY_UNIT,
        0,
        "一览表：金额的显示单位（元/万元/亿元），有项目时必填；“项目”表中不带单位的金额按此单位。",
    ),
    SheetColumn(
        "金额小数位",
        ("一览表", "金额小数位"),
        CellType.INTEGER,
        0,
        "一览表：金额保留几位小数，默认 2。",
        0,
        6,
    ),
    SheetColumn(
        "比例小数位",
        ("一览表", "比例小数位"),
        CellType.INTEGER,
        0,
        "一览表：比例保留几位小数，默认 2。",
        0,
        4,
    ),
    SheetColumn(
        "一览表字号",
        ("一览表", "字号"),
        CellType.TEXT,
        0,
        "一览表：表中文字的字号，五号（默认）或小五；小五可让长表少占页数（30个项目由5页减为4页）。",
    ),
    SheetColumn(
        PRESET_COLUMNS_ROW,
        ("一览表", "列"),
        CellType.PROSE,
        0,
        "一览表：改列名或不用某列，可不填；一行一列，写“列名：新列名”或“列名：不用”（全角冒号），"
        "如 实际拨付占计划比例：资金到位率、备注：不用。下达预算、实际拨付改的是它们上面的表头。",
    ),
    SheetColumn(
        "目标表标题",
        ("目标表", "标题"),
        CellType.TEXT,
        0,
        "目标表（附件）：标题，有目标表时必填，可引用期间，如 {{ 期间.年度 }}“双基”建设目标任务完成情况表。",
    ),
    SheetColumn(
        "目标表指标",
        ("目标表", "指标"),
        CellType.FIGURE_IDS,
        0,
        "目标表：列入的指标编号，用顿号隔开，须是“指标”表中填了目标的指标；"
        "目标值、完成值、完成情况由程序填写。",
    ),
    SheetColumn(
        NAMES,
        ("专有名称",),
        CellType.TEXT,
        0,
        "正文里含数字的名称或编号（如 民生100工程、20件民生实事、会计凭证号2023-0456），"
        "其中的数字不是指标，检查不报 RG207；一行一个，可不填。引号、书名号中的数字不必登记。",
    ),
    SheetColumn(
        SEAL,
        (SEAL,),
        CellType.TEXT,
        0,
        "印章图片（PNG）的文件名，图片放在台账所在的文件夹中，可不填；填了则按加盖印章的格式排落款和日期。",
    ),
    # 版记 (GB/T 9704 7.4), at the foot of the last even page; all three blank: none.
    SheetColumn(
        COPY_TO,
        (COLOPHON, COPY_TO),
        CellType.PROSE,
        0,
        "版记：抄送机关，可不填；一行一个，有几个就写几行“抄送”。报告中用逗号隔开，末尾加句号。",
    ),
    SheetColumn("印发机关", (COLOPHON, "印发机关"), CellType.TEXT, 0, "版记：印发机关，有版记时必填。"),
    SheetColumn(
        "印发日期",
        (COLOPHON, "印发日期"),
        CellType.DATE,
        0,
        "版记：印发日期，有版记时必填，如 2024-10-09；报告中写作 2024年10月9日印发。",
    ),
)
# The 版头 (GB/T 9704 7.2), rows of 基本信息 too, written only into the workbook of a ledger that has one
# (first, as on the page), so a ledger without a 版头 keeps the workbook it always had; the reader takes
# them in any workbook.  发文机关标志 and 签发人 are a row per agency or name (one row: a single text).
BANNER_ROWS: tuple[SheetColumn, ...] = (
    SheetColumn(
        "份号",
        (BANNER, "份号"),
        CellType.TEXT,
        0,
        "版头：份号，6位数字，如 000012（文本单元格，前面的 0 不会丢）；涉密公文必填，其余可不填。",
    ),
    SheetColumn(
        "密级",
        (BANNER, "密级"),
        CellType.TEXT,
        0,
        "版头：密级，绝密、机密或秘密，可不填。",
        choices=SECRECY_LEVELS,
    ),
    SheetColumn("保密期限", (BANNER, "保密期限"), CellType.TEXT, 0, "版头：保密期限，如 1年；有密级时才填。"),
    SheetColumn(
        "紧急程度",
        (BANNER, "紧急程度"),
        CellType.TEXT,
        0,
        "版头：紧急程度，特急或加急，可不填。",
        choices=URGENCIES,
    ),
    SheetColumn(
        BANNER_MARK,
        (BANNER, BANNER_MARK),
        CellType.TEXT,
        0,
        "版头：发文机关标志，有版头时必填，连同“文件”二字，如 青山县民政局文件；联合行文每个机关写一行"
        "“发文机关标志”（主办机关在前），“文件”写在“标志后缀”。",
    ),
    SheetColumn(
        BANNER_SUFFIX,
        (BANNER, BANNER_SUFFIX),
        CellType.TEXT,
        0,
        "版头：联合行文时排在各机关名称右侧的字，如 文件；只有一个机关时不填。",
    ),
    SheetColumn(
        BANNER_NUMBER,
        (BANNER, BANNER_NUMBER),
        CellType.TEXT,
        0,
        "版头：发文字号，如 青民发〔2024〕12号：年份写全，用六角括号〔〕，序号不加“第”、不编虚位，后加“号”。",
    ),
    SheetColumn(
        BANNER_SIGNERS,
        (BANNER, BANNER_SIGNERS),
        CellType.TEXT,
        0,
        "版头：签发人姓名，上行文（报告）必填；几位签发人写几行“签发人”，主办机关的在前。",
    ),
)
BANNER_REPEATED = frozenset({BANNER_MARK, BANNER_SIGNERS})  # a row per agency, per name
# 汇总 (docs/rollup.md), rows of 基本信息 written after 月份 only into the workbook of a parent ledger (one
# that sums its units), so every other ledger keeps the workbook it always had; the reader takes them in
# any workbook.  下级 is a row per file or folder, as 抄送 is a row per agency.
ROLLUP_CHILDREN = "下级"
ROLLUP_FIGURES = "汇总指标"
ROLLUP_ROSTER = "下级名单"
ROLLUP_ROWS: tuple[SheetColumn, ...] = (
    SheetColumn(
        ROLLUP_CHILDREN,
        (ROLLUP, "下级"),
        CellType.TEXT,
        0,
        "汇总：下级台账的文件（如 县/东城县.xlsx）或文件夹（如 县/，读取其中的全部台账），相对于本台账"
        "所在的文件夹；有几个就写几行“下级”。写了下级，本台账的“汇总指标”由各下级台账求和。",
    ),
    SheetColumn(
        ROLLUP_FIGURES,
        (ROLLUP, "指标"),
        CellType.FIGURE_IDS,
        0,
        "汇总：由下级汇总的指标编号，用顿号隔开，如 低保对象、低保金、低保覆盖率；各下级台账须有同一编号的"
        "指标。比例由下级的分子、分母之和重算；本级“指标”表中同一编号填的数值由检查与下级之和核对。",
    ),
    SheetColumn(
        ROLLUP_ROSTER,
        (ROLLUP, "名单"),
        CellType.TEXT,
        0,
        "汇总：应有的下级（填报单位），一行一个，可不填；填了则少一个、多一个下级台账都报错（RG131），"
        "文件夹中漏放或多放了台账不会悄悄改变合计。",
    ),
)
ROLLUP_REPEATED = frozenset({ROLLUP_CHILDREN, ROLLUP_ROSTER})  # a row per file or folder, per unit
INFO_BY_LABEL = {row.header: row for row in (*INFO_ROWS, *BANNER_ROWS, *ROLLUP_ROWS)}


def info_rows(banner: bool, rollup: bool) -> tuple[SheetColumn, ...]:
    """基本信息's rows for a ledger: the 版头's first when it has one, the 汇总's after 月份 when it sums
    units; a ledger with neither keeps the rows (and so the workbook) it always had."""
    rows = INFO_ROWS
    if rollup:
        after = next(i for i, row in enumerate(rows) if row.key == ("期间", "月份")) + 1
        rows = (*rows[:after], *ROLLUP_ROWS, *rows[after:])
    return (*BANNER_ROWS, *rows) if banner else rows


INFO_SHEET = Sheet(
    INFO,
    "报告的标题、落款、日期、报告期，导语与结语，以及一览表的设置。每行一项：A 列是项目名，B 列填内容。",
    (
        SheetColumn(
            INFO_LABEL,
            (),
            CellType.TEXT,
            14,
            "项目名，不要改动；主送机关、导语、结语、专有名称可复制成多行。",
        ),
        SheetColumn(INFO_VALUE, (), CellType.TEXT, 70, "在这一列填写内容。"),
        SheetColumn(INFO_NOTE, (), CellType.TEXT, 52, "每一项的填写说明（程序不读取这一列）。"),
    ),
)

# -- 指标 ------------------------------------------------------------------------------------------------

# A 目标 is ``{不少于: 45, 单位: 张}`` in YAML (the direction is the key); the sheet has a column for the
# direction and one for the value, which the reader and the writer turn into that mapping and back.
TARGET_DIRECTION, TARGET_VALUE, TARGET_UNIT = "目标方向", "目标值", "目标单位"
FIGURE_UNIT = "单位"
RATIO = "比例"  # the key of 比例分子 and 比例分母: a row that fills them is in %
PERCENT = "%"

FIGURES_SHEET = Sheet(
    "指标",
    "有名字的数字。正文用 {{ 编号 | 过滤器 }} 引用，如 {{ 低保金 | 万元 }}、{{ 总人数 | 人 }}、"
    "{{ 完成率 | 百分比 }}。每行一个指标，数值、合计、比例、商四者只填一种。",
    (
        SheetColumn(
            "编号",
            (),
            CellType.FIGURE_ID,
            16,
            "指标编号，必填且不重复：汉字或字母开头，只含汉字、字母、数字、下划线，如 低保金。",
        ),
        SheetColumn("名称", ("名称",), CellType.TEXT, 24, "指标的中文名称，可不填（默认等于编号）。"),
        SheetColumn(
            "数值",
            ("数值",),
            CellType.NUMBER,
            14,
            "只填数字，如 8123.0395；单位在右边一列选择，不要写“万”。",
            unit_of=(FIGURE_UNIT,),
        ),
        SheetColumn(
            FIGURE_UNIT,
            ("单位",),
            CellType.UNIT,
            8,
            "从下拉列表选择；填了数值就必须选单位；“商”指标在这里选结果的单位。",
        ),
        SheetColumn(
            "合计",
            ("合计",),
            CellType.FIGURE_IDS,
            24,
            "由其他指标相加：填两个以上分项的编号，用顿号隔开，如 一级人数、二级人数。此时不填数值和单位。",
        ),
        SheetColumn(
            "比例分子",
            ("比例", "分子"),
            CellType.FIGURE_ID,
            12,
            "比例 = 分子 ÷ 分母，结果为 %：填分子的指标编号。",
        ),
        SheetColumn(
            "比例分母",
            ("比例", "分母"),
            CellType.FIGURE_ID,
            12,
            "比例的分母：填指标编号；分母为 0 时显示“—”。",
        ),
        SheetColumn(
            "上年同期",
            ("上年同期",),
            CellType.NUMBER,
            12,
            "去年同一期间的数值（与本指标同一单位），用于“同比”；只用于填了数值的指标。",
            unit_of=(FIGURE_UNIT,),
        ),
        SheetColumn(
            "上期",
            ("上期",),
            CellType.NUMBER,
            12,
            "上一报告期的数值（与本指标同一单位），用于“环比”；只用于填了数值的指标。",
            unit_of=(FIGURE_UNIT,),
        ),
        SheetColumn("说明", ("说明",), CellType.TEXT, 28, "统计口径等说明，可不填。"),
        # Added for issue 8, after the first layout: at the end, so the older columns keep their letters.
        SheetColumn(
            "商分子",
            ("商", "分子"),
            CellType.FIGURE_ID,
            12,
            "商 = 分子 ÷ 分母（× 每），结果单位在“单位”列选，"
            "如月人均保障水平 = 发放金额 ÷ 人次，单位 元：填分子的指标编号。",
            added=True,
        ),
        SheetColumn(
            "商分母",
            ("商", "分母"),
            CellType.FIGURE_ID,
            12,
            "商的分母：填指标编号；分母为 0 时显示“—”。",
            added=True,
        ),
        SheetColumn(
            "每",
            ("商", "每"),
            CellType.NUMBER,
            8,
            "商再乘以这个数，可不填（默认 1）：每千名老人床位数填 1000。",
            added=True,
        ),
        SheetColumn(
            "公布值",
            ("公布值",),
            CellType.NUMBER,
            10,
            "合计、比例、商指标可填：原文印出的数（比例填百分数，如 60.09），由检查核对；"
            "报告中印的是计算值。",
            added=True,
            unit_of=(FIGURE_UNIT,),
        ),
        SheetColumn(
            "分项",
            ("分项",),
            CellType.FIGURE_IDS,
            24,
            "填了数值的总数可填：它的全部分项的编号，用顿号隔开；检查核对分项之和等于总数。",
            added=True,
        ),
        SheetColumn(
            "其中",
            ("其中",),
            CellType.FIGURE_IDS,
            24,
            "可填：“其中”各项的编号，用顿号隔开；检查核对它们之和不超过本指标。",
            added=True,
        ),
        SheetColumn(
            "口径",
            ("口径",),
            CellType.TEXT,
            8,
            "填了数值的指标可填：时点（截至某日的数）、累计（期间内的总数）或 计划；"
            "合计不把不同口径的数相加。",
            added=True,
        ),
        SheetColumn(
            "标准每",
            ("每",),
            CellType.TEXT,
            8,
            "标准（如每人每年7500元）可填：人月、人年、户月、户年 或 人次；"
            "正文用 {{ 编号 | 标准 }}、{{ 编号 | 标准('人月') }}。",
            added=True,
            choices=STANDARD_BASES,
        ),
        SheetColumn(
            "调整前",
            ("调整前",),
            CellType.NUMBER,
            10,
            "标准调整前的数值（与本指标同一单位），可不填；"
            "正文用 {{ 编号 | 调整前 | 标准 }}、{{ 编号 | 调整方向 }}。",
            added=True,
            unit_of=(FIGURE_UNIT,),
        ),
        SheetColumn(
            "调整时间", ("调整时间",), CellType.TEXT, 10, "标准从何时调整，照录文字，如 7月。", added=True
        ),
        SheetColumn(
            TARGET_DIRECTION,
            ("目标", TARGET_DIRECTION),
            CellType.TEXT,
            8,
            f"有目标时填方向：{TARGET_WORDS_TEXT}；本指标的数值就是完成值，完成情况由程序判定。",
            added=True,
            choices=TARGET_WORDS,
        ),
        SheetColumn(
            TARGET_VALUE,
            ("目标", TARGET_VALUE),
            CellType.NUMBER,
            10,
            "目标值，只填数字（比例填百分数，如 35）；只有目标、没有完成值的指标数值不填。",
            added=True,
            unit_of=(TARGET_UNIT, FIGURE_UNIT),
        ),
        SheetColumn(
            TARGET_UNIT,
            ("目标", "单位"),
            CellType.UNIT,
            8,
            "目标的单位，可不填（默认为本指标的单位，比例为 %）；只有目标的指标须选单位。",
            added=True,
        ),
    ),
)

# -- 项目 ------------------------------------------------------------------------------------------------

_AMOUNT_HELP = (
    "填数字（单位为“基本信息”的金额单位）；其他单位写在数字后，如 1.3168亿元；"
    "或填指标编号，让表格与正文用同一个数。"
)
PROJECTS_SHEET = Sheet(
    "项目",
    "项目推进和资金执行情况一览表，每行一个项目。完成比例、占计划比例和合计行由程序计算，不要填写。",
    (
        SheetColumn(
            "项目名称",
            ("项目名称",),
            CellType.PROSE,
            28,
            "照录上级下达的项目名称，必填。照原样印出，不能写 {{ }}。",
        ),
        SheetColumn("目标任务", ("目标任务",), CellType.PROSE, 30, "照录下达的目标任务，必填。"),
        SheetColumn(
            "实施进度",
            ("实施进度",),
            CellType.PROSE,
            40,
            "必填。数字请引用指标，如 已新增床位{{ 新增床位 | 张 }}。",
        ),
        SheetColumn(
            "目标", ("目标",), CellType.MEASURE, 12, "数字目标，带单位，如 300张；或填指标编号。可不填。"
        ),
        SheetColumn(
            "实际完成",
            ("实际完成",),
            CellType.MEASURE,
            12,
            "与目标同类单位，如 312张；或填指标编号。可不填。",
        ),
        SheetColumn("计划安排资金", ("计划安排资金",), CellType.AMOUNT, 14, _AMOUNT_HELP),
        SheetColumn("下达预算", ("下达预算",), CellType.AMOUNT, 14, _AMOUNT_HELP),
        SheetColumn("实际拨付", ("实际拨付",), CellType.AMOUNT, 14, _AMOUNT_HELP),
        *(
            SheetColumn(
                f"资金来源·{source}",
                ("资金来源", source),
                CellType.FUNDING,
                12,
                f"计划安排资金中{source}资金的金额：填数字（金额单位），或数字加单位，如 25万元。可不填。",
            )
            for source in FUNDING_SOURCES
        ),
        SheetColumn(
            "责任单位",
            ("责任单位",),
            CellType.OWNER,
            16,
            "从下拉列表选择，或直接输入（列表外的单位会提示确认）。",
        ),
        SheetColumn("备注", ("备注",), CellType.TEXT, 24, "可不填。"),
    ),
    freeze="B2",
)

# -- 正文 ------------------------------------------------------------------------------------------------

LEVEL, RUN_IN, SEQUENCE = "层级", "接排", "段落序号"  # with TITLE and PARAGRAPHS, headers that are keys
SECTIONS_SHEET = Sheet(
    "正文",
    "报告正文：有“标题”的行开始一节（层级 1 为 一、，2 为 （一），3 为 1.，4 为 （1）），"
    "其下只填“段落”的行是这一节的段落（标题行也可以写第一段）。",
    (
        SheetColumn(
            LEVEL,
            (),
            CellType.INTEGER,
            6,
            "标题的级别 1～4：1 一、 2 （一） 3 1. 4 （1）。下一级标题紧跟在上一级之后。",
            1,
            MAX_HEADING_LEVEL,
        ),
        SheetColumn(TITLE, (TITLE,), CellType.PROSE, 26, "标题文字，不要写序号（程序自动编号）。"),
        SheetColumn(
            RUN_IN, ("接排",), CellType.BOOLEAN, 6, "是：标题与第一段接排，如“（一）低保方面。一是……”。"
        ),
        SheetColumn(
            PARAGRAPHS,
            (PARAGRAPHS,),
            CellType.PROSE,
            90,
            "一行一段。数字请引用指标：{{ 低保金 | 万元 }}；期间：{{ 期间 }}。",
        ),
        SheetColumn(
            SEQUENCE,
            ("段落序号",),
            CellType.TEXT,
            10,
            "可不填。填 一是、第一、1. 或 （1）：这一节的段落依次加“一是”“二是”……；"
            "填了段落序号的一节可以没有标题（层级照填）。",
        ),
    ),
)

# What a cell of each kind takes, in every message about it (reader and schema alike).
EXPECTED = {
    CellType.TEXT: "文字",
    CellType.PROSE: "文字",
    CellType.OWNER: "文字",
    CellType.MONTHS: "月份，如 1—9、9、一季度、上半年、前三季度、全年",
    CellType.NUMBER: "数字，如 8123.0395（不写单位和“万”，单位在“单位”列）",
    CellType.INTEGER: "整数",
    CellType.UNIT: "下拉列表中的单位（" + "、".join(known_units()) + "）",
    CellType.MONEY_UNIT: "元、万元 或 亿元",
    CellType.DATE: "日期，如 2024-09-23",
    CellType.BOOLEAN: "是 或 否",
    CellType.FIGURE_ID: "“指标”表中的编号",
    CellType.FIGURE_IDS: "“指标”表中的编号，用顿号隔开",
    CellType.AMOUNT: "金额：数字（按金额单位），或数字加单位如 1.3168亿元，或“指标”表中的编号",
    CellType.FUNDING: "金额：数字（按金额单位），或数字加单位如 25万元",
    CellType.MEASURE: "数字加单位，如 300张；或“指标”表中的编号",
}


def expectation(column: SheetColumn) -> str:
    """What a cell of ``column`` takes: its words, its bounds, its kind's form, or for free text the
    column's own help (a missing 项目名称 is told what a 项目名称 is, not "文字")."""
    if column.choices:
        return "、".join(column.choices)
    if column.kind is CellType.INTEGER and column.low is not None and column.high is not None:
        return f"{column.low}～{column.high} 的整数"
    if column.kind in (CellType.TEXT, CellType.PROSE, CellType.OWNER):
        return column.help
    return EXPECTED[column.kind]


DATA_SHEETS = (INFO_SHEET, FIGURES_SHEET, PROJECTS_SHEET, SECTIONS_SHEET)
NOTES = "说明"  # the how-to sheet, first in the workbook; never read
LISTS = "选项"  # hidden: the drop-down lists (units, 责任单位); never read

# 责任单位 offered in the drop-down besides those the ledger already uses: the usual offices of a
# county civil-affairs bureau.  Any other name may still be typed (Excel asks to confirm it).
TYPICAL_OWNERS = (
    "区民政局",
    "县民政局",
    "办公室",
    "社会救助股",
    "养老服务股",
    "社会事务股",
    "儿童福利股",
    "基层政权建设和社区治理股",
    "慈善事业促进和社会工作股",
    "区划地名股",
    "财务股",
    "乡镇人民政府（街道办事处）",
)

# The 说明 sheet: general notes after the per-sheet column lists.
NOTES_TITLE = "民政工作台账（Excel）填写说明"
NOTES_INTRO = (
    "本工作簿是 reportgen 的台账：报告中的每一个数字都从这里来。正文通过 {{ 指标编号 | 过滤器 }} 引用"
    "“指标”表中的数字，一览表的比例与合计由程序计算，所以正文和表格不会互相矛盾。",
    "填好后检查：在 reportgen 文件夹运行 make check LEDGER=台账.xlsx；"
    "生成报告：make quarterly LEDGER=台账.xlsx。没有 make 的电脑（Windows）："
    "py -m reportgen check 台账.xlsx；py -m reportgen render 台账.xlsx -f docx,xlsx。"
    "出错时会写明工作表和单元格（如 项目!F7）、当前值和应填写的内容。",
)
NOTES_GENERAL: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "单位",
        (
            "可用单位：金额 元、万元、亿元；人数 人、名（两者同类）；户；人次；户次；比例 %；倍数 倍；"
            "计数 张 个 所 家 件 次 项 处 座 间 辆 场 期 批 批次 天 个月 条（各自一类）。"
            "不同类的单位不能相加或相除。",
        ),
    ),
    (
        "合计与比例",
        (
            "合计：在“合计”列填分项的编号，用顿号隔开（如 一级人数、二级人数），数值和单位不填，由程序相加；"
            "单位取第一个分项的单位。",
            "比例：在“比例分子”“比例分母”填指标编号，结果为 %；分母为 0 时显示“—”。"
            "正文用 {{ 编号 | 百分比 }}。",
            "商：在“商分子”“商分母”填指标编号，在“单位”列选结果的单位（分子换算到这个单位），"
            "需要时在“每”填 1000 等；如月人均保障水平 = 发放金额 ÷ 人次，单位 元。"
            "正文用 {{ 编号 | 元(2) }}。",
        ),
    ),
    (
        "分项、其中与公布值（由检查核对，不参与计算）",
        (
            "分项：手填的总数（填了数值）有明细时，填全部分项的编号；分项之和与总数不符时报 RG208。",
            "其中：本指标中的一部分，填其编号；“其中”各项之和超过本指标时报 RG209，单位不可比时提示 RG213。",
            "公布值：合计、比例、商指标在原文中印出的数（比例填百分数）；按各数字的舍入误差核对，"
            "不符时报 RG210。报告中印的永远是计算值。",
            "口径：时点、累计或计划；合计的分项、分项与其中各项口径不同时报 RG212。",
        ),
    ),
    (
        "标准与目标",
        (
            "标准：在“标准每”选 人月、人年、户月、户年 或 人次，"
            "如每人每年7500元填 数值 7500、单位 元、标准每 人年；"
            "调整过的标准在“调整前”填原来的数、在“调整时间”填 7月 等。正文用 {{ 编号 | 标准 }}、"
            "{{ 编号 | 标准('人月') }}（由年标准换算）、{{ 编号 | 调整前 | 标准 }}、{{ 编号 | 调整方向 }}。",
            f"目标：在“目标方向”选 {TARGET_WORDS_TEXT}（≥、≤ 含目标值本身，>、< 不含），"
            "在“目标值”填数字；报告写作 不少于45张、90%以上、控制在4.5%以内、低于4.3%；"
            "本指标的数值就是完成值，完成情况（已完成/未完成/—）由程序判定。只有目标、还没有完成数的指标，数值不填，"
            "须选目标单位。目标表在“基本信息”的“目标表标题”“目标表指标”两行填写。",
        ),
    ),
    (
        "上年同期与上期",
        (
            "“上年同期”填去年同一期间的数值，“上期”填上一报告期的数值，与本指标同一单位，只用于填了“数值”的指标；"
            "合计与比例的同期数由分项算出。"
            "正文用 {{ 低保金 | 同比 }}、{{ 低保金 | 环比 }}、{{ 低保金 | 同比增减 }}。",
        ),
    ),
    (
        "数字的写法",
        (
            "数字单元格直接填数字。按文本填写的 1,234.5（千分位逗号）和 １２３（全角数字）也能识别；"
            "“12.3万”“1.2E+05”会报错：单位写在“单位”列或“金额单位”中，数字写全。",
            "项目表的金额可以写 1.3168亿元 这样的“数字+金额单位”；目标与实际完成写 300张 这样的“数字+单位”；"
            "也都可以填指标编号，让表格与正文引用同一个数。",
            "百分数：“单位”选了 % 的指标（及项目的目标、实际完成）直接输入 92%，读作 92；"
            "单位不是 % 的格子不要设成百分比格式（显示 50% 而存的是 0.5），否则报错。",
        ),
    ),
    (
        "公式",
        (
            "可以使用公式，程序读取的是公式的计算结果（Excel/WPS 保存文件时存下的值）。",
            "如果文件由程序生成、从未在 Excel/WPS 中打开保存过，公式没有计算结果，会报 RG115：在 Excel/WPS 中"
            "打开并保存一次即可。",
        ),
    ),
    (
        "保护与增删行",
        (
            "各表已保护表头（没有密码），防止误改列名：可以填写、插入和删除行，调整列宽，但不能改表头或增删列。"
            "确需修改时在“审阅 → 撤销工作表保护”解除。",
            "空行会被忽略。“基本信息”中的主送机关、导语、结语、专有名称可以插入多行，A 列写同样的项目名。",
            "不要合并单元格：合并后只有第一格有内容，其余读作空白，报 RG118；相同的内容每行各填一次。",
        ),
    ),
    (
        "与 YAML 台账互换",
        (
            "python -m reportgen convert 台账.xlsx 台账.yaml 转换为 YAML 台账，"
            "python -m reportgen convert 台账.yaml 台账.xlsx 转回（Windows 上把 python 写成 py）。"
            "转换前先检查台账，有错误时不写出文件。批注、格式和 YAML 注释不转换。",
        ),
    ),
)
