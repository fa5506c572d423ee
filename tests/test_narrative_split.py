"""Narrative strings are rendered by compiling only their expressions: the result must be exactly
what Jinja gives for the whole string, whatever text surrounds the expressions."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import jinja2
from hypothesis import given
from hypothesis import strategies as st

from reportgen.base.units import unit
from reportgen.model import Period, Quantity
from reportgen.templating.narrative import _render_source
from reportgen.templating.sandbox import make_environment
from reportgen.templating.values import FigureValue, PeriodValue

ENV = make_environment()
MONEY = unit("万元")
assert MONEY is not None
CONTEXT = {
    "低保金": FigureValue("低保金", Quantity(Decimal("8123.0395"), MONEY)),
    "期间": PeriodValue(Period(2024, 1, 9)),
}
EXPRESSIONS = [
    "{{ 期间 }}",
    "{{ 期间.年月 }}",
    "{{ 低保金 | 万元 }}",
    "{{ 低保金 | 亿元(2) }}",
    "{{- 期间 -}}",
]
LITERAL = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="{}\x1f"), max_size=12)


@given(st.lists(st.tuples(LITERAL, st.sampled_from(EXPRESSIONS)), max_size=4), LITERAL)
def test_split_rendering_equals_whole_rendering(parts: list[tuple[str, str]], tail: str) -> None:
    source = "".join(literal + expression for literal, expression in parts) + tail
    assert outcome(lambda: _render_source(ENV, source, CONTEXT)) == outcome(
        lambda: ENV.from_string(source).render(CONTEXT)
    )


def outcome(render: Callable[[], str]) -> str:
    """The text, or the kind of error (an unclosed ``{{`` must stay a syntax error)."""
    try:
        return render()
    except jinja2.TemplateError as error:
        return type(error).__name__


def test_statements_and_odd_braces_go_through_jinja_whole() -> None:
    for source in ("{% if true %}是{% endif %}{{ 期间 }}", "{{ '}}' }}年", "a}}b{{ 期间 }}"):
        assert _render_source(ENV, source, CONTEXT) == ENV.from_string(source).render(CONTEXT)
