"""One exception hierarchy with stable codes, so users, logs and tests can tell problems apart.

Codes: ``RG1xx`` ledger (load & validate), ``RG2xx`` findings (the data loads but something in it
does not add up), ``RG3xx`` templates, ``RG4xx`` rendering and conversion, ``RG5xx`` batch runs,
``RG6xx`` the web application (``reportgen serve``).
Messages are Chinese and name the file, the place, the value and what was expected; ``repr`` is
English for logs.  ``docs/errors.md`` lists every code.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

# Every code the library can raise or report, with a short Chinese title and an English one.
CODES: dict[str, tuple[str, str]] = {
    "RG101": ("文件无法读取", "file cannot be read"),
    "RG102": ("YAML 语法错误", "YAML syntax error"),
    "RG103": ("未知字段", "unknown key"),
    "RG104": ("缺少必填字段", "missing required key"),
    "RG105": ("类型不符", "wrong type"),
    "RG106": ("数值无效", "invalid number"),
    "RG107": ("单位无效", "invalid unit"),
    "RG108": ("数值不能为负", "negative value"),
    "RG109": ("期间无效", "invalid period"),
    "RG110": ("日期无效", "invalid date"),
    "RG111": ("编号重复或无效", "duplicate or invalid id"),
    "RG112": ("引用了不存在的指标", "unknown figure reference"),
    "RG113": ("单位不可比", "incompatible units"),
    "RG114": ("文件过大或结构过深", "input too large"),
    "RG115": ("公式没有计算结果", "formula has no cached value"),
    "RG116": ("工作簿结构不符", "workbook layout does not match"),
    "RG117": ("未知的报告类型", "unknown report kind"),
    "RG118": ("合并了单元格", "merged cells in a workbook's data"),
    "RG119": ("文字中有不能写入文档的字符", "character that no document can hold"),
    "RG120": ("普通文字字段中写了模板语法", "template syntax in a plain text field"),
    "RG121": ("表格引用了不存在的列", "unknown column in a declared table"),
    "RG122": ("表格的公式循环引用", "cycle between a table's formulas"),
    "RG123": ("计数列不能有小数", "decimals in a count column"),
    "RG124": ("表格列的单位不可比", "unit mismatch in a table's formula"),
    "RG125": ("表格或列的名称重复", "duplicate table or column name"),
    "RG126": ("表格的写法不适用于该列", "table setting that does not apply to the column"),
    "RG127": ("表格的位置指向不存在的章节", "table placed after a section that does not exist"),
    "RG128": ("版头的写法不符合 GB/T 9704", "banner element not written as GB/T 9704 requires"),
    "RG129": ("印章图片不能使用", "seal image refused"),
    "RG130": ("汇总的写法有误", "roll-up declaration wrong"),
    "RG131": ("下级台账不能汇总", "a unit's ledger cannot be rolled up"),
    "RG201": ("资金来源之和与计划安排资金不符", "funding sources do not add up"),
    "RG202": ("超计划", "over plan"),
    "RG203": ("实际拨付超过下达预算", "paid exceeds budget issued"),
    "RG204": ("同名指标数值不一致", "same-named figures disagree"),
    "RG205": ("同一栏金额以不同单位录入", "one column entered in different units"),
    "RG206": ("比例无法计算", "ratio has no denominator"),
    "RG207": ("正文中直接写入了数字", "literal number in narrative"),
    "RG208": ("分项之和与总数不符", "breakdown does not add up to the total"),
    "RG209": ("“其中”超过总数", "parts exceed the whole"),
    "RG210": ("公布值与计算值不符", "published value disagrees with the computation"),
    "RG211": ("目标未完成或没有完成值", "target not reached, or no value to judge it by"),
    "RG212": ("口径不一致", "stock, flow and plan figures mixed"),
    "RG213": ("分项的单位与总数不可比，无法核对", "parts in a unit the whole cannot be compared with"),
    "RG214": ("表格的公布值与计算值不符", "a table's printed value disagrees with the computation"),
    "RG215": ("表格中各行之和与上级或指标不符", "a table's rows do not add up to their parent"),
    "RG216": ("本级填写的数与下级之和不符", "a parent's typed figure differs from its units' sum"),
    "RG217": ("按印出的数看不出已完成目标", "a target met by the exact value but not by the printed one"),
    "RG218": ("计数的列算出了小数", "a count column's formula gives a fraction, printed rounded"),
    "RG301": ("模板语法错误", "template syntax error"),
    "RG302": ("模板引用了未定义的变量", "undefined template variable"),
    "RG303": ("模板执行出错", "template runtime error"),
    "RG304": ("模板试图访问不安全的内容", "unsafe template operation"),
    "RG305": ("无法读取 .docx 模板", "unreadable .docx template"),
    "RG306": ("模板超出限制（循环过长或输出过大）", "template exceeded a limit (loop length or output size)"),
    "RG307": ("正文引用的表格、行或列不存在或不明确", "narrative quotes an unknown or ambiguous table cell"),
    "RG308": ("模板标签被拆成了几段格式", "template tag split across runs"),
    "RG309": ("未知的模板标签", "unknown template tag"),
    "RG310": ("模板块标签不成对", "unbalanced template block"),
    "RG311": ("报告类型定义无效", "invalid report kind definition"),
    "RG312": ("模板中没有台账某一部分的位置", "template has no place for a part of the ledger"),
    "RG313": ("图片不能使用", "picture refused"),
    "RG314": ("富文本的格式无效", "invalid rich text formatting"),
    "RG315": ("段落的样式或位置无效", "paragraph style missing, or a paragraph value inside a paragraph"),
    "RG316": ("子文档含无法带入的内容", "sub-document content that cannot be carried into the template"),
    "RG320": ("模板文件超出限制（部件过多、过大或压缩比过高）", "template package exceeds a limit"),
    "RG321": ("模板中的部件名不安全或重复", "unsafe or duplicate member name in template package"),
    "RG322": ("模板含宏、ActiveX 控件或嵌入的 OLE 对象", "template holds macros, ActiveX or OLE objects"),
    "RG323": ("模板引用了外部资源", "template relationship with an external target"),
    "RG401": ("无法写出文件", "output cannot be written"),
    "RG402": ("不支持的输出格式", "unknown output format"),
    "RG403": ("台账缺少该格式所需的内容", "ledger lacks what the format needs"),
    "RG404": ("未找到 LibreOffice，无法生成 PDF", "LibreOffice not found"),
    "RG405": ("LibreOffice 转换超时", "LibreOffice conversion timed out"),
    "RG406": ("LibreOffice 转换失败", "LibreOffice conversion failed"),
    "RG407": ("模板渲染出的文档结构无效", "template rendered malformed XML"),
    "RG408": ("未找到中文字体，无法绘制图表", "no CJK font for charts"),
    "RG409": ("reportgen 安装不完整", "reportgen installation incomplete"),
    "RG410": ("命令行用法错误", "command-line usage error"),
    "RG411": ("文档链接了文档以外的内容", "document links to something outside its package"),
    "RG412": ("PDF 中的字体被替换", "a font of the document was substituted in the PDF"),
    "RG501": ("生成该单位时发生内部错误", "internal error while rendering a unit"),
    "RG502": ("批量中单位名称重复", "duplicate unit name in a batch"),
    "RG503": ("批量执行器不可用", "batch executor unavailable"),
    "RG504": ("工作进程异常退出", "worker process died"),
    "RG505": ("单位超过时限", "unit exceeded its wall-clock limit"),
    "RG506": ("单位超过内存上限", "unit exceeded its memory limit"),
    "RG507": ("下级单位未能生成，上级不汇总", "a unit of this roll-up failed in the batch"),
    "RG601": ("请求无效", "bad request"),
    "RG602": ("表单已过期或来源不明", "form expired or of unknown origin (CSRF)"),
    "RG603": ("上传的文件过大", "upload too large"),
    "RG604": ("需要登录", "login required or wrong credentials"),
    "RG605": ("页面或文件不存在", "page or file not found"),
    "RG606": ("请求方式不对", "method not allowed"),
    "RG607": ("不支持的文件类型", "unsupported file type"),
    "RG608": ("没有选择文件", "no file chosen, or the file is empty"),
    "RG609": ("服务器内部错误", "internal server error"),
    "RG610": ("只能对比同一单位的两份台账", "only two ledgers of one unit can be compared"),
}


# The command's exit statuses (docs/cli.md), one meaning each for every subcommand: 0 done (findings
# may have been printed), 1 findings under --strict (nothing else wrong), 2 an error — a coded
# problem (RG1xx–RG6xx: the ledger, a template, an output, a unit of a batch, a usage mistake RG410).
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


# What the operating system said (``strerror`` is English, or the locale's language): in Chinese.
_OS_ERRORS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EEXIST: "已经存在",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "磁盘是只读的",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EMFILE: "打开的文件过多",
    errno.ENFILE: "打开的文件过多",
    errno.ELOOP: "符号链接层层相套",
    errno.EIO: "读写出错（磁盘或网络故障）",
    errno.EBUSY: "文件正被其他程序使用",
    errno.ETXTBSY: "文件正被其他程序使用",
    errno.EFBIG: "文件过大",
    errno.EDQUOT: "磁盘配额已用完",
    errno.ENOEXEC: "不是可以运行的程序",
    errno.ENOMEM: "内存不足",
}


def os_error_text(exc: OSError) -> str:
    """An ``OSError`` in Chinese for a message: 文件或文件夹不存在, 没有权限 … (the errno name,
    e.g. ``EXDEV``, for a rare one), never the system's English ``strerror``."""
    if exc.errno in _OS_ERRORS:
        return _OS_ERRORS[exc.errno]
    name = errno.errorcode.get(exc.errno, "") if exc.errno is not None else ""
    return f"系统错误 {name}" if name else "系统错误"


