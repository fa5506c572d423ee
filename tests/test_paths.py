"""Hostile paths (issue 14, class 5): odd ledger names never write outside ``-o``, only regular files of
bounded size are read as ledgers, kinds and templates, and includes stay inside the template folders.

Whatever might block (a FIFO, a device) is tried in a child process under a timeout, so a regression
fails the test instead of hanging the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import reportgen
from reportgen.base.errors import ReportError
from reportgen.cli import EXIT_ERROR
from reportgen.render.output import MAX_NAME_BYTES, safe_name
from tests.conftest import MINIMAL, ROOT

TIMEOUT = 10


def run_python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter with this tree first on the path; a hang fails after TIMEOUT."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "reportgen", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT * 3,
    )


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


# -- unit names ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        (".", "report"),
        ("..", "report"),
        ("...", "report"),
        (".hidden", "hidden"),
        ("CON", "_CON"),
        ("nul", "_nul"),
        ("com1", "_com1"),
        ("LPT9.backup", "_LPT9.backup"),
        ("a\x00b", "a_b"),
        ("a\x01b\x7f", "a_b_"),
        ("a/b\\c", "a_b_c"),
        ('a<b>c:d"e|f?g*', "a_b_c_d_e_f_g_"),
        ("名称. ", "名称"),
        ("正常单位-2024Q3", "正常单位-2024Q3"),
        ("=HYPERLINK(1)", "=HYPERLINK(1)"),
        ("a\u202eb", "a_b"),
    ],
)
def test_unit_names_become_safe_folder_names(stem: str, expected: str) -> None:
    assert safe_name(stem) == expected


def test_an_overlong_name_is_cut_on_a_character_and_stays_distinct() -> None:
    first, second = safe_name("县" * 200 + "甲"), safe_name("县" * 200 + "乙")
    assert len(first.encode()) <= MAX_NAME_BYTES and len(second.encode()) <= MAX_NAME_BYTES
    assert first != second and first.startswith("县" * 30)


@pytest.mark.parametrize(("name", "unit"), [("...yaml", "report"), ("..yaml", "report"), (".yaml", "yaml")])
def test_a_dotted_ledger_name_writes_into_its_own_folder_inside_out(
    tmp_path: Path, name: str, unit: str
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    ledger = inputs / name
    ledger.write_text(MINIMAL, "utf-8")
    out = tmp_path / "work" / "out"
    summary = reportgen.render_batch([ledger], "md", out, executor="serial", progress=False)
    assert summary.ok, summary.table()
    (result,) = summary.results
    assert result.unit == unit
    assert (out / unit / f"{unit}.md").read_text("utf-8").startswith("# 测试局")
    assert {p.parent for p in files_under(tmp_path / "work")} <= {out, out / unit}
    assert not [p for p in out.iterdir() if p.suffix == ".md"]  # nothing at the root of -o


def test_report_render_of_a_dotted_ledger_stays_inside_out(tmp_path: Path) -> None:
    ledger = tmp_path / "..yaml"
    ledger.write_text(MINIMAL, "utf-8")
    out = tmp_path / "a" / "out"
    (written,) = reportgen.load(ledger).render("md", out)
    assert written == out / "report.md" and written.is_file()
    assert files_under(tmp_path / "a") == {written}


def test_names_that_collide_once_made_safe_are_told_apart_and_reported(tmp_path: Path) -> None:
    one, two = tmp_path / "CON.yaml", tmp_path / "_CON.yaml"
    one.write_text(MINIMAL, "utf-8")
    two.write_text(MINIMAL.replace("测试局", "另一局"), "utf-8")
    out = tmp_path / "out"
    summary = reportgen.render_batch([two, one], "md", out, executor="serial", progress=False)
    assert summary.ok, summary.table()
    assert [r.unit for r in summary.results] == ["_CON", "_CON~2"]
    assert "CON" in summary.results[1].message and "_CON~2" in summary.results[1].message
    assert (out / "_CON" / "_CON.md").read_text("utf-8").startswith("# 另一局")
    assert (out / "_CON~2" / "_CON~2.md").read_text("utf-8").startswith("# 测试局")


def test_the_same_file_name_twice_is_rg502_after_a_clash_was_numbered(tmp_path: Path) -> None:
    """x/a:b, y/a_b, z/a_b: the third is the second's own name again (RG502), not a third folder."""
    ledgers = []
    for folder, stem in (("x", "a:b"), ("y", "a_b"), ("z", "a_b")):
        (tmp_path / folder).mkdir()
        ledgers.append(tmp_path / folder / f"{stem}.yaml")
        ledgers[-1].write_text(MINIMAL, "utf-8")
    summary = reportgen.render_batch(ledgers, "md", tmp_path / "out", executor="serial", progress=False)
    outcome = sorted((r.unit, r.code) for r in summary.results)
    assert outcome == [("a_b", ""), ("a_b", "RG502"), ("a_b~2", "")]


