"""What a unit's outputs depend on, as one hash, so a rerun skips the units that have not changed.

The hash covers the ledger's bytes, the formats and options, every file in the template folders
(user folders and the built-in ``templates/``), a user's .docx template, and reportgen's own source,
so a new version of the code re-renders everything.  It is stored next to the outputs and written
last, after every output is in place.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from reportgen.render import RenderOptions
from reportgen.resources import builtin_templates, is_template_file

PACKAGE = Path(__file__).resolve().parent.parent
STAMP_NAME = ".reportgen-inputs"


def environment_fingerprint(templates: Iterable[Path], options: RenderOptions, formats: Iterable[str]) -> str:
    """Everything shared by the units of one batch (computed once per batch)."""
    digest = hashlib.sha256()
    digest.update(repr((sorted(formats), options)).encode())
    files: list[Path] = sorted(PACKAGE.rglob("*.py"))
    for folder in (*templates, builtin_templates()):
        if folder.is_dir():
            files.extend(sorted(p for p in folder.rglob("*") if is_template_file(p)))
    if options.docx_template is not None and options.docx_template.is_file():
        files.append(options.docx_template)
    for path in files:
        digest.update(str(path.name).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def unit_fingerprint(environment: str, ledger: bytes) -> str:
    return hashlib.sha256(environment.encode() + b"\0" + ledger).hexdigest()


def is_current(folder: Path, fingerprint: str, outputs: Iterable[Path]) -> bool:
    stamp = folder / STAMP_NAME
    try:
        return stamp.read_text("ascii").strip() == fingerprint and all(p.is_file() for p in outputs)
    except (OSError, UnicodeDecodeError):
        return False
