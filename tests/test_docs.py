"""Every ``python`` code block in the README and docs/ runs, so the documentation cannot rot."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCKS = [
    (page, n, code) for page in PAGES for n, code in enumerate(BLOCK.findall(page.read_text("utf-8")), 1)
]


def test_the_docs_have_examples() -> None:
    assert len(BLOCKS) >= 6


@pytest.mark.parametrize("page,number,code", BLOCKS, ids=[f"{p.name}#{n}" for p, n, _ in BLOCKS])
def test_code_block_runs(
    page: Path, number: int, code: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    here = Path.cwd()
    os.chdir(tmp_path)
    try:
        exec(compile(code, f"{page.name} block {number}", "exec"), {"__name__": "__docs__"})
    finally:
        os.chdir(here)
