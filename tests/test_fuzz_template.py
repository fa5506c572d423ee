"""Untrusted Word templates, fuzzed: whatever package arrives, ``render`` and ``reportgen lint`` give a
result or a ``ReportError`` with a registered code — never another exception.

Two strategies, as ``tests/test_fuzz_ledger.py`` does for ledgers:

1. ``broken_packages``: a small real template's zip, rebuilt by hand so anything a zip can say is
   reachable — members renamed (``..``, absolute, backslash, NUL, case twins), duplicated, dropped or
   added, compression methods stored/deflate/bzip2/lzma/unknown, sizes and CRCs that lie, the
   archive truncated or bytes flipped.
2. ``broken_parts``: the XML bytes of ``word/document.xml``, ``word/styles.xml``,
   ``word/_rels/document.xml.rels`` or ``[Content_Types].xml`` mutated: snippets inserted (tags, DTDs,
   external targets, macro content types, stray ``&``/``<``), re-encoded (UTF-16, Latin-1), cut, or
   replaced by random bytes.

A rendered result must be a zip whose members all read back.  ``PACKAGE_EXAMPLES`` and
``PART_EXAMPLES`` are the example counts (about 20 s of CPU together; under 60 s on a shared machine).
"""

from __future__ import annotations

import datetime
import io
import itertools
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import reportgen
from reportgen.base.errors import CODES, ReportError
from reportgen.render import RenderOptions
from reportgen.render.docx.template_lint import lint_template
from reportgen.templating.sandbox import make_environment
from tests.conftest import MINIMAL
from tests.test_template_package import Raw, base_members, honest, raw_zip

PACKAGE_EXAMPLES = 300
PART_EXAMPLES = 300
ENV = make_environment()
FUZZ_SETTINGS = settings(
    deadline=datetime.timedelta(seconds=5),
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
_COUNTER = itertools.count()

NAMES = st.one_of(
    st.sampled_from(
        [
            "../evil.xml",
            "/abs.xml",
            "C:/x.xml",
            "word\\x.xml",
            "word/a\x00b.xml",
            "WORD/DOCUMENT.XML",
            "word/document.xml",
            "word/vbaProject.bin",
            "word/activeX/activeX1.xml",
            "word//x.xml",
            "word/embeddings/oleObject1.bin",
            "",
            "word/",
            "[Content_Types].xml",
            "word/media/image1.png",
        ]
    ),
    st.text(min_size=0, max_size=20),
)


@st.composite
def broken_packages(draw: st.DrawFn) -> bytes:
    entries: list[Raw] = [honest(name, data) for name, data in base_members()]
    for _ in range(draw(st.integers(1, 4))):
        action = draw(
            st.sampled_from(["rename", "duplicate", "drop", "add", "add", "method", "method", "lie", "crc"])
        )
        event("package: " + action)
        index = draw(st.integers(0, len(entries) - 1)) if entries else 0
        if not entries and action != "add":
            continue
        if action == "rename":
            name, *rest = entries[index]
            entries[index] = (draw(NAMES).encode("utf-8", "surrogatepass"), *rest)  # type: ignore[assignment]
        elif action == "duplicate":
            entries.insert(draw(st.integers(0, len(entries))), entries[index])
        elif action == "drop":
            del entries[index]
        elif action == "add":
            data = draw(st.binary(max_size=200))
            entries.append(honest(draw(NAMES), data, draw(st.sampled_from([0, 8, 12, 14]))))
        elif action == "method":
            name = entries[index][0].decode("utf-8", "replace")
            data = dict(base_members()).get(name, b"<a/>")
            entries[index] = honest(name, data, draw(st.sampled_from([0, 8, 12, 14, 99])))
        elif action == "lie":
            name, method, stored, crc, size = entries[index]
            entries[index] = (
                name,
                method,
                stored,
                crc,
                draw(st.sampled_from([0, 1, size // 2, size + 1, 2**31])),
            )
        else:
            name, method, stored, crc, size = entries[index]
            entries[index] = (name, method, stored, crc ^ 1, size)
    raw = raw_zip(entries)
    if draw(st.integers(0, 3)) == 0:
        flips = draw(st.lists(st.tuples(st.integers(0, len(raw) - 1), st.integers(1, 255)), max_size=5))
        buffer = bytearray(raw)
        for position, mask in flips:
            buffer[position] ^= mask
        raw = bytes(buffer)
        event("package: flipped bytes")
    if draw(st.integers(0, 5)) == 0:
        raw = raw[: draw(st.integers(0, len(raw)))]
        event("package: truncated")
    return raw


PARTS = ("word/document.xml", "word/styles.xml", "word/_rels/document.xml.rels", "[Content_Types].xml")
SNIPPETS = [
    "{{ document.title }}",
    "{%p if document.title %}",
    "{%p endif %}",
    "{{ ",
    "{% for x in document.blocks %}",
    "{{ document.title | safe }}",
    "{% autoescape false %}",
    "&",
    "<",
    "&amp;",
    "&#1;",
    "]]>",
    "<w:p>",
    "</w:p>",
    '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    "&x;",
    '<Relationship Id="r9" Type="t" Target="http://a.example/x" TargetMode="External"/>',
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>',
    "\x00",
    "\ufeff",
    "\U0001f600",
    "<?xml version='1.0' encoding='UTF-16'?>",
]


@st.composite
def broken_parts(draw: st.DrawFn) -> bytes:
    members = dict(base_members())
    part = draw(st.sampled_from(PARTS))
    data = members[part]
    action = draw(st.sampled_from(["insert", "insert", "encode", "cut", "random"]))
    event(f"part: {part} {action}")
    if action == "insert":
        text = data.decode("utf-8")
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(SNIPPETS) | st.text(max_size=10)) + text[at:]
        data = text.encode("utf-8", "surrogatepass")
    elif action == "encode":
        data = data.decode("utf-8").encode(
            draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32", "gb18030"]))
        )
    elif action == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    else:
        data = draw(st.binary(max_size=300))
    members[part] = data
    return raw_zip([honest(name, content) for name, content in members.items()])


def outcome(raw: bytes, tmp: Path) -> str:
    """Render and lint the template ``raw``; any exception but a coded ``ReportError`` fails the test."""
    path = tmp / f"fuzz-{next(_COUNTER)}.docx"  # a new name: the compiled-template cache keys on the path
    path.write_bytes(raw)
    report = reportgen.loads(MINIMAL, options=RenderOptions(docx_template=path))
    try:
        data = report.to_bytes("docx")
    except ReportError as error:
        assert all(p.code in CODES for p in error.problems), error.problems
        rendered = error.code
    else:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert archive.testzip() is None
            assert "word/document.xml" in archive.namelist()
        rendered = "rendered"
    found = lint_template(path, ENV)
    assert all(f.code in CODES for f in found)
    path.unlink()
    return rendered


@settings(FUZZ_SETTINGS, max_examples=PACKAGE_EXAMPLES)
@given(broken_packages())
def test_broken_packages_give_a_result_or_a_coded_error(tmp_path: Path, raw: bytes) -> None:
    event("outcome: " + outcome(raw, tmp_path))


@settings(FUZZ_SETTINGS, max_examples=PART_EXAMPLES)
@given(broken_parts())
def test_broken_parts_give_a_result_or_a_coded_error(tmp_path: Path, raw: bytes) -> None:
    event("outcome: " + outcome(raw, tmp_path))
