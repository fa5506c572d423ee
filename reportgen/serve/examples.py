"""新建台账: the example ledger to start from, generic or for one report kind, as Excel or YAML.

Each built-in kind's ``kind.yaml`` names a 示例 ledger, but those samples live only in the source
repository (``samples/``), not in a ``pip install``.  What an install does have is the example ledger of
``reportgen init`` (``templates/ledger/示例台账.yaml``, package data), which has every part a built-in
kind requires (指标, 正文); so the example of a kind is that ledger with the kind's ``类型`` written in
(and a comment saying so), and its Excel form is what ``reportgen convert`` makes of it.  A kind the
example cannot be (it requires a 表格) has none here: its sample is in the repository.  The same
bytes every time: they are made once per process.
"""

from __future__ import annotations

import re
import tempfile
from functools import cache
from pathlib import Path

import reportgen
from reportgen.base.resources import example_ledger
from reportgen.kinds import Kind
from reportgen.serve.choices import kinds

FORMATS = ("xlsx", "yaml")
GENERIC_NAME = "台账示例"


def kind_by_id(kind_id: str) -> Kind | None:
    """The built-in kind with an example, by folder id (ASCII: it is part of a link); ``None`` for none."""
    return next((kind for kind in kinds() if kind.id == kind_id and has_example(kind)), None)


@cache
def has_example(kind: Kind) -> bool:
    """Whether the example ledger can be this kind: a table-first kind (通报, 公示, 绩效自评表) needs a
    表格, which the example (and an Excel ledger) does not have yet, and a 公示 does not use its 一览表."""
    try:
        reportgen.loads(kind_yaml(kind), "示例台账.yaml")
    except reportgen.LedgerError:
        return False
    return True


def download_name(kind: Kind | None, fmt: str) -> str:
    return f"{GENERIC_NAME}-{kind.type_name}.{fmt}" if kind is not None else f"{GENERIC_NAME}.{fmt}"


def kind_yaml(kind: Kind) -> str:
    """The example ledger's text with the kind's 类型 before its 标题 (comments kept)."""
    text = example_ledger().read_text("utf-8")
    header = (
        f"# 报告类型：{kind.type_name}（{kind.title}）。正文是通用的示例，请按本类型报告的写法改写。\n"
        f"类型: {kind.type_name}\n"
    )
    with_kind, count = re.subn(r"^(?=标题:)", lambda _: header, text, count=1, flags=re.M)
    assert count == 1, "the example ledger has no 标题 line"  # tested: a broken edit fails loudly
    return with_kind


@cache
def example_bytes(kind_id: str | None, fmt: str) -> bytes:
    """The example as ``reportgen init`` writes it (``kind_id`` None), or for the kind with that id."""
    with tempfile.TemporaryDirectory(prefix="reportgen-example-") as folder:
        target = Path(folder) / f"example.{fmt}"
        kind = kind_by_id(kind_id) if kind_id is not None else None
        if kind is None:
            return reportgen.new_ledger(target).read_bytes()
        source = Path(folder) / "source.yaml"
        source.write_text(kind_yaml(kind), "utf-8")
        if fmt == "yaml":
            reportgen.load(source)  # validated as convert validates the Excel form
            return source.read_bytes()
        return reportgen.convert_ledger(source, target).read_bytes()
