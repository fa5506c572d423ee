"""The PDF converters reach nothing: no network, no file outside the document (issue 14).

A .docx whose image and hyperlink relationships point at a listener on 127.0.0.1 and at
file:///etc/hostname is converted by the one-shot converter and by the warm pool with the package
check switched off (so LibreOffice really gets the links); the listener must see no connection and
the PDF must hold nothing of /etc/hostname.  With the check on, such a package is refused (RG411)
before LibreOffice starts, also through the public render path.
"""

from __future__ import annotations

import io
import logging
import shutil
import socket
import struct
import subprocess
import sys
import threading
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml

import reportgen
from reportgen.base.errors import RenderError, TemplateError
from reportgen.base.resources import builtin_templates
from reportgen.render import RenderOptions
from reportgen.render.package import NotAPackage, outside_references
from reportgen.render.pdf import oneshot, soffice
from reportgen.render.pdf import pool as pdf_pool
from reportgen.render.pdf.oneshot import convert_to_pdf
from reportgen.render.pdf.pool import PdfPool, pool_available
from reportgen.render.pdf.soffice import ISOLATIONS, find_soffice
from tests.conftest import MINIMAL, QINGSHAN
from tests.test_pdf import make_docx, pdf_text

needs_libreoffice = pytest.mark.skipif(
    find_soffice() is None or not (shutil.which("pdftotext") and shutil.which("pdfimages")),
    reason="needs LibreOffice and poppler-utils (pdftotext, pdfimages)",
)
needs_pool = pytest.mark.skipif(not pool_available(), reason="needs LibreOffice and python3-uno")

HOSTNAME = Path("/etc/hostname")


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it (and answers none)."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.socket.settimeout(0.2)
        self.port: int = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    serving = Listener()
    try:
        yield serving
    finally:
        serving.close()


_PICTURE = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    ' xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
    ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    ' xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<w:drawing><wp:inline><wp:extent cx="914400" cy="914400"/><wp:docPr id="{n}" name="p{n}"/>'
    '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic><pic:nvPicPr><pic:cNvPr id="{n}" name="p{n}"/><pic:cNvPicPr/></pic:nvPicPr>'
    '<pic:blipFill><a:blip r:link="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
    '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
    "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
)


def png(path: Path) -> Path:
    """A 2×2 red PNG at ``path``: a local picture LibreOffice would embed if it read it."""
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)
    return path


def hostile_docx(port: int, picture: Path) -> bytes:
    """Linked (not embedded) pictures and hyperlinks to the listener, /etc/hostname and a local PNG."""
    document = docx.Document()
    document.add_paragraph("外部链接测试")
    part = document.part
    targets = [f"http://127.0.0.1:{port}/x.png", HOSTNAME.as_uri(), picture.as_uri()]
    for n, target in enumerate(targets, start=1):
        paragraph = document.add_paragraph()
        image = part.relate_to(target, RT.IMAGE, is_external=True)
        paragraph._p.append(parse_xml(_PICTURE.replace("{n}", str(n)).replace("{rid}", image)))
        link = part.relate_to(target, RT.HYPERLINK, is_external=True)
        paragraph._p.append(
            parse_xml(
                '<w:hyperlink xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
                ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
                f' r:id="{link}"><w:r><w:t>链接{n}</w:t></w:r></w:hyperlink>'
            )
        )
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def no_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the hostile package through to LibreOffice: only the isolation is left to stop it."""
    monkeypatch.setattr(oneshot, "refuse_outside_references", lambda data, suffix: None)
    monkeypatch.setattr(pdf_pool, "refuse_outside_references", lambda data, suffix: None)


def convert(converter: str, data: bytes) -> bytes:
    if converter == "one-shot":
        return convert_to_pdf(data, ".docx", timeout=10)
    with PdfPool(timeout=10, retries=0, start_timeout=10) as pool:
        return pool.convert(data, ".docx")


def images(result: bytes, folder: Path) -> int:
    (folder / "images.pdf").write_bytes(result)
    listing = subprocess.run(
        ["pdfimages", "-list", str(folder / "images.pdf")], capture_output=True, text=True, check=True
    ).stdout
    return len(listing.splitlines()) - 2  # two header lines


def assert_reached_nothing(result: bytes, listener: Listener, folder: Path, *, local: bool = True) -> None:
    """No connection seen, nothing of /etc/hostname in the text and (``local``) no picture read from disk."""
    assert listener.connections == 0, "LibreOffice connected to the listener"
    text = pdf_text(result, folder)
    assert "外部链接测试" in text and "链接1" in text
    if HOSTNAME.exists() and HOSTNAME.read_text().strip():
        assert HOSTNAME.read_text().strip() not in text
    if local:
        assert images(result, folder) == 0, "LibreOffice embedded the local picture"


def test_the_listener_sees_a_connection(listener: Listener) -> None:
    """The test's own instrument works: a connection to the port is counted."""
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5):
        pass
    for _ in range(50):
        if listener.connections:
            break
        threading.Event().wait(0.05)
    assert listener.connections == 1


