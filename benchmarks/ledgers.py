"""Generated ledgers for the benchmarks: a county's 民生实事 report with N projects.

Realistic sizes: every project has a name, a 目标任务 and a 实施进度 sentence, the three money
figures and an owner; the narrative quotes figures through filters.  Deterministic for a seed.
"""

from __future__ import annotations

import random

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
