"""Load a ledger that sums its units (``汇总``): the units first, then the parent from their figures.

The parent's ledger is read as plain values; its units are loaded and computed (recursively: a unit may
sum units of its own, to any depth up to ``MAX_DEPTH``); then the figures of ``汇总.指标`` are written
into the parent's plain values — a sum as a typed 数值 in one unit, exactly; a 比例 or 商 as the same
definition over the summed parts, so a rate is recomputed from the totals and never added or averaged —
and each ``表格`` whose ``行`` is ``下级`` gets one row per unit.  The one schema then validates the
parent as it validates any ledger, so every rule about figures and tables holds for summed ones.

What the parent typed itself for a summed figure is kept (``model.Rollup``) and compared with the sum by
``check`` (RG216); the sum is what prints.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from reportgen.base.errors import LedgerError, Problem
from reportgen.base.units import Unit, convert, unit
from reportgen.compute.exact import exact_sum
from reportgen.compute.figures import compute
from reportgen.ledger.excel.layout import ROLLUP_CHILDREN
from reportgen.ledger.excel.sniff import is_workbook, workbook_mentions
from reportgen.ledger.fields import FieldReader
from reportgen.ledger.keys import (
    CHILD_NAME_COLUMN,
    CHILD_ROWS,
    CHILD_TAKE,
    FIGURE_SOURCES,
    FIGURES,
    ROLLUP,
    TABLES,
)
from reportgen.ledger.parts import NeedsOf
from reportgen.ledger.plain import At, PlainLedger
from reportgen.ledger.schema import build_ledger
from reportgen.ledger.tables import is_unit_row, places_units, unit_name_column
from reportgen.ledger.yaml.read import parse_yaml, read_ledger_file
from reportgen.model import BASELINES, Ledger, Quantity, Rollup, RollupChild, RollupFigure
from reportgen.rollup.summary import UnitFigure, UnitSummary, summarize
from reportgen.rollup.units import (
    CHILDREN,
    MAX_DEPTH,
    ROSTER,
    Declaration,
    read_declaration,
    read_figure_ids,
)

NAME_COLUMN, TAKE = CHILD_NAME_COLUMN, CHILD_TAKE  # a 下级 table's 名称列 and 取数 (``ledger.keys``)
LISTED = 8  # units named in a message before “等 N 个”


def load_ledger_tree(
    path: str | Path,
    needs: NeedsOf | None = None,
    *,
    unit_needs: NeedsOf | None = None,
    known: Mapping[str, UnitSummary] | None = None,
) -> Ledger:
    """The ledger at ``path``; when it has ``汇总``, with its units' figures summed into it.

    ``needs`` are the parts asked of this ledger's kind, ``unit_needs`` of its units' (their own
    类型; default ``needs``).  ``known`` maps a unit's resolved path to its summary when the caller has
    already computed it (a batch), so that unit is not loaded again."""
    source = Path(path)
    return _TreeLoader(unit_needs if unit_needs is not None else needs, known).ledger(
        source, needs, read_ledger_file(source), source.parent
    )


def parse_ledger_tree(
    raw: bytes,
    name: str,
    needs: NeedsOf | None = None,
    *,
    files: Path | None,
    unit_needs: NeedsOf | None = None,
    known: Mapping[str, UnitSummary] | None = None,
) -> Ledger:
    """Like ``load_ledger_tree`` for a ledger file's bytes read already (a batch job), ``files`` being
    its folder (None: held in memory, which may name no units: RG130)."""
    return _TreeLoader(unit_needs if unit_needs is not None else needs, known).ledger(
        Path(name), needs, raw, files
    )


def ledger_from_units(
    plain: PlainLedger, name: str, needs: NeedsOf | None, units: Sequence[tuple[str, UnitSummary]]
) -> Ledger:
    """A ledger held in memory (``reportgen.from_data``) whose ``汇总`` sums the units the caller
    computed (``units``: the name a message shows, the unit's summary) instead of files: the same
    sums, checks and rows as a parent ledger file's."""
    source = Path(name)
    declaration = read_figure_ids(plain, source, [shown for shown, _ in units])
    summaries = [summary for _, summary in units]
    merged, rolled = _Merger(plain, source, declaration, summaries).merge()
    ledger = build_ledger(merged, source, needs)
    _check_periods(ledger, summaries, declaration)
    return dataclasses.replace(ledger, rollup=rolled)


def unit_summary(ledger: Ledger) -> UnitSummary:
    """A loaded ledger's summary for its parents (a batch makes it while rendering the unit)."""
    file = str(ledger.source.resolve()) if ledger.source is not None else ""
    return summarize(compute(ledger), file)


def unit_files(raw: bytes, name: str, folder: Path) -> tuple[Path, ...]:
    """The resolved ledger files a ledger's ``汇总`` names (none for a ledger without one), for a
    batch to order units before their parents; RG130 when they are wrongly written.  What it costs:
    see ``_declared``."""
    plain = _declared(raw, name)
    if plain is None or not isinstance(plain.data, dict) or ROLLUP not in plain.data:
        return ()
    return tuple(path for path, _ in read_declaration(plain, Path(name), folder).files)


def _declared(raw: bytes, name: str) -> PlainLedger | None:
    """A ledger file's plain values when they may hold ``汇总`` (None: they cannot).

    A YAML ledger is parsed (milliseconds).  A workbook is read in full with openpyxl — for a county
    ledger a few hundred milliseconds, and the openpyxl import the first time — only when its text
    holds the 基本信息 label ``下级`` (``workbook_mentions``: one unzip of its strings, no openpyxl), so a
    batch of township workbooks reads none of them twice.  A workbook that cannot be read raises its
    ``LedgerError`` as its own load would."""
    if not is_workbook(name, raw):
        return parse_yaml(raw, name)
    if not workbook_mentions(raw, ROLLUP_CHILDREN):
        return None
    from reportgen.ledger.excel.read import parse_workbook  # openpyxl: only for a workbook that may sum

    plain, _ = parse_workbook(raw, name)
    return plain


class _TreeLoader:
    """One load of a tree: each unit is loaded once (``summaries``), a cycle is refused by the chain
    of files being loaded (``chain``)."""

    def __init__(self, unit_needs: NeedsOf | None, known: Mapping[str, UnitSummary] | None) -> None:
        self.unit_needs = unit_needs
        self.summaries: dict[str, UnitSummary] = dict(known or {})
        self.chain: list[Path] = []

    def ledger(self, source: Path, needs: NeedsOf | None, raw: bytes, files: Path | None) -> Ledger:
        """A YAML ledger or a workbook, through the same merge when it has ``汇总``: a workbook's plain
        values carry their cells, so every problem of its 汇总 names ``基本信息!B9`` or the table's cell,
        and its own problems (``early``) are reported with the schema's as ``validate_workbook`` does."""
        early: list[Problem] | None = None
        if is_workbook(source, raw):
            from reportgen.ledger.excel.read import parse_workbook, validate_workbook

            plain, early = parse_workbook(raw, source)

            def validate(document: PlainLedger) -> Ledger:
                assert early is not None
                return validate_workbook(document, early, source, needs, files=files)
        else:
            plain = parse_yaml(raw, source)

            def validate(document: PlainLedger) -> Ledger:
                return build_ledger(document, source, needs, files=files)

        if files is None or not isinstance(plain.data, dict) or ROLLUP not in plain.data:
            return validate(plain)  # RG130 for 汇总 held in memory
        where = FieldReader(plain, source).place((ROLLUP, CHILDREN))  # 汇总.下级, or its cell
        try:
            declaration = read_declaration(plain, source, files)
            units = [self.summary(path, shown, source, where) for path, shown in declaration.files]
            merged, rolled = _Merger(plain, source, declaration, units).merge()
        except LedgerError as error:
            if not early:
                raise
            taken = {problem.place for problem in error.problems}
            raise LedgerError(*(p for p in early if p.place not in taken), *error.problems) from None
        ledger = validate(merged)
        _check_periods(ledger, units, declaration, where)
        return dataclasses.replace(ledger, rollup=rolled)

    def summary(self, path: Path, shown: str, parent: Path, at: str) -> UnitSummary:
        """The summary of the unit at ``path`` (``at``: where the parent names its units)."""
        key = str(path)
        if key in self.summaries:
            return self.summaries[key]
        if path in self.chain or len(self.chain) >= MAX_DEPTH:
            loop = path in self.chain
            raise LedgerError(
                Problem(
                    "RG130",
                    f"下级“{shown}”又汇总了本台账（循环）" if loop else f"汇总超过 {MAX_DEPTH} 层",
                    file=parent,
                    place=at,
                    value=shown,
                    expected="下级不汇总其上级" if loop else f"不超过 {MAX_DEPTH} 层",
                )
            )
        self.chain.append(path)
        try:
            ledger = self.ledger(path, self.unit_needs, read_ledger_file(path), path.parent)
            summary = summarize(compute(ledger), key)
        except LedgerError as error:
            head = Problem(
                "RG131",
                f"下级台账“{shown}”有错误，不能汇总（其问题列在下面）",
                file=parent,
                place=at,
                value=shown,
                expected="先改正下级台账",
            )
            raise LedgerError(head, *error.problems) from None
        finally:
            self.chain.pop()
        self.summaries[key] = summary
        return summary


class _Merger:
    """Writes the units' figures and rows into a copy of the parent's plain values."""

    def __init__(
        self, plain: PlainLedger, source: Path, declaration: Declaration, units: list[UnitSummary]
    ) -> None:
        self.plain = plain
        self.reader = FieldReader(plain, source)
        self.declaration = declaration
        self.units = units
        self.shown = [shown for _, shown in declaration.files]
        self.rolled: list[RollupFigure] = []

    def merge(self) -> tuple[PlainLedger, Rollup]:
        assert isinstance(self.plain.data, dict)
        data = {key: value for key, value in self.plain.data.items() if key != ROLLUP}
        self._check_names()
        self._check_roster()
        figures = data.get(FIGURES)
        if figures is None or isinstance(figures, dict):
            data[FIGURES] = self._figures(dict(figures or {}))
        if isinstance(data.get(TABLES), list):
            data[TABLES] = [self._table(spec, (TABLES, i)) for i, spec in enumerate(data[TABLES], start=1)]
        if self.reader.problems:
            raise LedgerError(*self.reader.problems)
        children = tuple(
            RollupChild(unit.name, shown) for unit, shown in zip(self.units, self.shown, strict=True)
        )
        rollup = Rollup(children, tuple(self.rolled), self.reader.place((ROLLUP,)))
        # ``replace`` keeps a workbook's ``PlainWorkbook`` (its blank cells) for ``validate_workbook``
        return dataclasses.replace(self.plain, data=data), rollup

    # -- units -----------------------------------------------------------------------------------
    def _check_names(self) -> None:
        """Two units of one name would print as two rows of that name and be confused in messages."""
        seen: dict[str, str] = {}
        for unit_, shown in zip(self.units, self.shown, strict=True):
            if unit_.name in seen:
                self.reader.report(
                    "RG131",
                    f"下级“{seen[unit_.name]}”与“{shown}”的填报单位都是“{unit_.name}”",
                    (ROLLUP, CHILDREN),
                    unit_.name,
                    "各下级的填报单位不同",
                )
            seen.setdefault(unit_.name, shown)

    def _check_roster(self) -> None:
        """名单: every unit expected is there and no other — a township's file not yet in the folder
        (or an old one left in it) would otherwise change the sum without a word."""
        roster = self.declaration.roster
        if not roster:
            return
        names = [unit_.name for unit_ in self.units]
        missing = [name for name in roster if name not in names]
        extra = [
            f"{unit_.name}（{shown}）"
            for unit_, shown in zip(self.units, self.shown, strict=True)
            if unit_.name not in roster
        ]
        if missing:
            self.reader.report(
                "RG131",
                f"名单中的下级{_listed(missing)}没有台账",
                (ROLLUP, ROSTER),
                "、".join(missing),
                "把这些下级的台账放进“下级”所写的文件夹，或从名单中删去",
            )
        if extra:
            self.reader.report(
                "RG131",
                f"下级{_listed(extra)}不在名单中",
                (ROLLUP, ROSTER),
                "、".join(extra),
                "把它加入名单，或从“下级”中移走这个台账",
            )

    def _unit_figure(self, figure_id: str, at: At) -> list[UnitFigure] | None:
        """Each unit's ``figure_id``; RG131 naming the units without it."""
        missing = [
            shown
            for unit_, shown in zip(self.units, self.shown, strict=True)
            if figure_id not in unit_.figures
        ]
        if missing:
            self.reader.report(
                "RG131",
                f"下级台账{_listed(missing)}没有指标“{figure_id}”",
                at,
                figure_id,
                "每个下级台账都有这个指标（编号相同）",
            )
            return None
        return [unit_.figures[figure_id] for unit_ in self.units]

    # -- figures ---------------------------------------------------------------------------------
    def _figures(self, figures: dict[str, object]) -> dict[str, object]:
        queue = list(self.declaration.figure_ids)
        done: set[str] = set()
        while queue:
            figure_id, position = queue.pop(0)
            if figure_id in done:
                continue
            done.add(figure_id)
            at: At = (ROLLUP, FIGURES, position)
            parts = self._unit_figure(figure_id, at)
            if parts is None:
                continue
            own = figures.get(figure_id)
            own_fields = dict(own) if isinstance(own, dict) else {}
            defined = [key for key in FIGURE_SOURCES[1:] if key in own_fields]
            if defined:
                self.reader.report(
                    "RG130",
                    f"指标“{figure_id}”在本级以“{defined[0]}”定义，又列入“汇总.指标”",
                    (FIGURES, figure_id, defined[0]),
                    None,
                    "二者取其一：汇总的比例由下级的分子、分母之和重算",
                )
                continue
            definition = parts[0].definition
            if definition is not None:
                spec = self._ratio(figure_id, parts, own_fields, at)
                queue.extend((operand, position) for operand in definition[:2])
            else:
                spec = self._sum(figure_id, parts, own_fields, at)
            if spec is not None:
                figures[figure_id] = spec
        return figures

    def _ratio(
        self, figure_id: str, parts: list[UnitFigure], own: dict[str, object], at: At
    ) -> dict[str, object] | None:
        definition = parts[0].definition
        assert definition is not None
        other = [
            shown for part, shown in zip(parts, self.shown, strict=True) if part.definition != definition
        ]
        if other:
            self.reader.report(
                "RG131",
                f"指标“{figure_id}”在下级台账{_listed(other)}中的算法与“{self.shown[0]}”不同",
                at,
                figure_id,
                "各下级以相同的分子、分母（和单位）定义这个比例",
            )
            return None
        if "数值" in own:
            self.reader.report(
                "RG130",
                f"比例指标“{figure_id}”由下级的分子、分母之和重算，本级不填“数值”",
                (FIGURES, figure_id, "数值"),
                own["数值"],
                "删去“数值”；原文印出的比例写在“公布值”中，由 check 核对",
            )
            return None
        numerator, denominator, quotient_unit, per = definition
        spec: dict[str, object] = {"名称": parts[0].name, **own}
        if quotient_unit:
            spec["商"] = {"分子": numerator, "分母": denominator, **({"每": per} if per != 1 else {})}
            spec["单位"] = quotient_unit
        else:
            spec["比例"] = {"分子": numerator, "分母": denominator}
        return spec

    def _sum(
        self, figure_id: str, parts: list[UnitFigure], own: dict[str, object], at: At
    ) -> dict[str, object] | None:
        values: list[Quantity] = []
        blank: list[str] = []
        for part, shown in zip(parts, self.shown, strict=True):
            if part.value is None:
                blank.append(shown)
            else:
                values.append(part.value)
        if blank:
            self.reader.report(
                "RG131",
                f"指标“{figure_id}”在下级台账{_listed(blank)}中算不出（缺少分项或分母为 0）",
                at,
                figure_id,
                "每个下级的这个指标都有数",
            )
            return None
        bases = {part.basis for part in parts if part.basis}
        if len(bases) > 1:
            mixed = [
                shown for part, shown in zip(parts, self.shown, strict=True) if part.basis != parts[0].basis
            ]
            self.reader.report(
                "RG131",
                f"指标“{figure_id}”在各下级台账中的口径不同（{'、'.join(sorted(bases))}），"
                f"不能相加：{_listed(mixed)}与“{self.shown[0]}”不同",
                at,
                figure_id,
                "各下级的这个指标口径相同（时点数与时点数相加，累计数与累计数相加）",
            )
            return None
        if bases and own.get("口径") not in (None, *bases):
            self.reader.report(
                "RG130",
                f"指标“{figure_id}”本级写的口径“{own['口径']}”与下级的“{next(iter(bases))}”不同",
                (FIGURES, figure_id, "口径"),
                own["口径"],
                "本级的口径与下级相同，或不写（取下级的口径）",
            )
            return None
        typed = self._typed(figure_id, own)
        target = typed.unit if typed is not None else values[0].unit
        other = [
            shown
            for value, shown in zip(values, self.shown, strict=True)
            if not value.unit.compatible(target)
        ]
        if other:
            self.reader.report(
                "RG131",
                f"指标“{figure_id}”在下级台账{_listed(other)}中的单位与"
                + (f"本级的“{target}”" if typed is not None else f"“{self.shown[0]}”的“{target}”")
                + "不可比",
                at,
                figure_id,
                "各下级与本级用同一类单位（如 万元 与 元）",
            )
            return None
        total = exact_sum(convert(value.value, value.unit, target) for value in values)
        self.rolled.append(
            RollupFigure(
                figure_id,
                tuple(values),
                typed,
                self.reader.place((FIGURES, figure_id, "数值")) if typed is not None else "",
            )
        )
        spec: dict[str, object] = {"名称": parts[0].name, **own, "数值": total, "单位": target.symbol}
        if (
            bases and "口径" not in own
        ):  # the units' 口径 is the sum's: the parent's own checks (RG212) see it
            spec["口径"] = bases.pop()
        for period in BASELINES:
            earlier = [dict(part.baselines).get(period) for part in parts]
            if period not in own and all(value is not None for value in earlier):
                spec[period] = exact_sum(
                    convert(value.value, value.unit, target) for value in earlier if value is not None
                )
        return spec

    def _typed(self, figure_id: str, own: dict[str, object]) -> Quantity | None:
        """What the parent typed for a summed figure (its 数值 and 单位), read as the schema reads it."""
        if "数值" not in own:
            return None
        at: At = (FIGURES, figure_id)
        number = self.reader.number(own["数值"], (*at, "数值"), allow_negative=True)
        if own.get("单位") is None:
            # reported here: the sum fills in a 单位, so the schema would never see it missing, and the
            # typed number would be replaced by the sum unchecked
            self.reader.report("RG104", "缺少必填字段“单位”", (*at, "单位"), None, "填写“单位”，如 万元")
            return None
        declared = self.reader.unit(own["单位"], (*at, "单位"))
        if number is None or declared is None:
            return None  # reported by the reader: the merge then stops with it
        return Quantity(number, declared)

    # -- tables ----------------------------------------------------------------------------------
    def _table(self, spec: object, at: At) -> object:
        """A ``表格`` whose ``行`` is ``下级``: one row per unit, the unit's name in the name column and
        each number column filled with the unit's figure of that name (or ``取数``'s), in the column's
        unit, exactly.  Any other table is left as it is."""
        if not isinstance(spec, dict):
            return spec
        placed = spec.get("行") != CHILD_ROWS
        if placed and not places_units(spec):
            return spec
        table = {key: value for key, value in spec.items() if key not in (NAME_COLUMN, TAKE)}
        columns = [
            column for column in self.reader.sequence(spec.get("列"), (*at, "列")) if isinstance(column, dict)
        ]
        take = self.reader.mapping(spec.get(TAKE, {}), (*at, TAKE)) or {}
        texts = [str(column.get("名称")) for column in columns if column.get("文本") in (True, "是")]
        name_column = unit_name_column(spec)
        if name_column not in texts:
            self.reader.report(
                "RG130",
                "“行: 下级”的表须有一个文本列写各下级的名称",
                (*at, NAME_COLUMN),
                name_column,
                "在“列”中声明一个 `文本: 是` 的列（默认用第一个文本列），或用“名称列”指定",
            )
            return table
        rows: list[dict[str, object]] = [{str(name_column): unit_.name} for unit_ in self.units]
        for column in columns:
            if column.get("文本") in (True, "是") or "公式" in column:
                continue
            name = str(column.get("名称"))
            figure_id = take.get(name, name)
            if not isinstance(figure_id, str):
                continue  # the schema of 取数 is reported by ``mapping``; a non-text id has no figure
            parts = self._unit_figure(figure_id, (*at, TAKE, name) if name in take else (*at, "列"))
            declared = unit(str(column["单位"])) if column.get("单位") is not None else None
            if parts is None:
                continue
            if declared is None and len({p.value.unit for p in parts if p.value is not None}) > 1:
                # a column without a unit prints each number as its unit has it: one unit for all, or
                # 612.48 (万元) would stand over 4012700 (元)
                self.reader.report(
                    "RG131",
                    f"列“{name}”没有写单位，而各下级的指标“{figure_id}”单位不同"
                    f"（{'、'.join(sorted({str(p.value.unit) for p in parts if p.value is not None}))}）",
                    (*at, "列"),
                    name,
                    "给这一列写上单位（各下级的数换算到它），或各下级用同一单位",
                )
                continue
            for row, part, shown in zip(rows, parts, self.shown, strict=True):
                if part.value is None:
                    continue  # not computable in the unit: the cell prints “—”
                row[name] = _in_unit(part.value, declared)
                if row[name] is None:
                    self.reader.report(
                        "RG131",
                        f"下级台账“{shown}”的指标“{figure_id}”以{part.value.unit}计，与列“{name}”的单位{declared}不可比",
                        (*at, "列"),
                        str(part.value),
                        f"列的单位与指标同类（{part.value.unit}）",
                    )
                    del row[name]
        table["行"] = self._placed_rows(spec["行"], rows, (*at, "行")) if placed else rows
        return table

    def _placed_rows(self, entries: list[object], rows: list[dict[str, object]], at: At) -> list[object]:
        """The table's own rows with each ``{下级: 名称}`` replaced by that unit's row, inside groups at
        any depth: the units in the order and the groups (市区/县市, 东片/西片) the parent chose.  Every
        unit once: a name that is no unit, one placed twice, and a unit left out are RG131, or a
        subtotal would silently miss a county or count it twice."""
        by_name = {unit_.name: row for unit_, row in zip(self.units, rows, strict=True)}
        placed: list[str] = []

        def fill(items: list[object], where: At) -> list[object]:
            result: list[object] = []
            for index, item in enumerate(items, start=1):
                if is_unit_row(item):
                    name = item[CHILD_ROWS]
                    if not isinstance(name, str) or name not in by_name:
                        self.reader.report(
                            "RG131",
                            f"表中的下级“{name}”不是本台账汇总的下级",
                            (*where, index, CHILD_ROWS),
                            name,
                            f"本台账汇总的下级（填报单位）之一：{_listed(list(by_name))}",
                        )
                    elif name in placed:
                        self.reader.report(
                            "RG131",
                            f"下级“{name}”在表中出现了两次",
                            (*where, index, CHILD_ROWS),
                            name,
                            "每个下级在表中只占一行",
                        )
                    else:
                        placed.append(name)
                        result.append(by_name[name])
                    continue
                if isinstance(item, dict) and isinstance(item.get("行"), list):
                    item = {**item, "行": fill(item["行"], (*where, index, "行"))}
                result.append(item)
            return result

        filled = fill(entries, at)
        missing = [name for name in by_name if name not in placed]
        if missing:
            self.reader.report(
                "RG131",
                f"下级{_listed(missing)}没有写入表格",
                at,
                None,
                "每个下级在表中写一行 {下级: 填报单位}，或用“行: 下级”列出全部下级",
            )
        return filled


def _in_unit(value: Quantity, declared: Unit | None) -> Decimal | None:
    """``value`` as a number of a column in ``declared`` (a column without a unit takes the number as
    the unit has it); None when the units cannot be compared."""
    if declared is None:
        return value.value
    if not value.unit.compatible(declared):
        return None
    return convert(value.value, value.unit, declared)


def _check_periods(
    ledger: Ledger, units: list[UnitSummary], declaration: Declaration, where: str = f"{ROLLUP}.{CHILDREN}"
) -> None:
    """Every unit reports the parent's period: a sum over other months would be silently wrong."""
    if ledger.period is None:
        return
    other = [
        shown
        for unit_, (_, shown) in zip(units, declaration.files, strict=True)
        if unit_.period != ledger.period
    ]
    if other:
        raise LedgerError(
            Problem(
                "RG131",
                f"下级台账{_listed(other)}的期间与本级不同",
                file=ledger.source,
                place=where,
                expected="各下级与本级报告同一期间（年度、月份）",
            )
        )


def _listed(names: list[str]) -> str:
    """“甲”“乙”等 N 个: every unit named up to ``LISTED``."""
    quoted = "".join(f"“{name}”" for name in names[:LISTED])
    return quoted + (f"等 {len(names)} 个" if len(names) > LISTED else "")
