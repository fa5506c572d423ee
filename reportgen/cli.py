"""The ``reportgen`` command: ``check`` and ``render`` for people who do not write Python, ``init``
for a new ledger (Excel or YAML, with the example filled in) and ``convert`` between the two.

User errors print as coded Chinese messages and exit 2 without a traceback (``--debug`` shows it);
findings print as warnings.  Exit codes (docs/cli.md): 0 fine, 1 findings under ``--strict``, 2 errors.
``check --json`` and ``render --json`` print one JSON document instead, for scripts; ``-`` reads a
ledger from standard input.

Only what building the parser needs is imported at the top: the pipeline (Jinja, openpyxl, docxtpl…)
is imported by the commands that run it, so ``reportgen --help`` starts at once and ``check`` pays
for it once, in its worker (issue 18, part 6).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from reportgen import __version__
from reportgen.base.errors import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    Finding,
    LedgerError,
    Problem,
    ReportError,
    Severity,
)
from reportgen.batch.worker import (
    DEFAULT_MEMORY_LIMIT_MIB,
    DEFAULT_TIME_LIMIT,
    Limits,
    Stopped,
    Worker,
    call,
    office_hint,
)
from reportgen.render import WRITERS, RenderOptions
from reportgen.render.output import safe_name
from reportgen.serve import command as serve_command

if TYPE_CHECKING:
    from reportgen.api import Report, ReportChoices

__all__ = ["EXIT_ERROR", "EXIT_FINDINGS", "EXIT_OK", "build_parser", "main"]

STDIN = "-"  # the ledger argument that reads standard input
DEFAULT_STDIN_NAME = "stdin"

# argparse's own messages (English, from its gettext catalogue) → Chinese, matched in order.
_ARGPARSE_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (.+)", r"缺少参数：\1"),
    (r"unrecognized arguments: (.+)", r"无法识别的参数：\1"),
    (r"argument (\S+?): invalid choice: (.+?) \(choose from (.+)\)", r"参数 \1 的值\2无效，可选：\3"),
    (r"argument (\S+?): invalid \S+ value: (.+)", r"参数 \1 的值\2无效"),
    (r"argument (\S+?): not allowed with argument (.+)", r"参数 \1 不能与 \2 同时使用"),
    (r"argument (\S+?): expected one argument", r"参数 \1 后面需要一个值"),
    (r"argument (\S+?): expected at least one argument", r"参数 \1 后面至少需要一个值"),
    (r"argument (\S+?): expected at most one argument", r"参数 \1 后面最多一个值"),
    (r"argument (\S+?): expected (\d+) arguments?", r"参数 \1 后面需要 \2 个值"),
    (r"argument (\S+?): ignored explicit argument (.+)", r"参数 \1 不接受值 \2"),
    (r"one of the arguments (.+) is required", r"必须给出 \1 之一"),
    (r"argument (\S+?): (.*[\u4e00-\u9fff].*)", r"参数 \1：\2"),  # ours (ArgumentTypeError)
    (r"ambiguous option: (\S+) could match (.+)", r"选项 \1 有歧义，可能是 \2"),
)


class UsageError(SystemExit):
    """A command line argparse refused (RG410), already shown on stderr: ``SystemExit(2)`` that keeps
    the Chinese message, so ``--json`` can report it too."""

    def __init__(self, message: str) -> None:
        super().__init__(EXIT_ERROR)
        self.message = message


class LazyChoices:
    """``choices`` for argparse that are looked up only when the option is given or help is shown:
    ``--script``'s come from ``document.traditional``, whose import (the document layer, Babel…)
    ``reportgen --help`` should not pay.  ``help`` is the option's help, with ``{choices}`` for the
    list of ``key name``; ``ChineseArgumentParser.format_help`` fills it in."""

    def __init__(self, load: Callable[[], dict[str, str]], help: str) -> None:
        self._load = load
        self.help = help

    def __contains__(self, key: object) -> bool:
        return key in self._load()

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def described(self) -> str:
        return self.help.format(choices="；".join(f"{key} {name}" for key, name in self._load().items()))


def _scripts() -> dict[str, str]:
    from reportgen.document.traditional import SCRIPTS

    return {key: script.name for key, script in SCRIPTS.items()}


class ChineseArgumentParser(argparse.ArgumentParser):
    """``argparse`` speaking Chinese: usage, section titles, ``-h`` and the error messages
    (``error`` translates argparse's English; one it does not know is shown as the usage hint alone)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{**kwargs, "add_help": False})
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示帮助并退出")

    def format_usage(self) -> str:
        return _chinese_usage(super().format_usage())

    def format_help(self) -> str:
        for action in self._actions:
            if isinstance(action.choices, LazyChoices):
                action.help = action.choices.described()
        return _chinese_usage(super().format_help())

    def error(self, message: str) -> NoReturn:
        for pattern, chinese in _ARGPARSE_MESSAGES:
            if re.fullmatch(pattern, message):
                message = re.sub(pattern, chinese, message)
                message = re.sub(r"'([^']*)'", r"“\1”", message).replace("”, “", "”、“")
                break
        else:
            message = "命令行参数不对"
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}：RG410 命令行用法错误：{message}（加 -h 查看帮助）\n")
        raise UsageError(message)


