"""Every message a user can see is Chinese: a corpus of bad inputs through the CLI and the Python API.

Libraries speak English (Jinja's "No filter named '万'", PyYAML's "while scanning a quoted scalar",
the OS's "No such file or directory", openpyxl and zipfile).  Each such message must reach the user
translated, keeping its facts (the unknown name, the line and column), never as a traceback.  The
test is deliberately blunt: three English words in a row anywhere in a message fail it, whatever
the code path.  The echo of the user's own value (``当前值：“…”``) and file paths are left out.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import reportgen
from reportgen.base.errors import CODES
from reportgen.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = (ROOT / "samples" / "jialing-2024q3.yaml").read_text("utf-8")
QUOTED = "{{ 低保金 | 万元 }}"
ENGLISH = re.compile(r"[A-Za-z']+(?:[,.:;]?\s+[A-Za-z']+){2,}")
_ECHO = re.compile(r"；当前值：“.*?”(?=；|$)", re.M)
_QUOTED = re.compile(r"“[^“”]*”")
_PATHS = re.compile(r"(?:/[^\s（）；：“”，]+)+")


def english_in(text: str) -> list[str]:
    """Runs of three or more English words, once what the user typed (the echoed value, the quoted
    “…” names: a 月份 written as ``一季度{% for i in range(9) %}``) and paths are removed."""
    return ENGLISH.findall(_PATHS.sub("", _QUOTED.sub("", _ECHO.sub("", text))))


def signer(value: str) -> str:
    """The sample with its 落款 line's value replaced."""
    return SAMPLE.replace("落款: 南充市嘉陵区民政局", "落款: " + value, 1)


def in_paragraph(expression: str) -> str:
    assert QUOTED in SAMPLE
    return SAMPLE.replace(QUOTED, expression, 1)


# name → (ledger text, the code it must give, facts the message must keep)
BAD_YAML: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "mapping value in a value": (signer("甲: 乙: 南充市嘉陵区民政局"), "RG102", ("第13行",)),
    "tab indentation": (SAMPLE.replace("\n成文日期", "\n\t成文日期", 1), "RG102", ("第14行",)),
    "unclosed double quote": (SAMPLE.replace("落款: 南充市", '落款: "南充市', 1), "RG102", ()),
    "unclosed single quote": (signer("'南充市嘉陵区民政局"), "RG102", ()),
    "unclosed [": (signer("[南充市嘉陵区民政局"), "RG102", ()),
    "unclosed {": (signer("{南充市嘉陵区民政局"), "RG102", ()),
    "character @ cannot start a token": (signer("@南充市嘉陵区民政局"), "RG102", ("@",)),
    "bad indentation": ("标题: 甲\n  落款: 乙\n 成文日期: 2024-09-23\n", "RG102", ()),
    "sequence after a mapping": ("标题: 甲\n- 落款\n", "RG102", ("第2行",)),
    "undefined alias": (SAMPLE.replace("落款: 南充市", "落款: *没有", 1), "RG102", ()),
    "unknown escape": (SAMPLE.replace("落款: 南充市", '落款: "南\\q充市"', 1), "RG102", ()),
    "bad tag handle": (signer("!x!y 南充市嘉陵区民政局"), "RG102", ()),
    "YAML 2.0 directive": ("%YAML 2.0\n---\n" + SAMPLE, "RG102", ()),
    "two documents": (SAMPLE + "---\n" + SAMPLE, "RG102", ()),
    "control character": (
        SAMPLE.replace("落款: 南充市", "落款: 南\x07充市", 1),
        "RG102",
        ("第13行", "U+0007"),
    ),
    "undefined alias (ASCII)": (signer("*missing"), "RG102", ("第13行",)),
    "anchor without a name": (signer("& 南充市"), "RG102", ()),
    "NUL byte": (SAMPLE + "\x00", "RG102", ()),
    "100 000 nested [": (signer("[" * 100_000), "RG114", ()),
    "100 000 nested block sequences": ("落款:\n" + "- " * 100_000 + "x\n", "RG114", ()),
    "70 nested [ ]": (signer("[" * 70 + "]" * 70), "RG114", ()),
}

