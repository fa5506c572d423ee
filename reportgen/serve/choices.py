"""The report choices a clerk makes on the upload page: 报告类型, 附图表, 字形 (``reportgen.ReportChoices``).

The form sends plain text, the database keeps it as three text columns of the upload (``kind``,
``charts``, ``script``) and the worker gets a ``ReportChoices`` made from them, so a choice is checked
once (here, against the built-in kinds and scripts) and the stored upload always says how its reports
were made.  "按台账" is the empty text: the ledger's own 类型 or 图表 decides.  A kind the ledger cannot
satisfy (a part it requires is missing) is not refused here: the check reports it (RG104) as a problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import reportgen
from reportgen.base.resources import builtin_templates
from reportgen.kinds import Kind, find_kinds

BY_LEDGER = ""  # the kind or charts the ledger names
CHARTS: dict[str, str] = {BY_LEDGER: "按台账", "yes": "是", "no": "否"}
# The scripts offered on the page, as a clerk names them (document.traditional.SCRIPTS has them all).
SCRIPTS: dict[str, str] = {
    "hans": "简体",
    "hant": "繁体",
    "hant-tw": "繁体（台湾用字）",
    "hant-hk": "繁体（香港字形）",
}
DEFAULT_SCRIPT = "hans"


@dataclass(frozen=True)
class Choices:
    """The choices as the form and the database hold them: text, ``BY_LEDGER`` for the ledger's own."""

    kind: str = BY_LEDGER  # a kind's 类型
    charts: str = BY_LEDGER  # a key of CHARTS
    script: str = DEFAULT_SCRIPT  # a key of SCRIPTS

    def for_report(self) -> reportgen.ReportChoices:
        charts = None if self.charts == BY_LEDGER else self.charts == "yes"
        return reportgen.ReportChoices(kind=self.kind or None, charts=charts, script=self.script)

    def describe(self) -> str:
        """How the reports were made, for the pages (历史, the result): "按台账" when nothing was chosen."""
        parts = [
            f"类型：{self.kind}" if self.kind else "",
            f"附图表：{CHARTS[self.charts]}" if self.charts in CHARTS and self.charts else "",
            SCRIPTS.get(self.script, self.script) if self.script != DEFAULT_SCRIPT else "",
        ]
        return "；".join(part for part in parts if part) or "按台账"


NO_CHOICES = Choices()


def kinds() -> tuple[Kind, ...]:
    """The kinds ``reportgen kinds`` lists (the built-in packs), in its order."""
    return find_kinds((), builtin_templates())


def from_form(form: Mapping[str, str]) -> Choices | None:
    """The form's choices; ``None`` for a value the page does not offer (a bad request, never passed on)."""
    chosen = Choices(
        kind=form.get("kind", BY_LEDGER),
        charts=form.get("charts", BY_LEDGER),
        script=form.get("script", DEFAULT_SCRIPT),
    )
    known_kinds = {BY_LEDGER, *(kind.type_name for kind in kinds())}
    if chosen.kind not in known_kinds or chosen.charts not in CHARTS or chosen.script not in SCRIPTS:
        return None
    return chosen
