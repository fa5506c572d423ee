"""Findings: the ledger loads, but something in it does not add up (RG2xx).

These are the mistakes published reports show in print, reproduced by the samples: in
samples/jialing-2024q3.yaml sources that do not sum to the plan, ratios over 100%, more paid than
issued, the narrative and the table quoting different totals, one column entered in two units; in
samples/linyou-2022.yaml a typed total that is not the sum of its 分项 (392户 for 222 + 171) and a
printed ratio the figures do not give (公布值 60.09% for 227 ÷ 402 = 56.47%); and parts (其中) larger
than their whole.  A generator cannot silently fix them; it must say so, so a person decides.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from reportgen.base.errors import Finding, Problem, Severity
from reportgen.base.units import convert
from reportgen.compute.bounds import Bounds
from reportgen.compute.declared_checks import declared_findings
from reportgen.compute.exact import exact_sum
from reportgen.compute.figures import ComputedReport, completion_digits
from reportgen.compute.table import ProjectFigures, TableFigures, measure
from reportgen.model import Figure, FigureRef, Ledger, Quantity, QuotientOf, RatioOf, SumOf
from reportgen.numbers import (
    DASH,
    decimals_of,
    format_amount,
    format_count,
    format_number,
    format_percent,
    round_half_up,
    rounds_to,
    strip_zeros,
)

ONE = Decimal(1)
LISTED_UNITS = 8  # units a RG216 message names before “等 N 个”


def findings(report: ComputedReport) -> list[Finding]:
    """Every RG2xx finding of a computed report, in ledger order."""
    found = _figure_findings(report)
    found.extend(_rollup_findings(report))
    if report.table is not None:
        found.extend(_mixed_units(report.ledger, report.table, report.values))
        for row in report.table.rows:
            found.extend(_row_findings(report.ledger, report.table, row))
    found.extend(declared_findings(report.ledger, report.tables, report.values))
    return found


def _finding(
    code: str,
    message: str,
    ledger: Ledger,
    place: str,
    severity: Severity = Severity.WARNING,
    value: object = None,
    expected: str | None = None,
) -> Finding:
    return Finding(
        Problem(code, message, file=ledger.source, place=place, value=value, expected=expected), severity
    )


def _amount(value: Decimal | None, table: TableFigures) -> str:
    unit = table.table.amount_unit.symbol
    return DASH if value is None else format_amount(value, unit, source_unit=unit)


def _row_findings(ledger: Ledger, table: TableFigures, row: ProjectFigures) -> list[Finding]:
    out: list[Finding] = []
    place = row.project.place_of
    label = f"第{row.number}项“{_short(row.project.name)}”"
    digits = table.table.ratio_digits
    if row.sources_total is not None and row.plan is not None and row.sources_total != row.plan:
        parts = "＋".join(
            f"{name}{format_number(q.value)}{q.unit}" for name, q in row.project.funding.sources
        )
        out.append(
            _finding(
                "RG201",
                f"{label}资金来源合计 {_amount(row.sources_total, table)}（{parts}）"
                f"与计划安排资金 {_amount(row.plan, table)} 不符",
                ledger,
                place("资金来源"),
                expected="各级资金之和等于计划安排资金",
            )
        )
    for what, value in (("下达预算", row.budget_ratio), ("实际拨付", row.paid_ratio)):
        if value is not None and value > ONE:
            out.append(
                _finding(
                    "RG202",
                    f"{label}{what}占计划比例为 {format_percent(value, digits)}，"
                    f"超计划 {format_percent(value - ONE, digits)}",
                    ledger,
                    place(what),
                    expected="不超过计划安排资金，或在备注中说明",
                )
            )
    if row.completion is not None and row.completion > ONE:
        out.append(
            _finding(
                "RG202",
                f"{label}完成比例为 {format_percent(row.completion, digits)}，超额完成",
                ledger,
                place("实际完成"),
                Severity.NOTICE,
            )
        )
    if row.paid is not None and row.budget is not None and row.paid > row.budget:
        out.append(
            _finding(
                "RG203",
                f"{label}实际拨付 {_amount(row.paid, table)} 超过下达预算 {_amount(row.budget, table)}",
                ledger,
                place("实际拨付"),
                expected="实际拨付不超过下达预算",
            )
        )
    if row.plan is not None and row.plan.is_zero() and (row.budget or row.paid):
        out.append(
            _finding(
                "RG206",
                f"{label}计划安排资金为 0，占计划比例记为“—”",
                ledger,
                place("计划安排资金"),
                Severity.NOTICE,
            )
        )
    if row.plan is None and (row.budget is not None or row.paid is not None):
        out.append(
            _finding(
                "RG206",
                f"{label}未填计划安排资金，占计划比例记为“—”",
                ledger,
                place("计划安排资金"),
                Severity.NOTICE,
            )
        )
    if row.target is not None and row.target.value.is_zero():
        out.append(
            _finding("RG206", f"{label}目标为 0，完成比例记为“—”", ledger, place("目标"), Severity.NOTICE)
        )
    return out


def _mixed_units(ledger: Ledger, table: TableFigures, values: dict[str, Quantity | None]) -> list[Finding]:
    """One column, two input units (samples/jialing-2024q3.yaml: a 亿元 header over 万元 figures)."""
    used: dict[str, list[str]] = defaultdict(list)
    first_other: str | None = None  # the first amount not in the table's unit: where to look
    for row in table.rows:
        funding = row.project.funding
        entered = [
            (what, measure(m, values))
            for what, m in (
                ("计划安排资金", funding.plan),
                ("下达预算", funding.budget),
                ("实际拨付", funding.paid),
            )
        ]
        entered += [("资金来源", q) for _, q in funding.sources]
        for what, quantity in entered:
            if quantity is None:
                continue
            if str(row.number) not in used[quantity.unit.symbol]:
                used[quantity.unit.symbol].append(str(row.number))
            if first_other is None and quantity.unit != table.table.amount_unit:
                first_other = row.project.place_of(what)
    if len(used) <= 1:
        return []
    detail = "；".join(f"{symbol}：第{'、'.join(rows)}项" for symbol, rows in used.items())
    return [
        _finding(
            "RG205",
            f"一览表金额以{'、'.join(used)}录入（{detail}），输出已统一换算为{table.table.amount_unit}",
            ledger,
            first_other or "一览表.项目",
            Severity.NOTICE,
            expected="同一表中金额统一单位录入",
        )
    ]


def _figure_findings(report: ComputedReport) -> list[Finding]:
    """The figures' findings in ledger order; per figure RG204, then its 分项, 其中 and 公布值."""
    same_name = _same_name_figures(report)
    bases = _bases(report)
    out: list[Finding] = []
    for figure in report.ledger.figures:
        out.extend(same_name.get(figure.id, ()))
        out.extend(_mixed_bases(report, figure, bases))
        out.extend(_parts(report, figure, figure.breakdown, exhaustive=True))
        out.extend(_parts(report, figure, figure.of_which, exhaustive=False))
        out.extend(_published(report, figure))
        out.extend(_target(report, figure))
        out.extend(_met_as_printed(report, figure))
    return out


