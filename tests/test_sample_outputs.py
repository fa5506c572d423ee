"""Every output of every sample is byte-identical to the recorded ones (``tests/sample_outputs.py``).

The digests were recorded by the tree before issue 15's move; a change that alters an output on
purpose re-records them (``python -m tests.sample_outputs --write``) and the diff shows which.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.sample_outputs import MANIFEST, libreoffice_version, render_all


def test_every_sample_output_is_byte_identical_to_the_record(tmp_path: Path) -> None:
    record = json.loads(MANIFEST.read_text("utf-8"))
    same_office = record["libreoffice"] == libreoffice_version()
    expected = {k: v for k, v in record["outputs"].items() if same_office or not k.endswith(".pdf")}
    actual = {k: v for k, v in render_all(tmp_path).items() if same_office or not k.endswith(".pdf")}
    assert len(expected) > 90
    changed = sorted(k for k in expected.keys() & actual.keys() if expected[k] != actual[k])
    assert not changed, f"outputs differ from the record: {changed}"
    assert sorted(actual.keys() - expected.keys()) == [], "outputs not in the record"
    assert sorted(expected.keys() - actual.keys()) == [], "recorded outputs no longer written"