BAD_TEMPLATES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "unknown filter 万": ("{{ 低保金 | 万 }}", "RG301", ("万",)),
    "unknown filter, close to a known one": ("{{ 低保金 | 万圆 }}", "RG301", ("万圆", "万元")),
    "undefined name": ("{{ 低保资金 | 万元 }}", "RG302", ("低保资金", "低保金")),
    "unclosed {{": ("{{ 低保金 | 万元 ", "RG301", ()),
    "stray endfor": ("{% endfor %}", "RG301", ("endfor",)),
    "unknown tag": ("{% 循环 %}", "RG301", ("循环",)),
    "unclosed if": ("{% if 低保金 %}甲", "RG301", ()),
    "stray parenthesis": ("{{ 低保金 ) }}", "RG301", ()),
    "bad character": ("{{ 低保金 $ }}", "RG301", ("$",)),
    "unknown test": ("{% if 低保金 is 正数 %}甲{% endif %}", "RG303", ("正数",)),
    "no such attribute": ("{{ 低保金.单位 }}", "RG302", ("单位",)),
    "private attribute": ("{{ 低保金.__class__ }}", "RG304", ()),
    "comparing figures": ("{% if 低保金 > 特困供养金 %}甲{% endif %}", "RG303", ()),
    "too many filter arguments": ("{{ 低保金 | 数(1, 2, 3) }}", "RG303", ()),
    "unknown filter inside map": ("{{ [低保金] | map('没有') | join }}", "RG303", ("没有",)),
    "random": ("{{ [1, 2] | random }}", "RG301", ("random",)),
    "a method printed": ("{{ 'x'.upper }}", "RG303", ()),
    "a figure's method": ("{{ 低保金.goal }}", "RG304", ("goal",)),
    "a function joined": ("{{ '' ~ range }}", "RG303", ()),
    "sorting figures": ("{{ [低保金, 特困供养金] | sort | join }}", "RG303", ()),
}


def assert_chinese(text: str, *facts: str) -> None:
    assert "Traceback" not in text, text
    assert not english_in(text), (english_in(text), text)
    assert re.search("[\u4e00-\u9fff]", text), text
    own = _ECHO.sub("", text)
    for fact in facts:
        assert fact in own, (fact, text)


def api_error(text: str) -> reportgen.ReportError:
    with pytest.raises(reportgen.ReportError) as caught:
        report = reportgen.loads(text.encode("utf-8"), "台账.yaml")
        report.check()
        for fmt in ("md", "html", "docx", "xlsx"):
            report.to_bytes(fmt)
    return caught.value