def _target(report: ComputedReport, figure: Figure) -> list[Finding]:
    """RG211 (提示): a 目标 not reached, or one with no 完成值 to judge it by (完成情况 “—”)."""
    goal = report.goals.get(figure.id)
    if goal is None or goal.met:
        return []
    if goal.actual is None:
        message = f"{_quoted(figure.name)}有目标（{goal.requirement}），没有完成值，完成情况记为“—”"
        expected = "有完成值时填写“数值”（或合计、比例、商）"
    else:
        actual = report.values.get(figure.id)
        assert actual is not None
        printed = _printed(figure, actual)
        shown = f"（印作 {printed}）" if printed is not None else ""
        message = f"{_quoted(figure.name)}未完成目标：完成值 {_shown(actual)}{shown}，目标{goal.requirement}"
        expected = "核对完成值与目标；报告中完成情况记为“未完成”"
    return [
        _finding("RG211", message, report.ledger, figure.place_of("目标"), Severity.NOTICE, expected=expected)
    ]


def _met_as_printed(report: ComputedReport, figure: Figure) -> list[Finding]:
    """RG217 (警告): a 目标 met by the exact 完成值 but not by the number printed — 低于4.3% met by
    4.2999%, printed “4.3%，已完成”, which a reader takes for a mistake.  (The other way round, 49.99%
    printed 50.0% beside 未完成 of 不低于50%, is RG211, whose message then shows the printed number.)"""
    goal = report.goals.get(figure.id)
    actual = report.values.get(figure.id)
    digits = completion_digits(figure)
    if goal is None or not goal.met or actual is None or digits is None:
        return []
    rounded = round_half_up(actual.value, digits)
    if goal.meets(convert(rounded, actual.unit, goal.target.unit)):
        return []
    printed = _printed(figure, actual)
    message = (
        f"{_quoted(figure.name)}按精确值 {_shown(actual)} 已完成目标（{goal.requirement}），"
        f"但报告印作 {printed}，读者看来并未完成"
    )
    shown = "百分比" if isinstance(figure.source, RatioOf) else "数"
    expected = f"正文中多印一位小数（如 {{{{ {figure.id} | {shown}({digits + 1}) }}}}），或核对目标与完成值"
    return [
        _finding(
            "RG217", message, report.ledger, figure.place_of("目标"), Severity.WARNING, expected=expected
        )
    ]