def _seconds(text: str) -> float:
    """A positive number of seconds (``--pdf-timeout``)."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"“{text}”不是正的秒数")
    return value


def _mebibytes(text: str) -> int:
    """A memory bound in MiB (``--memory-limit``): below 256 not even Python and reportgen start."""
    if not text.isdigit() or int(text) < 256:
        raise argparse.ArgumentTypeError(f"“{text}”不是不小于 256 的整数（MiB）")
    return int(text)


def _unit_name(text: str) -> str:
    """``--name``: a unit's name for the outputs of a ledger on stdin, not a path (``safe_name`` then
    makes it a file name the system accepts)."""
    if not text.strip() or any(sep in text for sep in "/\\") or text.strip(".") == "":
        raise argparse.ArgumentTypeError(f"“{text}”不是单位名（不能为空、不能含 / 或 \\）")
    return text


def _chinese_usage(text: str) -> str:
    return re.sub(r"^usage: ", "用法：", text)


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="reportgen", description="由台账生成民政工作进度报告（正文与一览表）")
    parser.add_argument("--debug", action="store_true", help="出错时显示完整的 Python 调用栈")
    parser.add_argument("--version", action="version", version=f"reportgen {__version__}", help="显示版本号")
    commands = parser.add_subparsers(dest="command", required=True, title="命令", metavar="命令")

    check = commands.add_parser("check", help="检查台账：格式错误、数字不一致、超计划等")
    check.add_argument("ledgers", nargs="+", type=Path, metavar="台账", help=LEDGERS_HELP)
    check.add_argument("--strict", action="store_true", help="有警告时以状态码 1 退出")
    _add_machine_options(check)
    check.add_argument(
        "--templates", type=Path, metavar="目录", action="append", default=[], help="自定义模板目录"
    )
    _add_limit_options(check)

    render = commands.add_parser("render", help="生成报告")
    render.add_argument("ledgers", nargs="+", type=Path, metavar="台账", help=LEDGERS_HELP)
    render.add_argument(
        "-o", "--out", type=Path, metavar="目录", default=Path("out"), help="输出目录（默认 out/）"
    )
    render.add_argument(
        "-f", "--formats", metavar="格式", default="md,html", help=f"输出格式，逗号分隔：{','.join(WRITERS)}"
    )
    render.add_argument("--strict", action="store_true", help="有警告时不生成并以状态码 1 退出")
    render.add_argument("--quiet", action="store_true", help="不显示检查发现的问题")
    _add_machine_options(render)
    _add_output_options(render)
    _add_limit_options(render)
    init = commands.add_parser("init", help="新建台账：写出一份填好示例的 Excel 或 YAML 台账")
    kind = init.add_mutually_exclusive_group(required=True)
    kind.add_argument("--excel", type=Path, metavar="台账.xlsx", help="写出 Excel 台账（推荐）")
    kind.add_argument("--yaml", type=Path, metavar="台账.yaml", help="写出 YAML 台账")
    init.add_argument(
        "--kind",
        metavar="类型",
        help="写出这种报告的示例台账（类型或编号，如 通报、notice；见 reportgen kinds）",
    )
    init.add_argument("--force", action="store_true", help="文件已存在时覆盖")
    convert = commands.add_parser(
        "convert", help="Excel 台账与 YAML 台账互相转换（按扩展名；先检查台账，有错误时不写出）"
    )
    convert.add_argument("source", type=Path, metavar="原台账", help="原台账（.xlsx 或 .yaml）")
    convert.add_argument("target", type=Path, metavar="新台账", help="新台账（.yaml 或 .xlsx）")
    convert.add_argument("--force", action="store_true", help="目标文件已存在时覆盖")
    lint = commands.add_parser(
        "lint", help="检查 Word 模板：标签拆分、未知或不成对的标签、未定义的名称、直接写入的数字"
    )
    lint.add_argument("template", type=Path, metavar="模板.docx", help="Word 模板（.docx）")
    lint.add_argument(
        "--ledger", type=Path, metavar="台账", default=None, help="用这份台账试渲染一次，找出与数据有关的错误"
    )
    lint.add_argument("--strict", action="store_true", help="有警告时以状态码 1 退出")
    lint.add_argument(
        "--templates", type=Path, metavar="目录", action="append", default=[], help="自定义模板目录"
    )

    kinds = commands.add_parser("kinds", help="列出可用的报告类型（模板包）")
    kinds.add_argument(
        "--templates", type=Path, metavar="目录", action="append", default=[], help="自定义模板目录"
    )
    batch = commands.add_parser("batch", help="批量生成：每个台账一个文件夹，最后输出汇总表")
    batch.add_argument(
        "ledgers", nargs="+", type=Path, metavar="台账", help="台账文件（.xlsx 或 .yaml），可用通配符"
    )
    batch.add_argument(
        "-o", "--out", type=Path, metavar="目录", default=Path("out"), help="输出目录（默认 out/）"
    )
    batch.add_argument(
        "-f", "--formats", metavar="格式", default="docx,xlsx", help="输出格式，逗号分隔（默认 docx,xlsx）"
    )
    batch.add_argument(
        "-j", "--jobs", type=int, metavar="进程数", default=None, help="并行进程数（默认 = CPU 核数）"
    )
    batch.add_argument("--executor", choices=("process", "dask", "serial"), default="process", help="执行器")
    batch.add_argument(
        "--scheduler",
        default=None,
        metavar="地址",
        help="Dask 调度器地址 tcp://主机:8786（不填则启动本机集群）",
    )
    batch.add_argument("--force", action="store_true", help="全部重新生成（默认跳过输入未变的单位）")
    _add_output_options(batch)
    _add_limit_options(batch)
    batch.add_argument("--no-progress", action="store_true", help="不显示进度")
    serve = commands.add_parser("serve", help="启动网页服务：在浏览器中新建、上传、检查台账，预览和下载报告")
    serve_command.add_options(serve)
    _add_limit_options(serve)
    return parser


LEDGERS_HELP = "台账文件（.xlsx 或 .yaml）；- 表示从标准输入读取（YAML 或 Excel，按内容判断）"


def _add_machine_options(command: argparse.ArgumentParser) -> None:
    """What ``check`` and ``render`` share for scripts: JSON on stdout, a name for a ledger on stdin."""
    command.add_argument(
        "--json",
        action="store_true",
        help="在标准输出打印一份 JSON：每条问题、汇总和状态码（见 docs/cli.md）",
    )
    command.add_argument(
        "--name",
        default=DEFAULT_STDIN_NAME,
        type=_unit_name,
        metavar="单位名",
        help=f"从标准输入（-）读取的台账的名称，用作输出文件名（默认 {DEFAULT_STDIN_NAME}）",
    )


def _add_limit_options(command: argparse.ArgumentParser) -> None:
    """The bound on each ledger (unit) that ``check``, ``render`` and ``batch`` share (issue 14)."""
    command.add_argument(
        "--time-limit",
        type=_seconds,
        default=DEFAULT_TIME_LIMIT,
        metavar="秒",
        help=f"每个台账（单位）的时限，秒，含 PDF；超时的单位记为 RG505（默认 {DEFAULT_TIME_LIMIT:g}）",
    )
    command.add_argument(
        "--memory-limit",
        type=_mebibytes,
        default=DEFAULT_MEMORY_LIMIT_MIB,
        metavar="MB",
        help=f"每个单位的内存上限（MiB，含 LibreOffice）；超出记为 RG506（默认 {DEFAULT_MEMORY_LIMIT_MIB}）",
    )


def _limits(args: argparse.Namespace) -> Limits:
    return Limits(args.time_limit, args.memory_limit)


def _add_output_options(command: argparse.ArgumentParser) -> None:
    """The choices that ``render`` and ``batch`` share: about the report (``ReportChoices``) and how
    each format is written (``RenderOptions``)."""
    command.add_argument(
        "--templates", type=Path, metavar="目录", action="append", default=[], help="自定义模板目录"
    )
    command.add_argument(
        "--template",
        type=Path,
        default=None,
        metavar="模板.docx",
        help="自己的 Word 模板（.docx，docxtpl 标签；见 docs/templates.md）",
    )
    command.add_argument(
        "--total-formulas",
        action="store_true",
        help=".xlsx 的合计行和表格中算出的格写成公式（附计算值）",
    )
    command.add_argument(
        "--pdf-timeout",
        type=_seconds,
        default=120.0,
        metavar="秒",
        help="每份 PDF 的转换时限，秒（默认 120）",
    )
    command.add_argument(
        "--pdf-a",
        dest="pdf_archive",
        action="store_true",
        help="PDF 存为 PDF/A-2b（归档用：字体全部嵌入、带结构标记和 XMP 元数据）",
    )
    command.add_argument(
        "--script",
        choices=LazyChoices(_scripts, "字形：{choices}"),
        default="hans",
        metavar="字形",
        help="字形（hans 简体、hant 繁体等）",
    )
    command.add_argument(
        "--kind",
        default=None,
        metavar="类型",
        help="报告类型（见 reportgen kinds），默认按台账的“类型”；同一台账可生成不同类型的报告",
    )
    charts = command.add_mutually_exclusive_group()
    charts.add_argument(
        "--charts", dest="charts", action="store_true", default=None, help="附图表（不论台账“图表”怎么填）"
    )
    charts.add_argument("--no-charts", dest="charts", action="store_false", help="不附图表")


def _choices(args: argparse.Namespace) -> ReportChoices:
    """What the command line chose about the report; ``check`` has no such options and gets the defaults."""
    from reportgen.api import ReportChoices

    return ReportChoices(
        kind=getattr(args, "kind", None),
        charts=getattr(args, "charts", None),
        script=getattr(args, "script", "hans"),
    )


def _options(args: argparse.Namespace) -> RenderOptions:
    """What the command line chose about writing each format; defaults for ``check``, as above."""
    return RenderOptions(
        docx_template=getattr(args, "template", None),
        xlsx_total_formulas=getattr(args, "total_formulas", False),
        pdf_timeout=getattr(args, "pdf_timeout", 120.0),
        pdf_archive=getattr(args, "pdf_archive", False),
    )


def run_lint(args: argparse.Namespace) -> int:
    from reportgen.api import load
    from reportgen.render.docx.template_lint import lint_template
    from reportgen.templating.sandbox import make_environment

    env = make_environment(tuple(args.templates))
    document = load(args.ledger, templates=args.templates).document if args.ledger else None
    found = lint_template(args.template, env, document)
    for finding in found:
        print(finding.describe())
    errors = sum(f.severity is Severity.ERROR for f in found)
    print(
        f"{args.template}：{errors} 个错误，{len(found) - errors} 条警告或提示"
        if found
        else f"{args.template}：未发现问题"
    )
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if found and args.strict else EXIT_OK


def run_batch(args: argparse.Namespace) -> int:
    from reportgen.batch.run import render_batch

    summary = render_batch(
        args.ledgers,
        args.formats,
        args.out,
        executor=args.executor,
        jobs=args.jobs,
        scheduler=args.scheduler,
        force=args.force,
        choices=_choices(args),
        options=_options(args),
        templates=args.templates,
        progress=not args.no_progress,
        limits=_limits(args),
    )
    print(summary.table())
    if len(summary.results) <= 10:  # a few units (make quarterly): say where each file is
        for result in summary.results:
            for output in result.outputs:
                print(f"  {output}")
    print(f"汇总：{args.out / 'batch-summary.csv'}  {args.out / 'batch-summary.json'}")
    return EXIT_OK if summary.ok else EXIT_ERROR


def run_init(args: argparse.Namespace) -> int:
    from reportgen.api import new_ledger

    target: Path = args.excel or args.yaml
    wanted = (".xlsx",) if args.excel else (".yaml", ".yml")
    if target.suffix.lower() not in wanted:
        option = "--excel" if args.excel else "--yaml"
        print(f"RG402 {option} 的文件名应以 {' 或 '.join(wanted)} 结尾：{target}", file=sys.stderr)
        return EXIT_ERROR
    written = new_ledger(target, force=args.force, kind=args.kind)
    print(f"已写出台账（内容是示例，请改成本单位的数据）：{written}")
    print(f"检查：reportgen check {written}    生成报告：reportgen render {written} -f docx,xlsx")
    return EXIT_OK


def run_kinds(args: argparse.Namespace) -> int:
    """The kinds a ledger's 类型 (or ``--kind``) can name, where each pack lives and its sample."""
    from reportgen.base.resources import builtin_templates, sample_ledger
    from reportgen.kinds import find_kinds
    from reportgen.ledger.keys import PLACEMENTS
    from reportgen.ledger.parts import UNUSED

    for kind in find_kinds(args.templates, builtin_templates()):
        needs = "、".join(kind.required) or "—"
        # what the kind lets a ledger go without, or does not use, beyond what every kind may leave out
        loose = "".join(
            f"；{label}：{'、'.join(parts)}"
            for label, parts in (("可不填", kind.needs.relaxed()), ("不用", kind.needs.parts(UNUSED)))
            if parts
        )
        # where its tables go when they say no 位置, when that is not the usual 附件
        placed = f"；表格位置：{kind.table_placement}" if kind.table_placement != PLACEMENTS[0] else ""
        print(
            f"{kind.type_name}（{kind.id}）：{kind.title}；版式：{kind.layout}；需要：{needs}{loose}{placed}"
        )
        installed = sample_ledger(kind.sample) if kind.sample else None
        sample = f"；示例：{installed or kind.sample}" if kind.sample else ""
        start = f"（以它开始：reportgen init --kind {kind.id} --excel 台账.xlsx）" if installed else ""
        print(f"    模板：{kind.folders[0]}{sample}{start}")
    return EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    return serve_command.run(args, _limits(args))