def test_names_differing_only_in_case_get_their_own_folders(tmp_path: Path) -> None:
    """On Windows' and macOS' disks Report/ and report/ are one folder: the second unit is numbered."""
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    (tmp_path / "x" / "Report.yaml").write_text(MINIMAL, "utf-8")
    (tmp_path / "y" / "report.yaml").write_text(MINIMAL, "utf-8")
    summary = reportgen.render_batch(
        [tmp_path / "x" / "Report.yaml", tmp_path / "y" / "report.yaml"],
        "md",
        tmp_path / "out",
        executor="serial",
        progress=False,
    )
    assert [r.unit for r in summary.results] == ["Report", "report~2"]


def test_render_refuses_a_second_ledger_whose_outputs_would_replace_the_first(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    first, second = tmp_path / "x" / "a:b.yaml", tmp_path / "y" / "a_b.yaml"
    first.write_text(MINIMAL, "utf-8")
    second.write_text(MINIMAL.replace("测试局", "另一局"), "utf-8")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "reportgen", "render", str(first), str(second), "-o", str(out), "-f", "md"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == EXIT_ERROR and "RG502" in done.stderr
    assert (out / "a_b.md").read_text("utf-8").startswith("# 测试局")


def test_a_nul_in_a_path_fails_that_unit_and_the_batch_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(MINIMAL, "utf-8")
    summary = reportgen.render_batch(
        [str(tmp_path / "bad\x00.yaml"), good], "md", tmp_path / "out", executor="serial", progress=False
    )
    assert [(r.status, r.code) for r in summary.results] == [("failed", "RG101"), ("ok", "")]
    assert "\x00" not in summary.results[0].message and "<U+0000>" in summary.results[0].message


def test_a_nul_in_a_path_given_to_load_is_a_coded_error(tmp_path: Path) -> None:
    with pytest.raises(ReportError) as caught:
        reportgen.load(tmp_path / "bad\x00.yaml")
    assert caught.value.code == "RG101"


def test_a_nul_in_an_output_path_is_a_coded_error(tmp_path: Path) -> None:
    report = reportgen.loads(MINIMAL, "x.yaml")
    with pytest.raises(ReportError) as caught:
        report.render("md", tmp_path / "a\x00b")
    assert caught.value.code == "RG401" and "<U+0000>" in str(caught.value)
    with pytest.raises(ReportError) as caught:
        reportgen.convert_ledger(ROOT / "samples" / "jialing-2024q3.yaml", tmp_path / "x\x00.xlsx")
    assert caught.value.code == "RG401"
    assert list(tmp_path.iterdir()) == []


def test_a_written_path_outside_out_is_refused(tmp_path: Path) -> None:
    from reportgen.render.output import write_atomic

    with pytest.raises(ReportError) as caught:
        write_atomic(tmp_path / "out" / ".." / "escaped.md", b"x", inside=tmp_path / "out")
    assert caught.value.code == "RG401" and not (tmp_path / "escaped.md").exists()


# -- only regular files, of bounded size -------------------------------------------------------------------


def test_a_fifo_as_ledger_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    done = run_python(
        """
        import reportgen
        try:
            reportgen.load("pipe.yaml")
        except reportgen.ReportError as e:
            print(e.code)
        """,
        tmp_path,
    )
    assert done.stdout.strip() == "RG101", done.stderr


def test_a_fifo_in_a_batch_fails_its_unit_only(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "good.yaml").write_text(MINIMAL, "utf-8")
    done = run_python(
        """
        import reportgen
        s = reportgen.render_batch(["pipe.yaml", "good.yaml"], "md", "out", executor="serial", progress=False)
        print([(r.status, r.code) for r in s.results])
        """,
        tmp_path,
    )
    assert done.stdout.strip() == "[('failed', 'RG101'), ('ok', '')]", done.stderr


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_as_ledger_is_refused(tmp_path: Path, device: str) -> None:
    (tmp_path / "dev.yaml").symlink_to(device)
    done = run_python(
        """
        import reportgen
        try:
            reportgen.load("dev.yaml")
        except reportgen.ReportError as e:
            print(e.code)
        """,
        tmp_path,
    )
    assert done.stdout.strip() == "RG101", done.stderr


def test_a_folder_as_ledger_is_refused(tmp_path: Path) -> None:
    (tmp_path / "folder.yaml").mkdir()
    with pytest.raises(ReportError) as caught:
        reportgen.load(tmp_path / "folder.yaml")
    assert caught.value.code == "RG101"


def test_an_oversized_ledger_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with open(big, "wb") as stream:
        stream.truncate(64 * 1024 * 1024 * 1024)  # sparse: 64 GiB that reading would never finish
    with pytest.raises(ReportError) as caught:
        reportgen.load(big)
    assert caught.value.code == "RG114"


@pytest.mark.parametrize("target", ["fifo", "/dev/zero"])
def test_a_kind_file_that_is_not_a_regular_file_is_refused(tmp_path: Path, target: str) -> None:
    pack = tmp_path / "T" / "mine"
    pack.mkdir(parents=True)
    if target == "fifo":
        os.mkfifo(pack / "kind.yaml")
    else:
        (pack / "kind.yaml").symlink_to(target)
    (tmp_path / "l.yaml").write_text(MINIMAL, "utf-8")
    done = run_python(
        """
        import reportgen
        try:
            reportgen.load("l.yaml", templates=["T"])
        except reportgen.ReportError as e:
            print(e.code)
        """,
        tmp_path,
    )
    assert done.stdout.strip() == "RG311", done.stderr


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_docx_template_that_is_not_a_file_is_a_coded_error(tmp_path: Path, kind: str) -> None:
    (tmp_path / "l.yaml").write_text(MINIMAL, "utf-8")
    if kind == "folder":
        (tmp_path / "t.docx").mkdir()
    else:
        os.mkfifo(tmp_path / "t.docx")
    done = run_cli("render", "l.yaml", "-f", "docx", "--template", "t.docx", "-o", "out", cwd=tmp_path)
    assert done.returncode == EXIT_ERROR and "RG305" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "out" / "l.docx").exists()


