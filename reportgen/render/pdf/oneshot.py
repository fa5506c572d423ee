"""One cold conversion: ``convert_to_pdf`` starts LibreOffice for a single .docx or .xlsx.

Each conversion runs in a fresh temporary directory with its own LibreOffice user profile, so
conversions in parallel (threads or processes) never share a profile lock; it runs in its own
process group with a time limit, and the whole group is killed when the limit passes.  Bytes are
returned only when the file is a complete PDF.  How LibreOffice is found, started, isolated and
understood is ``soffice``'s; a warm office for many documents is ``pool``'s.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
from pathlib import Path

from reportgen.render.package import refuse_outside_references
from reportgen.render.pdf import soffice as libreoffice

# Word files keep the pages LibreOffice adds itself (the blank page before a 版记 that must fall on
# an even page, docs/standards.md §9.19): its PDF export leaves them out by default, and the 版记 would
# then print on an odd page.  Options as JSON: LibreOffice 7.4 and later.
TARGETS = {
    ".docx": 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}',
    ".xlsx": "pdf",
}


def convert_to_pdf(data: bytes, suffix: str, *, timeout: float = 120.0, soffice: str | None = None) -> bytes:
    """The PDF of a .docx or .xlsx given as bytes; RenderError RG404/RG405/RG406 when it cannot be made,
    RG411 (before LibreOffice starts) when the package links to anything outside itself."""
    if suffix not in libreoffice.SUFFIXES:
        raise ValueError(f"convert_to_pdf handles {libreoffice.SUFFIXES}, not {suffix!r}")
    refuse_outside_references(data, suffix)
    program = libreoffice.require_soffice(soffice)
    try:
        with tempfile.TemporaryDirectory(prefix="reportgen-pdf-", ignore_cleanup_errors=True) as temp:
            return _convert_in(Path(temp), program, data, suffix, timeout)
    except OSError as exc:  # the temporary folder itself
        raise libreoffice.folder_failed(exc) from None


def _convert_in(work: Path, program: str, data: bytes, suffix: str, timeout: float) -> bytes:
    source = work / f"document{suffix}"
    source.write_bytes(data)
    out = work / "out"
    command, environment = libreoffice.prepare_office(
        work, program, "--convert-to", TARGETS[suffix], "--outdir", str(out), str(source), temporary=work
    )
    try:
        process = subprocess.Popen(
            libreoffice.isolated(command),
            cwd=work,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        raise libreoffice.start_failed(exc, program) from None
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise libreoffice.timed_out(timeout) from None
    except BaseException:
        _kill_group(process)
        raise
    if process.returncode != 0:
        raise libreoffice.conversion_failed(libreoffice.office_exit(process.returncode), stderr or stdout)
    produced = out / "document.pdf"
    try:
        pdf = produced.read_bytes()
    except OSError:
        raise libreoffice.conversion_failed("LibreOffice 没有生成 PDF 文件", stderr or stdout) from None
    if not libreoffice.is_complete_pdf(pdf):
        raise libreoffice.incomplete_pdf(pdf, stderr or stdout)
    return pdf


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill LibreOffice and everything it started; the group id is still ours until we reap."""
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)
    try:
        process.communicate(timeout=10)
    except subprocess.TimeoutExpired:  # a grandchild left the group and holds the pipes
        process.kill()
        process.wait()
