"""PDF via LibreOffice: real conversions when it is installed, failures through fake `soffice` scripts."""

from __future__ import annotations

import datetime
import io
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook

from reportgen.base.errors import RenderError
from reportgen.render.pdf.oneshot import convert_to_pdf
from reportgen.render.pdf.reproducible import _edit_objects, stable_pdf
from reportgen.render.pdf.soffice import FALLBACK_FONTS, find_soffice, fontconfig_file, pdf_available

needs_libreoffice = pytest.mark.skipif(
    find_soffice() is None or not (shutil.which("pdftotext") and shutil.which("pdfinfo")),
    reason="needs LibreOffice and poppler-utils (pdftotext, pdfinfo)",
)
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="fake soffice is a shell script")


def make_docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        run = document.add_paragraph().add_run(text)
        run.font.name = "仿宋_GB2312"
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def make_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["项目名称", "计划安排资金", "实际拨付"])
    sheet.append(["城乡低保", 200, 150])
    sheet.append(["特困供养", 80, 60])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def pdf_text(pdf: bytes, folder: Path) -> str:
    path = folder / "check.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return "".join(result.stdout.decode("utf-8").split())  # pdftotext puts spaces between runs


def pdf_pages(pdf: bytes, folder: Path) -> int:
    path = folder / "pages.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def fake_soffice(folder: Path, body: str) -> str:
    """A stand-in ``soffice``: ``$out`` is the --outdir argument and ``$name`` the input's stem."""
    script = folder / "fake-soffice"
    script.write_text(
        "#!/bin/sh\n"
        'for arg in "$@"; do\n'
        '  if [ "$prev" = "--outdir" ]; then out="$arg"; fi\n'
        '  prev="$arg"\n'
        "done\n"
        'name=$(basename "$prev"); name="${name%.*}"\n' + body
    )
    script.chmod(0o755)
    return str(script)


