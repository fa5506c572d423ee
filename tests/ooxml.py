"""Is a .docx or .xlsx valid Office Open XML, as Word, WPS and Excel read it?  No .NET needed.

The check is openxml-audit (pinned in pyproject's ``dev`` extra): a pure-Python port of the Open XML
SDK's ``OpenXmlValidator``.  It opens the OPC package (content types, relationships and their
targets, the main part's content type), validates every XML part against the SDK's schema data
(element order and cardinality, attributes and their value types, Markup Compatibility: ignorable
namespaces skipped, ``mc:AlternateContent`` resolved) and runs the SDK's semantic checks (style,
numbering and shared-string references, unique drawing ids …).  What it cannot see, and what this
module adds or tolerates, is in docs/design.md (“Office Open XML validity”).

Three additions and two tolerances, each as narrow as the case:

- every zip member must have a content type (a ``Default`` for its extension or an ``Override``):
  openxml-audit 0.8.0 does not report a part without one, and Word then refuses the file or
  “repairs” it;
- what the schema allows but Excel repairs: worksheet rows out of order, a cell outside its row or
  out of column order, overlapping merged ranges, sheet names Excel forbids;
- a ``<font>`` in xl/styles.xml: the SDK's data model makes CT_Font a fixed sequence, but ECMA-376's
  own schema (sml.xsd) makes it an unbounded choice, so openpyxl's order (name, family, b, sz …) is
  valid and Excel opens it without a word.  Those “Unexpected element” findings are dropped, and the
  font is checked against the XSD here instead: only CT_Font's children, none twice;
- the ``Excel_InlineStrCells`` warning (openxml-audit's own, not the SDK's): inline strings are valid
  (ECMA-376 §18.3.1.4, ``t="inlineStr"``) and Excel opens them without repair; it only moves them to
  a shared-strings table when it saves, which is the compiled writer's deliberate trade-off.
"""

from __future__ import annotations

import re
import zipfile
from functools import lru_cache
from itertools import product
from pathlib import Path

from lxml import etree
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openxml_audit import FileFormat, OpenXmlValidator, ValidationError, ValidationSeverity

CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
SML_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# ECMA-376 Part 1, sml.xsd, CT_Font: <xsd:choice maxOccurs="unbounded"> of these, each at most once.
FONT_CHILDREN = frozenset(
    {"b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color"}
    | {"name", "family", "charset", "scheme"}
)
_FONT_PATH = re.compile(r"/styleSheet\[1\]/fonts\[1\]/font\[\d+\]")
_UNEXPECTED = re.compile(r"Unexpected element '(\w+)' found")
_WORKSHEET = re.compile(r"xl/worksheets/sheet\d+\.xml")
_CELL = re.compile(r"([A-Z]{1,3})([0-9]+)")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
TOLERATED_IDS = frozenset({"Excel_InlineStrCells"})


@lru_cache(maxsize=1)
def validator() -> OpenXmlValidator:
    """One validator per session: loading the schema data is most of the cost of a first file.

    Office 2010 is the oldest Word the bureau's offices are assumed to run (the templates declare
    compatibility mode 14); anything newer must sit behind ``mc:Ignorable`` or ``AlternateContent``.
    """
    return OpenXmlValidator(file_format=FileFormat.OFFICE_2010, max_errors=0)


def _tolerated(error: ValidationError) -> bool:
    if error.id in TOLERATED_IDS:
        return True
    unexpected = _UNEXPECTED.fullmatch(error.description)
    return (
        error.part_uri == "/xl/styles.xml"
        and _FONT_PATH.fullmatch(error.path) is not None
        and unexpected is not None
        and unexpected.group(1) in FONT_CHILDREN
    )


def ooxml_findings(path: Path) -> list[str]:
    """Every error or warning about the package at ``path``, one line each; empty when valid."""
    result = validator().validate(path)
    found = [
        str(e)
        for e in result.errors
        if e.severity in (ValidationSeverity.ERROR, ValidationSeverity.WARNING) and not _tolerated(e)
    ]
    with zipfile.ZipFile(path) as package:
        found += untyped_parts(package)
        names = package.namelist()
        if "xl/styles.xml" in names:
            found += font_findings(package.read("xl/styles.xml"))
        if "xl/workbook.xml" in names:
            found += sheet_name_findings(package.read("xl/workbook.xml"))
        for name in sorted(n for n in names if _WORKSHEET.fullmatch(n)):
            found += [f"[sheet] /{name}: {problem}" for problem in worksheet_findings(package.read(name))]
    return found


