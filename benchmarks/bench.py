"""`make bench`: reportgen against plain docxtpl, plain openpyxl and a floor, in one process.

For each ledger size (3, 30, 300 projects) every engine renders the same document from the same
data and template, side by side, and the batch part renders generated units through
``render_batch``.  Prints one Markdown table per part.  Timing is wall-clock over repeated runs
(best of several rounds, so a busy machine shows less); memory is the tracemalloc peak of one
render and the peak RSS of batch worker processes.  Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import reportgen  # noqa: E402
from benchmarks.ledgers import declared_ledger_text, ledger_text, rollup_tree  # noqa: E402
from reportgen.render import DEFAULT_OPTIONS  # noqa: E402
from reportgen.render.docx import load_template, render_docx, template_fill  # noqa: E402
from reportgen.render.docx.template_builder import TEMPLATES  # noqa: E402
from reportgen.render.xlsx.writer import render_xlsx  # noqa: E402
from reportgen.templating.sandbox import ReportEnvironment  # noqa: E402


def timed(function: Callable[[], object], budget: float = 1.0, rounds: int = 3) -> float:
    """Seconds per call: best of ``rounds`` rounds of about ``budget`` seconds each."""
    function()
    best = float("inf")
    for _ in range(rounds):
        count, started = 0, time.perf_counter()
        while True:
            function()
            count += 1
            elapsed = time.perf_counter() - started
            if elapsed >= budget / rounds:
                break
        best = min(best, elapsed / count)
    return best


def heap_peak(function: Callable[[], object]) -> float:
    """MiB: the tracemalloc peak while rendering one document (Python allocations)."""
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


# -- the engines, each rendering the same report ------------------------------------------------
def engines(projects: int) -> dict[str, Callable[[], object]]:
    report = reportgen.loads(ledger_text(projects), "bench.yaml")
    document, env = report.document, report.env
    # docxtpl is given the context reportgen fills, its placeholders replaced by their XML.
    context = template_fill(load_template(TEMPLATES / "report.docx"), document).inline_context()
    plain = DocxTemplate(str(TEMPLATES / "report.docx"))  # reused: docxtpl's best case
    plain_env = ReportEnvironment()  # docxtpl mutates the environment it is given

    def docxtpl_render() -> bytes:
        plain.render(context, jinja_env=plain_env, autoescape=True)
        buffer = io.BytesIO()
        plain.save(buffer)
        return buffer.getvalue()

    members = _members(render_docx(document, env, DEFAULT_OPTIONS))
    skeleton, texts = _skeleton(members["word/document.xml"].decode("utf-8"))

    def floor() -> bytes:
        """The least any engine does: put the texts into the XML and write the zip."""
        xml = skeleton.format(*texts).encode("utf-8")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in members.items():
                archive.writestr(name, xml if name == "word/document.xml" else data)
        return buffer.getvalue()

    table = document.attachments[0].table

    def openpyxl_plain() -> bytes:
        return _plain_openpyxl(table)

    return {
        "reportgen .docx": lambda: render_docx(document, env, DEFAULT_OPTIONS),
        "docxtpl .docx": docxtpl_render,
        "floor .docx": floor,
        "reportgen .xlsx": lambda: render_xlsx(document, env, DEFAULT_OPTIONS),
        "openpyxl .xlsx": openpyxl_plain,
        "reportgen ledger→docx+xlsx": lambda: _whole(projects),
    }


_LEDGERS: dict[int, str] = {}


def _whole(projects: int) -> None:
    """The whole pipeline for one unit: parse, validate, compute, both office formats."""
    text = _LEDGERS.setdefault(projects, ledger_text(projects))
    report = reportgen.loads(text, "bench.yaml")
    report.to_bytes("docx")
    report.to_bytes("xlsx")


def _members(docx: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(docx))
    return {name: archive.read(name) for name in archive.namelist()}


def _skeleton(xml: str) -> tuple[str, list[str]]:
    texts: list[str] = []

    def hole(match: re.Match[str]) -> str:
        texts.append(match.group(2))
        return match.group(1) + "{}" + match.group(3)

    escaped = xml.replace("{", "{{").replace("}", "}}")
    return re.sub(r"(<w:t[^>]*>)([^<]*)(</w:t>)", hole, escaped), texts


def _plain_openpyxl(table: reportgen.document.tables.Table) -> bytes:  # type: ignore[name-defined]
    """The same cells, fonts, borders, merges and print setup, written the usual openpyxl way."""
    workbook = Workbook()
    sheet = workbook.active
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    spec = table.spec
    sheet["A1"] = "附件"
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(spec.columns))
    sheet["A2"] = spec.title
    for header in spec.header_cells():
        cell = sheet.cell(4 + header.row, header.col + 1, header.label)
        cell.font = Font(name="黑体", size=10.5)
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if header.rowspan > 1 or header.colspan > 1:
            sheet.merge_cells(
                start_row=4 + header.row,
                start_column=header.col + 1,
                end_row=4 + header.row + header.rowspan - 1,
                end_column=header.col + header.colspan,
            )
    for r, row in enumerate(table.rows, start=7):
        for c, (column, data) in enumerate(zip(spec.columns, row.cells, strict=True), start=1):
            cell = sheet.cell(r, c, data.value if column.kind.value in ("amount", "ratio") else data.text)
            cell.number_format = column.excel_format
            cell.font = Font(name="仿宋_GB2312", size=10.5)
            cell.border = border
            cell.alignment = Alignment(horizontal=column.align, vertical="center", wrap_text=True)
    sheet.freeze_panes = "C7"
    sheet.print_title_rows = "4:6"
    sheet.page_setup.orientation = "landscape"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def engine_table(sizes: list[int], budget: float) -> str:
    rows = [
        "| engine | projects | ms/document | documents/s | heap peak MiB | × docxtpl time |",
        "|---|---|---|---|---|---|",
    ]
    cost: dict[tuple[str, int], float] = {}
    for projects in sizes:
        runs = engines(projects)
        for name, function in runs.items():
            cost[(name, projects)] = timed(function, budget)
        for name, function in runs.items():
            seconds = cost[(name, projects)]
            ratio = seconds / cost[("docxtpl .docx", projects)]
            rows.append(
                f"| {name} | {projects} | {seconds * 1000:.2f} | {1 / seconds:.0f} | "
                f"{heap_peak(function):.1f} | {ratio:.3f} |"
            )
    notes = []
    if 30 in sizes:
        ours, plain, floor = (cost[(n, 30)] for n in ("reportgen .docx", "docxtpl .docx", "floor .docx"))
        notes.append(
            f"- 30 projects: reportgen .docx is **{plain / ours:.1f}× faster than docxtpl**, "
            f"{ours / floor:.2f}× the floor."
        )
        xo, xp = cost[("reportgen .xlsx", 30)], cost[("openpyxl .xlsx", 30)]
        notes.append(f"- 30 projects: reportgen .xlsx takes {xo / xp:.2f}× the time of plain openpyxl.")
    if 30 in sizes and 300 in sizes:
        scale = cost[("reportgen .docx", 300)] / cost[("reportgen .docx", 30)]
        notes.append(f"- 300 vs 30 projects: reportgen .docx costs {scale:.1f}× (linear ≤ 12×).")
    return "\n".join([*rows, "", *notes])


def declared_table(sizes: list[int], budget: float) -> str:
    """A declared table (表格) of N rows in groups with 小计, every formula kind and a 合计: the
    pipeline per stage and format, and how the cost grows from the smallest size to the largest."""
    rows = ["| 表格 rows | stage | ms | × smallest size |", "|---|---|---|---|"]
    cost: dict[tuple[str, int], float] = {}
    stages = {"load+compute": "", "check": "", **{f"→ {fmt}": fmt for fmt in ("docx", "xlsx", "html", "md")}}
    for size in sizes:
        text = declared_ledger_text(size)
        for name, fmt in stages.items():
            cost[(name, size)] = timed(partial(_declared_stage, text, name, fmt), budget, rounds=2)
            ratio = cost[(name, size)] / cost[(name, sizes[0])]
            rows.append(f"| {size} | {name} | {cost[(name, size)] * 1000:.1f} | {ratio:.1f} |")
    note = f"- linear means × {sizes[-1] / sizes[0]:.0f} or less from {sizes[0]} to {sizes[-1]} rows."
    return "\n".join([*rows, "", note])


def _declared_stage(text: str, name: str, fmt: str) -> object:
    report = reportgen.loads(text, "bench.yaml")
    return report.to_bytes(fmt) if fmt else (report.check() if name == "check" else report.computed)


def batch_table(unit_counts: list[int], projects: int, workers: int) -> str:
    rows = [
        f"| units × {projects} projects | formats | -j | seconds | units/s | peak RSS per worker MiB |",
        "|---|---|---|---|---|---|",
    ]
    for count in unit_counts:
        with tempfile.TemporaryDirectory(prefix="rg-bench-") as folder:
            ledgers = Path(folder) / "in"
            ledgers.mkdir()
            paths = []
            for unit in range(count):
                path = ledgers / f"unit-{unit:06d}.yaml"
                path.write_text(ledger_text(projects, unit), "utf-8")
                paths.append(path)
            started = time.perf_counter()
            summary = reportgen.render_batch(
                paths, "docx,xlsx", Path(folder) / "out", jobs=workers, progress=False
            )
            seconds = time.perf_counter() - started
            assert summary.ok, summary.table()
            peak = max(r.rss_mib for r in summary.results)  # each worker reports its own peak
            rows.append(
                f"| {count} | docx,xlsx | {workers} | {seconds:.1f} | {count / seconds:.0f} | {peak:.0f} |"
            )
    return "\n".join(rows)


def rollup_table(townships: int, workers: int) -> str:
    """汇总 (issue 18): a province over 15 cities over 150 counties over ``townships`` townships, every
    level in one batch (docx + xlsx), units before parents; and the province loaded on its own, which
    reads and computes the whole tree itself."""
    from reportgen.batch.jobs import peak_rss_mib

    counties, cities = max(1, townships // 20), max(1, townships // 200)
    rows = [
        f"| 汇总 {townships} 乡镇 → {counties} 县 → {cities} 市 → 1 省 | seconds | units/s | peak RSS MiB |",
        "|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory(prefix="rg-bench-") as folder:
        paths = rollup_tree(Path(folder) / "in", townships, counties, cities)
        started = time.perf_counter()
        summary = reportgen.render_batch(
            paths, "docx,xlsx", Path(folder) / "out", jobs=workers, progress=False
        )
        seconds = time.perf_counter() - started
        assert summary.ok, summary.table()
        worker = max(r.rss_mib for r in summary.results)
        own = peak_rss_mib()
        rows.append(
            f"| batch -j {workers}, {len(paths)} units, docx,xlsx | {seconds:.1f} "
            f"| {len(paths) / seconds:.0f} | worker {worker:.0f}, coordinator {own:.0f} |"
        )
        tracemalloc.start()
        started = time.perf_counter()
        province = reportgen.load(paths[0])
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        assert province.ledger.rollup is not None
        rows.append(
            f"| the province alone: reportgen.load reads all {len(paths)} ledgers | {seconds:.1f} "
            f"| {len(paths) / seconds:.0f} | Python heap peak {peak:.0f} |"
        )
    return "\n".join(rows)


def pdf_table(documents: int) -> str:
    """One cold ``soffice --convert-to`` per document against the warm pool (sizes 1 and 2)."""
    from concurrent.futures import ThreadPoolExecutor

    from reportgen.render.pdf.oneshot import convert_to_pdf
    from reportgen.render.pdf.pool import PdfPool, pool_available
    from reportgen.render.pdf.soffice import pdf_available

    if not (pdf_available() and pool_available()):
        return "PDF: skipped (LibreOffice or python3-uno missing)"
    data = reportgen.loads(ledger_text(30), "bench.yaml").to_bytes("docx")
    rows = ["| PDF of the 30-project .docx | documents | s/document | × cold |", "|---|---|---|---|"]
    started = time.perf_counter()
    for _ in range(3):
        convert_to_pdf(data, ".docx")
    cold = (time.perf_counter() - started) / 3
    rows.append(f"| cold soffice --convert-to | 3 | {cold:.3f} | 1.0 |")
    for size in (1, 2):
        with PdfPool(size) as pool:
            pool.convert(data, ".docx")  # start the offices
            started = time.perf_counter()
            with ThreadPoolExecutor(size) as threads:
                list(threads.map(lambda _: pool.convert(data, ".docx"), range(documents)))
            warm = (time.perf_counter() - started) / documents
        rows.append(
            f"| warm pool, {size} process(es) | {documents} | {warm:.3f} | {cold / warm:.1f}× faster |"
        )
    return "\n".join(rows)


# -- issue 18, part 4: a user's own docxtpl template, reportgen.Template against plain docxtpl ---------
_SENTENCE = (
    "全区民政系统坚持以人民为中心的发展思想，聚焦兜底保障、基层治理和基本社会服务，"
    "扎实推进各项民生实事，困难群众的获得感、幸福感、安全感进一步增强。"
)  # 64 汉字


def own_template() -> bytes:
    """A docxtpl-syntax template as a user types it in Word: a narrative of about 1 400 汉字 in ten
    paragraphs with 30 substitutions, and a 30-row ``{%tr for %}`` table (five columns).  Every run
    names its fonts and size, as Word writes a 公文's runs (the Chinese font as ``w:eastAsia``)."""
    import docx  # python-docx: only this part of the bench makes a template
    from docx.oxml.ns import qn
    from docx.shared import Pt
    from docx.text.paragraph import Paragraph

    def typed(paragraph: Paragraph, text: str, font: str, size: float) -> None:
        run = paragraph.add_run(text)
        run.font.name, run.font.size = font, Pt(size)
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)

    word = docx.Document()
    typed(word.add_paragraph(), "{{ 单位 }}关于{{ 期间 }}民生实事推进情况的报告", "方正小标宋简体", 22)
    for n in range(1, 11):
        text = (
            f"{_SENTENCE}第{{{{ 段{n}.序 }}}}项工作中，{{{{ 单位 }}}}累计投入资金{{{{ 段{n}.金额 }}}}万元，"
            f"惠及群众{{{{ 段{n}.人数 }}}}人。下一步，将继续{_SENTENCE[:30]}"
        )
        typed(word.add_paragraph(), text, "仿宋_GB2312", 16)
    typed(word.add_paragraph(), "{{ 落款 }}", "仿宋_GB2312", 16)
    grid = word.add_table(rows=4, cols=5)
    cells = [
        ("序号", "项目", "计划（万元）", "拨付（万元）", "进度"),
        ("{%tr for 行 in 项目 %}", "", "", "", ""),
        ("{{ loop.index }}", "{{ 行.名称 }}", "{{ 行.计划 }}", "{{ 行.拨付 }}", "{{ 行.进度 }}"),
        ("{%tr endfor %}", "", "", "", ""),
    ]
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            typed(grid.cell(r, c).paragraphs[0], text, "黑体" if r == 0 else "仿宋_GB2312", 10.5)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def own_context(unit: int) -> dict[str, object]:
    """Unit ``unit``'s data: every figure differs from one unit to the next."""
    from decimal import Decimal

    return {
        "单位": f"第{unit}区民政局",
        "期间": "2024年1—9月",
        "落款": f"第{unit}区民政局办公室",
        **{
            f"段{n}": {"序": n, "金额": Decimal(unit * 37 + n) / 100, "人数": unit * 11 + n * 7}
            for n in range(1, 11)
        },
        "项目": [
            {
                "名称": f"民生实事项目{r}",
                "计划": Decimal(unit * 100 + r * 13) / 10,
                "拨付": Decimal(unit * 90 + r * 11) / 10,
                "进度": f"{(unit + r) % 100}%",
            }
            for r in range(1, 31)
        ],
    }