CONVERTERS = [
    pytest.param("one-shot", marks=needs_libreoffice),
    pytest.param("pool", marks=[needs_libreoffice, needs_pool]),
]


@pytest.mark.parametrize("converter", CONVERTERS)
def test_libreoffice_reaches_nothing(
    converter: str, listener: Listener, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As shipped, with the package check switched off: namespace and profile together."""
    no_check(monkeypatch)
    result = convert(converter, hostile_docx(listener.port, png(tmp_path / "local.png")))
    assert_reached_nothing(result, listener, tmp_path)


def working_isolations() -> list[tuple[str, ...]]:
    found = []
    for program, *flags in ISOLATIONS:
        path = shutil.which(program)
        if path and subprocess.run([path, *flags, "true"], capture_output=True, timeout=10).returncode == 0:
            found.append((path, *flags))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="network namespaces are Linux")
@pytest.mark.parametrize("converter", CONVERTERS)
@pytest.mark.parametrize("variant", range(len(ISOLATIONS)), ids=["net", "user-net"])
def test_the_namespace_alone_keeps_libreoffice_off_the_network(
    converter: str, variant: int, listener: Listener, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each way of making the namespace (root's, and a user namespace's for everyone else), with the
    profile's settings removed: the listener still sees nothing.  (A local picture does get read
    then: a network namespace hides no file; the package check and the profile stop that.)"""
    prefix = next((p for p in working_isolations() if p[1:] == ISOLATIONS[variant][1:]), None)
    if prefix is None:
        pytest.skip(f"{' '.join(ISOLATIONS[variant])} does not work here")
    no_check(monkeypatch)
    monkeypatch.setattr(soffice, "PROFILE_SETTINGS", ())
    monkeypatch.setattr(soffice, "_isolation", [prefix])
    result = convert(converter, hostile_docx(listener.port, png(tmp_path / "local.png")))
    assert_reached_nothing(result, listener, tmp_path, local=False)


@pytest.mark.parametrize("converter", CONVERTERS)
def test_the_profile_alone_loads_no_linked_picture(
    converter: str, listener: Listener, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth, where no namespace can be made: the profile blocks linked pictures too."""
    no_check(monkeypatch)
    monkeypatch.setattr(soffice, "_isolation", [()])
    result = convert(converter, hostile_docx(listener.port, png(tmp_path / "local.png")))
    assert_reached_nothing(result, listener, tmp_path)


# --- the package check (RG411), before LibreOffice starts ----------------------------------------

RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


def with_relationship(data: bytes, target: str, mode: str | None = None, doctype: str = "") -> bytes:
    """``data`` with one more relationship in word/_rels/document.xml.rels (nothing refers to it)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for member in source.infolist():
            text = source.read(member)
            if member.filename == "word/_rels/document.xml.rels":
                extra = f' TargetMode="{mode}"' if mode is not None else ""
                added = f'<Relationship Id="rIdOut" Type="{IMAGE}" Target="{target}"{extra}/></Relationships>'
                text = text.replace(b"</Relationships>", added.encode())
                if doctype:
                    text = text.replace(b"?>", b"?>" + doctype.encode(), 1)
            package.writestr(member, text)
    return out.getvalue()


PLAIN = make_docx("正文")

REFUSED = [
    ("http://127.0.0.1:9/x.png", "External"),
    ("file:///etc/hostname", "External"),
    ("media/image1.png", "external"),  # any spelling of External
    ("media/image1.png", "Elsewhere"),  # an unknown mode is not Internal
    ("file:///etc/hostname", None),  # a URL without TargetMode
    ("file%3A///etc/hostname", "Internal"),
    ("../../../etc/hostname", None),
    ("/../etc/hostname", None),  # normpath would make this /etc/hostname
    ("media/../../../etc/hostname", None),
    ("%2e%2e/%2e%2e/etc/hostname", None),
    ("%252e%252e/%252e%252e/etc/hostname", None),
    ("//server/share/x.png", None),
    ("..\\..\\x.png", None),
    ("C:/Windows/x.png", None),
]


@pytest.mark.parametrize(("target", "mode"), REFUSED)
def test_relationships_leaving_the_package_are_found(target: str, mode: str | None) -> None:
    found = outside_references(with_relationship(PLAIN, target, mode))
    assert [(r.part, r.id, r.kind, r.target) for r in found] == [
        ("word/_rels/document.xml.rels", "rIdOut", "image", target)
    ]
    assert found[0].why


@pytest.mark.parametrize("target", ["media/image9.png", "/word/media/x.png", "../word/media/x.png", "./a"])
def test_parts_of_the_package_are_not_outside(target: str) -> None:
    assert outside_references(with_relationship(PLAIN, target)) == []
    assert outside_references(with_relationship(PLAIN, target, "Internal")) == []


def test_a_doctype_in_a_relationships_part_is_refused() -> None:
    """An entity could spell the target; entities are not expanded, the part is refused whole."""
    doctype = '<!DOCTYPE r [<!ENTITY e "http://127.0.0.1:9/x.png">]>'
    found = outside_references(with_relationship(PLAIN, "&e;", doctype=doctype))
    assert [r.part for r in found] == ["word/_rels/document.xml.rels"]


def test_what_is_not_a_package_is_refused_unconverted() -> None:
    for data in (b"", b"PK\x03\x04 not really a zip", b"<html><img src='http://127.0.0.1:9/'></html>"):
        with pytest.raises(NotAPackage):
            outside_references(data)
        with pytest.raises(RenderError) as caught:
            convert_to_pdf(data, ".docx", soffice="/nonexistent/soffice")
        assert caught.value.code == "RG406" and "未交给 LibreOffice" in str(caught.value)


def test_our_own_outputs_reach_nothing() -> None:
    report = reportgen.load(QINGSHAN)  # charts on: pictures embedded in the .docx
    for fmt in ("docx", "xlsx"):
        assert outside_references(report.to_bytes(fmt)) == []


@pytest.mark.parametrize("converter", ["one-shot", "pool"])
def test_converters_refuse_rg411_before_libreoffice_starts(converter: str, tmp_path: Path) -> None:
    """The program given does not exist: reaching it would be RG404, so RG411 came first."""
    data = hostile_docx(9, tmp_path / "local.png")
    with pytest.raises(RenderError) as caught:
        if converter == "one-shot":
            convert_to_pdf(data, ".docx", soffice="/nonexistent/soffice")
        else:
            with PdfPool(soffice="/nonexistent/soffice") as pool:
                pool.convert(data, ".docx")
    assert {p.code for p in caught.value.problems} == {"RG411"}
    assert len(caught.value.problems) == 6  # three pictures, three hyperlinks: all named
    message = str(caught.value)
    assert "word/_rels/document.xml.rels" in message and "file:///etc/hostname" in message
    assert "文档的图片" in message and "文档的超链接" in message and "TargetMode=External" in message


def test_a_template_whose_relationship_climbs_out_is_refused_on_load(tmp_path: Path) -> None:
    """The public path: a Word template with a relationship escaping the package (an internal
    target) is refused when the template is loaded (RG323, the same ``relationships_outside`` check
    as RG411), for the PDF and for the .docx alike — before anything is rendered or converted."""
    template = tmp_path / "climbs.docx"
    builtin = (builtin_templates() / "report.docx").read_bytes()
    template.write_bytes(with_relationship(builtin, "../../../etc/x"))
    report = reportgen.loads(MINIMAL, options=RenderOptions(docx_template=template))
    for fmt in ("pdf", "docx"):
        with pytest.raises(TemplateError) as caught:
            report.to_bytes(fmt)
        assert caught.value.code == "RG323"
        problem = caught.value.problems[0]
        assert problem.place == "word/_rels/document.xml.rels" and problem.value == "../../../etc/x"
        assert "跳出文档包的路径" in str(caught.value) and str(template) in str(caught.value)


# --- where no namespace can be made ----------------------------------------------------------------


def test_without_a_namespace_one_warning_is_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """No way works (here: a program that does not exist): conversions run as before, after one
    Chinese warning in the log, never on stderr from the library itself."""
    monkeypatch.setattr(soffice, "ISOLATIONS", (("reportgen-no-such-unshare", "--net"),))
    monkeypatch.setattr(soffice, "_isolation", [])
    with caplog.at_level(logging.WARNING, logger="reportgen.pdf"):
        assert soffice.isolation() == ()
        assert soffice.isolation() == ()
        assert soffice.isolated(["soffice", "--headless"]) == ["soffice", "--headless"]
    assert [r.getMessage() for r in caplog.records] == [soffice.ISOLATION_WARNING]
    assert "RG411" in soffice.ISOLATION_WARNING and "unshare" in soffice.ISOLATION_WARNING


@pytest.mark.skipif(not working_isolations(), reason="no network namespace can be made here")
def test_a_missing_program_is_still_rg404_behind_unshare(tmp_path: Path) -> None:
    """unshare would exit 127 for a program it cannot exec; we say RG404 as without it."""
    assert soffice.isolation()
    with pytest.raises(OSError):
        soffice.isolated([str(tmp_path / "no-such-soffice")])
    with pytest.raises(RenderError) as caught:
        convert_to_pdf(make_docx("测试"), ".docx", soffice=str(tmp_path / "no-such-soffice"))
    assert caught.value.code == "RG404" and "文件或文件夹不存在" in str(caught.value)
