"""Escaping for text that comes from data, one function per target syntax.

Ledger text is untrusted: a ``|`` must not split a Markdown table cell, a leading ``#`` must not
become a heading, and ``<`` must not become HTML.  HTML escaping is Jinja's autoescape; Markdown has
no such mechanism, so it lives here and is exposed as the ``md`` and ``md_cell`` filters.

XML has two escapers, after who writes it.  What a template prints is escaped by Jinja's autoescape
(markupsafe), in Word parts as in HTML, so the .docx engine's ``finalize`` uses that same escape.
XML our own code writes by hand — table cells, runs, picture descriptions, font names, core.xml, the
.xlsx sheets — uses ``xml_content`` for element text and ``xml_attribute`` for attribute values.
"""

from __future__ import annotations

import re

from markupsafe import Markup

# Characters XML 1.0 forbids (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF): a .docx or
# .xlsx holding one is corrupt, and they mean nothing in HTML either.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Bidirectional embeddings, overrides and isolates: invisible, and they reorder the characters that follow
# on the page ("Trojan Source"), so a project name could print other than it reads in the ledger.
BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Where a Jinja tag, statement or comment opens: text holding one is a template, or is refused where
# a field is plain text (docs/ledger.md “文字字段”), so braces are never printed by accident.
TEMPLATE_SYNTAX = re.compile(r"\{[{%#]")
# Leading characters that spreadsheet programs read as the start of a formula (CSV/Excel injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~])")
# Line starts that would turn into a heading or a list item.
_MD_LINE_START = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|[-+](?=\s)|\d+[.)](?=\s|$))", re.MULTILINE)


def markdown_text(text: str) -> str:
    """Escape inline Markdown so the text shows literally (CommonMark backslash escapes)."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text).replace("&", "&amp;")
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def markdown_cell(text: str) -> str:
    """Escape for a pipe-table cell: also no line breaks (``<br>`` keeps them visible)."""
    return "<br>".join(markdown_text(line) for line in text.splitlines()) if text else ""


def spreadsheet_text(text: str) -> str:
    """A CSV cell that no spreadsheet runs as a formula: one starting with ``FORMULA_STARTS`` gets a
    leading ``'`` (Excel's own quote prefix, the mark the .xlsx writer sets as ``quotePrefix``)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def xml_text(text: str) -> str:
    """Drop the characters no XML document may contain, and write line ends as LF (an XML reader
    turns a bare CR into LF anyway, so "\\r\\n" would come back as two line breaks)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return NOT_XML.sub("", text)


def xml_content(text: str) -> str:
    """Element text for XML written by hand (not through a template): forbidden characters dropped
    (``xml_text``), then ``& < >`` escaped."""
    return xml_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_attribute(text: str) -> str:
    """A double-quoted attribute value written by hand: ``xml_content`` plus ``"`` as ``&quot;`` and line
    breaks as ``&#10;`` (an XML reader turns a literal line break in an attribute into a space)."""
    return xml_content(text).replace('"', "&quot;").replace("\n", "&#10;")


_OOXML_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def ooxml_unescaped(text: str) -> str:
    """A spreadsheet cell's text with Excel's ``_xHHHH_`` escapes decoded: Excel stores a carriage
    return (text pasted from Word) as ``_x000D_``, a tab as ``_x0009_`` and control characters the same
    way, and openpyxl leaves them as written, which would print ``_x000D_`` in the report.  Decoded, a
    line ending is normalised like any other and a forbidden character is refused (RG119).  (A typed
    ``_x0041_`` is stored by Excel as ``_x005F_x0041_``, which openpyxl already turns back into the
    text; that rare text is the one this cannot tell from an escape.)"""
    return _OOXML_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)


def code_points(text: str, invisible: re.Pattern[str] = NOT_XML) -> str:
    """``text`` with each ``invisible`` character (XML-forbidden by default) written as ``<U+0001>``: how a
    message shows a character that is invisible on screen and that no terminal or document can print."""
    return invisible.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def printable(value: object) -> object:
    """The environment's ``finalize``: every ``{{ }}`` of plain text loses XML-forbidden characters
    before it is escaped, so no template can write a corrupt .docx.  Markup (our own XML) is kept."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return xml_text(value)
    return value
