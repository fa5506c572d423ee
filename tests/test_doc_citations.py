"""Citations of the rules point into the repository: every ``docs/standards.md §N`` exists there.

The code's comments say which formatting rule they follow (``docs/standards.md §3.1``) and which sample
shows a mistake (``samples/jialing-2024q3.yaml``).  Rules kept outside the repository, or documents
known only by a number, cannot be checked by a reader; these tests keep it that way.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STANDARDS = ROOT / "docs" / "standards.md"
HEADING = re.compile(r"^#{2,3} (\d+(?:\.\d+)?)[. ]", re.MULTILINE)
# docs/standards.md §3.1, §3.1–3.3, §1–8; in docs/*.md also [standards.md](standards.md) §9.
CITATION = re.compile(r"standards\.md\)?\s+§(\d+(?:\.\d+)?)(?:–(\d+(?:\.\d+)?))?")
UNCHECKABLE = re.compile(r"\bseeds? 0|种子|\.\./shared|(?<!docs/)\bstandards(?:\.md)? +§?\d", re.IGNORECASE)


def sections() -> set[str]:
    return set(HEADING.findall(STANDARDS.read_text("utf-8")))


def sources() -> list[Path]:
    code = [*sorted((ROOT / "reportgen").rglob("*.py")), *sorted((ROOT / "tests").rglob("*.py"))]
    return [*code, ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_the_standards_are_numbered_sections() -> None:
    found = sections()
    assert {"1", "3", "3.1", "8.10", "9.18"} <= found
    assert len(found) > 60


def test_every_cited_section_exists() -> None:
    known = sections()
    missing = [
        f"{path.relative_to(ROOT)}: §{number}"
        for path in sources()
        for match in CITATION.finditer(path.read_text("utf-8"))
        for number in match.groups()
        if number is not None and number not in known
    ]
    assert not missing, f"cited but not in docs/standards.md: {missing}"


def test_the_code_cites_nothing_outside_the_repository() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {match.group()!r}"
        for path in sorted((ROOT / "reportgen").rglob("*.py"))
        for match in UNCHECKABLE.finditer(path.read_text("utf-8"))
    ]
    assert not found, found


def test_every_section_sign_in_the_code_names_its_document() -> None:
    """A bare ``§5.10`` could be any document's; the code writes ``docs/standards.md §5.2``."""
    bare = []
    for path in sorted((ROOT / "reportgen").rglob("*.py")):
        text = path.read_text("utf-8")
        for match in re.finditer("§", text):
            before = text[: match.start()].rstrip()
            if not before.endswith(".md"):
                bare.append(f"{path.relative_to(ROOT)}: {text[match.start() - 30 : match.end() + 5]!r}")
    assert not bare, bare
