"""The pool of warm LibreOffice processes: real conversions when LibreOffice and python3-uno are installed,
the retry, restart and error paths also through a fake office and a fake uno helper."""

from __future__ import annotations

import ast
import datetime
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import reportgen
from reportgen.base.errors import RenderError
from reportgen.render import RenderOptions
from reportgen.render.pdf import pool as pdf_pool
from reportgen.render.pdf.oneshot import convert_to_pdf
from reportgen.render.pdf.pool import PdfPool, find_uno_python, pool_available, shared_pool
from reportgen.render.pdf.reproducible import _eexec, stable_pdf
from tests.test_pdf import make_docx, make_xlsx, pdf_text

needs_pool = pytest.mark.skipif(
    not pool_available() or not shutil.which("pdftotext") or not Path("/proc/self/stat").exists(),
    reason="needs LibreOffice, python3-uno, poppler-utils (pdftotext) and /proc",
)
posix_only = pytest.mark.skipif(os.name != "posix", reason="process groups and shell scripts")
# What the fake offices are given: real packages, since a pool refuses bytes that are none (RG406).
DOCX, XLSX = make_docx("测试"), make_xlsx()


def group_members(pgid: int) -> dict[int, str]:
    """pid → program name of the live (not zombie) processes of a process group."""
    members: dict[int, str] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, rest = text.split(" (", 1)[1].rsplit(")", 1)
        fields = rest.split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            members[int(stat.parent.name)] = name
    return members


def wait_for(condition: object, seconds: float = 30.0) -> bool:  # generous: CI machines are busy
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.05)
    return False


# --- real conversions ---------------------------------------------------------------------------


@needs_pool
def test_docx_and_xlsx_convert_with_the_chinese_text(tmp_path: Path) -> None:
    with PdfPool() as pool:
        document = pool.convert(make_docx("今年以来，全区共发放低保金一百万元。"), ".docx")
        table = pool.convert(make_xlsx(), ".xlsx")
    assert document.startswith(b"%PDF-") and document.rstrip().endswith(b"%%EOF")
    assert "全区共发放低保金一百万元" in pdf_text(document, tmp_path)
    text = pdf_text(table, tmp_path)
    assert "城乡低保" in text and "特困供养" in text and "计划安排资金" in text


@needs_pool
def test_warm_pdfs_are_the_bytes_of_a_cold_conversion() -> None:
    """LibreOffice numbers embedded fonts per process; stable_pdf makes warm and cold PDFs equal."""
    data = make_docx("第一段：城乡低保。", "第二段：特困供养。")
    issued = datetime.date(2024, 9, 23)
    cold = stable_pdf(convert_to_pdf(data, ".docx"), issued)
    with PdfPool() as pool:
        warm = [stable_pdf(pool.convert(data, ".docx"), issued) for _ in range(3)]
    assert warm == [cold, cold, cold]


@needs_pool
def test_ten_conversions_on_two_offices_from_four_threads(tmp_path: Path) -> None:
    documents = [make_docx(f"第{n}号报告：发放临时救助金。") for n in range(10)]
    groups: set[int] = set()
    with PdfPool(2) as pool:

        def convert(data: bytes) -> bytes:
            pdf = pool.convert(data, ".docx")
            groups.update(pool.process_groups())
            return pdf

        with ThreadPoolExecutor(max_workers=4) as threads:
            pdfs = list(threads.map(convert, documents))
    assert len(groups) == 2  # two warm offices, started once each
    for n, pdf in enumerate(pdfs):
        text = pdf_text(pdf, tmp_path)
        assert f"第{n}号报告" in text
        assert not any(f"第{m}号报告" in text for m in range(10) if m != n)


