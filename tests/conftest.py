"""Shared fixtures: paths to the samples and a minimal valid ledger to mutate in tests."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
JIALING = SAMPLES / "jialing-2024q3.yaml"
QINGSHAN = SAMPLES / "qingshan-2024q3.yaml"

MINIMAL = """\
标题: 测试局关于{{ 期间.年月 }}工作情况的报告
落款: 测试局
成文日期: 2024-09-23
填报单位: 测试局
期间: {年度: 2024, 月份: 1—9}
指标:
  低保金: {名称: 发放低保金, 数值: 100.5, 单位: 万元}
正文:
  - 标题: 基本情况
    段落: ["{{ 期间 }}，发放低保金{{ 低保金 | 万元 }}。"]
一览表:
  金额单位: 万元
  项目:
    - 项目名称: 低保
      目标任务: 应保尽保
      实施进度: 按月发放
      计划安排资金: 200
      下达预算: 150
      实际拨付: 100
"""


# A ledger's parts before its 表格, for tests of declared tables: ``"标题: …\n" + TABLE_LEDGER_HEAD + 表格``.
TABLE_LEDGER_HEAD = """\
落款: 某区民政局
成文日期: 2024-10-10
填报单位: 某区民政局
期间: {年度: 2024, 月份: 1—9}
正文:
  - 标题: 基本情况
    段落: 各片区情况见附表。
"""


@pytest.fixture
def minimal() -> str:
    return MINIMAL


@pytest.fixture
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Send conversions' temporary folders to a folder of our own, to check they are all removed."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar holding exactly ``text`` (escapes for what YAML may not carry raw)."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code > 0xFFFF:
            out.append(ch)
        else:
            out.append(f"\\u{code:04x}")
    return '"' + "".join(out) + '"'