def assert_valid_ooxml(path: Path) -> None:
    findings = ooxml_findings(path)
    assert not findings, f"{path.name} is not valid Office Open XML:\n" + "\n".join(findings)


def untyped_parts(package: zipfile.ZipFile) -> list[str]:
    """Members with no content type (OPC, ECMA-376 Part 2 §10.1.2.4: every part has one)."""
    types = etree.fromstring(package.read("[Content_Types].xml"))
    defaults = {d.get("Extension", "").lower() for d in types.iter(f"{{{CONTENT_TYPES_NS}}}Default")}
    overrides = {o.get("PartName", "").lower() for o in types.iter(f"{{{CONTENT_TYPES_NS}}}Override")}
    found = []
    for name in package.namelist():
        if name == "[Content_Types].xml" or name.endswith("/"):
            continue
        leaf = name.rsplit("/", 1)[-1]
        extension = leaf.rsplit(".", 1)[-1].lower() if "." in leaf else ""
        if "/" + name.lower() not in overrides and extension not in defaults:
            found.append(f"[package] /{name}: no content type (no Default for “.{extension}”, no Override)")
    return found


def font_findings(styles: bytes) -> list[str]:
    """The CT_Font check of ECMA-376's sml.xsd, which replaces the SDK's stricter order check."""
    found = []
    fonts = etree.fromstring(styles).find(f"{{{SML_NS}}}fonts")
    for number, font in enumerate(fonts if fonts is not None else [], start=1):
        names = [_local(child) for child in font if isinstance(child.tag, str)]
        odd = sorted({n for n in names if n not in FONT_CHILDREN or names.count(n) > 1})
        if odd:
            found.append(f"[schema] /xl/styles.xml: font {number} has unexpected or repeated {odd}")
    return found


def _local(element: etree._Element) -> str:
    """The local name of a SpreadsheetML element, the Clark name of any other."""
    name = etree.QName(element)
    return name.localname if name.namespace == SML_NS else name.text


def sheet_name_findings(workbook: bytes) -> list[str]:
    """Sheet names Excel refuses (and renames in its repair): none of []:*?/\\, 1–31 characters, no
    apostrophe at either end, unique ignoring case.  The schema takes any string."""
    found = []
    seen: set[str] = set()
    for sheet in etree.fromstring(workbook).iter(f"{{{SML_NS}}}sheet"):
        name = sheet.get("name", "")
        if (
            not 1 <= len(name) <= 31
            or _SHEET_NAME_FORBIDDEN.search(name)
            or name[:1] == "'"
            or name[-1:] == "'"
        ):
            found.append(f"[sheet] /xl/workbook.xml: sheet name “{name}” is not one Excel accepts")
        if name.casefold() in seen:
            found.append(f"[sheet] /xl/workbook.xml: sheet name “{name}” twice")
        seen.add(name.casefold())
    return found


def worksheet_findings(sheet: bytes) -> list[str]:
    """What the schema allows and Excel repairs (“Repaired Records: Cell information”): rows not in
    ascending order, a cell whose reference is outside its row or out of column order, and merged
    ranges that overlap."""
    found = []
    root = etree.fromstring(sheet)
    last_row = 0
    for row in root.iter(f"{{{SML_NS}}}row"):
        number = int(row.get("r", last_row + 1))
        if number <= last_row:
            found.append(f"row {number} after row {last_row}")
        last_row = number
        last_column = 0
        for cell in row.iter(f"{{{SML_NS}}}c"):
            reference = _CELL.fullmatch(cell.get("r", ""))
            if reference is None:
                continue  # a cell without r follows the one before it
            column = column_index_from_string(reference.group(1))
            if int(reference.group(2)) != number or column <= last_column:
                found.append(f"cell {reference.group(0)} in row {number} after column {last_column}")
            last_column = column
    taken: dict[tuple[int, int], str] = {}
    for merge in root.iter(f"{{{SML_NS}}}mergeCell"):
        ref = merge.get("ref", "")
        first_column, first_row, last_column, last_row = range_boundaries(ref)
        for place in product(range(first_row, last_row + 1), range(first_column, last_column + 1)):
            if place in taken:
                found.append(f"merged range {ref} overlaps {taken[place]}")
                break
            taken[place] = ref
    return found