@needs_pool
def test_a_killed_office_is_replaced(tmp_path: Path, private_temp: Path) -> None:
    with PdfPool(retries=0) as pool:
        pool.convert(make_docx("第一份"), ".docx")
        [group] = pool.process_groups()
        office = [pid for pid, name in group_members(group).items() if name.startswith("soffice")]
        assert office, group_members(group)
        for pid in office:
            os.kill(pid, signal.SIGKILL)
        assert wait_for(lambda: group not in pool.process_groups())
        # A dead office is replaced before the next document, without spending a retry (retries=0).
        assert "第二份" in pdf_text(pool.convert(make_docx("第二份"), ".docx"), tmp_path)
        assert pool.process_groups() != [group]
        assert not group_members(group)
    assert not list(private_temp.iterdir())


@needs_pool
def test_killed_while_idle_the_next_conversion_still_succeeds(tmp_path: Path) -> None:
    """Killed just before a conversion: found dead, or the conversion fails and is retried."""
    with PdfPool() as pool:
        pool.convert(make_docx("第一份"), ".docx")
        [group] = pool.process_groups()
        os.killpg(group, signal.SIGKILL)
        assert "第二份" in pdf_text(pool.convert(make_docx("第二份"), ".docx"), tmp_path)


@needs_pool
def test_timeout_is_rg405_and_the_pool_still_works(tmp_path: Path, private_temp: Path) -> None:
    with PdfPool(retries=1) as pool:
        pool.convert(make_docx("预热"), ".docx")
        [group] = pool.process_groups()
        with pytest.raises(RenderError) as caught:
            pool.convert(make_docx("超时"), ".docx", timeout=0.01)
        assert caught.value.code == "RG405"
        assert "0.01 秒" in str(caught.value) and "共尝试 2 次" in str(caught.value)
        assert wait_for(lambda: not group_members(group))  # the timed-out office was killed
        assert "之后" in pdf_text(pool.convert(make_docx("之后"), ".docx"), tmp_path)
    assert not list(private_temp.iterdir())  # nor LibreOffice's own temporary files of the killed offices


@needs_pool
def test_close_leaves_no_process_folder_or_pipe(private_temp: Path) -> None:
    pool = PdfPool(2)
    with ThreadPoolExecutor(max_workers=2) as threads:
        list(threads.map(lambda text: pool.convert(make_docx(text), ".docx"), ["甲", "乙"]))
    groups = pool.process_groups()
    assert len(groups) == 2
    pids = {pid for group in groups for pid in group_members(group)}
    assert len(pids) >= 4  # each group: the office (oosplash, soffice.bin) and the helper
    assert list(private_temp.iterdir())
    pool.close()
    pool.close()  # idempotent
    assert wait_for(lambda: not any(group_members(group) for group in groups), 5)
    for pid in pids:
        stat = Path(f"/proc/{pid}/stat")
        assert not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] == "Z", pid
    assert not list(private_temp.iterdir())
    assert not list(Path("/tmp").glob(f"OSL_PIPE_{os.getuid()}_reportgen-{os.getpid()}-*"))
    with pytest.raises(RuntimeError):
        pool.convert(make_docx("关闭后"), ".docx")


# --- a fake office and a fake helper: the pool's own logic, without LibreOffice ------------------


def fake_tools(folder: Path, helper: str) -> tuple[str, str]:
    """A fake soffice (sleeps) and a fake uno Python whose helper part runs ``helper``.

    The helper code sees ``requests`` (the JSON requests, one by one), ``reply(dict)``, ``Path`` and
    ``count`` (how many helpers were started, this one included).
    """
    soffice = folder / "soffice"
    soffice.write_text("#!/bin/sh\nexec sleep 60\n")
    soffice.chmod(0o755)
    python = folder / "uno-python"
    python.write_text(
        f"#!{sys.executable}\n"
        + textwrap.dedent(
            """\
            import json, sys
            from pathlib import Path
            if sys.argv[1] == "-c":
                sys.exit(0)  # the "import uno" probe
            starts = Path(__file__).with_name("starts")
            count = len(starts.read_text()) + 1 if starts.exists() else 1
            starts.write_text("x" * count)
            def reply(message):
                sys.stdout.write(json.dumps(message) + "\\n")
                sys.stdout.flush()
            def read():
                for line in sys.stdin:
                    request = json.loads(line)
                    if request.get("quit"):  # the office terminates, the helper with it
                        import os, signal
                        os.killpg(os.getpgid(0), signal.SIGKILL)
                    yield request
            requests = read()
            """
        )
        + textwrap.dedent(helper)
    )
    python.chmod(0o755)
    return str(soffice), str(python)


