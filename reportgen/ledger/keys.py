"""The ledger's key vocabulary, once: every key a ledger may hold, which are required, and the order
in which a ledger is written.

Both forms of a ledger speak this vocabulary.  The YAML ledger uses the keys as its mapping keys;
the Excel ledger's columns name them as key paths (``excel.layout``).  The schema accepts exactly
these keys (``schema``), the workbook reader builds mappings with them (``excel.read``), and the YAML
writer writes them in the ``*_ORDER`` orders (``yaml.write``).  ``docs/ledger.md`` documents the same
names.  Before this module the schema and the workbook layout each spelled the keys, and the writer's
orders had fallen behind the schema: 要素, 称呼 (top level) and 段落序号 (a section) were missing from
them and were written last only because unknown keys sort last.  They are listed here where they were
already written, so every converted ledger keeps its bytes; ``tests/test_ledger.py`` checks that each
order holds exactly the keys the schema accepts.

Each ``*_REQUIRED``/``*_OPTIONAL`` pair is in the order messages list the allowed keys (RG103's
expected text); each ``*_ORDER`` is the order of the written ledger, which is the workbook's.
"""

from __future__ import annotations

from reportgen.model import BASELINES

# -- the keys that hold the ledger's parts, by name (readers and writers walk the nesting by them) ----

FIGURES = "指标"  # figure id → figure mapping; also a reference ``{指标: 编号}`` and 目标表's list
SECTIONS = "正文"  # the list of sections
TABLE = "一览表"  # the project table's settings and its 项目
PROJECTS = "项目"  # the list of projects, inside 一览表
PERIOD = "期间"  # 年度 and 月份
TARGET_TABLE = "目标表"  # the annex of targets: 标题 and 指标
PARTICULARS = "要素"  # labelled lines under the title: label → text
NAMES = "专有名称"  # names whose digits are no figures
TABLES = "表格"  # tables declared in the ledger (docs/tables.md): a list
TITLE = "标题"  # of the ledger, of a section, of 一览表 and 目标表
PARAGRAPHS = "段落"  # a section's paragraphs
BANNER = "版头"  # 发文机关标志, 发文字号, 签发人 … above the title (GB/T 9704 7.2)
SUBSECTIONS = "小节"  # a section's sections, one level deeper
COLOPHON = "版记"  # 抄送, 印发机关 and 印发日期 at the foot of the last page (GB/T 9704 7.4)
SEAL = "印章"  # a PNG beside the ledger, placed over 落款 and 成文日期 (GB/T 9704 7.3.5.1)
ROLLUP = "汇总"  # a parent ledger's units (下级) and the figures summed from them (docs/rollup.md)
CHILD_ROWS = "下级"  # a 表格's ``行: 下级``: one row per unit of the 汇总
CHILD_NAME_COLUMN = (
    "名称列"  # a 下级 table's column holding each unit's name (default: its first text column)
)
CHILD_TAKE = "取数"  # a 下级 table's {列名: 下级的指标编号}, for a column not named as the figure

# -- top level ---------------------------------------------------------------------------------------

TOP_REQUIRED = (TITLE, "落款", "成文日期", "填报单位", PERIOD)
# Of those, the ones a report kind may make optional (``parts``: a 公示 may have no 期间, a form no 落款).
KIND_REQUIRED = ("落款", "成文日期", PERIOD)
TOP_OPTIONAL = (
    BANNER,
    "类型",
    "主送机关",
    PARTICULARS,
    "称呼",
    FIGURES,
    "导语",
    SECTIONS,
    "结语",
    TABLE,
    "图表",
    TARGET_TABLE,
    NAMES,
    TABLES,
    COLOPHON,
    SEAL,
    ROLLUP,
)
TOP_ORDER = (
    BANNER,  # first: it stands above the title on the page (a ledger without one keeps its bytes)
    TITLE,
    "主送机关",
    "落款",
    "成文日期",
    "填报单位",
    PERIOD,
    ROLLUP,  # beside 期间: what the parent reports on, and from whom
    "类型",
    "图表",
    FIGURES,
    "导语",
    SECTIONS,
    "结语",
    TABLE,
    TARGET_TABLE,
    NAMES,
    PARTICULARS,
    "称呼",
    TABLES,
    COLOPHON,
    SEAL,
)
PERIOD_KEYS = ("年度", "月份")

# -- 版头 (GB/T 9704 7.2), in the order its parts stand on the page, top down: also the written order --

BANNER_MARK = "发文机关标志"  # a text, or a list of joint agencies (主办 first)
BANNER_SUFFIX = "标志后缀"  # 文件, right of joint agencies' stacked names
BANNER_NUMBER = "发文字号"
BANNER_SIGNERS = "签发人"  # a name or a list
BANNER_KEYS = (
    "份号",
    "密级",
    "保密期限",
    "紧急程度",
    BANNER_MARK,
    BANNER_SUFFIX,
    BANNER_NUMBER,
    BANNER_SIGNERS,
)
# -- 版记 (GB/T 9704 7.4) ------------------------------------------------------------------------------