def template_api_table(documents: int) -> str:
    """``reportgen.Template.render`` against plain docxtpl (reused, autoescaped: its best safe case) and a
    floor that only deflates ``word/document.xml`` and copies the other members precompressed, on
    ``documents`` different contexts; ms per document, best of three rounds (docxtpl: two)."""
    from reportgen.base.zipfiles import ZipEntry, deflate, write_zip

    data = own_template()
    contexts = [own_context(unit) for unit in range(documents)]
    template = reportgen.Template(data, name="bench.docx")
    plain = DocxTemplate(io.BytesIO(data))

    def docxtpl_render(context: dict[str, object]) -> bytes:
        plain.render(context, autoescape=True)
        buffer = io.BytesIO()
        plain.save(buffer)
        return buffer.getvalue()

    rendered = [_members(template.render(context)) for context in contexts]
    skeleton, _ = _skeleton(rendered[0]["word/document.xml"].decode("utf-8"))
    filled = [_skeleton(r["word/document.xml"].decode("utf-8"))[1] for r in rendered]
    assert all(
        skeleton.format(*texts).encode("utf-8") == r["word/document.xml"]
        for texts, r in zip(filled, rendered, strict=True)
    )
    ready: list[ZipEntry | None] = [
        None if name == "word/document.xml" else deflate(name, content)
        for name, content in rendered[0].items()
    ]

    def floor(texts: list[str]) -> bytes:
        xml = deflate("word/document.xml", skeleton.format(*texts).encode("utf-8"))
        return write_zip(entry or xml for entry in ready)

    def per_document(render: Callable[[Any], object], inputs: Sequence[Any], rounds: int) -> float:
        best = float("inf")
        for _ in range(rounds):
            started = time.perf_counter()
            for item in inputs:
                render(item)
            best = min(best, (time.perf_counter() - started) / len(inputs))
        return best

    ours = per_document(template.render, contexts, 3)
    theirs = per_document(docxtpl_render, contexts, 2)
    least = per_document(floor, filled, 3)
    narrative = len(re.findall(r"[\u4e00-\u9fff]", "".join(filled[0])))
    rows = [
        f"| own .docx template ({documents} contexts) | ms/document | documents/s | × floor |",
        "|---|---|---|---|",
    ]
    for label, seconds in (("reportgen.Template", ours), ("plain docxtpl", theirs), ("floor", least)):
        rows.append(f"| {label} | {seconds * 1000:.2f} | {1 / seconds:.0f} | {seconds / least:.2f} |")
    notes = [
        f"- reportgen.Template is **{theirs / ours:.1f}× faster than docxtpl** (target ≥ 15×) and "
        f"{ours / least:.2f}× the floor (target ≤ 2×); a document holds {narrative} 汉字.",
    ]
    return "\n".join([*rows, "", *notes])