READY_THEN_WRITE = """\
reply({"ready": True})
for request in requests:
    Path(request["target"]).write_bytes(b"%PDF-1.4\\n" + request["filter"].encode() + b"\\n%%EOF\\n")
    reply({"ok": True})
"""


MakePool = Callable[..., PdfPool]


@pytest.fixture
def fake_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, private_temp: Path) -> Iterator[MakePool]:
    """``fake_pool(helper, **options)``: a pool on the fake tools; afterwards no folder is left."""

    def make(helper: str, **options: Any) -> PdfPool:
        soffice, python = fake_tools(tmp_path, helper)
        monkeypatch.setenv("REPORTGEN_UNO_PYTHON", python)
        return PdfPool(soffice=soffice, **options)

    yield make
    assert not list(private_temp.iterdir())


def starts(tmp_path: Path) -> int:
    return len((tmp_path / "starts").read_text())


@posix_only
def test_fake_pool_returns_the_pdf_and_chooses_the_filter(fake_pool: MakePool, tmp_path: Path) -> None:
    with fake_pool(READY_THEN_WRITE) as pool:
        assert pool.convert(DOCX, ".docx") == b"%PDF-1.4\nwriter_pdf_Export\n%%EOF\n"
        assert pool.convert(XLSX, ".xlsx") == b"%PDF-1.4\ncalc_pdf_Export\n%%EOF\n"
    assert starts(tmp_path) == 1


@posix_only
def test_an_office_is_recycled_after_so_many_documents(fake_pool: MakePool, tmp_path: Path) -> None:
    with fake_pool(READY_THEN_WRITE, recycle=2) as pool:
        for _ in range(5):
            pool.convert(DOCX, ".docx")
    assert starts(tmp_path) == 3


@posix_only
def test_failure_is_retried_on_a_fresh_process_then_rg406(fake_pool: MakePool, tmp_path: Path) -> None:
    helper = """\
    reply({"ready": True})
    for request in requests:
        reply({"ok": False, "error": f"IOException: cannot load (helper {count})", "lost": False})
    """
    with fake_pool(helper, retries=2) as pool, pytest.raises(RenderError) as caught:
        pool.convert(DOCX, ".docx")
    assert caught.value.code == "RG406"
    message = str(caught.value)
    assert "LibreOffice 无法转换该文件（读写文件出错）" in message and "cannot load" not in message
    assert "共尝试 3 次" in message
    assert starts(tmp_path) == 3


@posix_only
def test_a_retry_that_succeeds_hides_the_failure(fake_pool: MakePool, tmp_path: Path) -> None:
    helper = """\
    if count == 1:
        import os, signal
        reply({"ready": True})
        next(requests)
        os.killpg(os.getpgid(0), signal.SIGKILL)  # the office and this helper die mid-conversion
    reply({"ready": True})
    for request in requests:
        Path(request["target"]).write_bytes(b"%PDF-1.4\\n%%EOF\\n")
        reply({"ok": True})
    """
    with fake_pool(helper) as pool:
        assert pool.convert(DOCX, ".docx").startswith(b"%PDF-")
    assert starts(tmp_path) == 2


@posix_only
def test_fake_timeout_is_rg405(fake_pool: MakePool, tmp_path: Path) -> None:
    helper = """\
    import time
    reply({"ready": True})
    for request in requests:
        time.sleep(30)
    """
    started = time.monotonic()
    with fake_pool(helper, timeout=0.2, retries=1) as pool, pytest.raises(RenderError) as caught:
        pool.convert(DOCX, ".docx")
    assert time.monotonic() - started < 10
    assert caught.value.code == "RG405" and "0.2 秒" in str(caught.value)
    assert starts(tmp_path) == 2