def run_convert(args: argparse.Namespace) -> int:
    from reportgen.api import convert_ledger

    written = convert_ledger(args.source, args.target, force=args.force)
    print(f"已转换：{args.source} → {written}")
    return EXIT_OK


def _print_findings(found: list[Finding], stream: TextIO, quiet: bool) -> None:
    if quiet:
        return
    for finding in found:
        print(finding.describe(), file=stream)


@dataclass
class LedgerRun:
    """What ``check`` or ``render`` did with one ledger: the status, the text it printed (shown in
    ledger order by the parent), and the same as values for ``--json``."""

    ledger: str  # as given on the command line; "-" for standard input
    name: str  # the outputs' base name
    status: int = EXIT_OK
    out: str = ""
    err: str = ""
    findings: list[Finding] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    notices: list[Finding] = field(default_factory=list)

    def fail(self, problems: Sequence[Problem], text: str) -> None:
        self.status = EXIT_ERROR
        self.errors.extend(problems)
        self.err += text

    def as_json(self, command: str) -> dict[str, object]:
        entry: dict[str, object] = {
            "ledger": self.ledger,
            "name": self.name,
            "status": self.status,
            "findings": [finding.as_json() for finding in self.findings],
            "errors": [problem.as_json(Severity.ERROR) for problem in self.errors],
        }
        if command == "render":
            entry["outputs"] = self.outputs
            entry["notices"] = [finding.as_json() for finding in self.notices]
        return entry


