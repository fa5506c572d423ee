"""A table's column grid (``w:tblGrid``) made to fit its rows again after a template rendered.

docxtpl's cell tags change how many cells a row has: ``{%tc for %}`` repeats a cell per value,
``{%tc if %}`` and ``{#tc #}`` remove one, ``{% colspan %}`` and ``{% hm %}`` widen one.  The grid
the author's Word saved still lists the template's columns, and Word and LibreOffice lay the table
out by it: with fewer grid columns than cells the extra cells run past the margin, with more, a
column of nothing takes its share of the width — silently either way.  docxtpl repairs the grid
after rendering (``DocxTemplate.fix_tables``); this is the same repair, with three differences
that each fix a case docxtpl gets wrong:

* a row's width counts ``w:gridSpan`` both when columns are added and when they are removed, and
  the columns a row skips (``w:gridBefore``/``w:gridAfter``) — docxtpl counts bare cells when it
  adds, so a row widened by a span keeps its stale grid, and drops a row's skipped columns;
* only a table's own rows are counted — docxtpl also counts the rows of a table nested in a cell,
  so the outer table grows columns its rows never use;
* the new widths add up to the old total exactly (rounded by largest remainder) — docxtpl truncates
  each, and the table narrows by a few twips per column.

A table whose grid already fits is left exactly as it is (the rendered part's bytes unchanged), so
templates without cell tags, and every report of ours, are untouched.  How widths change follows
docxtpl, so a migrated template lays out as before: added columns get the average width and the
old ones shrink in proportion; removed columns are the last ones, and their width is shared equally
by the rest.
"""

from __future__ import annotations

from fractions import Fraction

from lxml import etree

from reportgen.render.docx.wordml import W_NS

_W = "{" + W_NS + "}"


def repair_grids(root: etree._Element) -> bool:
    """Rebuild the grid of every table (nested ones too) whose widest row does not span it; True
    when one changed."""
    changed = False
    for table in root.iter(_W + "tbl"):
        grid = table.find(_W + "tblGrid")
        if grid is not None:
            changed |= _repair(
                grid, max((_row_width(row) for row in table.iterchildren(_W + "tr")), default=0)
            )
    return changed


def _row_width(row: etree._Element) -> int:
    """The grid columns a row spans: the columns it skips before and after, and each cell's span."""
    width = _value(row.find(f"{_W}trPr/{_W}gridBefore"), 0) + _value(row.find(f"{_W}trPr/{_W}gridAfter"), 0)
    for cell in row.iterchildren(_W + "tc"):
        width += max(_value(cell.find(f"{_W}tcPr/{_W}gridSpan"), 1), 1)
    return width


def _value(element: etree._Element | None, missing: int) -> int:
    """A ``w:val`` that is a count; ``missing`` when the element or a readable number is absent."""
    if element is None:
        return missing
    value = element.get(_W + "val", "")
    return int(value) if value.isdigit() else missing


def _repair(grid: etree._Element, columns: int) -> bool:
    """Give ``grid`` ``columns`` columns (a table without rows keeps its grid)."""
    cols = list(grid.iterchildren(_W + "gridCol"))
    if columns == 0 or columns == len(cols):
        return False
    texts = [col.get(_W + "w", "") for col in cols]
    widths = [int(text) for text in texts if text.isdigit()]
    for col in cols[columns:]:
        grid.remove(col)
    for index in range(len(cols), columns):  # after the last column (before a w:tblGridChange)
        grid.insert(index, etree.Element(_W + "gridCol"))
    if len(widths) < len(cols) or not widths:
        return True  # a width missing or not in twips: Word sizes such columns itself
    total = sum(widths)
    if columns > len(cols):
        # As docxtpl: the old columns shrink in proportion, each new one gets the average width.
        shares = [Fraction(w * len(cols), columns) for w in widths]
        shares += [Fraction(total, columns)] * (columns - len(cols))
    else:
        # As docxtpl: the last columns go, their width shared equally by the others.
        removed = Fraction(sum(widths[columns:]), columns)
        shares = [w + removed for w in widths[:columns]]
    for col, width in zip(grid.iterchildren(_W + "gridCol"), _whole(shares, total), strict=True):
        col.set(_W + "w", str(width))
    return True


def _whole(shares: list[Fraction], total: int) -> list[int]:
    """Whole twips adding up to ``total``: each share rounded down, then the twips left over go to
    the largest remainders (the first of equal ones), so the table is exactly as wide as before."""
    widths = [int(share) for share in shares]
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - widths[i]), i))
    for index in order[: total - sum(widths)]:
        widths[index] += 1
    return widths