@posix_only
def test_incomplete_pdf_is_rg406(fake_pool: MakePool) -> None:
    helper = """\
    reply({"ready": True})
    for request in requests:
        Path(request["target"]).write_bytes(b"%PDF-1.4 truncated")
        reply({"ok": True})
    """
    with fake_pool(helper, retries=0) as pool, pytest.raises(RenderError) as caught:
        pool.convert(DOCX, ".docx")
    assert caught.value.code == "RG406" and "不完整" in str(caught.value)


@posix_only
def test_office_that_never_listens_is_rg406(fake_pool: MakePool) -> None:
    helper = """\
    print("cannot connect to the office", file=sys.stderr)
    reply({"ok": False, "error": "NoConnectException: Connector : couldn't connect", "lost": True})
    """
    with fake_pool(helper, retries=0) as pool, pytest.raises(RenderError) as caught:
        pool.convert(DOCX, ".docx")
    assert caught.value.code == "RG406"
    assert "没有启动完成（无法连接 LibreOffice）" in str(caught.value)  # UNO's NoConnectException
    assert "LibreOffice 提示：无法连接 LibreOffice" in str(caught.value)  # the helper's log
    assert "connect" not in str(caught.value)


@posix_only
def test_missing_uno_is_rg404_and_no_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    python = tmp_path / "python-without-uno"
    python.write_text("#!/bin/sh\nexit 1\n")
    python.chmod(0o755)
    monkeypatch.setenv("REPORTGEN_UNO_PYTHON", str(python))
    soffice, _ = fake_tools(tmp_path, "")
    assert find_uno_python(soffice) is None
    assert not pool_available()
    with PdfPool(soffice=soffice) as pool, pytest.raises(RenderError) as caught:
        pool.convert(DOCX, ".docx")
    assert caught.value.code == "RG404" and "python3-uno" in str(caught.value)


def test_missing_soffice_is_rg404(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTGEN_SOFFICE", str(tmp_path / "no-such-soffice"))
    assert not pool_available()
    with PdfPool() as pool, pytest.raises(RenderError) as caught:
        pool.convert(DOCX, ".docx")
    assert caught.value.code == "RG404" and "no-such-soffice" in str(caught.value)


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError):
        PdfPool(0)
    with pytest.raises(ValueError):
        PdfPool(timeout=0)
    with PdfPool() as pool, pytest.raises(ValueError):
        pool.convert(b"", ".pptx")


def test_shared_pool_is_one_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    first = shared_pool()
    assert shared_pool(size=3) is first
    monkeypatch.setattr(pdf_pool.os, "getpid", lambda: -1)  # as in a forked child
    child = shared_pool()
    assert child is not first
    monkeypatch.undo()
    child.close()  # belongs to "another process": only forgotten


@posix_only
def test_close_waits_for_a_running_conversion(fake_pool: MakePool) -> None:
    helper = """\
    import time
    reply({"ready": True})
    for request in requests:
        time.sleep(0.5)
        Path(request["target"]).write_bytes(b"%PDF-1.4\\n%%EOF\\n")
        reply({"ok": True})
    """
    pool = fake_pool(helper)
    results: list[bytes] = []
    worker = threading.Thread(target=lambda: results.append(pool.convert(DOCX, ".docx")))
    worker.start()
    assert wait_for(lambda: pool.process_groups())
    pool.close()
    worker.join()
    assert results == [b"%PDF-1.4\n%%EOF\n"]
    assert not pool.process_groups()


