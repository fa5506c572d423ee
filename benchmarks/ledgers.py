"""Generated ledgers for the benchmarks: a county's 民生实事 report with N projects.

Realistic sizes: every project has a name, a 目标任务 and a 实施进度 sentence, the three money
figures and an owner; the narrative quotes figures through filters.  Deterministic for a seed.
"""

from __future__ import annotations

import random
from functools import partial
from pathlib import Path

HEAD = """\
标题: 第{unit}县民政局关于{{{{ 期间.年月 }}}}民生实事推进情况的报告
主送机关: [县人民政府]
落款: 第{unit}县民政局
成文日期: 2024-09-23
填报单位: 第{unit}县民政局
期间: {{年度: 2024, 月份: 1—9}}
指标:
  低保金: {{名称: 发放低保金, 数值: {money}, 单位: 万元}}
  低保户: {{名称: 低保户数, 数值: {households}, 单位: 户}}
  低保人: {{名称: 低保人数, 数值: {persons}, 单位: 人}}
导语:
  - 今年以来，我局围绕县委、县政府民生实事部署，各项目按计划推进。
正文:
  - 标题: 基本情况
    段落:
      - "{{{{ 期间 }}}}，共发放低保金{{{{ 低保金 | 万元 }}}}，保障{{{{ 低保户 | 户人(低保人) }}}}。"
  - 标题: 下一步工作
    段落: [持续做好民生实事项目推进，确保年底前全面完成目标任务。]
一览表:
  金额单位: 万元
  项目:
"""

PROJECT = """\
    - 项目名称: 第{n}项民生实事：提高城乡困难群众基本生活保障水平
      目标任务: 按照全市统一标准，及时足额发放各类救助资金，完成年度保障任务
      实施进度: 截至目前已累计发放资金并完成阶段性核查，项目整体进度符合计划安排
      计划安排资金: {plan}
      下达预算: {budget}
      实际拨付: {paid}
      责任单位: 县民政局
"""


def ledger_text(projects: int, unit: int = 1, seed: int = 0) -> str:
    rng = random.Random(seed * 100_003 + unit)
    text = HEAD.format(
        unit=unit,
        money=f"{rng.randint(1_000_000, 99_999_999) / 10000:.4f}",
        households=rng.randint(500, 5000),
        persons=rng.randint(800, 9000),
    )
    for n in range(1, projects + 1):
        plan = rng.randint(100, 99_999)
        budget = plan * rng.randint(50, 100) // 100
        paid = budget * rng.randint(40, 100) // 100
        text += PROJECT.format(
            n=n, plan=f"{plan / 100:.2f}", budget=f"{budget / 100:.2f}", paid=f"{paid / 100:.2f}"
        )
    return text


DECLARED_HEAD = """\
标题: 各乡镇临时救助资金使用情况
落款: 某市民政局
成文日期: 2024-10-10
填报单位: 某市民政局
期间: {年度: 2024, 月份: 1—9}
正文:
  - 标题: 总体情况
    段落: 各乡镇资金使用情况见附表。
表格:
  - 编号: 资金使用
    标题: 各乡镇临时救助资金使用情况
    列:
      - {名称: 县区, 文本: 是}
      - {名称: 单位, 文本: 是}
      - {名称: 户籍人口数, 单位: 人}
      - {名称: 应使用资金, 单位: 万元, 公式: {乘: [户籍人口数, {数值: 7, 单位: 元}]}}
      - {名称: 乡镇审批户数, 显示为: 户数, 单位: 户}
      - {名称: 乡镇审批金额, 显示为: 金额, 单位: 万元}
      - {名称: 区审批户数, 显示为: 户数, 单位: 户}
      - {名称: 区审批金额, 显示为: 金额, 单位: 万元}
      - {名称: 合计金额, 显示为: 金额, 单位: 万元, 公式: {求和: [乡镇审批金额, 区审批金额]}}
      - {名称: 资金使用率, 单位: "%", 公式: {商: [合计金额, 应使用资金]}}
      - {名称: 排名, 公式: {排名: 资金使用率}}
    表头:
      - {名称: 乡镇审批, 列: [乡镇审批户数, 乡镇审批金额]}
      - {名称: 区审批, 列: [区审批户数, 区审批金额]}
    分组列: [县区]
    合计行: 是
    行:
"""

DECLARED_GROUP = """\
      - 分组: 第{g}县
        小计: 是
        行:
"""

DECLARED_ROW = """\
          - {{单位: 第{n}乡镇, 户籍人口数: {people},
             乡镇审批户数: {a}, 乡镇审批金额: {am}, 区审批户数: {b}, 区审批金额: {bm}}}
"""