def _printed(figure: Figure, value: Quantity) -> str | None:
    """``value`` as the report prints ``figure``'s 完成值 (``completion_digits``), when that drops digits."""
    digits = completion_digits(figure)
    if digits is None or round_half_up(value.value, digits) == value.value:
        return None
    return format_number(round_half_up(value.value, digits), digits) + value.unit.symbol


def _same_name_figures(report: ComputedReport) -> dict[str, list[Finding]]:
    """Two figures with one name and different values: the narrative and the table will disagree.
    Keyed by the id of the later figure, where the finding is placed."""
    by_name: dict[str, list[tuple[str, Quantity, str]]] = defaultdict(list)
    for figure in report.ledger.figures:
        value = report.values.get(figure.id)
        if value is not None:
            by_name[figure.name].append((figure.id, value, figure.place))
    out: dict[str, list[Finding]] = defaultdict(list)
    for name, entries in by_name.items():
        first_id, first, _ = entries[0]
        for other_id, other, other_place in entries[1:]:
            if not other.unit.compatible(first.unit):
                continue
            if convert(other.value, other.unit, first.unit) != first.value:
                out[other_id].append(
                    _finding(
                        "RG204",
                        f"名称同为“{name}”的指标“{first_id}”（{format_number(first.value)}{first.unit}）与"
                        f"“{other_id}”（{format_number(other.value)}{other.unit}）数值不同，正文与表格将互相矛盾",
                        report.ledger,
                        other_place,  # 指标.编号, or the 指标 sheet's cell of a workbook
                        expected="同一口径只保留一个指标，或改用不同名称说明口径",
                    )
                )
    return out


def _bases(report: ComputedReport) -> dict[str, str]:
    """Each figure's 口径: its own when typed, its parts' common one for a 合计, else "" (unsaid,
    mixed, or a 比例/商, which is a rate rather than a stock or a flow).  Each figure once, so a
    合计 that names one part many times, many levels deep, costs no more than its ledger lines."""
    found: dict[str, str] = {}
    by_id = {figure.id: figure for figure in report.ledger.figures}

    def basis(figure_id: str) -> str:
        if figure_id not in found:
            figure = by_id.get(figure_id)
            found[figure_id] = ""
            if figure is not None and isinstance(figure.source, SumOf):
                parts = {b for ref in figure.source.parts if (b := basis(ref.figure_id))}
                found[figure_id] = parts.pop() if len(parts) == 1 else ""
            elif figure is not None:
                found[figure_id] = figure.basis
        return found[figure_id]

    for figure in report.ledger.figures:
        basis(figure.id)
    return found


_LABELS = {"合计": "合计各项", "分项": "分项", "其中": "“其中”各项"}