@needs_pool
def test_a_killed_pool_process_leaves_no_office_or_folder(tmp_path: Path) -> None:
    """The helpers see their pool's process die (end of input) and take their offices with them."""
    temp = tmp_path / "temp"
    temp.mkdir()
    script = textwrap.dedent(
        """\
        import os, signal, sys
        from reportgen.render.pdf.pool import PdfPool
        from tests.test_pdf import make_docx
        pool = PdfPool(2)
        pool.convert(make_docx("甲"), ".docx")
        print(" ".join(str(group) for group in pool.process_groups()), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    root = Path(__file__).resolve().parent.parent
    environment = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(root)}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment, cwd=root, timeout=120
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    groups = [int(group) for group in result.stdout.split()]
    assert len(groups) == 1
    assert wait_for(lambda: not any(group_members(group) for group in groups))
    assert wait_for(lambda: not list(temp.iterdir()))


def type1_pdf(unique_id: int) -> bytes:
    """A PDF shaped as LibreOffice writes one: a Type 1 font with its id in the clear and encrypted parts."""
    clear = b"%%!FontType1-1.0: Test\n/UniqueID %d def\ncurrentfile eexec\n" % unique_id
    private = _eexec(
        b"HDU dup\n/Private 8 dict dup begin\n/UniqueID %d def\nend\n" % unique_id, decrypt=False
    )
    tail = b"0" * 64 + b"\ncleartomark\n"
    packer = zlib.compressobj(6, zlib.DEFLATED, 15, 9)
    font = packer.compress(clear + private + tail) + packer.flush()
    lengths = b"/Length1 %d/Length2 %d/Length3 %d" % (len(clear), len(private), len(tail))
    objects = [
        b"<</Type/Catalog>>",
        b"<</Length 3 0 R/Filter/FlateDecode" + lengths + b">>\nstream\n" + font + b"\nendstream",
        b"%d" % len(font),
        b"<</Producer(test)/CreationDate(D:20250101120000+08'00')>>",
    ]
    pdf, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<</Size %d/Root 1 0 R/Info 4 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return pdf


def test_stable_pdf_renumbers_font_ids_as_a_fresh_process_would() -> None:
    issued = datetime.date(2024, 9, 23)
    fresh = stable_pdf(type1_pdf(4100001), issued)
    warm = stable_pdf(type1_pdf(4100057), issued)
    assert warm == fresh
    assert type1_pdf(4100001).replace(b"20250101120000", b"20240923000000") == fresh  # nothing else moved
    # the xref still points at every object
    table = warm[int(warm.rsplit(b"startxref\n", 1)[1].split()[0]) :]
    offsets = [int(line.split()[0]) for line in table.splitlines()[3:6]]
    assert [warm[offset:].split(b"\n", 1)[0] for offset in offsets] == [b"1 0 obj", b"2 0 obj", b"3 0 obj"]


@needs_pool
def test_a_warm_pool_honours_each_renders_pdf_timeout() -> None:
    """The shared pool is created with the first render's ``pdf_timeout``; a later render's own
    (tiny) limit must still apply to its conversion, not the pool's first one."""
    sample = Path(__file__).resolve().parent.parent / "samples" / "jialing-2024q3.yaml"
    generous = reportgen.load(sample, options=RenderOptions(pdf_warm=True, pdf_timeout=120.0))
    assert generous.to_bytes("pdf").startswith(b"%PDF-")  # the shared pool is warm now
    hurried = reportgen.load(sample, options=RenderOptions(pdf_warm=True, pdf_timeout=0.01))
    with pytest.raises(RenderError) as caught:
        hurried.to_bytes("pdf")
    assert caught.value.code == "RG405" and "0.01 秒" in str(caught.value)


def test_the_pool_starts_libreoffice_only_through_the_public_soffice() -> None:
    """One command line, environment and set of messages: the pool imports public names of
    ``soffice`` (never the one-shot converter's or private ones) and spells no LibreOffice option."""
    source = Path(pdf_pool.__file__).read_text("utf-8")
    imported = [
        (node.module or "", alias.name)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    ]
    ours = [(module, name) for module, name in imported if module.startswith("reportgen.render.pdf")]
    assert ours and all(module == "reportgen.render.pdf.soffice" for module, _ in ours)
    assert not [name for _, name in ours if name.startswith("_")]
    assert "--headless" not in source and "UserInstallation" not in source