def group_alive(pgid: int) -> bool:
    """Whether any process of the group still runs (zombies waiting for init to reap them do not count)."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


# --- real conversions ---------------------------------------------------------------------------


@needs_libreoffice
def test_xlsx_converts_to_one_page_with_the_chinese_text(tmp_path: Path) -> None:
    pdf = convert_to_pdf(make_xlsx(), ".xlsx")
    assert pdf.startswith(b"%PDF-")
    assert pdf_pages(pdf, tmp_path) == 1
    text = pdf_text(pdf, tmp_path)
    assert "城乡低保" in text and "特困供养" in text and "计划安排资金" in text


@needs_libreoffice
def test_docx_converts_with_the_chinese_text(tmp_path: Path) -> None:
    pdf = convert_to_pdf(make_docx("今年以来，全区共发放低保金一百万元。"), ".docx")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert "全区共发放低保金一百万元" in pdf_text(pdf, tmp_path)


@needs_libreoffice
def test_parallel_conversions_use_separate_profiles(tmp_path: Path) -> None:
    documents = [make_docx("第一份报告：城乡低保。"), make_docx("第二份报告：临时救助。")]
    with ThreadPoolExecutor(max_workers=2) as pool:
        pdfs = list(pool.map(lambda data: convert_to_pdf(data, ".docx"), documents))
    first, second = (pdf_text(pdf, tmp_path) for pdf in pdfs)
    assert "第一份报告：城乡低保" in first and "临时救助" not in first
    assert "第二份报告：临时救助" in second and "城乡低保" not in second


@needs_libreoffice
def test_broken_document_is_rg406_with_libreoffice_message() -> None:
    broken = io.BytesIO()  # a zip (what is not one is refused before LibreOffice), but no Word file
    with zipfile.ZipFile(broken, "w") as package:
        package.writestr("word/document.xml", "<not-word/>")
    with pytest.raises(RenderError) as caught:
        convert_to_pdf(broken.getvalue(), ".docx")
    assert caught.value.code == "RG406"
    assert "没有生成 PDF" in str(caught.value) and "无法打开源文件" in str(caught.value)
    assert "could not be loaded" not in str(caught.value)  # LibreOffice's English, translated


# --- LibreOffice missing, stuck or failing ------------------------------------------------------


def test_missing_soffice_is_rg404(tmp_path: Path) -> None:
    with pytest.raises(RenderError) as caught:
        convert_to_pdf(make_docx("测试"), ".docx", soffice=str(tmp_path / "no-such-soffice"))
    assert caught.value.code == "RG404"
    assert "libreoffice-writer-nogui" in str(caught.value) and "REPORTGEN_SOFFICE" in str(caught.value)


def test_wrong_reportgen_soffice_is_not_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTGEN_SOFFICE", str(tmp_path / "no-such-soffice"))
    assert find_soffice() is None and not pdf_available()
    with pytest.raises(RenderError) as caught:
        convert_to_pdf(make_docx("测试"), ".docx")
    assert caught.value.code == "RG404"
    assert "no-such-soffice" in str(caught.value)


@posix_only
def test_reportgen_soffice_is_used_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = fake_soffice(tmp_path, "exit 0\n")
    monkeypatch.setenv("REPORTGEN_SOFFICE", program)
    assert find_soffice() == program


@posix_only
def test_timeout_kills_the_whole_process_group(tmp_path: Path, private_temp: Path) -> None:
    pids = tmp_path / "pids"
    program = fake_soffice(tmp_path, f'echo $$ > "{pids}"\nsleep 30 &\necho $! >> "{pids}"\nwait\n')
    started = time.monotonic()
    with pytest.raises(RenderError) as caught:
        convert_to_pdf(make_docx("测试"), ".docx", timeout=1, soffice=program)
    assert time.monotonic() - started < 5
    assert caught.value.code == "RG405"
    assert "1 秒" in str(caught.value)
    group, sleeper = (int(line) for line in pids.read_text().split())
    deadline = time.monotonic() + 3
    while group_alive(group) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not group_alive(group), f"process group {group} (sleep pid {sleeper}) survived"
    assert not list(private_temp.iterdir())


@posix_only
def test_failing_soffice_is_rg406_with_its_message(tmp_path: Path, private_temp: Path) -> None:
    program = fake_soffice(tmp_path, 'echo "Error: source file could not be loaded" >&2\nexit 1\n')
    with pytest.raises(RenderError) as caught:
        convert_to_pdf(make_docx("测试"), ".docx", soffice=program)
    assert caught.value.code == "RG406"
    assert "状态码 1" in str(caught.value)
    assert "LibreOffice 提示：无法打开源文件" in str(caught.value)
    assert "Error" not in str(caught.value)
    assert not list(private_temp.iterdir())


@posix_only
def test_truncated_pdf_is_rg406(tmp_path: Path, private_temp: Path) -> None:
    program = fake_soffice(tmp_path, 'mkdir -p "$out"\nprintf "%%PDF-1.7 garbage" > "$out/$name.pdf"\n')
    with pytest.raises(RenderError) as caught:
        convert_to_pdf(make_docx("测试"), ".docx", soffice=program)
    assert caught.value.code == "RG406"
    assert "不完整" in str(caught.value)
    assert not list(private_temp.iterdir())


@posix_only
def test_no_pdf_written_is_rg406(tmp_path: Path) -> None:
    program = fake_soffice(tmp_path, "echo 'convert: nothing to do'\nexit 0\n")
    with pytest.raises(RenderError) as caught:
        convert_to_pdf(make_docx("测试"), ".docx", soffice=program)
    assert caught.value.code == "RG406"
    assert "没有生成" in str(caught.value)
    assert "nothing to do" not in str(caught.value)  # output we cannot translate is not shown


@posix_only
def test_command_line_profile_and_fonts(tmp_path: Path) -> None:
    record = tmp_path / "record"
    body = (
        f'printf "%s\\n" "$@" > "{record}.args"\n'
        f'cp "$FONTCONFIG_FILE" "{record}.conf"\n'
        'mkdir -p "$out"\nprintf "%%PDF-1.4\\nbody\\n%%%%EOF\\n" > "$out/$name.pdf"\n'
    )
    pdf = convert_to_pdf(make_xlsx(), ".xlsx", soffice=fake_soffice(tmp_path, body))
    assert pdf == b"%PDF-1.4\nbody\n%%EOF\n"
    args = Path(f"{record}.args").read_text().splitlines()
    profile = next(a for a in args if a.startswith("-env:UserInstallation="))
    assert profile.startswith("-env:UserInstallation=file:///") and "reportgen-pdf-" in profile
    options = ["--headless", "--invisible", "--norestore", "--nolockcheck", "--nodefault", "--nologo"]
    assert args == [profile, *options, "--convert-to", "pdf", "--outdir", args[-2], args[-1]]
    assert args[-1].endswith("document.xlsx")
    assert (
        "<family>仿宋_GB2312</family><accept><family>FandolFang</family>"
        in Path(f"{record}.conf").read_text()
    )


def test_unknown_suffix_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        convert_to_pdf(b"", ".pptx")


# --- fonts --------------------------------------------------------------------------------------


def installed_families() -> set[str]:
    listing = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=True).stdout
    return {name.strip() for line in listing.splitlines() for name in line.split(",")}


@pytest.mark.skipif(not shutil.which("fc-match"), reason="needs fontconfig's fc-match")
@pytest.mark.parametrize("official", sorted(FALLBACK_FONTS))
def test_official_font_falls_back_to_the_first_installed_substitute(official: str, tmp_path: Path) -> None:
    installed = installed_families()
    expected = next((s for s in FALLBACK_FONTS[official] if s in installed), None)
    if official in installed or expected is None:
        pytest.skip(f"{official} itself, or none of its substitutes, is installed")
    config = tmp_path / "fonts.conf"
    config.write_text(fontconfig_file(), "utf-8")
    environment = {**os.environ, "FONTCONFIG_FILE": str(config)}
    pattern = official.replace("-", "\\-")  # '-' starts the size in fontconfig's pattern syntax
    found = subprocess.run(
        ["fc-match", "-f", "%{family[0]}|%{weight}", f"{pattern}:weight=80"],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    ).stdout
    family, weight = found.split("|")
    assert family == expected
    if official in ("方正小标宋简体", "FZXiaoBiaoSong-B05S") and expected == "Noto Serif CJK SC":
        assert int(weight) >= 200  # the bold face stands in for the heavy 小标宋


def xref_points_at_objects(pdf: bytes) -> bool:
    """Every in-use xref entry points at the start of its own object."""
    start = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", pdf).group(1))  # type: ignore[union-attr]
    count = int(re.match(rb"xref\s+0 (\d+)\s+", pdf[start:]).group(1))  # type: ignore[union-attr]
    entries = re.findall(rb"(\d{10}) \d{5} ([nf])", pdf[start:])[:count]
    return all(
        pdf[int(offset) :].startswith(b"%d 0 obj" % number)
        for number, (offset, use) in enumerate(entries)
        if use == b"n"
    )


@needs_libreoffice
@pytest.mark.parametrize("original", [b"en", b"en-US", b"de-DE-1996"])
def test_stable_pdf_declares_the_language_and_keeps_the_offsets(original: bytes, tmp_path: Path) -> None:
    """Whatever length LibreOffice's /Lang had, the PDF says zh-CN (or zh-Hant-TW) and its xref holds."""
    pdf = _edit_objects(
        convert_to_pdf(make_docx("第一段：城乡低保。"), ".docx"), original, datetime.date(2024, 9, 23)
    )
    assert re.findall(rb"/Lang\(([^)]*)\)", pdf) == [original] and xref_points_at_objects(pdf)
    for language in ("zh-CN", "zh-Hant-TW"):
        stable = stable_pdf(pdf, datetime.date(2024, 9, 23), language)
        assert re.findall(rb"/Lang\(([^)]*)\)", stable) == [language.encode()]
        assert xref_points_at_objects(stable)
        assert "城乡低保" in pdf_text(stable, tmp_path)