def _mixed_bases(report: ComputedReport, figure: Figure, bases: dict[str, str]) -> list[Finding]:
    """RG212: a 合计 adding a stock to a flow (or a plan to an actual), or 分项/其中 of another 口径
    than their whole.  Figures without a 口径 are not compared."""
    groups: list[tuple[str, str, list[tuple[str, str]]]] = []  # (field, whole's 口径, [(part, 口径)])
    if isinstance(figure.source, SumOf):
        groups.append(("合计", "", [(r.figure_id, bases.get(r.figure_id, "")) for r in figure.source.parts]))
    whole = bases.get(figure.id, "")
    for key, refs in (("分项", figure.breakdown), ("其中", figure.of_which)):
        if whole and refs:
            groups.append((key, whole, [(r.figure_id, bases.get(r.figure_id, "")) for r in refs]))
    out: list[Finding] = []
    for key, own, parts in groups:
        said = [(figure_id, basis) for figure_id, basis in parts if basis]
        if len({basis for _, basis in said} | ({own} if own else set())) <= 1:
            continue
        listed = "，".join(f"{_quoted(_name(report, figure_id))}是{basis}" for figure_id, basis in said)
        whole_text = f"本指标是{own}，" if own else ""
        out.append(
            _finding(
                "RG212",
                f"{_quoted(figure.name)}的{_LABELS[key]}口径不一致：{whole_text}{listed}",
                report.ledger,
                figure.place_of(key),
                expected="时点数（截至某日）、累计数（期间内）与计划数分别统计，不相加、不互为分项",
            )
        )
    return out


def _parts(
    report: ComputedReport, figure: Figure, refs: tuple[FigureRef, ...], *, exhaustive: bool
) -> list[Finding]:
    """分项 (exhaustive: their sum equals the figure, RG208) or 其中 (their sum does not exceed it,
    RG209), summed exactly; a part in a unit the whole cannot be compared with is RG213 (提示)."""
    whole = report.values.get(figure.id)
    if not refs or whole is None:
        return []
    key = "分项" if exhaustive else "其中"
    place = figure.place_of(key)
    out: list[Finding] = []
    comparable: list[Quantity] = []
    for ref in refs:
        part = report.values.get(ref.figure_id)
        if part is None:
            continue  # a 比例 without a denominator: nothing to add
        if part.unit.compatible(whole.unit):
            comparable.append(part)
            single = f"{_quoted(_name(report, ref.figure_id))} {_shown(part)}"
            continue
        out.append(
            _finding(
                "RG213",
                f"{_quoted(figure.name)}的{'分项' if exhaustive else '“其中”项'}"
                f"{_quoted(_name(report, ref.figure_id))}以{part.unit}计，"
                f"与总数的单位（{whole.unit}）不可比，无法核对",
                report.ledger,
                place,
                Severity.NOTICE,
                value=f"{_shown(part)}；总数 {_shown(whole)}",
                expected=f"{'分项' if exhaustive else '“其中”各项'}与总数用同一类单位（如 人 与 名）",
            )
        )
    if not comparable or (exhaustive and len(comparable) != len(refs)):
        return out
    total = Quantity(exact_sum(convert(p.value, p.unit, whole.unit) for p in comparable), whole.unit)
    terms = " + ".join(_shown(p) for p in comparable)
    sum_text = f"{terms} = {_shown(total)}" if len(comparable) > 1 else single
    label = _quoted(figure.name)
    if exhaustive and total.value != whole.value:
        gap = Quantity(abs(total.value - whole.value), whole.unit)
        more = "多" if total.value > whole.value else "少"
        out.append(
            _finding(
                "RG208",
                f"{label}的分项之和 {sum_text}，与总数 {_shown(whole)} 不符（分项之和{more} {_shown(gap)}）",
                report.ledger,
                place,
                expected="核对总数与各分项；分项不全时改用“其中”",
            )
        )
    if not exhaustive and total.value > whole.value:
        out.append(
            _finding(
                "RG209",
                f"{label}的“其中”{'各项之和' if len(comparable) > 1 else '项'} {sum_text}，"
                f"超过总数 {_shown(whole)}",
                report.ledger,
                place,
                expected="“其中”各项之和不超过总数",
            )
        )
    return out


