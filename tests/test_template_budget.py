"""Hostile templates end in a coded error (or a correct output) within 10 s and 500 MB.

Each case runs in a child process (so a case that hangs or eats memory cannot take the suite with
it) in three places: a ledger paragraph rendered to Markdown, a paragraph of a user's Word template
rendered to .docx, and ``check`` of the ledger.  The child caps its own address space at what it
had after importing plus 500 MB, so a memory bomb ends as MemoryError there instead of swapping.
``{V}`` in a case is an exact Decimal the template can reach: a figure's value in the narrative,
an 一览表 cell's ``.value`` in a Word template (docs/templates.md documents both).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECONDS = 10
MEGABYTES = 500

NESTED_STRING = "{% set s = '0123456789' %}" + "{% for a in s %}" * 9 + "{% endfor %}" * 9
NESTED_LIST = (
    "{% set s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] %}" + "{% for a in s %}" * 9 + "{{ a }}" + "{% endfor %}" * 9
)
BIG = "{% set a = range(10000) | join %}"  # 38 890 characters, within every limit

# (template, what it must end in: a code, or "ok" for a correct output)
CASES: list[tuple[str, str]] = [
    # CPU: iteration over anything counts
    (NESTED_STRING, "RG306"),
    (NESTED_LIST, "RG306"),
    ("{% for a in range(10000) | list %}{% for b in range(10000) | list %}{% endfor %}{% endfor %}", "RG306"),
    ("{% for a in '0123456789' | list %}" * 9 + "{% endfor %}" * 9, "RG306"),
    ("{% for k in dict(a=1, b=2, c=3, d=4, e=5, f=6, g=7, h=8) %}" * 9 + "{% endfor %}" * 9, "RG306"),
    (
        "{% for s in [''] recursive %}{% if s | length < 30 %}{{ loop([s ~ 'x', s ~ 'x']) }}{% endif %}"
        "{% endfor %}",
        "RG306",
    ),
    ("{% for x in [1, 2] recursive %}{{ loop([1, 2]) }}{% endfor %}", "RG306"),
    (
        "{% set big = range(10000) | list %}{% for i in range(10000) %}{% for j in range(90) %}"
        "{% if 'x' in big %}{% endif %}{% endfor %}{% endfor %}",
        "RG306",
    ),
    (
        "{% set big = range(10000) | list %}{% for i in range(10000) %}{% for j in range(90) %}"
        "{% if 'x' is in big %}{% endif %}{% endfor %}{% endfor %}",
        "RG306",
    ),
    (
        "{% set a = range(10000) | join %}{% set b = a | upper %}{% set c = b | lower %}"
        "{% for i in range(10000) %}{% for j in range(90) %}{% if a == c %}{% endif %}"
        "{% endfor %}{% endfor %}",
        "RG306",
    ),
    (
        "{% set a = range(10000) | join %}"
        "{% for i in range(10000) %}{% for j in range(90) %}{{ a | wordcount }}{% endfor %}{% endfor %}",
        "RG306",
    ),
    (
        "{% set a = range(10000) | join %}"
        "{% for i in range(10000) %}{% for j in range(90) %}{{ a.startswith('x') }}{% endfor %}{% endfor %}",
        "RG306",
    ),
    ("{% if 1 in [1, 2] and 'a' in 'abc' and 3 not in [1] and 1 < 2 in [True] %}yes{% endif %}", "ok"),
    # sequence-building filters from a number
    ("{{ [1] | slice(1000000000) | list | length }}", "RG306"),
    ("{{ [1] | batch(1000000000, 'x') | list | length }}", "RG306"),
    ("{{ 'x' | batch(1000000000, 'y') | first | join | length }}", "RG306"),
    ("{{ range(10000) | batch(1) | map('join') | join | length }}", "ok"),
    ("{{ range(10000) | map('string') | map('upper') | join | length }}", "ok"),
    # memory: strings built from few bytes
    (BIG + "{% set b = [a] | batch(10000, a) | first | join %}{{ b | length }}", "RG306"),
    (BIG + "{{ [a, a, a, a, a, a, a, a] | join | length }}", "ok"),
    (BIG + "{% for i in range(10000) %}{{ a }}{% endfor %}", "RG306"),
    (BIG + "{% for i in range(10000) %}{{ [a, a] | join }}{% endfor %}", "RG306"),
    (
        "{% macro d(s) %}{% if s | length < 1000000000 %}{{ d(s ~ s) }}{% endif %}{% endmacro %}{{ d('x') }}",
        "RG306",
    ),
    (
        "{% macro d(s) %}{% if s | length < 1000000000 %}{{ d([s, s] | join) }}{% endif %}{% endmacro %}"
        "{{ d('x') }}",
        "RG306",
    ),
    (
        "{% macro d(s) %}{% if s | length < 1000000000 %}{% set t %}{{ s }}{{ s }}{% endset %}{{ d(t) }}"
        "{% endif %}{% endmacro %}{{ d('x') }}",
        "RG306",
    ),
    (
        "{% macro f(s) %}{% if s | length < 26 %}{{ f(s ~ 'x') }}{{ f(s ~ 'x') }}{% else %}{{ s }}{% endif %}"
        "{% endmacro %}{{ f('') }}",
        "RG306",
    ),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "RG306"),
    ("{% block b %}{{ self.b() }}{% endblock %}", "RG306"),
    ("{% macro f() %}{{ caller() }}{% endmacro %}{% call f() %}{{ f() }}{% endcall %}", "RG302"),
    ("{{ range(10000) | list | tojson }}", "RG301"),
    (BIG + "{{ [a] | batch(10000, a) | first | string | length }}", "RG306"),
    ("{{ range(10000) | list | pprint }}", "RG301"),
    ("{{ 'x'.encode() }}", "RG304"),
    ("{{ 'x'.encode().ljust(1000000000) | length }}", "RG304"),
    ("{{ 'x'.ljust(1000000000) }}", "RG304"),
    ("{{ 'x'.center(100000000) }}", "RG304"),
    ("{{ 'x' | center(1000000000) }}", "RG301"),
    ("{{ 'x' | indent(1000000000) }}", "RG301"),
    ("{{ '%s' | format('x') }}", "RG301"),
    ("{{ '{:>1000000000}'.format(1) }}", "RG304"),
    ("{{ 'x'.replace('', 'yy') }}", "RG304"),
    ("{{ 'x' | truncate(1000000000) }}", "ok"),
    ("{{ 'x' * 1000000000 }}", "RG304"),
    # numbers: methods that compute, and arithmetic filters
    ("{{ (1).to_bytes(1000000000, 'big') | length }}", "RG304"),
    ("{{ (7).bit_length() }}", "RG304"),
    ("{{ {V}.scaleb(999999999) | 百分比 }}", "RG304"),
    ("{{ {V}.scaleb(1) }}", "RG304"),
    ("{{ {V}.fma(2, 3) }}", "RG304"),
    ("{{ {V}.quantize(1) }}", "RG304"),
    ("{{ {V}.__pow__(99999999) }}", "RG304"),
    ("{{ [{V}, {V}] | sum }}", "RG301"),
    ("{{ {V} | round }}", "RG301"),
    ("{{ {V} | abs }}", "RG301"),
    ("{{ {V} | int }}", "RG301"),
]

NARRATIVE_VALUE = "低保金.quantity.value"
DOCX_VALUE = "document.attachments[0].table.rows[0].cells[5].value"

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
import docx
import reportgen
from reportgen import ReportError
from reportgen.render import RenderOptions
from tests.conftest import MINIMAL, yaml_quoted

case, folder, megabytes = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
narrative = case.replace("{V}", "低保金.quantity.value")
in_word = case.replace("{V}", "document.attachments[0].table.rows[0].cells[5].value")
ledger = MINIMAL.replace(
    '    段落: ["{{ 期间 }}，发放低保金{{ 低保金 | 万元 }}。"]', "    段落: [" + yaml_quoted(narrative) + "]"
)
template = docx.Document()
template.add_paragraph("{{ document.title }}")
template.add_paragraph(in_word)
template.save(str(folder / "evil.docx"))
size = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmSize:")) * 1024
limit = size + megabytes * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

def run(name, action):
    start = time.monotonic()
    try:
        result = action()
        outcome = {"code": "ok", "output": result}
    except ReportError as exc:
        outcome = {"code": exc.code, "message": str(exc)}
    except BaseException as exc:
        outcome = {"code": type(exc).__name__, "message": str(exc)[:300]}
    outcome |= {"mode": name, "seconds": time.monotonic() - start}
    print(json.dumps(outcome, ensure_ascii=False), flush=True)

def markdown():
    text = reportgen.loads(ledger, str(folder / "x.yaml")).to_bytes("md").decode()
    return text.split("基本情况", 1)[1][:200]

def word():
    report = reportgen.loads(MINIMAL, options=RenderOptions(docx_template=folder / "evil.docx"))
    import io
    document = docx.Document(io.BytesIO(report.to_bytes("docx")))
    return document.paragraphs[1].text[:200]

def check():
    reportgen.loads(ledger, str(folder / "x.yaml")).check()
    return ""

run("narrative", markdown)
run("docx", word)
run("check", check)
"""


