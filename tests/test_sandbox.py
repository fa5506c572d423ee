"""Known Jinja server-side template injection payloads, in a ledger's narrative and in a user's Word
template: every one is refused with a coded error and nothing is written."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

import reportgen
from reportgen import ReportError
from reportgen.render import RenderOptions
from tests.conftest import MINIMAL

PAYLOADS = [
    # reaching Python internals
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ''.__class__.__base__.__subclasses__() }}",
    "{{ [].__class__.__base__.__subclasses__() }}",
    "{{ ().__class__.__bases__[0].__subclasses__() }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ joiner.__init__.__globals__.os.popen('id').read() }}",
    "{{ namespace.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ range.__self__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ self.__init__.__globals__ }}",
    "{{ dict.__base__.__subclasses__() }}",
    "{{ ''|attr('__class__') }}",
    "{{ ()|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
    "{{ ''['__class__'] }}",
    "{% set x = ''.__class__ %}{{ x }}",
    "{{ 期间.__class__ }}",
    "{{ 期间._period }}",
    "{{ 期间.__init__.__globals__ }}",
    # format-string attacks
    "{{ '{0.__class__}'.format(期间) }}",
    "{{ '{0._period}'.format(期间) }}",
    "{{ '%s'|format(期间.__class__) }}",
    "{{ '{x.__class__}'.format_map({'x': 1}) }}",
    # framework objects that do not exist here
    "{{ config.items() }}",
    "{{ request.application.__globals__ }}",
    "{{ url_for.__globals__ }}",
    "{{ get_flashed_messages.__globals__ }}",
    # files and imports
    "{% include '/etc/passwd' %}",
    "{% include '../../../../etc/passwd' %}",
    "{% import 'os' as os %}{{ os }}",
    "{% extends '/etc/passwd' %}",
    # mutation of shared objects
    "{{ [].append(1) }}",
    "{{ {}.update(a=1) }}",
    # exhausting memory or time
    "{{ 'a' * 1000000000 }}",
    "{{ 'a'.ljust(1000000000) }}",
    "{{ 'a'.center(1000000000) }}",
    "{{ '0'.zfill(1000000000) }}",
    "{{ range(1000000000) | list }}",
    "{% for i in range(100000000) %}{% endfor %}",
    "{{ lipsum(100000) }}",
    "{{ '%s' % 1 }}",
]


def test_payload_count() -> None:
    assert len(PAYLOADS) == 42


def _narrative(payload: str) -> str:
    quoted = "'" + payload.replace("'", "''") + "'"
    return MINIMAL.replace(
        '    段落: ["{{ 期间 }}，发放低保金{{ 低保金 | 万元 }}。"]', f"    段落: [{quoted}]"
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_a_ledger_paragraph_is_refused(payload: str, tmp_path: Path) -> None:
    report = reportgen.loads(_narrative(payload), str(tmp_path / "x.yaml"))
    with pytest.raises(ReportError) as caught:
        report.render("md,html,docx", tmp_path / "out")
    assert caught.value.code in {"RG301", "RG302", "RG303", "RG304", "RG306"}, caught.value
    assert "正文" in str(caught.value) and not (tmp_path / "out").exists()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_a_word_template_is_refused(payload: str, tmp_path: Path) -> None:
    template = docx.Document()
    template.add_paragraph("标题：{{ document.title }}")
    template.add_paragraph(payload)
    template.save(str(tmp_path / "evil.docx"))
    report = reportgen.loads(MINIMAL, options=RenderOptions(docx_template=tmp_path / "evil.docx"))
    with pytest.raises(ReportError) as caught:
        report.render("docx", tmp_path / "out")
    assert caught.value.code in {"RG301", "RG302", "RG303", "RG304", "RG306", "RG407"}, caught.value
    assert "evil.docx" in str(caught.value) and not (tmp_path / "out").exists()


def test_a_failed_render_leaves_the_previous_output_intact(tmp_path: Path) -> None:
    [good] = reportgen.loads(MINIMAL, str(tmp_path / "x.yaml")).render("md", tmp_path)
    before = good.read_bytes()
    broken = reportgen.loads(_narrative("{{ 没有这个指标 }}"), str(tmp_path / "x.yaml"))
    with pytest.raises(ReportError):
        broken.render("md", tmp_path)
    assert good.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["x.md"]


def test_errors_have_an_english_repr_for_logs(tmp_path: Path) -> None:
    report = reportgen.loads(_narrative("{{ 没有这个指标 }}"), str(tmp_path / "x.yaml"))
    with pytest.raises(ReportError) as caught:
        report.to_bytes("md")
    assert (
        repr(caught.value)
        == f"TemplateError(RG302 undefined template variable at {tmp_path / 'x.yaml'} 正文[1].段落[1])"
    )