def _published(report: ComputedReport, figure: Figure) -> list[Finding]:
    """公布值 against the computation: consistent when some value within the rounding of the typed
    inputs (``report.bounds``) rounds, at the 公布值's own decimals, to the 公布值 (RG210 otherwise)."""
    published = figure.published
    if published is None:
        return []
    value = report.values.get(figure.id)
    bounds = report.bounds.get(figure.id)
    if value is None:
        shown, within = DASH, ""
    else:
        # Unbounded (a denominator that could be 0 within its rounding): compare with the value itself.
        interval = bounds or Bounds(value.value, value.value)
        if rounds_to(published, interval.low, interval.high):
            return []
        digits = decimals_of(published)
        shown = _with_unit(round_half_up(value.value, digits), value.unit)
        low, high = (
            _with_unit(round_half_up(v, digits + 2), value.unit) for v in (interval.low, interval.high)
        )
        within = f"；按各数字的舍入误差，计算值在 {low}～{high} 之间" if low != high else ""
    unit: object = value.unit if value is not None else None
    if isinstance(figure.source, RatioOf):
        unit = "%"
    elif isinstance(figure.source, QuotientOf):
        unit = figure.source.unit
    return [
        _finding(
            "RG210",
            f"{_quoted(figure.name)}的公布值 {_with_unit(published, unit)} 与计算值 {shown} 不符"
            f"（{_formula(report, figure)}{within}）",
            report.ledger,
            figure.place_of("公布值"),
            expected="核对原文数字或计算所用的指标；报告中印的是计算值",
        )
    ]


def _formula(report: ComputedReport, figure: Figure) -> str:
    """How a derived figure is computed, with its operands' values: ``集中供养 227人 ÷ 特困人数 402人``."""
    source = figure.source

    def operand(ref: FigureRef) -> str:
        value = report.values.get(ref.figure_id)
        return f"{_name(report, ref.figure_id)} {DASH if value is None else _shown(value)}"

    if isinstance(source, SumOf):
        return " + ".join(operand(ref) for ref in source.parts)
    if isinstance(source, RatioOf | QuotientOf):
        per = f" × {format_number(source.per)}" if isinstance(source, QuotientOf) and source.per != 1 else ""
        return f"{operand(source.numerator)} ÷ {operand(source.denominator)}{per}"
    return ""


def _rollup_findings(report: ComputedReport) -> list[Finding]:
    """RG216: a figure the parent typed that its units' sum, rounded half up to the typed decimals
    (the rounding-interval rule of 公布值, with exact inputs), does not give; the message lists the
    units' values (the first ``LISTED_UNITS``), so a person sees which unit to ask."""
    rollup = report.ledger.rollup
    if rollup is None:
        return []
    out: list[Finding] = []
    for rolled in rollup.figures:
        value = report.values.get(rolled.figure_id)
        typed = rolled.typed
        if typed is None or value is None or rounds_to(typed.value, value.value, value.value):
            continue
        digits = max(decimals_of(typed.value), 0)
        total = Quantity(round_half_up(value.value, digits), value.unit)
        named = [
            f"{child.name} {_shown(part)}" for child, part in zip(rollup.children, rolled.parts, strict=True)
        ]
        listed = "、".join(named[:LISTED_UNITS]) + (
            f"等 {len(named)} 个" if len(named) > LISTED_UNITS else ""
        )
        gap = Quantity(abs(typed.value - total.value), value.unit)
        out.append(
            _finding(
                "RG216",
                f"{_quoted(_name(report, rolled.figure_id))}本级填写 {_shown(typed)}，"
                f"下级之和 {_shown(total)}（{listed}），相差 {_shown(gap)}",
                report.ledger,
                rolled.typed_place,
                value=_shown(typed),
                expected="核对本级的数与各下级台账；报告中印的是下级之和",
            )
        )
    return out


def _quoted(name: str) -> str:
    """A name in “”, unless it is quoted already (“三类人员”)."""
    return name if name.startswith("“") and name.endswith("”") else f"“{name}”"


def _name(report: ComputedReport, figure_id: str) -> str:
    figure = report.ledger.figure(figure_id)
    return figure.name if figure is not None else figure_id


def _with_unit(value: Decimal, unit: object) -> str:
    return format_count(value, "" if unit is None else str(unit))


def _shown(quantity: Quantity) -> str:
    """A value in a message: as typed, or, when computed to many decimals (a quotient), to 4, without
    the zeros a computation leaves (4.299900% → 4.2999%; a typed figure has fewer than 5 decimals)."""
    value = quantity.value
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        value = strip_zeros(round_half_up(value, 4) if exponent < -10 else value)
    return _with_unit(value, quantity.unit)


def _short(text: str, limit: int = 16) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