def json_document(
    command: str | None, runs: Sequence[LedgerRun], status: int, errors: Sequence[Problem] = ()
) -> str:
    """The one JSON document of ``--json`` (schema in docs/cli.md): keys in a fixed order, Chinese
    as itself (UTF-8), a newline at the end."""
    counts = {severity.name.lower(): 0 for severity in Severity}
    counts["error"] += len(errors)
    for run in runs:
        counts["error"] += len(run.errors)
        for finding in [*run.findings, *run.notices]:
            counts[finding.severity.name.lower()] += 1
    document = {
        "reportgen": __version__,
        "command": command,
        "exit_status": status,
        "summary": {
            "ledgers": len(runs),
            "failed": sum(run.status == EXIT_ERROR for run in runs),
            **counts,
        },
        "errors": [problem.as_json(Severity.ERROR) for problem in errors],
        "ledgers": [run.as_json(command or "") for run in runs],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _write_json(text: str) -> None:
    """UTF-8 whatever the locale says stdout is (a script reads bytes; ``PYTHONIOENCODING=ascii``
    or a GBK console must not turn the Chinese into an exception or ``?``)."""
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()


def _wants_json(argv: Sequence[str]) -> bool:
    return "--json" in argv[: argv.index("--") if "--" in argv else len(argv)]


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; a reader that stops reading (``reportgen kinds | head``) ends it quietly,
    with status 2, never with Python's BrokenPipeError traceback."""
    try:
        return _main(argv)
    except BrokenPipeError:
        # Python's recipe: no more output, and none at exit when it flushes the closed stdout
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR


def _main(argv: Sequence[str] | None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(arguments)
    except UsageError as error:
        if not _wants_json(arguments):
            raise
        _write_json(json_document(None, [], EXIT_ERROR, [Problem("RG410", error.message)]))
        return EXIT_ERROR
    commands = {
        "batch": run_batch,
        "lint": run_lint,
        "init": run_init,
        "convert": run_convert,
        "kinds": run_kinds,
        "serve": run_serve,
    }
    if args.command in commands:
        try:
            return commands[args.command](args)
        except ReportError as error:
            if args.debug:
                raise
            print(str(error), file=sys.stderr)
            return EXIT_ERROR
    runs = run_ledgers(args)
    status = max((run.status for run in runs), default=EXIT_OK)
    if args.json:
        _write_json(json_document(args.command, runs, status))
    return status


def run_ledgers(args: argparse.Namespace) -> list[LedgerRun]:
    """``check`` or ``render`` of every ledger, each in a worker process killed at its limits; one
    worker serves every ledger (its start, the pipeline's imports, is paid once) and is replaced
    after a kill.  Without ``--json`` each ledger's text is printed as soon as it is done."""
    from reportgen import cli as cli_module  # by its name even under ``python -m reportgen.cli``

    limits = _limits(args)
    worker: Worker | None = None
    written: dict[str, str] = {}  # output name (case-folded) → the ledger that takes it in ``-o``
    runs: list[LedgerRun] = []
    stdin_read = False
    try:
        for path in args.ledgers:
            ledger = str(path)
            from_stdin = ledger == STDIN
            run = cli_module.LedgerRun(ledger, safe_name(args.name if from_stdin else Path(ledger).stem))
            runs.append(run)
            taken = written.setdefault(run.name.casefold(), ledger)
            if from_stdin and stdin_read:
                problem = Problem("RG410", "标准输入（-）只能读取一次", value=STDIN, expected="只写一个 -")
                run.fail([problem], problem.describe() + "\n")
            elif args.command == "render" and taken != ledger:
                problem = Problem(
                    "RG502",
                    f"输出文件名与 {taken} 相同，会覆盖它的报告，未生成",
                    file=ledger,
                    expected="改台账文件名（或 --name），或用 reportgen batch（每个单位一个文件夹）",
                )
                run.fail([problem], problem.describe() + "\n")
            else:
                data = None
                if from_stdin:
                    stdin_read = True
                    data = read_stdin()
                worker = worker or Worker(limits)
                try:
                    run = runs[-1] = call(worker, cli_module.run_ledger, args, run, data)
                except Stopped as stop:
                    worker = None
                    problem = Problem(stop.code, stop.message, file=ledger)
                    run.fail([problem], f"{stop.code} {ledger}：{stop.message}\n")
                except RuntimeError as bug:  # a bug of ours in the worker: this ledger fails, the rest go on
                    if args.debug:
                        raise
                    problem = Problem("RG501", f"内部错误：{str(bug).strip().splitlines()[-1]}", file=ledger)
                    run.fail([problem], problem.describe() + "\n")
            if not args.json:
                sys.stdout.write(run.out)
                sys.stderr.write(run.err)
    finally:
        if worker is not None:
            worker.stop()
    return runs


def read_stdin() -> bytes:
    """A ledger's bytes from standard input, at most one byte more than a ledger file may have
    (``MAX_FILE_BYTES``): the worker refuses more as RG114 without this process reading it all."""
    from reportgen.ledger.yaml.read import MAX_FILE_BYTES

    return sys.stdin.buffer.read(MAX_FILE_BYTES + 1)


def run_ledger(args: argparse.Namespace, run: LedgerRun, data: bytes | None = None) -> LedgerRun:
    """``check`` or ``render`` of one ledger, run in a bounded child (``Worker``/``call``): ``run``
    filled in, its text printed by the parent in ledger order.  ``data`` is a ledger read from
    standard input: a workbook when its bytes say so (whatever ``--name`` says), else YAML."""
    out, err = io.StringIO(), io.StringIO()
    try:
        report = _load(args, Path(run.ledger), run.name, data)
        found = report.check()
        run.findings = found
        if args.command == "check":
            _print_findings(found, err, quiet=False)
            print(
                f"{run.ledger}：{len(found)} 条提示或警告" if found else f"{run.ledger}：未发现问题", file=out
            )
            run.status = EXIT_FINDINGS if found and args.strict else EXIT_OK
        else:
            _print_findings(found, err, args.quiet)
            if found and args.strict:
                print(f"{run.ledger}：有 {len(found)} 条警告，按 --strict 未生成", file=err)
                run.status = EXIT_FINDINGS
            else:
                run.outputs = [str(path) for path in report.render(args.formats, args.out)]
                for output in run.outputs:
                    print(output, file=out)
                # Not findings of the ledger: what the outputs turned out to be (a PDF's substituted fonts).
                run.notices = report.render_notices
                _print_findings(run.notices, err, quiet=False)
    except ReportError as error:
        if args.debug:
            raise
        run.status = EXIT_ERROR
        run.errors = list(error.problems)
        print(str(error) + office_hint(error.code), file=err)
    run.out, run.err = out.getvalue(), err.getvalue()
    return run


def _load(args: argparse.Namespace, path: Path, name: str, data: bytes | None) -> Report:
    from reportgen.api import load, loads
    from reportgen.ledger.excel.sniff import is_workbook
    from reportgen.ledger.yaml.read import MAX_FILE_BYTES

    options = {"templates": args.templates, "choices": _choices(args), "options": _options(args)}
    if data is None:
        return load(path, **options)
    if len(data) > MAX_FILE_BYTES:
        problem = Problem(
            "RG114",
            f"标准输入超过 {MAX_FILE_BYTES} 字节",
            file=STDIN,
            expected=f"不超过 {MAX_FILE_BYTES} 字节",
        )
        raise LedgerError(problem)
    # The file name messages show and outputs are named after: --name, with the suffix the bytes call for.
    suffix = ".xlsx" if is_workbook("", data) else ".yaml"
    return loads(data, name + suffix, **options)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