COPY_TO = "抄送"  # a list of 机关 names
COLOPHON_REQUIRED = ("印发机关", "印发日期")
COLOPHON_ORDER = (COPY_TO, *COLOPHON_REQUIRED)  # also the workbook's rows

# -- 指标 --------------------------------------------------------------------------------------------

FIGURE_SOURCES = ("数值", "合计", "比例", "商")  # how a figure gets its value: exactly one of these
FIGURE_CHECKS = ("公布值", "分项", "其中")  # what check compares it with (never used to compute)
STANDARD_KEYS = ("每", "调整前", "调整时间")  # a standard (每人每年7500元) and its change
FIGURE_KEYS = (
    "名称",
    *FIGURE_SOURCES[:2],
    "单位",
    *FIGURE_SOURCES[2:],
    *FIGURE_CHECKS,
    "口径",
    "说明",
    *BASELINES,
    *STANDARD_KEYS,
    "目标",
)
FIGURE_ORDER = (
    "名称",
    "数值",
    "单位",
    "合计",
    "比例",
    "商",
    "公布值",
    "分项",
    "其中",
    "口径",
    *BASELINES,
    *STANDARD_KEYS,
    "目标",
    "说明",
)
RATIO_KEYS = ("分子", "分母")  # of a 比例
QUOTIENT_KEYS = (*RATIO_KEYS, "每")  # of a 商: 每 is optional

# -- 正文 --------------------------------------------------------------------------------------------

SECTION_KEYS = (TITLE, PARAGRAPHS, SUBSECTIONS, "接排", "段落序号")
SECTION_ORDER = (TITLE, "接排", PARAGRAPHS, SUBSECTIONS, "段落序号")
MAX_HEADING_LEVEL = 4  # 一、（一）1.（1）: how deep 小节 nest

# -- 目标表 and 一览表 -------------------------------------------------------------------------------

TARGET_TABLE_KEYS = (TITLE, FIGURES)
TABLE_KEYS = (
    TITLE,
    "填表单位",
    "填表时间",
    "金额单位",
    "金额小数位",
    "比例小数位",
    "字号",
    "列",
    PROJECTS,
)  # also its order
# 一览表.列: the preset's columns a ledger may rename or leave out, by the names a clerk knows them by
# (the ledger's field names; the ratios by what they divide) → the preset's keys (compute.table).
PRESET_COLUMNS = {
    "序号": "number",
    "项目名称": "name",
    "目标任务": "target_text",
    "实施进度": "progress_text",
    "完成比例": "completion",
    "计划安排资金": "plan",
    "下达预算": "budget",
    "下达预算占计划比例": "budget_ratio",
    "实际拨付": "paid",
    "实际拨付占计划比例": "paid_ratio",
    "责任单位": "owner",
    "备注": "note",
}
UNUSED = "不用"  # 一览表.列 value: leave the column out
# a shown column needs the ones it is computed from; 项目名称 names each row and the 合计
PRESET_OPERANDS = {
    "下达预算占计划比例": ("下达预算", "计划安排资金"),
    "实际拨付占计划比例": ("实际拨付", "计划安排资金"),
}
PRESET_KEPT = ("项目名称",)
PROJECT_REQUIRED = ("项目名称", "目标任务", "实施进度")
PROJECT_OPTIONAL = (
    "目标",
    "实际完成",
    "计划安排资金",
    "资金来源",
    "下达预算",
    "实际拨付",
    "责任单位",
    "备注",
)
FUNDING_SOURCES = ("中央", "省级", "市级", "区县级", "乡镇级", "其他")  # the keys of 资金来源, in order

# -- 表格 (docs/tables.md) ---------------------------------------------------------------------------

DECLARED_TABLE_REQUIRED = ("编号", TITLE, "列", "行")
DECLARED_TABLE_OPTIONAL = ("表头", "分组列", "合计行", "合计名称", "合计公布值", "合计应等于", "排序", "位置")
PLACEMENTS = ("附件", "正文")  # 位置: an attachment, or in the body; {章节: 标题} after that section
PLACEMENT_SECTION = "章节"
COLUMN_KEYS = ("名称", "显示为", "单位", "文本", "小数位", "对齐", "宽度", "公式", "合计")
HEADER_GROUP_KEYS = ("名称", "列")
SORT_KEYS = ("列", "顺序")
ALIGNMENTS = ("左", "中", "右")
ORDERS = ("降序", "升序")
# A row group's own keys; every other key of a group is a cell of its own row (the indicator's target).
ROW_GROUP_KEYS = ("分组", "行", "小计", "小计公布值", "核对")
PRINTED = "公布值"  # a computed cell's printed value: {公布值: 98.5}