# What a shell or a cron script waits for, each in a fresh interpreter (issue 18, part 6).
STARTUP_COMMANDS: dict[str, list[str]] = {
    "python -c pass": ["-c", "pass"],
    "import docxtpl": ["-c", "import docxtpl"],
    "import reportgen": ["-c", "import reportgen"],
    "from reportgen import load (the pipeline)": ["-c", "from reportgen import load"],
    "reportgen --help": ["-m", "reportgen", "--help"],
    "reportgen check jialing": ["-m", "reportgen", "check", str(ROOT / "samples" / "jialing-2024q3.yaml")],
}


def startup_times(runs: int) -> dict[str, float]:
    """Seconds: the best of ``runs`` fresh runs of each command, run alternately (one of each per round)
    so that a slower moment of a shared machine falls on all of them alike."""
    import os
    import subprocess

    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    best = dict.fromkeys(STARTUP_COMMANDS, float("inf"))
    for _ in range(runs):
        for label, arguments in STARTUP_COMMANDS.items():
            started = time.perf_counter()
            subprocess.run([sys.executable, *arguments], env=env, capture_output=True, check=True)
            best[label] = min(best[label], time.perf_counter() - started)
    return best


def startup_table(runs: int) -> str:
    """Start-up against docxtpl's: the target is ``import reportgen`` within 2× ``import docxtpl``."""
    best = startup_times(runs)
    rows = [f"| start-up, best of {runs} fresh runs | s | × import docxtpl |", "|---|---|---|"]
    for label, seconds in best.items():
        rows.append(f"| {label} | {seconds:.3f} | {seconds / best['import docxtpl']:.2f} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="3,30,300")
    parser.add_argument("--units", default="2000", help="batch sizes, e.g. 2000,20000; 0 to skip")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--pdf", type=int, default=20, help="documents through the warm PDF pool; 0 to skip")
    parser.add_argument("--budget", type=float, default=1.5, help="seconds of timing per engine and size")
    parser.add_argument(
        "--declared", default="100,1000", help="rows of a declared table (表格); empty to skip"
    )
    parser.add_argument(
        "--startup", type=int, default=10, help="fresh runs of each start-up command; 0 to skip"
    )
    parser.add_argument("--startup-only", action="store_true", help="only the start-up table")
    parser.add_argument(
        "--template-api",
        type=int,
        default=200,
        help="contexts rendered through reportgen.Template, docxtpl and the floor; 0 to skip",
    )
    parser.add_argument("--template-api-only", action="store_true", help="only the template API table")
    parser.add_argument(
        "--rollup",
        type=int,
        default=3000,
        help="townships of the 汇总 tree (÷20 counties, ÷200 cities); 0 to skip",
    )
    parser.add_argument("--rollup-only", action="store_true", help="only the 汇总 table")
    args = parser.parse_args()
    print(f"# reportgen benchmarks ({sys.platform}, Python {sys.version.split()[0]})\n")
    if args.startup:
        print(startup_table(args.startup))
        print()
    if args.startup_only:
        return
    if args.rollup and not args.template_api_only:  # first: this process's peak is the coordinator's
        print(rollup_table(args.rollup, args.jobs))
        print()
    if args.rollup_only:
        return
    if args.template_api:
        print(template_api_table(args.template_api))
        print()
    if args.template_api_only:
        return
    print(engine_table([int(s) for s in args.sizes.split(",")], args.budget))
    if args.declared:
        print()
        print(declared_table([int(s) for s in args.declared.split(",")], args.budget))
    if args.pdf:
        print()
        print(pdf_table(args.pdf))
    units = [int(u) for u in args.units.split(",") if int(u)]
    if units:
        print()
        print(batch_table(units, 30, args.jobs))


if __name__ == "__main__":
    main()