def run_case(case: str, folder: Path) -> list[dict[str, object]]:
    """The three outcomes; a child that outlives every mode's time is killed and reported."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, case, str(folder), str(MEGABYTES)],
            capture_output=True,
            text=True,
            timeout=3 * SECONDS + 20,
            env=environment,
            cwd=ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        printed = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return [json.loads(line) for line in printed.splitlines()] + [{"mode": "?", "code": "timeout"}]
    outcomes = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if len(outcomes) < 3:
        outcomes.append({"mode": "?", "code": f"exit {done.returncode}", "message": done.stderr[-500:]})
    return outcomes


def test_enough_cases() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize(("case", "expected"), CASES)
def test_hostile_template_is_bounded(case: str, expected: str, tmp_path: Path) -> None:
    outcomes = run_case(case, tmp_path)
    assert [o["mode"] for o in outcomes] == ["narrative", "docx", "check"], outcomes
    for outcome in outcomes:
        assert float(str(outcome["seconds"])) < SECONDS, outcome
        wanted = "ok" if expected == "ok" and outcome["mode"] == "check" else expected
        assert outcome["code"] == wanted, outcome
        if expected == "RG306":
            assert "超过" in str(outcome["message"]), outcome  # a budget, not MemoryError at the cap
            place = "evil.docx" if outcome["mode"] == "docx" else "正文[1].段落[1]"
            assert place in str(outcome["message"]), outcome
