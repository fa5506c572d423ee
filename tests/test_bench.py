"""``make bench`` is not part of ``make test``, so its engines are run once here: a template change
that a plain docxtpl render of the same context cannot follow (a new context key) broke it silently
before.  Both engines must print the same text, or the comparison in the bench measures two documents."""

from __future__ import annotations

import io

import docx

from benchmarks.bench import engines


def _paragraphs(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return texts


def test_every_engine_of_the_bench_runs_and_docxtpl_prints_our_text() -> None:
    runs = {name: function() for name, function in engines(3).items()}
    made = {name: result for name, result in runs.items() if result is not None}  # the pipeline returns none
    assert len(made) == len(runs) - 1 and all(
        isinstance(result, bytes) and result for result in made.values()
    )
    ours, theirs = _paragraphs(runs["reportgen .docx"]), _paragraphs(runs["docxtpl .docx"])
    assert any("民生实事" in text for text in ours)
    assert ours == theirs