class Severity(Enum):
    """How serious a finding is: an error stops a render (the template lint reports it before that),
    a warning needs a person's decision, a notice is for the record."""

    ERROR = "错误"
    WARNING = "警告"
    NOTICE = "提示"


@dataclass(frozen=True)
class Problem:
    """Where and what: the common description of an error or a finding.

    ``place`` is a field path (``一览表.项目[2].计划安排资金``) or a sheet!cell; ``line`` the line in
    the file when known.  Every part is optional except the code and the message.
    """

    code: str
    message: str
    file: Path | str | None = None
    place: str | None = None
    line: int | None = None
    value: object = None
    expected: str | None = None

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unregistered problem code {self.code}")

    @property
    def title(self) -> str:
        return CODES[self.code][0]

    def location(self, line_format: str = "第{}行") -> str:
        parts: list[str] = []
        if self.file is not None:
            parts.append(str(self.file))
        if self.line is not None:
            parts.append(line_format.format(self.line))
        if self.place:
            parts.append(self.place)
        return " ".join(parts)

    def english(self) -> str:
        """A short English line for logs and bug reports: code, title, where (the detail stays Chinese)."""
        where = self.location("line {}")
        return f"{self.code} {CODES[self.code][1]}" + (f" at {where}" if where else "")

    def as_json(self, severity: Severity) -> dict[str, object]:
        """The problem for ``--json`` (docs/cli.md), keys in this order: every field, the value as
        exact text (a ``Decimal`` keeps its digits), and the line a person reads."""
        return {
            "code": self.code,
            "severity": severity.name.lower(),
            "title": self.title,
            "message": self.message,
            "file": None if self.file is None else str(self.file),
            "place": self.place,
            "line": self.line,
            "value": None if self.value is None else str(self.value),
            "expected": self.expected,
            "text": self.describe(),
        }

    def describe(self) -> str:
        """The one-line Chinese text a person reads: code, place, what is wrong, what was expected."""
        text = f"{self.code} {self.title}"
        where = self.location()
        if where:
            text += f"（{where}）"
        text += f"：{self.message}"
        if self.value is not None:
            text += f"；当前值：{_show(self.value)}"
        if self.expected:
            text += f"；应为：{self.expected}"
        return text


