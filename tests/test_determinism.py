"""Same input, same bytes: on any time zone, locale or hash seed, and with nothing random in templates.

Three parts: the template environment offers only reviewed filters, tests and globals (a Jinja
release that adds one fails here until someone reviews it); nothing a template prints can be a
memory address; and the CLI run under two time zones and locales, in separate processes, writes the
very same bytes for every format, the PDF declaring Chinese and dated from the ledger's 成文日期.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest

from reportgen.base.errors import TemplateError
from reportgen.base.units import unit
from reportgen.model import Quantity
from reportgen.render.pdf.soffice import pdf_available
from reportgen.templating.filters import FILTERS
from reportgen.templating.narrative import render_text
from reportgen.templating.sandbox import (
    AUTOESCAPE,
    GLOBALS,
    JINJA_FILTERS,
    JINJA_TESTS,
    LIMITS,
    BudgetedCode,
    ConfinedLoader,
    LimitError,
    ReportEnvironment,
    make_environment,
    render_bounded,
)
from reportgen.templating.values import FigureValue

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("build", [make_environment, ReportEnvironment], ids=["make_environment", "direct"])
def test_the_environment_offers_only_reviewed_names(build: Callable[[], ReportEnvironment]) -> None:
    """One allow-list (reportgen.templating.sandbox: JINJA_FILTERS, JINJA_TESTS, GLOBALS, reviewed there),
    enforced by the environment class itself: one built directly is as restricted."""
    env = build()
    assert set(env.filters) - set(FILTERS) == JINJA_FILTERS
    assert set(env.tests) == JINJA_TESTS
    assert set(env.globals) == set(GLOBALS)
    for name in ("random", "pprint", "tojson", "attr", "sum", "round", "filesizeformat", "safe", "urlencode"):
        assert name not in env.filters
    assert "sameas" not in env.tests
    assert not {"cycler", "joiner", "lipsum", "namespace"} & set(env.globals)


# Everything that makes the sandbox safe besides its names: who prints (finalize), what an undefined name
# does, what is escaped, how code is generated and joined (the budget), what arithmetic is refused, how
# text is laid out, and where templates come from.
POLICY = (
    "finalize",
    "undefined",
    "autoescape",
    "code_generator_class",
    "concat",
    "intercepted_binops",
    "intercepted_unops",
    "trim_blocks",
    "lstrip_blocks",
    "keep_trailing_newline",
    "folders",
)


def test_an_environment_built_directly_has_the_whole_policy() -> None:
    """``ReportEnvironment()`` is the environment ``make_environment()`` gives, setting for setting; the
    policy cannot be chosen at all, and the limits hold in both."""
    direct, made = ReportEnvironment(), make_environment()
    assert direct is not made
    for setting in POLICY:
        assert getattr(direct, setting) == getattr(made, setting), setting
    assert direct.undefined is jinja2.StrictUndefined
    assert direct.code_generator_class is BudgetedCode
    assert direct.autoescape is AUTOESCAPE
    assert [AUTOESCAPE(name) for name in ("report.html.j2", "report.md.j2", None)] == [True, False, False]
    assert isinstance(direct.loader, ConfinedLoader)
    assert direct.loader.searchpath == [str(folder) for folder in direct.folders]
    with pytest.raises(TypeError):
        ReportEnvironment(undefined=jinja2.Undefined)  # type: ignore[call-arg]
    too_many = "{% for i in range(" + str(LIMITS.range_items + 1) + ") %}{% endfor %}"
    for env in (direct, made):
        with pytest.raises(LimitError):
            render_bounded(env.from_string(too_many), {})
        with pytest.raises(jinja2.UndefinedError):
            render_bounded(env.from_string("{{ nothing }}"), {})


PRINTING_ADDRESSES = [
    "{{ 低保金.goal }}",
    "{{ 低保金.earlier }}",
    "{{ range }}",
    "{{ dict }}",
    "{{ '' ~ range }}",
    "{{ '' ~ 低保金.goal }}",
    "{{ 低保金.goal | string }}",
    "{{ [低保金.goal] | join }}",
    "{{ 'x'.upper }}",
    "{{ [range] | first }}",
    "{% for i in range(2) %}{{ loop.cycle }}{% endfor %}",
]


@pytest.mark.parametrize("source", PRINTING_ADDRESSES)
def test_nothing_printed_is_a_memory_address(source: str) -> None:
    figure = FigureValue("低保金", Quantity(__import__("decimal").Decimal("1.5"), unit("万元")))  # type: ignore[arg-type]
    with pytest.raises(TemplateError) as caught:
        render_text(make_environment(), source, {"低保金": figure}, file=None, place="正文")
    assert caught.value.code in {"RG303", "RG304"}  # printed, or not reachable at all
    assert "0x" not in str(caught.value) and "object at" not in str(caught.value)


def test_figures_in_a_list_print_as_figures() -> None:
    figure = FigureValue("低保金", Quantity(__import__("decimal").Decimal("1.5"), unit("万元")))  # type: ignore[arg-type]
    text = render_text(make_environment(), "{{ [低保金] }}", {"低保金": figure}, file=None, place="正文")
    assert text == "[1.5万元]"
    assert render_text(make_environment(), "{{ 'ab'.upper() }}", {}, file=None, place="正文") == "AB"


# Two settings as far apart as we can make them on one machine (a missing locale is still what
# LibreOffice and Python read from the variables).
SETTINGS = [
    {"TZ": "UTC", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "1"},
    {
        "TZ": "Asia/Shanghai",
        "LANG": "en_US.UTF-8",
        "LC_ALL": "en_US.UTF-8",
        "LANGUAGE": "en_US:en",
        "PYTHONHASHSEED": "2",
    },
]
FORMATS = "md,html,docx,xlsx" + (",pdf" if pdf_available() else "")


def render_under(setting: dict[str, str], sample: str, out: Path, *extra: str) -> dict[str, bytes]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TZ"))}
    environment |= setting | {"PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", "import sys; from reportgen.cli import main; sys.exit(main())"]
    command += ["render", str(ROOT / "samples" / sample), "-o", str(out), "-f", FORMATS, "--quiet", *extra]
    result = subprocess.run(
        command, env=environment, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stderr
    return {path.suffix: path.read_bytes() for path in sorted(out.iterdir())}


@pytest.mark.parametrize(
    ("sample", "script", "lang", "issued"),
    [
        ("jialing-2024q3.yaml", "hans", "zh-CN", "20240923"),
        ("key-tasks-2020.yaml", "hant", "zh-Hant", "20221023"),
    ],
)
def test_same_bytes_under_two_time_zones_and_locales(
    sample: str, script: str, lang: str, issued: str | None, tmp_path: Path
) -> None:
    first, second = (
        render_under(setting, sample, tmp_path / str(n), "--script", script)
        for n, setting in enumerate(SETTINGS)
    )
    assert set(first) == {"." + f for f in FORMATS.split(",")}
    for suffix in first:
        assert first[suffix] == second[suffix], f"{suffix} differs between time zones/locales"
    if "pdf" not in FORMATS:
        return
    pdf = first[".pdf"]
    assert re.findall(rb"/Lang\(([^)]*)\)", pdf) == [lang.encode()]
    dates = re.findall(rb"/(?:CreationDate|ModDate)\(D:(\d{14})([^)]*)\)", pdf)
    assert dates, "the PDF has no date"
    for stamp, zone in dates:
        assert zone == b"+08'00'", zone  # Beijing time, whatever the machine's zone
        if issued:
            assert stamp == issued.encode() + b"000000"  # the 成文日期, not the clock


def _documented(kind: str) -> str:
    text = (ROOT / "docs" / "templates.md").read_text("utf-8")
    return text.split(f"<!-- {kind} -->", 1)[1].split(f"<!-- /{kind} -->", 1)[0]


def test_docs_list_the_allow_list_and_the_limits() -> None:
    """docs/templates.md shows the very lists the environment enforces, and every limit's default."""
    assert set(re.findall(r"`([^`]+)`", _documented("filters"))) == JINJA_FILTERS
    assert set(re.findall(r"`([^`]+)`", _documented("tests"))) == JINJA_TESTS
    rows = dict(re.findall(r"^\| `(\w+)` \| (\d+) \|", _documented("limits"), re.MULTILINE))
    assert {name: int(value) for name, value in rows.items()} == {
        field: getattr(LIMITS, field) for field in LIMITS.__dataclass_fields__
    }
