"""The ``reportgen`` command: ``check`` and ``render`` for people who do not write Python, ``init``
for a new ledger (Excel or YAML, with the example filled in) and ``convert`` between the two.

User errors print as coded Chinese messages and exit 2 without a traceback (``--debug`` shows it);
findings print as warnings.  Exit codes: 0 fine, 1 findings under ``--strict``, 2 errors.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from reportgen import __version__
from reportgen.api import ReportChoices, convert_ledger, load, new_ledger
from reportgen.base.errors import Finding, ReportError, Severity
from reportgen.base.resources import builtin_templates
from reportgen.batch import render_batch
from reportgen.batch.worker import (
    DEFAULT_MEMORY_LIMIT_MIB,
    DEFAULT_TIME_LIMIT,
    Limits,
    Stopped,
    Worker,
    call,
    office_hint,
)
from reportgen.document.traditional import SCRIPTS
from reportgen.kinds import find_kinds
from reportgen.ledger.keys import PLACEMENTS
from reportgen.ledger.parts import UNUSED
from reportgen.render import WRITERS, RenderOptions
from reportgen.render.docx.template_lint import lint_template
from reportgen.render.output import safe_name
from reportgen.serve import command as serve_command
from reportgen.templating.sandbox import make_environment

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

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
        self.exit(EXIT_ERROR, f"{self.prog}：RG410 命令行用法错误：{message}（加 -h 查看帮助）\n")


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


def _chinese_usage(text: str) -> str:
    return re.sub(r"^usage: ", "用法：", text)


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="reportgen", description="由台账生成民政工作进度报告（正文与一览表）")
    parser.add_argument("--debug", action="store_true", help="出错时显示完整的 Python 调用栈")
    parser.add_argument("--version", action="version", version=f"reportgen {__version__}", help="显示版本号")
    commands = parser.add_subparsers(dest="command", required=True, title="命令", metavar="命令")

    check = commands.add_parser("check", help="检查台账：格式错误、数字不一致、超计划等")
    check.add_argument("ledgers", nargs="+", type=Path, metavar="台账", help="台账文件（.xlsx 或 .yaml）")
    check.add_argument("--strict", action="store_true", help="有警告时以状态码 1 退出")
    check.add_argument(
        "--templates", type=Path, metavar="目录", action="append", default=[], help="自定义模板目录"
    )
    _add_limit_options(check)

    render = commands.add_parser("render", help="生成报告")
    render.add_argument("ledgers", nargs="+", type=Path, metavar="台账", help="台账文件（.xlsx 或 .yaml）")
    render.add_argument(
        "-o", "--out", type=Path, metavar="目录", default=Path("out"), help="输出目录（默认 out/）"
    )
    render.add_argument(
        "-f", "--formats", metavar="格式", default="md,html", help=f"输出格式，逗号分隔：{','.join(WRITERS)}"
    )
    render.add_argument("--strict", action="store_true", help="有警告时不生成并以状态码 1 退出")
    render.add_argument("--quiet", action="store_true", help="不显示检查发现的问题")
    _add_output_options(render)
    _add_limit_options(render)
    init = commands.add_parser("init", help="新建台账：写出一份填好示例的 Excel 或 YAML 台账")
    kind = init.add_mutually_exclusive_group(required=True)
    kind.add_argument("--excel", type=Path, metavar="台账.xlsx", help="写出 Excel 台账（推荐）")
    kind.add_argument("--yaml", type=Path, metavar="台账.yaml", help="写出 YAML 台账")
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
        choices=tuple(SCRIPTS),
        default="hans",
        help="字形：" + "；".join(f"{key} {script.name}" for key, script in SCRIPTS.items()),
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
    target: Path = args.excel or args.yaml
    wanted = (".xlsx",) if args.excel else (".yaml", ".yml")
    if target.suffix.lower() not in wanted:
        option = "--excel" if args.excel else "--yaml"
        print(f"RG402 {option} 的文件名应以 {' 或 '.join(wanted)} 结尾：{target}", file=sys.stderr)
        return EXIT_ERROR
    written = new_ledger(target, force=args.force)
    print(f"已写出台账（内容是示例，请改成本单位的数据）：{written}")
    print(f"检查：reportgen check {written}    生成报告：reportgen render {written} -f docx,xlsx")
    return EXIT_OK


def run_kinds(args: argparse.Namespace) -> int:
    """The kinds a ledger's 类型 (or ``--kind``) can name, where each pack lives and its sample."""
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
        sample = f"；示例（源代码仓库中）：{kind.sample}" if kind.sample else ""
        print(f"    模板：{kind.folders[0]}{sample}")
    return EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    return serve_command.run(args, _limits(args))


