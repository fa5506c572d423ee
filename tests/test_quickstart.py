"""The office staff's quickstart runs as written: every ``sh`` block of docs/quickstart.md, in order,
in a fresh folder that holds what a checkout has, with the project's environment installed.

The commands are the ones a person types (``make ledger``, ``make quarterly``…), so a renamed
target, option or output folder breaks this test before it breaks somebody's afternoon.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "docs" / "quickstart.md"
SH_BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)


def shell_blocks() -> list[str]:
    return SH_BLOCK.findall(QUICKSTART.read_text("utf-8"))


def test_the_quickstart_has_the_office_workflow() -> None:
    text = "\n".join(shell_blocks())
    for step in ("make ledger", "make check", "make quarterly"):
        assert step in text


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_quickstart_commands_run_in_order(tmp_path: Path) -> None:
    for name in ("Makefile", "pyproject.toml", "requirements/lock.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
        # Older than any install stamp: `make install` finds the environment up to date and never runs
        # pip in this copy (the environment is the one running these tests).
        os.utime(tmp_path / name, (0, 0))
    for folder in ("samples", "templates"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    venv = Path(sys.executable).parent.parent
    (tmp_path / ".venv").symlink_to(venv)  # the quickstart's `.venv/bin/reportgen`
    env = {
        **os.environ,
        "VENV": str(venv),  # the Makefile's `VENV ?= .venv`: use the environment that runs the tests
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "FORMATS": "md,html,docx,xlsx",  # PDF is covered by the page tests; keep this one quick
    }

    def shell(script: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    for number, block in enumerate(shell_blocks(), start=1):
        done = shell(block)
        assert done.returncode == 0, f"block {number}:\n{block}\n{done.stdout}\n{done.stderr}"
    folder = tmp_path / "out" / "2024Q3"
    outputs = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    assert outputs == ["2024Q3.docx", "2024Q3.html", "2024Q3.md", "2024Q3.xlsx"]
    assert (tmp_path / "out" / "繁体" / "2024Q3.docx").is_file()
    assert (tmp_path / "台账" / "2024Q3.yaml").is_file()
    # Unchanged ledger: the second run renders nothing and leaves every file as it was.
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    again = shell("make quarterly LEDGER=台账/2024Q3.xlsx")
    assert again.returncode == 0, again.stderr
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before
    assert "2024Q3/2024Q3.docx" in again.stdout  # it still says where the files are
