"""The examples in ``reportgen.numbers``' docstrings run, so no docstring drifts from what the code prints."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import reportgen.numbers

MODULES = [
    *sorted(
        "reportgen.numbers" if path.stem == "__init__" else f"reportgen.numbers.{path.stem}"
        for path in Path(reportgen.numbers.__file__).parent.glob("*.py")
    ),
    "reportgen.compute.declared",  # cell_text: how a declared table's cell prints
]


def test_every_module_is_found() -> None:
    assert "reportgen.numbers.decimal_format" in MODULES and len(MODULES) >= 7


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module)
    assert result.attempted > 0, f"{name} has no docstring examples"
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"


def test_every_public_formatter_has_an_example() -> None:
    finder = doctest.DocTestFinder()
    missing = []
    for name in reportgen.numbers.__all__:
        value = getattr(reportgen.numbers, name)
        if callable(value) and name.startswith(("format_", "parse_")):
            tests = finder.find(value, name, globs={})
            if not any(test.examples for test in tests):
                missing.append(name)
    assert not missing, f"no >>> example in {missing}"
