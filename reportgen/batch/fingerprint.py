"""What a unit's outputs depend on, as one hash, so a rerun skips the units that have not changed.

The hash covers the ledger's bytes, the formats, the report choices and the render options, every
file in the template folders (user folders and the built-in ``templates/``), a user's .docx
template, and reportgen's own source, so a new version of the code re-renders everything.  It is
stored next to the outputs and written last, after every output is in place, with each output's
size and sha256: a unit is skipped only when its outputs are still exactly what was written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from reportgen.api import ReportChoices
from reportgen.base.errors import RenderError, ReportError
from reportgen.base.inputfile import read_input
from reportgen.base.resources import builtin_templates, is_template_file
from reportgen.render import RenderOptions

PACKAGE = Path(__file__).resolve().parent.parent
STAMP_NAME = ".reportgen-inputs"
MAX_STAMP_BYTES = 64 * 1024  # a fingerprint and one line per format


def environment_fingerprint(
    templates: Iterable[Path], choices: ReportChoices, options: RenderOptions, formats: Iterable[str]
) -> str:
    """Everything shared by the units of one batch (computed once per batch)."""
    digest = hashlib.sha256()
    digest.update(repr((sorted(formats), choices, options)).encode())
    # Each file under its place: which folder (by position: a user's folder is searched before the
    # built-in one) and its path inside it, so a template moved into or out of a kind pack changes it.
    files: list[tuple[str, Path]] = [
        (f"code/{p.relative_to(PACKAGE)}", p) for p in sorted(PACKAGE.rglob("*.py"))
    ]
    for number, folder in enumerate((*templates, builtin_templates())):
        if folder.is_dir():
            files.extend(
                (f"{number}/{p.relative_to(folder).as_posix()}", p)
                for p in sorted(folder.rglob("*"))
                if is_template_file(p)
            )
    if options.docx_template is not None and options.docx_template.is_file():
        files.append(("docx_template", options.docx_template))
    for place, path in files:
        digest.update(place.encode() + b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:  # unreadable: the render that needs it says so (with a code)
            digest.update(b"unreadable")
    return digest.hexdigest()


def unit_fingerprint(environment: str, ledger: bytes) -> str:
    return hashlib.sha256(environment.encode() + b"\0" + ledger).hexdigest()


def stamp_text(fingerprint: str, outputs: Mapping[str, bytes]) -> bytes:
    """The stamp: the inputs' fingerprint, then each output's sha256, size and file name, so a
    rerun can tell an output that a crash or a person truncated or replaced from a complete one."""
    lines = [fingerprint]
    lines += [
        f"{hashlib.sha256(data).hexdigest()} {len(data)} {name}" for name, data in sorted(outputs.items())
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def is_current(folder: Path, fingerprint: str, outputs: Iterable[Path]) -> bool:
    """Whether the unit can be skipped: same inputs, and every expected output is a regular file of
    the size and sha256 recorded when it was written (an empty or cut file is rendered again)."""
    try:
        lines = read_input(folder / STAMP_NAME, limit=MAX_STAMP_BYTES, error=RenderError, code="RG401")
        first, *rest = lines.decode("utf-8").splitlines()
        recorded = {name: (digest, int(size)) for digest, size, name in (line.split(" ", 2) for line in rest)}
    except (ReportError, UnicodeDecodeError, ValueError):
        return False
    expected = {path.name: path for path in outputs}
    if first != fingerprint or set(recorded) != set(expected):
        return False
    for name, path in expected.items():
        digest, size = recorded[name]
        try:
            data = read_input(path, limit=size, error=RenderError, code="RG401")
        except ReportError:
            return False
        if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
            return False
    return True
