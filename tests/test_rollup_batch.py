"""汇总 in a batch (issue 18 part 2): units before parents on every executor, parents handed their
units' figures, a failed unit failing its parents by name, and a change below a parent re-rendering it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import reportgen
import reportgen.rollup.load
from reportgen.batch.worker import NO_LIMITS

ROOT = Path(__file__).resolve().parents[1]
TREE = ROOT / "samples" / "rollup"


def tree_files(root: Path) -> list[Path]:
    """Every ledger of the tree, the city first: the batch must reorder them itself."""
    return [
        root / "青山市.yaml",
        *sorted((root / "县").glob("*.yaml")),
        *sorted((root / "县").glob("*/*.yaml")),
    ]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(TREE, tmp_path / "tree")
    return tmp_path / "tree"


def statuses(out: Path) -> dict[str, tuple[str, str]]:
    data = json.loads((out / "batch-summary.json").read_text("utf-8"))
    return {row["unit"]: (row["status"], row["code"]) for row in data["results"]}


@pytest.mark.parametrize("executor", ["serial", "process", "dask"])
def test_every_level_renders_in_one_batch_byte_identical_to_rendering_it_alone(
    executor: str, tree: Path, tmp_path: Path
) -> None:
    out = tmp_path / executor
    summary = reportgen.render_batch(
        tree_files(tree), "md,docx,xlsx", out, executor=executor, jobs=2, progress=False
    )
    assert summary.ok, summary.table()
    assert len(summary.results) == 9
    assert [r.unit for r in summary.results][:3] == ["青山市", "东城县", "西山县"]  # input order kept
    for name in ("青山市", "东城县", "城关镇"):
        source = next(p for p in tree_files(tree) if p.stem == name)
        alone = reportgen.load(source)
        for fmt in ("md", "docx", "xlsx"):
            assert (out / name / f"{name}.{fmt}").read_bytes() == alone.to_bytes(fmt), (name, fmt)


def test_a_parent_is_handed_its_units_figures_and_loads_none_again(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In this process (serial, no limits) the roll-up's own loading of units can be counted: with
    every unit in the batch, no parent loads one."""
    loaded: list[str] = []
    original = reportgen.rollup.load.read_ledger_file

    def counting(path: Path) -> bytes:
        loaded.append(path.name)
        return original(path)

    monkeypatch.setattr(reportgen.rollup.load, "read_ledger_file", counting)
    summary = reportgen.render_batch(
        tree_files(tree), "md", tmp_path / "out", executor="serial", limits=NO_LIMITS, progress=False
    )
    assert summary.ok, summary.table()
    assert loaded == []
    # a lazy stream cannot be read beforehand: the parents then load their units themselves
    summary = reportgen.render_batch(
        iter(tree_files(tree)), "md", tmp_path / "lazy", executor="serial", limits=NO_LIMITS, progress=False
    )
    assert summary.ok and len(loaded) == 6 + 2 + 6  # two counties' townships, then the city's whole tree
    assert (tmp_path / "lazy" / "青山市" / "青山市.md").read_bytes() == (
        tmp_path / "out" / "青山市" / "青山市.md"
    ).read_bytes()


def test_a_failed_unit_fails_its_parents_by_name_and_the_rest_goes_on(tree: Path, tmp_path: Path) -> None:
    township = tree / "县" / "西山县" / "柳溪镇.yaml"
    township.write_text(township.read_text("utf-8").replace("数值: 27390", "数值: 二万"), "utf-8")
    summary = reportgen.render_batch(
        tree_files(tree), "md", tmp_path / "out", executor="process", progress=False
    )
    found = statuses(tmp_path / "out")
    assert found["柳溪镇"] == ("failed", "RG106")
    assert found["西山县"] == ("failed", "RG507")
    assert found["青山市"] == ("failed", "RG507")
    assert all(found[u] == ("ok", "") for u in ("东城县", "城关镇", "河口镇", "石桥乡", "西山镇", "青龙乡"))
    messages = {r.unit: r.message for r in summary.results}
    assert "“柳溪镇”（RG106）" in messages["西山县"] and "“西山县”（RG507）" in messages["青山市"]


def test_a_change_below_a_parent_renders_it_again(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    reportgen.render_batch(tree_files(tree), "md", out, executor="serial", progress=False)
    township = tree / "县" / "东城县" / "河口镇.yaml"
    township.write_text(township.read_text("utf-8").replace("数值: 401.27", "数值: 401.37"), "utf-8")
    reportgen.render_batch(tree_files(tree), "md", out, executor="serial", progress=False)
    found = {unit: status for unit, (status, _) in statuses(out).items()}
    assert {u for u, s in found.items() if s == "ok"} == {"河口镇", "东城县", "青山市"}
    assert "2538.09万元" in (out / "青山市" / "青山市.md").read_text("utf-8")