def _show(value: object) -> str:
    text = str(value)
    return "“" + (text if len(text) <= 60 else text[:57] + "…") + "”"


class ReportError(Exception):
    """Base of every error reportgen raises on purpose; carries one or more ``Problem``s."""

    def __init__(self, problem: Problem, *more: Problem) -> None:
        self.problems: tuple[Problem, ...] = (problem, *more)
        super().__init__(problem.describe())

    @property
    def code(self) -> str:
        return self.problems[0].code

    def __str__(self) -> str:
        return "\n".join(p.describe() for p in self.problems)

    def __repr__(self) -> str:
        more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        return f"{type(self).__name__}({self.problems[0].english()}{more})"


class LedgerError(ReportError):
    """The ledger cannot be loaded: RG1xx."""


class TemplateError(ReportError):
    """A template (a ledger's narrative text or a template file) is broken or unsafe: RG3xx."""


class BatchError(ReportError):
    """A batch cannot run at all (RG5xx): no scheduler, no workers.  A failing unit is not this."""


class RenderError(ReportError):
    """An output cannot be produced or written: RG4xx."""


@dataclass(frozen=True)
class Finding:
    """Something that loads but does not add up (RG2xx): reported by ``check``, never silent."""

    problem: Problem
    severity: Severity = Severity.WARNING

    @property
    def code(self) -> str:
        return self.problem.code

    def describe(self) -> str:
        return f"[{self.severity.value}] {self.problem.describe()}"

    def as_json(self) -> dict[str, object]:
        return self.problem.as_json(self.severity)
