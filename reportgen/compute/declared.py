"""Declared tables (``表格``, docs/tables.md) computed exactly: every formula column, ranks, 小计 and 合计.

The rules are the figures' rules: sums exact (``exact.exact_sum``), conversions exact
(``base.units.convert``), a quotient "—" when its denominator is 0 or missing (``exact.ratio``), nothing
rounded before display.  Every value is in its column's unit (a % column in percent, like a 比例 figure).
Beside each value its ``Bounds``, the interval the exact value lies in given the rounding of typed
inputs, so ``check`` can judge a printed value (公布值) the way it judges a figure's (RG214).

An empty operand of a 求和 is left out (a township with no 区审批 has a 合计 of its 乡镇审批); one of 差,
乘 or 商 leaves the cell empty ("—").  占合计 is a share of the 合计 (``contributions``: a group's own
value counted once, else its rows; never 小计); 排名 is taken over the data rows by the values as they
print (two rates both shown 95.24% tie); ties share the better rank (1, 2, 2, 4).  A 小计/合计 cell
follows its column's rule: 求和 adds the data rows under it, 重算 applies the column's formula to the
totals (a rate from the summed amounts, never the sum or mean of the rates), 无 leaves it empty.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

from reportgen.base.errors import LedgerError, Problem
from reportgen.base.units import Family, Unit, convert
from reportgen.compute.bounds import Bounds, total_bounds
from reportgen.compute.exact import EXACT, EXACT_DIGITS, exact_sum, ratio
from reportgen.ledger.tables import at_cell, per_column, place_in_table
from reportgen.model import (
    NUMBERING,
    CellValue,
    DeclaredColumn,
    DeclaredRow,
    DeclaredTable,
    FigureField,
    FigureRef,
    Ledger,
    Printed,
    Quantity,
    RowGroup,
)
from reportgen.numbers import DASH, format_number, round_half_up

HUNDRED = Decimal(100)
Values = dict[str, Decimal | None]
BoundsOf = dict[str, Bounds | None]

# What a computed row is: a data row, a group's own row, a group's 小计, the table's 合计.
DATA, GROUP, SUBTOTAL, TOTAL = "行", "分组", "小计", "合计"


@dataclass(frozen=True, slots=True)
class ComputedRow:
    """One row of a computed table, in display order.  ``values`` and ``bounds`` hold every numeric
    column (None: empty or not computable, shown "—"); ``texts`` the text cells; ``row`` the ledger row
    of a DATA/GROUP row; ``depth`` its nesting.  ``groups`` are the groups the row is in, outermost first
    (a GROUP/SUBTOTAL row's own group last): each group's name stands in its level's label column
    (``DeclaredTable.group_columns``) of every row in it, so a writer merges equal neighbours down."""

    kind: str
    depth: int
    values: Values
    bounds: BoundsOf
    texts: dict[str, str]
    row: DeclaredRow | None = None
    groups: tuple[RowGroup, ...] = ()

    @property
    def group(self) -> RowGroup | None:
        """The group a GROUP or SUBTOTAL row is of."""
        return self.groups[-1] if self.groups and self.kind in (GROUP, SUBTOTAL) else None


@dataclass(frozen=True, slots=True)
class DeclaredTableFigures:
    """A declared table with every cell resolved; ``rows`` are in display order (as entered, or
    sorted within each group), subtotals after their group, the 合计 (if any) last.  ``totals`` is the
    table's 合计 by column, by each column's rule, whether or not a 合计 row is shown (合计应等于 checks
    it)."""

    table: DeclaredTable
    rows: tuple[ComputedRow, ...]
    totals: Values

    @property
    def total(self) -> ComputedRow | None:
        last = self.rows[-1] if self.rows else None
        return last if last is not None and last.kind == TOTAL else None


def declared_tables(
    ledger: Ledger, figures: dict[str, Quantity | None], figure_bounds: dict[str, Bounds | None]
) -> tuple[DeclaredTableFigures, ...]:
    """Every ``表格`` of the ledger computed; a quoted figure in a unit its column cannot take is
    ``LedgerError`` RG113, as for figures."""
    return tuple(declared_table_figures(ledger, table, figures, figure_bounds) for table in ledger.tables)


def declared_table_figures(
    ledger: Ledger,
    table: DeclaredTable,
    figures: dict[str, Quantity | None],
    figure_bounds: dict[str, Bounds | None],
    *,
    with_bounds: bool = True,
) -> DeclaredTableFigures:
    """One declared table computed: a ledger's ``表格`` or a preset built from other parts of the
    ledger (the 一览表, ``compute.table.project_preset``).  Without ``with_bounds`` no cell gets the
    interval ``check`` judges a 公布值 by (every bound None, the intervals never computed): for a preset,
    whose cells nobody types a printed value for and whose inputs the ledger's own checks cover."""
    return _TableComputer(ledger, table, figures, figure_bounds, with_bounds).run()


def fraction(percent: Decimal | None) -> Decimal | None:
    """A value of a % column as the fraction it stands for, as the .xlsx stores it under a "0.00%"
    format and the checks compare it (92.50 → 0.925): exact, without trailing zeros, so the same
    ratio is written the same whichever way it was computed."""
    if percent is None:
        return None
    return percent.scaleb(-2, context=EXACT).normalize(context=EXACT)


class _TableComputer:
    def __init__(
        self,
        ledger: Ledger,
        table: DeclaredTable,
        figures: dict[str, Quantity | None],
        figure_bounds: dict[str, Bounds | None],
        with_bounds: bool = True,
    ) -> None:
        self.ledger = ledger
        self.with_bounds = with_bounds
        self.table = table
        self.figures = figures
        self.figure_bounds = figure_bounds
        self.numeric = [c for c in table.columns if not c.text]
        self.by_name = {c.name: c for c in self.numeric}
        self.order = _formula_order(table.columns)
        self.computed: dict[int, tuple[Values, BoundsOf]] = {}  # by DeclaredRow.number
        self.column_totals: dict[str, Decimal | None] = {}

    def run(self) -> DeclaredTableFigures:
        self.check_total_equals_units()
        data = list(_data_rows(self.table.rows))
        owned = list(_own_rows(self.table.rows))
        for row in (*data, *owned):
            self.computed[row.number] = self.typed(row)
        for column in self.order:
            formula = column.formula
            assert formula is not None
            if formula.kind == "排名":
                self.rank(column, data)
                continue
            if formula.kind == NUMBERING:  # by the rows as laid out, below
                continue
            if formula.kind == "占合计":
                operand = formula.operands[0]
                parts = self.contributions(self.table.rows, operand)
                self.column_totals[operand] = exact_sum(v for v, _ in parts) if parts else None
            for row in (*data, *owned):
                values, bounds = self.computed[row.number]
                values[column.name], bounds[column.name] = self.formula(column, values, bounds)
        rows = list(self.layout(self.table.rows, depth=1, groups=()))
        self.number(rows)
        totals, bounds_of_totals = self.aggregate(self.table.rows)
        if self.table.total_row:
            rows.append(ComputedRow(TOTAL, 0, totals, bounds_of_totals, {}))
        return DeclaredTableFigures(self.table, tuple(rows), totals)

    def check_total_equals_units(self) -> None:
        """合计应等于 compares a 合计 with a figure: only in units of one family (30万元 is not 30人)."""
        for name, ref in self.table.total_equals:
            column, quantity = self.table.column(name), self.figures.get(ref.figure_id)
            if column is None or quantity is None:
                continue
            if column.unit is None or not quantity.unit.compatible(column.unit):
                place, message = at_cell(
                    place_in_table(self.table.title) + "合计应等于",
                    self.table.cell_of(per_column("合计应等于", name)),
                    f"指标“{ref.figure_id}”以{quantity.unit}计，不能与以{column.unit or '（无单位）'}计的"
                    f"列“{name}”的合计比较",
                )
                raise LedgerError(
                    Problem(
                        "RG113",
                        message,
                        file=self.ledger.source,
                        place=place,
                        expected=f"以{column.unit or '列的单位'}同类单位计的指标",
                    )
                )

    # -- cells ----------------------------------------------------------------------------------------
    def typed(self, row: DeclaredRow) -> tuple[Values, BoundsOf]:
        values: Values = {c.name: None for c in self.numeric}
        bounds: BoundsOf = {c.name: None for c in self.numeric}
        cells = dict(row.cells)  # one lookup per column, not a scan of the row's cells
        for column in self.numeric:
            cell = cells.get(column.name)
            if isinstance(cell, Decimal):
                values[column.name] = cell
                bounds[column.name] = _written(cell, column.unit) if self.with_bounds else None
            elif isinstance(cell, FigureRef):
                values[column.name], bounds[column.name] = self.quoted(cell, column, row)
                if not self.with_bounds:
                    bounds[column.name] = None
        return values, bounds

    def quoted(
        self, ref: FigureRef, column: DeclaredColumn, row: DeclaredRow
    ) -> tuple[Decimal | None, Bounds | None]:
        """A figure quoted in a cell, in the column's unit: one number for the narrative and the table."""
        quantity = self.figures.get(ref.figure_id)
        if quantity is None:
            return None, None
        bounds = self.figure_bounds.get(ref.figure_id)
        # A column with no unit would drop the figure's (80000 元 shown as a bare 80000): refused too.
        if column.unit is None or not quantity.unit.compatible(column.unit):
            place, message = at_cell(
                place_in_table(self.table.title, row.number, column.name),
                row.cell_of(column.name),
                f"指标“{ref.figure_id}”以{quantity.unit}计，不能填入以{column.unit or '（无单位）'}计的列",
            )
            raise LedgerError(
                Problem(
                    "RG113",
                    message,
                    file=self.ledger.source,
                    place=place,
                    expected=f"以{column.unit}同类单位计的指标" if column.unit else "给本列写上单位",
                )
            )
        converted = bounds.converted(quantity.unit, column.unit) if bounds is not None else None
        return convert(quantity.value, quantity.unit, column.unit), converted

    def formula(
        self, column: DeclaredColumn, values: Values, bounds: BoundsOf
    ) -> tuple[Decimal | None, Bounds | None]:
        """``column``'s formula on one row's (or one total's) values; 排名 is not row-local."""
        formula = column.formula
        assert formula is not None
        by_name = self.by_name
        operands = [(by_name[n], values[n], bounds[n]) for n in formula.operands]
        if formula.kind == "求和":
            present = [(c, v, b) for c, v, b in operands if v is not None]
            if not present:
                return None, None
            parts = [_in_unit(c.unit, v, b, column.unit) for c, v, b in present]
            summed = exact_sum(v for v, _ in parts if v is not None)
            part_bounds = [b for _, b in parts]
            return summed, (None if None in part_bounds else total_bounds(b for b in part_bounds if b))
        if any(v is None for _, v, _ in operands):
            return None, None
        if formula.kind == "差":
            (a, av, ab), (b, bv, bb) = operands
            (x, xb), (y, yb) = _in_unit(a.unit, av, ab, column.unit), _in_unit(b.unit, bv, bb, column.unit)
            assert x is not None and y is not None
            with localcontext(prec=EXACT_DIGITS):
                difference = x - y
            return difference, (Bounds(xb.low - yb.high, xb.high - yb.low) if xb and yb else None)
        if formula.kind == "乘":
            return _product(column, operands)
        if formula.kind == "商":
            (a, av, ab), (b, bv, bb) = operands
            return _quotient(column.unit, (a.unit, av, ab), (b.unit, bv, bb))
        # 占合计: this row's share of the operand column's total over the data rows.
        (_, value, value_bounds) = operands[0]
        total = self.column_totals.get(formula.operands[0])
        share = ratio(value, total)
        if share is None:
            return None, None
        return share * HUNDRED, (_share_bounds(value_bounds, total) if value_bounds is not None else None)

    def rank(self, column: DeclaredColumn, data: list[DeclaredRow]) -> None:
        """Ranks with ties (1, 2, 2, 4) by the operand column as it prints (its decimals, rounded half
        up): two rates both printed 95.24% share a rank, as a reader of the table would rank them.
        Descending unless declared 升序."""
        formula = column.formula
        assert formula is not None
        operand = next(c for c in self.numeric if c.name == formula.operands[0])

        def shown(value: Decimal | None) -> Decimal | None:
            return None if value is None else round_half_up(value, operand.digits)

        keyed = [(shown(self.computed[r.number][0][operand.name]), r.number) for r in data]
        present = sorted(v for v, _ in keyed if v is not None)  # once: a 1 000-row table ranks in n log n
        for value, number in keyed:
            place = None
            if value is not None:
                # the rows strictly better: below it when ascending, above it otherwise
                better = (
                    bisect_left(present, value)
                    if formula.ascending
                    else len(present) - bisect_right(present, value)
                )
                place = Decimal(better + 1)
            values, bounds = self.computed[number]
            values[column.name], bounds[column.name] = place, None

    def number(self, rows: list[ComputedRow]) -> None:
        """序号 columns: the data rows 1, 2, 3 … as they print (after 排序, across groups); a group's own
        row, 小计 and 合计 get none."""
        columns = [c.name for c in self.numeric if c.formula is not None and c.formula.kind == NUMBERING]
        if not columns:
            return
        data = (row for row in rows if row.kind == DATA)
        for number, row in enumerate(data, start=1):
            for name in columns:
                row.values[name] = Decimal(number)

    # -- layout and totals ----------------------------------------------------------------------------
    def layout(
        self, rows: tuple[DeclaredRow | RowGroup, ...], depth: int, groups: tuple[RowGroup, ...]
    ) -> Iterator[ComputedRow]:
        entries = list(rows)
        if self.table.sort is not None:
            name, ascending = self.table.sort
            data = [r for r in entries if isinstance(r, DeclaredRow)]
            present = sorted(
                (r for r in data if self.computed[r.number][0].get(name) is not None),
                key=lambda r: self.computed[r.number][0][name] or Decimal(0),
                reverse=not ascending,
            )
            ordered = iter([*present, *(r for r in data if self.computed[r.number][0].get(name) is None)])
            entries = [next(ordered) if isinstance(r, DeclaredRow) else r for r in entries]
        for entry in entries:
            if isinstance(entry, DeclaredRow):
                yield self.shown(DATA, depth, entry, groups)
                continue
            inside = (*groups, entry)
            if entry.own is not None:
                yield self.shown(GROUP, depth, entry.own, inside)
            yield from self.layout(entry.rows, depth + 1, inside)
            if entry.subtotal:  # as the 合计 counts the group: its own value when it has one (RG215 checks)
                values, bounds = self.aggregate((entry,))
                yield ComputedRow(SUBTOTAL, depth, values, bounds, {}, groups=inside)

    def shown(self, kind: str, depth: int, row: DeclaredRow, groups: tuple[RowGroup, ...]) -> ComputedRow:
        values, bounds = self.computed[row.number]
        # a cell quoting a figure's text (``FigureField``) is filled by the document, which prints figures
        cells = dict(row.cells)
        texts = {c.name: _text(cells.get(c.name)) for c in self.table.columns if c.text}
        for label, group in zip(self.table.group_columns, groups, strict=False):
            if not texts.get(label):
                texts[label] = group.name  # the merged label cell's text
        return ComputedRow(kind, depth, dict(values), dict(bounds), texts, row, groups)

    def contributions(
        self, entries: Iterable[DeclaredRow | RowGroup], name: str
    ) -> list[tuple[Decimal, Bounds | None]]:
        """What the rows ``contributing_rows`` picks add to a 小计/合计 of column ``name``."""
        parts: list[tuple[Decimal, Bounds | None]] = []
        for row in contributing_rows(entries, lambda row: self.computed[row.number][0][name] is not None):
            values, bounds = self.computed[row.number]
            parts.append((values[name] or Decimal(0), bounds[name]))
        return parts

    def aggregate(self, entries: Iterable[DeclaredRow | RowGroup]) -> tuple[Values, BoundsOf]:
        """A 小计/合计 over ``entries``: 求和 columns added (``contributions``), then 重算 columns by their
        formulas on those totals, in formula order."""
        values: Values = {c.name: None for c in self.numeric}
        bounds: BoundsOf = {c.name: None for c in self.numeric}
        for column in self.numeric:
            if column.total == "求和":
                parts = self.contributions(entries, column.name)
                if parts:
                    values[column.name] = exact_sum(v for v, _ in parts)
                    part_bounds = [b for _, b in parts]
                    bounds[column.name] = (
                        None if None in part_bounds else total_bounds(b for b in part_bounds if b)
                    )
        for column in self.order:
            if column.total == "重算":
                values[column.name], bounds[column.name] = self.formula(column, values, bounds)
        return values, bounds


def _text(cell: CellValue | None) -> str:
    return "" if cell is None or isinstance(cell, FigureField) else str(cell)


def _product(
    column: DeclaredColumn, operands: list[tuple[DeclaredColumn, Decimal | None, Bounds | None]]
) -> tuple[Decimal | None, Bounds | None]:
    """One factor carries the unit (the first whose unit the column's is compatible with: 7 元 in
    户籍人口数 × 7 元 → 万元; else the first that is not a %); the others are plain multipliers.  A %
    always counts as its fraction wherever it stands, so the factors' order never changes the result."""
    formula = column.formula
    assert formula is not None
    factors: list[tuple[Unit | None, Decimal, Bounds | None]] = [
        (c.unit, v, b) for c, v, b in operands if v is not None
    ]
    if formula.constant is not None:
        constant = formula.constant
        factors.append((constant.unit, constant.value, Bounds(constant.value, constant.value)))
    target = column.unit
    carrier_index = next(
        (i for i, (u, _, _) in enumerate(factors) if target and u is not None and u.compatible(target)),
        None,
    )
    if carrier_index is None:
        carrier_index = next((i for i, (u, _, _) in enumerate(factors) if not _is_percent(u)), 0)
    carrier_unit, carrier_value, carrier_bounds = factors[carrier_index]
    carried = target is not None and carrier_unit is not None and carrier_unit.compatible(target)
    value, bounds = _in_unit(carrier_unit, carrier_value, carrier_bounds, target if carried else None)
    assert value is not None
    if not carried and carrier_unit is not None and _is_percent(carrier_unit):
        with localcontext(prec=EXACT_DIGITS):
            value = value * carrier_unit.factor
        if bounds is not None:
            bounds = Bounds(bounds.low * carrier_unit.factor, bounds.high * carrier_unit.factor)
    for i, (unit, factor, factor_bounds) in enumerate(factors):
        if i == carrier_index:
            continue
        scale = unit.factor if unit is not None and _is_percent(unit) else Decimal(1)
        with localcontext(prec=EXACT_DIGITS):
            value = value * factor * scale
        if bounds is not None and factor_bounds is not None:
            bounds = _times(bounds, Bounds(factor_bounds.low * scale, factor_bounds.high * scale))
        else:
            bounds = None
    return value, bounds


def contributing_rows(
    entries: Iterable[DeclaredRow | RowGroup], valued: Callable[[DeclaredRow], bool]
) -> Iterator[DeclaredRow]:
    """The rows a 小计/合计 adds up, ``valued`` saying whether a row has a value in the column: a data
    row with one; a group's own row when it has one (the parent of its rows, as 工作目标 is of its
    sub-targets; RG215 checks they agree), otherwise the group's rows.  So a group counts once and a
    小计 never.  The one rule for the totals here and for the .xlsx formulas that add them up."""
    for entry in entries:
        own = entry if isinstance(entry, DeclaredRow) else entry.own
        if own is not None and valued(own):
            yield own
        elif isinstance(entry, RowGroup):
            yield from contributing_rows(entry.rows, valued)


def formula_factors(table: DeclaredTable, column: DeclaredColumn) -> tuple[Decimal, ...]:
    """The exact multipliers of units in ``column``'s formula, taken from the code that computes its
    cells (each operand 1), so a formula written for a spreadsheet cannot follow other unit rules
    than the value it shows: 求和 and 差 one per operand (its unit into the column's); 乘 and 商 one
    for the whole (conversions, a % as its fraction, the constant: 户籍人口数 × 7 元 in 万元 is
    0.0007); 占合计 100 (a share in percent); 排名 none.  Values in the columns' units (% as percent)."""
    formula = column.formula
    assert formula is not None
    operands = [c for name in formula.operands if (c := table.column(name)) is not None]
    one = Decimal(1)
    factor: Decimal | None
    if formula.kind in ("求和", "差"):
        return tuple(_in_unit(c.unit, one, None, column.unit)[0] or one for c in operands)
    if formula.kind == "乘":
        factor = _product(column, [(c, one, None) for c in operands])[0]
    elif formula.kind == "商":
        top, bottom = operands
        factor = _quotient(column.unit, (top.unit, one, None), (bottom.unit, one, None))[0]
    elif formula.kind == "占合计":
        factor = HUNDRED
    else:
        return ()
    assert factor is not None
    return (factor,)


def _data_rows(rows: Iterable[DeclaredRow | RowGroup]) -> Iterator[DeclaredRow]:
    """The data rows at any depth, as entered (a group's own row is not one)."""
    for row in rows:
        if isinstance(row, DeclaredRow):
            yield row
        else:
            yield from _data_rows(row.rows)


def _own_rows(rows: Iterable[DeclaredRow | RowGroup]) -> Iterator[DeclaredRow]:
    for row in rows:
        if isinstance(row, RowGroup):
            if row.own is not None:
                yield row.own
            yield from _own_rows(row.rows)


def _formula_order(columns: tuple[DeclaredColumn, ...]) -> list[DeclaredColumn]:
    """The formula columns, each after the columns it uses (the ledger refused cycles: RG122)."""
    by_name = {c.name: c for c in columns}
    done: list[DeclaredColumn] = []

    def visit(column: DeclaredColumn) -> None:
        if column in done or column.formula is None:
            return
        for operand in column.formula.operands:
            if operand in by_name:
                visit(by_name[operand])
        done.append(column)

    for column in columns:
        visit(column)
    return done


def _written(value: Decimal, unit: Unit | None) -> Bounds:
    """A typed cell's interval: ± half its last decimal, a whole count exact (``Bounds.written``); a
    plain number (its unit named in another column) is taken as exact when whole, like a count."""
    if unit is not None:
        return Bounds.written(Quantity(value, unit))
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent >= 0:
        return Bounds(value, value)
    half = Decimal(5).scaleb(exponent - 1)
    return Bounds(value - half, value + half)


def _is_percent(unit: Unit | None) -> bool:
    return unit is not None and unit.family is Family.PERCENT


def _in_unit(
    source: Unit | None, value: Decimal | None, bounds: Bounds | None, target: Unit | None
) -> tuple[Decimal | None, Bounds | None]:
    if value is None or source is None or target is None:
        return value, bounds
    return convert(value, source, target), (bounds.converted(source, target) if bounds is not None else None)


def _quotient(
    unit: Unit | None,
    numerator: tuple[Unit | None, Decimal | None, Bounds | None],
    denominator: tuple[Unit | None, Decimal | None, Bounds | None],
) -> tuple[Decimal | None, Bounds | None]:
    """a ÷ b with the "—" rule: as a percentage in a % column (the numerator first converted into the
    denominator's unit), else in the column's unit (the numerator converted into it, as ``QuotientOf``)."""
    top_unit, top, top_bounds = numerator
    bottom_unit, bottom, bottom_bounds = denominator
    percent = unit is not None and unit.family is Family.PERCENT
    scale = HUNDRED if percent else Decimal(1)
    into = bottom_unit if percent else unit
    top, top_bounds = _in_unit(top_unit, top, top_bounds, into)
    fraction = ratio(top, bottom)
    if fraction is None:
        return None, None
    bounds = None
    if top_bounds is not None and bottom_bounds is not None:
        bounds = Bounds(top_bounds.low * scale, top_bounds.high * scale) / bottom_bounds
    return fraction * scale, bounds


def _share_bounds(value: Bounds, total: Decimal | None) -> Bounds | None:
    """A share's interval: the row's own rounding over the column total taken as it is (the total moves
    with the row, so this is the interval a clerk's calculator reproduces)."""
    if total is None or total.is_zero():
        return None
    return Bounds(value.low * HUNDRED, value.high * HUNDRED) / Bounds(total, total)


def _times(a: Bounds, b: Bounds) -> Bounds:
    """Every product of a value in ``a`` by one in ``b``, rounded outwards."""
    pairs = [(x, y) for x in (a.low, a.high) for y in (b.low, b.high)]
    with localcontext(prec=EXACT_DIGITS, rounding=ROUND_FLOOR):
        low = min(x * y for x, y in pairs)
    with localcontext(prec=EXACT_DIGITS, rounding=ROUND_CEILING):
        high = max(x * y for x, y in pairs)
    return Bounds(low, high)


def cell_text(column: DeclaredColumn, value: Decimal | None) -> str:
    """A numeric cell as every writer and the narrative print it: the column's decimals, rounded half up
    once; "%" after a percentage (as in the 一览表); "—" when empty or not computable (a quotient
    without a denominator, docs/standards.md §4.2).  Other units stand in the header, not the cell.

    >>> from reportgen.base.units import unit
    >>> rate = DeclaredColumn("率", "率", unit("%"), False, 2, "右", None, None, "重算", "")
    >>> cell_text(rate, Decimal("96.3525")), cell_text(rate, None)
    ('96.35%', '—')
    """
    if value is None:
        return DASH
    shown = format_number(value, column.digits)
    return shown + "%" if _is_percent(column.unit) else shown


def printed_cells(table: DeclaredTableFigures) -> Iterator[tuple[ComputedRow, str, Decimal]]:
    """Every 公布值 of the table with its row: computed cells, 小计 and 合计 rows."""
    for row in table.rows:
        if row.row is not None:
            for name, cell in row.row.cells:
                if isinstance(cell, Printed):
                    yield row, name, cell.value
        elif row.kind == SUBTOTAL and row.group is not None:
            for name, value in row.group.printed:
                yield row, name, value
        elif row.kind == TOTAL:
            for name, value in table.table.total_printed:
                yield row, name, value
