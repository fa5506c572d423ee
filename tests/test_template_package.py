"""A user's .docx template is untrusted: its zip package is checked before anything is decompressed.

Each reported case of issue 14 (a 1 GiB member, a 512 MiB ``document.xml``, ``../`` and absolute
names, duplicates, 60 000 members, macros, an external relationship, a UTF-16 ``document.xml``,
``|safe`` on ledger text) must end in a coded error, in ``render`` and in ``reportgen lint``, within
``SECONDS`` and ``PEAK_BYTES`` of Python allocations (measured with tracemalloc).
"""

from __future__ import annotations

import bz2
import functools
import io
import struct
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

import docx
import pytest

import reportgen
from reportgen.base.errors import CODES, ReportError, Severity
from reportgen.base.resources import builtin_templates
from reportgen.base.zipfiles import ZipEntry, deflate, write_zip
from reportgen.render import RenderOptions
from reportgen.render.docx.template_lint import lint_template
from reportgen.templating.sandbox import make_environment
from tests.conftest import MINIMAL

SECONDS = 10.0
PEAK_BYTES = 500 * 1024 * 1024
ENV = make_environment()
GIB = 1 << 30


@functools.cache
def base_members() -> tuple[tuple[str, bytes], ...]:
    """A small template Word would write, with one tag: its members in order."""
    document = docx.Document()
    document.add_paragraph("{{ document.title }}")
    out = io.BytesIO()
    document.save(out)
    archive = zipfile.ZipFile(out)
    return tuple((info.filename, archive.read(info)) for info in archive.infolist())


def package(entries: Iterable[ZipEntry]) -> bytes:
    return write_zip(entries)


def members(replace: dict[str, bytes] | None = None, extra: Iterable[ZipEntry] = ()) -> list[ZipEntry]:
    replace = replace or {}
    return [deflate(name, replace.get(name, data)) for name, data in base_members()] + list(extra)


# (name, method, stored bytes, crc, declared uncompressed size)
Raw = tuple[bytes, int, bytes, int, int]


def compressed(method: int, data: bytes) -> bytes:
    if method == 0:
        return data
    if method == 8:
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        return compressor.compress(data) + compressor.flush()
    if method == 12:
        return bz2.compress(data)
    if method == 14:  # zip's LZMA framing, as zipfile writes it
        compressor = zipfile.LZMACompressor()  # type: ignore[attr-defined]
        return bytes(compressor.compress(data) + compressor.flush())
    return data  # an unknown method: the bytes as they are


def raw_zip(entries: list[Raw]) -> bytes:
    """A zip exactly as ``entries`` say, lies included (``zipfile`` would not write them)."""
    out, directory = bytearray(), bytearray()
    for name, method, stored, crc, size in entries:
        flags = 0x800
        offset = len(out)
        header = (crc, len(stored), size)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, 0, 0x21, *header, len(name), 0)
        out += name + stored
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50, 20, 20, flags, method, 0, 0x21, *header, len(name), 0, 0, 0, 0, 0o644 << 16, offset,
        )  # fmt: skip
        directory += name
    start = len(out)
    out += directory
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), start, 0)
    return bytes(out)


def honest(name: str, data: bytes, method: int = 8) -> Raw:
    return (
        name.encode("utf-8", "surrogatepass"),
        method,
        compressed(method, data),
        zlib.crc32(data),
        len(data),
    )


