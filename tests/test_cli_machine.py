"""The command line for scripts (issue 18, part 5): ``--json``, ledgers on standard input, and one
documented meaning per exit status.  Run as a user's script would: ``python -m reportgen``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reportgen.base.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK
from reportgen.ledger import example_bytes
from reportgen.ledger.yaml.read import MAX_FILE_BYTES
from tests.conftest import JIALING, MINIMAL, QINGSHAN, ROOT

PROBLEM_KEYS = ["code", "severity", "title", "message", "file", "place", "line", "value", "expected", "text"]


def run(
    *args: str | Path, stdin: bytes | Any = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "reportgen", *map(str, args)],
        input=stdin if isinstance(stdin, bytes) else None,
        stdin=None if isinstance(stdin, bytes) else stdin,
        capture_output=True,
        env=None if env is None else {**os.environ, **env},
        timeout=120,
        check=False,
    )


def as_json(done: subprocess.CompletedProcess[bytes]) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(done.stdout.decode("utf-8"))
    assert document["exit_status"] == done.returncode
    return document


def test_check_json_carries_every_finding_as_the_text_does() -> None:
    text = run("check", JIALING)
    done = run("check", "--json", JIALING)
    document = as_json(done)
    assert done.returncode == EXIT_OK and done.stderr == b""
    assert list(document) == ["reportgen", "command", "exit_status", "summary", "errors", "ledgers"]
    assert "超计划".encode() in done.stdout  # Chinese as itself, not \u escapes
    [ledger] = document["ledgers"]
    assert list(ledger) == ["ledger", "name", "status", "findings", "errors"]
    assert ledger["ledger"] == str(JIALING) and ledger["name"] == "jialing-2024q3" and ledger["errors"] == []
    for finding in ledger["findings"]:
        assert list(finding) == PROBLEM_KEYS
    # the same findings, in the same order, as the lines a person reads
    lines = text.stderr.decode("utf-8").splitlines()
    shown = {"warning": "警告", "notice": "提示"}
    assert [f"[{shown[f['severity']]}] {f['text']}" for f in ledger["findings"]] == lines
    assert {"RG201", "RG202", "RG203", "RG204", "RG205"} <= {f["code"] for f in ledger["findings"]}
    counts = {s: sum(f["severity"] == s for f in ledger["findings"]) for s in ("warning", "notice")}
    assert document["summary"] == {"ledgers": 1, "failed": 0, "error": 0, **counts}
    assert counts["warning"] and counts["notice"]
    rg205 = next(f for f in ledger["findings"] if f["code"] == "RG205")
    assert rg205["file"] == str(JIALING) and rg205["place"] == "一览表.项目[1].计划安排资金"
    # UTF-8 whatever stdout's encoding is said to be
    assert run("check", "--json", JIALING, env={"PYTHONIOENCODING": "ascii"}).stdout == done.stdout


def test_check_json_reports_an_error_with_its_place_line_and_value(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("计划安排资金: 200", "计划安排资金: 18所"), "utf-8")
    done = run("check", "--json", bad, QINGSHAN)
    document = as_json(done)
    assert done.returncode == EXIT_ERROR
    first, second = document["ledgers"]
    assert first["status"] == EXIT_ERROR and second["status"] == EXIT_OK  # one bad ledger stops no other
    [error] = first["errors"]
    assert error["code"] == "RG106" and error["severity"] == "error" and error["value"] == "18所"
    assert error["place"] == "一览表.项目[1].计划安排资金" and isinstance(error["line"], int)
    assert document["summary"]["failed"] == 1 and document["summary"]["error"] == 1


def test_render_json_lists_the_outputs(tmp_path: Path) -> None:
    done = run("render", "--json", QINGSHAN, "-o", tmp_path, "-f", "md,html", "--quiet")
    document = as_json(done)
    [ledger] = document["ledgers"]
    assert ledger["outputs"] == [str(tmp_path / "qingshan-2024q3.md"), str(tmp_path / "qingshan-2024q3.html")]
    assert ledger["notices"] == [] and [f["code"] for f in ledger["findings"]] == ["RG202"]
    assert all(Path(output).is_file() for output in ledger["outputs"])


def test_a_yaml_ledger_from_stdin(tmp_path: Path) -> None:
    done = run("render", "-", "--name", "测试局", "-o", tmp_path, "-f", "md", stdin=MINIMAL.encode())
    assert done.returncode == EXIT_OK, done.stderr.decode()
    assert "发放低保金100.5万元" in (tmp_path / "测试局.md").read_text("utf-8")
    checked = as_json(run("check", "--json", "-", stdin=MINIMAL.encode()))
    assert checked["ledgers"][0]["ledger"] == "-" and checked["ledgers"][0]["name"] == "stdin"


def test_a_workbook_from_stdin_is_known_by_its_bytes_not_its_name(tmp_path: Path) -> None:
    workbook = example_bytes(Path("x.xlsx"))
    done = run("render", "-", "--name", "台账.yaml", "-o", tmp_path, "-f", "md", "--json", stdin=workbook)
    document = as_json(done)
    assert done.returncode == EXIT_OK, document
    [ledger] = document["ledgers"]
    assert ledger["outputs"] == [str(tmp_path / "台账.yaml.md")]
    # cut short, it is still read as a workbook (refused as one), never as YAML text
    broken = run("check", "--json", "-", stdin=workbook[:-100])
    assert broken.returncode == EXIT_ERROR and as_json(broken)["ledgers"][0]["errors"][0]["code"] == "RG101"


def test_stdin_is_read_no_further_than_the_size_limit() -> None:
    """An endless stream (``/dev/zero``) ends in RG114 at once: never read to its end."""
    with open("/dev/zero", "rb") as endless:
        done = run("check", "--json", "-", stdin=endless)
    [error] = as_json(done)["ledgers"][0]["errors"]
    assert (
        done.returncode == EXIT_ERROR and error["code"] == "RG114" and str(MAX_FILE_BYTES) in error["message"]
    )


@pytest.mark.parametrize("name", ["../x", "a/b", "", ".."])
def test_the_name_of_a_ledger_on_stdin_is_no_path(name: str, tmp_path: Path) -> None:
    done = run("render", "-", "--name", name, "-o", tmp_path / "out", "-f", "md", stdin=MINIMAL.encode())
    assert (
        done.returncode == EXIT_ERROR and "RG410" in done.stderr.decode() and "--name" in done.stderr.decode()
    )
    assert not (tmp_path / "out").exists()


def test_stdin_is_read_once() -> None:
    done = run("check", "--json", "-", "-", stdin=MINIMAL.encode())
    first, second = as_json(done)["ledgers"]
    assert first["status"] == EXIT_OK and second["errors"][0]["code"] == "RG410"


@pytest.mark.parametrize("json_wanted", [False, True])
def test_a_usage_error_exits_2(json_wanted: bool) -> None:
    done = run("check", *(["--json"] if json_wanted else []), "--no-such-option", JIALING)
    assert done.returncode == EXIT_ERROR and "RG410" in done.stderr.decode()
    if json_wanted:
        document = as_json(done)
        assert document["errors"][0]["code"] == "RG410" and document["ledgers"] == []
    else:
        assert done.stdout == b""


def test_each_exit_status(tmp_path: Path) -> None:
    """0 done (findings printed), 1 findings under --strict, 2 an error: check, render and lint alike."""
    assert run("check", JIALING).returncode == EXIT_OK
    assert run("check", "--strict", JIALING).returncode == EXIT_FINDINGS
    assert run("render", "--strict", JIALING, "-o", tmp_path / "strict").returncode == EXIT_FINDINGS
    assert not (tmp_path / "strict").exists()
    assert run("check", tmp_path / "missing.yaml").returncode == EXIT_ERROR
    assert run("render", QINGSHAN, "-f", "pptx", "-o", tmp_path).returncode == EXIT_ERROR
    assert run("frobnicate").returncode == EXIT_ERROR
    assert run("lint", ROOT / "templates" / "report.docx").returncode == EXIT_OK


def test_the_documented_exit_statuses_are_the_commands() -> None:
    page = (ROOT / "docs" / "cli.md").read_text("utf-8")
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", page, re.MULTILINE)}
    assert documented == {EXIT_OK, EXIT_FINDINGS, EXIT_ERROR}