# -- includes stay inside the template folders --------------------------------------------------------------


def including(name: str) -> str:
    return MINIMAL.replace(
        '段落: ["{{ 期间 }}，发放低保金{{ 低保金 | 万元 }}。"]', f"段落: [\"{{% include '{name}' %}}\"]"
    )


def test_an_include_through_a_symlink_out_of_the_templates_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("SECRET", "utf-8")
    folder = tmp_path / "T"
    folder.mkdir()
    (folder / "evil.j2").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(ReportError) as caught:
        reportgen.loads(including("evil.j2"), "x.yaml", templates=[folder]).to_bytes("md")
    assert caught.value.code == "RG304" and "SECRET" not in str(caught.value)


def test_an_include_through_a_linked_folder_out_of_the_templates_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.j2").write_text("SECRET", "utf-8")
    folder = tmp_path / "T"
    folder.mkdir()
    (folder / "sub").symlink_to(tmp_path / "outside")
    with pytest.raises(ReportError) as caught:
        reportgen.loads(including("sub/x.j2"), "x.yaml", templates=[folder]).to_bytes("md")
    assert caught.value.code == "RG304"


def test_an_include_of_a_fifo_in_the_templates_is_refused(tmp_path: Path) -> None:
    (tmp_path / "T").mkdir()
    os.mkfifo(tmp_path / "T" / "pipe.j2")
    (tmp_path / "l.yaml").write_text(including("pipe.j2"), "utf-8")
    done = run_python(
        """
        import reportgen
        try:
            reportgen.load("l.yaml", templates=["T"]).to_bytes("md")
        except reportgen.ReportError as e:
            print(e.code)
        """,
        tmp_path,
    )
    assert done.stdout.strip() == "RG304", done.stderr


@pytest.mark.parametrize("name", ["kind.yaml", "report.docx", "__init__.py", "annual-report/kind.yaml"])
def test_an_include_of_a_file_that_is_no_template_is_refused(name: str) -> None:
    with pytest.raises(ReportError) as caught:
        reportgen.loads(including(name), "x.yaml").to_bytes("md")
    assert caught.value.code == "RG304"


def test_an_include_inside_the_templates_still_works(tmp_path: Path) -> None:
    folder = tmp_path / "T"
    (folder / "parts").mkdir(parents=True)
    (folder / "parts" / "note.j2").write_text("自己的段落", "utf-8")
    (folder / "link.j2").symlink_to(folder / "parts" / "note.j2")  # a link that stays inside is fine
    for name in ("parts/note.j2", "link.j2"):
        text = reportgen.loads(including(name), "x.yaml", templates=[folder]).to_bytes("md").decode()
        assert "自己的段落" in text


def test_an_include_climbing_out_is_a_coded_error(tmp_path: Path) -> None:
    (tmp_path / "T").mkdir()
    (tmp_path / "x.j2").write_text("SECRET", "utf-8")
    with pytest.raises(ReportError) as caught:
        reportgen.loads(including("../x.j2"), "x.yaml", templates=[tmp_path / "T"]).to_bytes("md")
    assert caught.value.code.startswith("RG3") and "SECRET" not in str(caught.value)