@functools.cache
def zeros(size: int) -> ZipEntry:
    """``size`` zero bytes deflated (about a thousandth of ``size``), built once per run."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    chunk = bytes(1 << 24)
    parts, crc = [], 0
    for _ in range(size // len(chunk)):
        parts.append(compressor.compress(chunk))
        crc = zlib.crc32(chunk, crc)
    parts.append(compressor.flush())
    return ZipEntry("", b"".join(parts), crc, size)


def named(entry: ZipEntry, name: str) -> ZipEntry:
    return ZipEntry(name, entry.deflated, entry.crc, entry.size)


def with_types(extra: str) -> dict[str, bytes]:
    types = dict(base_members())["[Content_Types].xml"].decode()
    return {"[Content_Types].xml": types.replace("</Types>", extra + "</Types>").encode()}


def with_document_rels(extra: str) -> dict[str, bytes]:
    rels = dict(base_members())["word/_rels/document.xml.rels"].decode()
    return {
        "word/_rels/document.xml.rels": rels.replace("</Relationships>", extra + "</Relationships>").encode()
    }


def _bomb(size: int, name: str) -> bytes:
    return package([e for e in members() if e.name != name] + [named(zeros(size), name)])


def _lying_header() -> bytes:
    """document.xml says it holds 2 000 bytes; its stream inflates to 64 MiB."""
    real = zeros(64 << 20)
    entries = [e for e in members() if e.name != "word/document.xml"]
    return package([*entries, ZipEntry("word/document.xml", real.deflated, real.crc, 2000)])


def _many_members() -> bytes:
    small = deflate("", b"<a/>")
    return package(members(extra=(named(small, f"customXml/item{i}.xml") for i in range(60_000))))


CASES: dict[str, tuple[Callable[[], bytes], str]] = {
    "1 GiB member": (lambda: _bomb(GIB, "word/media/image1.png"), "RG320"),
    "512 MiB document.xml": (lambda: _bomb(GIB // 2, "word/document.xml"), "RG320"),
    "lying size in the header": (_lying_header, "RG305"),
    "60 000 members": (_many_members, "RG320"),
    "../ name": (lambda: package(members(extra=[deflate("../../evil.xml", b"<a/>")])), "RG321"),
    "absolute name": (lambda: package(members(extra=[deflate("/etc/evil.xml", b"<a/>")])), "RG321"),
    "drive letter": (lambda: package(members(extra=[deflate("C:/evil.xml", b"<a/>")])), "RG321"),
    "backslash": (lambda: package(members(extra=[deflate("word\\evil.xml", b"<a/>")])), "RG321"),
    "control character": (lambda: package(members(extra=[deflate("word/a\x00b.xml", b"<a/>")])), "RG321"),
    "duplicate member": (
        lambda: package(members(extra=[deflate("word/document.xml", b"<w:document/>")])),
        "RG321",
    ),
    "case-insensitive duplicate": (
        lambda: package(members(extra=[deflate("WORD/Document.xml", b"<a/>")])),
        "RG321",
    ),
    "vbaProject.bin": (
        lambda: package(members(extra=[deflate("word/vbaProject.bin", b"\xd0\xcf")])),
        "RG322",
    ),
    "macro content type": (
        lambda: package(
            members(
                with_types(
                    '<Override PartName="/word/document.xml" '
                    'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>'
                )
            )
        ),
        "RG322",
    ),
    "ActiveX part": (
        lambda: package(members(extra=[deflate("word/activeX/activeX1.xml", b"<ax:ocx/>")])),
        "RG322",
    ),
    "OLE object": (
        lambda: package(members(extra=[deflate("word/embeddings/oleObject1.bin", b"\xd0\xcf")])),
        "RG322",
    ),
    "external image": (
        lambda: package(
            members(
                with_document_rels(
                    '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/image" Target="http://attacker.example/x.png" TargetMode="External"/>'
                )
            )
        ),
        "RG323",
    ),
    "external hyperlink": (
        lambda: package(
            members(
                with_document_rels(
                    '<Relationship Id="rId98" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/hyperlink" Target="file:///etc/passwd" TargetMode="External"/>'
                )
            )
        ),
        "RG323",
    ),
    "UTF-16 document.xml": (
        lambda: package(
            members(
                {
                    "word/document.xml": dict(base_members())["word/document.xml"]
                    .decode()
                    .replace("UTF-8", "UTF-16")
                    .encode("utf-16")
                }
            )
        ),
        "RG305",
    ),
    "DOCTYPE in document.xml": (
        lambda: package(
            members(
                {
                    "word/document.xml": dict(base_members())["word/document.xml"].replace(
                        b"?>", b'?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1
                    )
                }
            )
        ),
        "RG305",
    ),
}


def _measured(action: Callable[[], object]) -> tuple[object, float, int]:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        try:
            result: object = action()
        except ReportError as error:
            result = error
        return result, time.perf_counter() - start, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(params=sorted(CASES))
def case(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    make, code = CASES[request.param]
    path = tmp_path / "用户模板.docx"
    path.write_bytes(make())
    return path, code


def test_render_refuses_with_a_code_in_time_and_memory(case: tuple[Path, str], tmp_path: Path) -> None:
    path, code = case
    report = reportgen.loads(MINIMAL, options=RenderOptions(docx_template=path))
    result, seconds, peak = _measured(lambda: report.render("docx", tmp_path / "out"))
    assert isinstance(result, ReportError), result
    assert result.problems[0].code == code, result.problems
    assert all(
        p.code in CODES and p.file is not None and "用户模板.docx" in str(p.file) for p in result.problems
    )
    assert seconds < SECONDS and peak < PEAK_BYTES, (seconds, peak)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_lint_refuses_with_a_code_in_time_and_memory(case: tuple[Path, str]) -> None:
    path, code = case
    found, seconds, peak = _measured(lambda: lint_template(path, ENV))
    assert isinstance(found, list), found
    errors = [f for f in found if f.severity is Severity.ERROR]
    assert errors and errors[0].code == code, found
    assert seconds < SECONDS and peak < PEAK_BYTES, (seconds, peak)


def test_a_refusal_names_the_place(tmp_path: Path) -> None:
    path = tmp_path / "t.docx"
    path.write_bytes(CASES["external image"][0]())
    [finding] = [f for f in lint_template(path, ENV) if f.severity is Severity.ERROR]
    assert finding.problem.place == "word/_rels/document.xml.rels"
    assert finding.problem.value == "http://attacker.example/x.png"
    path.write_bytes(CASES["../ name"][0]())
    [finding] = lint_template(path, ENV)
    assert finding.problem.value == "../../evil.xml"


@pytest.mark.parametrize(
    "name", sorted(str(p.relative_to(builtin_templates())) for p in builtin_templates().rglob("*.docx"))
)
def test_the_default_templates_pass_the_package_checks(name: str) -> None:
    path = builtin_templates() / name
    assert [f for f in lint_template(path, ENV) if f.code.startswith("RG32")] == []


@pytest.mark.parametrize(
    "text",
    [
        "{{ document.title | safe }}",
        "{% filter safe %}{{ document.title }}{% endfilter %}",
        "{% autoescape false %}{{ document.title }}{% endautoescape %}",
    ],
)
def test_ledger_text_never_becomes_word_xml(tmp_path: Path, text: str) -> None:
    """A title holding Word XML is printed as the characters typed, whatever the template asks."""
    injected = "</w:t></w:r><w:r><w:t>注入</w:t></w:r><w:r><w:t>"
    ledger = MINIMAL.replace("标题: 测试局", "标题: " + injected + "测试局", 1)
    document = docx.Document()
    document.add_paragraph(text)
    path = tmp_path / "t.docx"
    document.save(str(path))
    report = reportgen.loads(ledger, options=RenderOptions(docx_template=path))
    [out] = report.render("docx", tmp_path / "out")
    paragraphs = [p for p in docx.Document(str(out)).paragraphs if p.text]
    assert len(paragraphs) == 1 and len(paragraphs[0].runs) == 1
    assert injected in paragraphs[0].text


def test_only_words_compression_methods_are_inflated() -> None:
    """zipfile inflates bzip2 and LZMA without an output bound per call: a 79-byte bzip2 stream is
    64 MiB in one call (and a 4 KiB one gigabytes), whatever the header says.  Word and Excel write
    stored or deflated members only, so any other method is refused before anything is inflated."""
    from reportgen.base import boundedzip
    from reportgen.render.docx.package_checks import DOCX_LIMITS

    stream = bz2.compress(bytes(1 << 26))
    entries = [honest(name, data) for name, data in base_members()]
    raw = raw_zip([*entries, (b"word/media/image1.png", 12, stream, 0, 1000)])
    tracemalloc.start()
    try:
        with pytest.raises(boundedzip.ZipRefused) as refused:
            boundedzip.read(raw, DOCX_LIMITS)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.value.place == "word/media/image1.png" and "压缩方式" in refused.value.message
    assert peak < 16 << 20, peak