def declared_ledger_text(rows: int, seed: int = 0) -> str:
    """A declared table (表格) of ``rows`` townships in groups of 10 (a 小计 each), every formula kind
    the fund-use shape has (乘, 求和, 商, 排名) and a 合计: the 1 000-row linearity case of issue 16."""
    rng = random.Random(seed)
    text = DECLARED_HEAD
    for n in range(1, rows + 1):
        if n % 10 == 1:
            text += DECLARED_GROUP.format(g=n // 10 + 1)
        text += DECLARED_ROW.format(
            n=n,
            people=rng.randint(5_000, 60_000),
            a=rng.randint(10, 200),
            am=f"{rng.randint(100, 3000) / 100:.2f}",
            b=rng.randint(5, 80),
            bm=f"{rng.randint(100, 2000) / 100:.2f}",
        )
    return text


# -- 汇总: a tree of ledgers (乡镇 → 县 → 市 → 省), the samples/rollup/ shape at a province's size -------
ROLLUP_FIGURES = "[低保对象, 低保金, 特困对象, 临时救助人次, 临时救助金, 低保覆盖率]"
# Every level's 正文: the same sentence quoting the figures (a township's own, a parent's summed).
NARRATIVE = """\
正文:
  - 标题: 基本情况
    段落:
      - >-
        {{ 期间 }}，有城乡低保对象{{ 低保对象 | 人 }}，占户籍人口的{{ 低保覆盖率 }}，
        发放城乡低保金{{ 低保金 | 万元 }}，同比{{ 低保金 | 同比 }}；
        特困供养对象{{ 特困对象 | 人 }}；实施临时救助{{ 临时救助人次 | 人次 }}，
        支出临时救助资金{{ 临时救助金 | 万元 }}。
"""
TOWNSHIP = """\
类型: 社会救助
标题: {name}2024年1—9月社会救助工作情况
落款: {name}人民政府
成文日期: 2024-10-08
填报单位: {name}
期间: {{年度: 2024, 月份: 1—9}}
指标:
  户籍人口:     {{名称: 户籍人口, 数值: {population}, 单位: 人}}
  低保对象:     {{名称: 城乡低保对象, 数值: {persons}, 单位: 人}}
  低保金:       {{名称: 发放城乡低保金, 数值: {money}, 单位: 万元, 上年同期: {earlier}}}
  特困对象:     {{名称: 特困供养对象, 数值: {destitute}, 单位: 人}}
  临时救助人次: {{名称: 临时救助, 数值: {visits}, 单位: 人次}}
  临时救助金:   {{名称: 临时救助资金, 数值: {relief}, 单位: 万元}}
  低保覆盖率:   {{名称: 低保覆盖率, 比例: {{分子: 低保对象, 分母: 户籍人口}}}}
"""
PARENT = """\
类型: 社会救助
标题: {name}民政局关于{{{{ 期间.年月 }}}}社会救助工作情况的报告
落款: {name}民政局
成文日期: 2024-10-15
填报单位: {name}
期间: {{年度: 2024, 月份: 1—9}}
汇总:
  下级: [{units}/]
  指标: {figures}
{narrative}表格:
  - 编号: 下级
    标题: 各{word}社会救助工作情况汇总表
    行: 下级
    合计行: 是
    列:
      - {{名称: {word}, 文本: 是}}
      - {{名称: 户籍人口, 单位: 人}}
      - {{名称: 低保对象, 单位: 人}}
      - {{名称: 低保金, 单位: 万元}}
      - {{名称: 覆盖率, 显示为: 低保覆盖率, 单位: "%", 公式: {{商: [低保对象, 户籍人口]}}}}
      - {{名称: 排名, 公式: {{排名: 覆盖率}}}}
      - {{名称: 临时救助人次, 单位: 人次}}
      - {{名称: 临时救助金, 单位: 万元}}
"""


def township_text(name: str, seed: int) -> str:
    """One township's ledger: every figure drawn from ``seed``."""
    draw = random.Random(seed)
    money = draw.randint(5_000, 90_000) / 100
    return (
        TOWNSHIP.format(
            name=name,
            population=draw.randint(8_000, 60_000),
            persons=draw.randint(200, 1_500),
            money=f"{money:.2f}",
            earlier=f"{money / 1.068:.2f}",
            destitute=draw.randint(30, 260),
            visits=draw.randint(300, 2_400),
            relief=f"{draw.randint(1_000, 12_000) / 100:.2f}",
        )
        + NARRATIVE
    )


def rollup_tree(folder: Path, townships: int = 3000, counties: int = 150, cities: int = 15) -> list[Path]:
    """A province over ``cities`` cities over ``counties`` counties over ``townships`` townships, as
    files under ``folder`` (省.yaml; 市/市01.yaml; 市/市01/县001.yaml; 市/市01/县001/镇0001.yaml …),
    every unit's file name distinct (a batch's unit names).  Returns every ledger, the province first."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "省.yaml"]
    parent = partial(PARENT.format, figures=ROLLUP_FIGURES, narrative=NARRATIVE)
    paths[0].write_text(parent(name="全省", units="市", word="市"), "utf-8")
    per_city, per_county = counties // cities, townships // counties
    for c in range(cities):
        city = f"市{c + 1:02d}"
        (folder / "市" / city).mkdir(parents=True)
        path = folder / "市" / f"{city}.yaml"
        path.write_text(parent(name=city, units=city, word="县"), "utf-8")
        paths.append(path)
        for k in range(per_city):
            county = f"县{c * per_city + k + 1:03d}"
            (folder / "市" / city / county).mkdir()
            path = folder / "市" / city / f"{county}.yaml"
            path.write_text(parent(name=county, units=county, word="乡镇"), "utf-8")
            paths.append(path)
            for t in range(per_county):
                number = (c * per_city + k) * per_county + t + 1
                path = folder / "市" / city / county / f"镇{number:04d}.yaml"
                path.write_text(township_text(f"镇{number:04d}", number), "utf-8")
                paths.append(path)
    return paths