def cli(*args: str | Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out + err


@pytest.mark.parametrize("name", BAD_YAML)
def test_bad_yaml_is_chinese(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text, code, facts = BAD_YAML[name]
    error = api_error(text)
    assert error.code == code
    assert_chinese(str(error), *facts)
    path = tmp_path / "台账.yaml"
    path.write_text(text, "utf-8")
    status, shown = cli("check", path, capsys=capsys)
    assert status == 2 and code in shown
    assert_chinese(shown, *facts)


@pytest.mark.parametrize("name", BAD_TEMPLATES)
def test_bad_template_is_chinese(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expression, code, facts = BAD_TEMPLATES[name]
    text = in_paragraph(expression)
    error = api_error(text)
    assert error.code == code, str(error)
    assert_chinese(str(error), *facts)
    assert "0x" not in str(error)
    path = tmp_path / "台账.yaml"
    path.write_text(text, "utf-8")
    status, shown = cli("render", path, "-o", tmp_path / "out", "-f", "md,docx", capsys=capsys)
    assert status == 2 and code in shown
    assert_chinese(shown, *facts)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def _not_a_zip(folder: Path) -> Path:
    path = folder / "台账.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    return path


def _zip_without_workbook(folder: Path) -> Path:
    path = folder / "台账.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return path


def _missing(folder: Path) -> Path:
    return folder / "没有这个文件.yaml"


def _directory(folder: Path) -> Path:
    path = folder / "台账.yaml"
    path.mkdir()
    return path


def _missing_xlsx(folder: Path) -> Path:
    return folder / "没有这个文件.xlsx"


BAD_FILES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing file": (_missing, "不存在"),
    "missing workbook": (_missing_xlsx, "不存在"),
    "a directory as ledger": (_directory, "文件夹"),
    "truncated zip": (_not_a_zip, "RG101"),
    "zip without a workbook": (_zip_without_workbook, "RG101"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_is_chinese(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make, fact = BAD_FILES[name]
    path = make(tmp_path)
    with pytest.raises(reportgen.ReportError) as caught:
        reportgen.load(path)
    assert caught.value.code in CODES
    assert_chinese(str(caught.value), fact)
    status, shown = cli("check", path, capsys=capsys)
    assert status == 2
    assert_chinese(shown, fact)


def test_a_users_broken_template_folder_is_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A user's own Markdown template with a Jinja error: a coded Chinese message, not a traceback."""
    folder = tmp_path / "模板"
    folder.mkdir()
    (folder / "report.md.j2").write_text("{{ 标题 | 没有这个过滤器 }}\n", "utf-8")
    ledger = tmp_path / "台账.yaml"
    ledger.write_text(SAMPLE, "utf-8")
    status, shown = cli(
        "render", ledger, "--templates", folder, "-o", tmp_path / "out", "-f", "md", capsys=capsys
    )
    assert status == 2 and "RG301" in shown
    assert_chinese(shown, "没有这个过滤器")


def test_a_docx_template_that_is_not_a_zip_is_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "模板.docx"
    template.write_bytes(b"PK\x03\x04 not really")
    ledger = tmp_path / "台账.yaml"
    ledger.write_text(SAMPLE, "utf-8")
    status, shown = cli(
        "render", ledger, "--template", template, "-o", tmp_path / "out", "-f", "docx", capsys=capsys
    )
    assert status == 2 and "RG305" in shown
    assert_chinese(shown)


def test_the_real_command_prints_no_traceback(tmp_path: Path) -> None:
    """The installed entry point, in its own process: the deep-nesting case and a missing file."""
    deep = tmp_path / "深.yaml"
    deep.write_text(BAD_YAML["100 000 nested ["][0], "utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from reportgen.cli import main; sys.exit(main())",
            "check",
            deep,
            tmp_path / "没有.yaml",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "RG114" in result.stderr and "RG101" in result.stderr
    assert_chinese(result.stdout + result.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ["render"],
        ["没有这个命令"],
        ["render", "台账.yaml", "--charts", "--no-charts"],
        ["render", "台账.yaml", "--pdf-timeout", "abc"],
        ["render", "台账.yaml", "--pdf-timeout", "-1"],
        ["render", "台账.yaml", "-f"],
        ["render", "台账.yaml", "--no-such-option"],
        ["init"],
        ["batch", "台账.yaml", "--executor", "foo"],
    ],
)
def test_command_line_mistakes_are_chinese(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(args)
    assert caught.value.code == 2
    out, err = capsys.readouterr()
    assert "RG410 命令行用法错误" in err and "用法" in err
    assert_chinese(out + err)


def test_help_is_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["--help"], ["render", "--help"]):
        with pytest.raises(SystemExit):
            main(args)
        out = capsys.readouterr().out
        assert out.startswith("用法：") and "显示帮助并退出" in out
        assert not re.search(r"usage|positional arguments|options:|show this help", out)


def test_a_word_template_writing_broken_xml_is_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """RG407 names the problem libxml2 found, in Chinese, with its line and column.  (``|safe``
    cannot write XML into a Word part any more; an ``if`` that opens in a paragraph and closes in a
    table cell cuts the table's start tags away.)"""
    import docx

    template = tmp_path / "模板.docx"
    word = docx.Document()
    word.add_paragraph("{% if false %}")
    word.add_table(rows=1, cols=1).cell(0, 0).text = "{% endif %}"
    word.save(str(template))
    ledger = tmp_path / "台账.yaml"
    ledger.write_text(SAMPLE, "utf-8")
    status, shown = cli(
        "render", ledger, "--template", template, "-o", tmp_path / "out", "-f", "docx", capsys=capsys
    )
    assert status == 2 and "RG407" in shown
    assert_chinese(shown, "不成对", "列")