def run_convert(args: argparse.Namespace) -> int:
    written = convert_ledger(args.source, args.target, force=args.force)
    print(f"已转换：{args.source} → {written}")
    return EXIT_OK


def _print_findings(found: list[Finding], stream: TextIO, quiet: bool) -> None:
    if quiet:
        return
    for finding in found:
        print(finding.describe(), file=stream)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
    # Each ledger runs in a worker process killed at its limits; one worker serves every ledger
    # (its start, about 1 s of imports, is paid once) and is replaced after a kill.
    from reportgen import cli as cli_module  # by its name even under ``python -m reportgen.cli``

    status = EXIT_OK
    limits = _limits(args)
    worker: Worker | None = None
    written: dict[str, Path] = {}  # output name (case-folded) → the ledger that takes it in ``-o``
    try:
        for ledger in args.ledgers:
            name = safe_name(Path(ledger).stem).casefold()
            if args.command == "render" and written.setdefault(name, ledger) != ledger:
                sys.stderr.write(
                    f"RG502 {ledger}：输出文件名与 {written[name]} 相同，会覆盖它的报告，未生成；"
                    "请改台账文件名，或用 reportgen batch（每个单位一个文件夹）\n"
                )
                status = EXIT_ERROR
                continue
            worker = worker or Worker(limits)
            try:
                code, out, err = call(worker, cli_module.run_ledger, args, ledger)
            except Stopped as stop:
                worker = None
                code, out, err = EXIT_ERROR, "", f"{stop.code} {ledger}：{stop.message}\n"
            sys.stdout.write(out)
            sys.stderr.write(err)
            status = max(status, code)
    finally:
        if worker is not None:
            worker.stop()
    return status


def run_ledger(args: argparse.Namespace, ledger: Path) -> tuple[int, str, str]:
    """``check`` or ``render`` of one ledger, run in a bounded child (``Worker``/``call``): the exit
    status and what it printed, printed by the parent in ledger order."""
    out, err = io.StringIO(), io.StringIO()
    status = EXIT_OK
    try:
        report = load(ledger, templates=args.templates, choices=_choices(args), options=_options(args))
        found = report.check()
        if args.command == "check":
            _print_findings(found, err, quiet=False)
            print(f"{ledger}：{len(found)} 条提示或警告" if found else f"{ledger}：未发现问题", file=out)
            return (EXIT_FINDINGS if found and args.strict else EXIT_OK), out.getvalue(), err.getvalue()
        _print_findings(found, err, args.quiet)
        if found and args.strict:
            print(f"{ledger}：有 {len(found)} 条警告，按 --strict 未生成", file=err)
            return EXIT_FINDINGS, out.getvalue(), err.getvalue()
        for path in report.render(args.formats, args.out):
            print(path, file=out)
        # Not findings of the ledger: what the outputs turned out to be (a PDF's substituted fonts).
        _print_findings(report.render_notices, err, quiet=False)
    except ReportError as error:
        if args.debug:
            raise
        print(str(error) + office_hint(error.code), file=err)
        status = EXIT_ERROR
    return status, out.getvalue(), err.getvalue()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
