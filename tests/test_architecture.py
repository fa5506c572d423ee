"""Layers import in one direction only; every module says why it exists."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "reportgen"

# module (or package prefix) → reportgen modules it may import
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "units": set(),
    "escape": set(),
    "inputfile": {"errors", "escape"},
    "stablezip": set(),
    "boundedzip": set(),
    "resources": {"errors"},
    "numbers": {"units", "errors", "numbers"},
    "model": {"units"},
    "ledger": {
        "ledger",
        "model",
        "units",
        "errors",
        "numbers",
        "stablezip",
        "resources",
        "escape",
        "inputfile",
        "boundedzip",
    },
    "compute": {"model", "units", "errors"},
    "checks": {"compute", "model", "units", "errors", "numbers"},
    "template_messages": set(),
    "templating": {
        "model",
        "units",
        "errors",
        "numbers",
        "escape",
        "resources",
        "template_messages",
        "inputfile",
    },
    "lint": {"model", "errors"},
    "tables": {"compute", "numbers"},
    "charts": {"compute", "numbers", "tables"},
    "document": {"charts", "compute", "errors", "model", "numbers", "tables", "templating"},
    "render": {
        "render",
        "document",
        "tables",
        "charts",
        "templating",
        "errors",
        "numbers",
        "escape",
        "stablezip",
        "inputfile",
        "boundedzip",
    },
    "script": {"charts", "document", "errors", "tables"},
    "api": {
        "checks",
        "compute",
        "document",
        "kinds",
        "errors",
        "ledger",
        "lint",
        "model",
        "render",
        "resources",
        "script",
        "templating",
    },
    "batch": {"api", "errors", "escape", "inputfile", "ledger", "model", "render", "resources", "templating"},
    "kinds": {"errors", "inputfile", "ledger", "model"},
    "cli": {"api", "batch", "errors", "kinds", "render", "resources", "script", "templating"},
    "__init__": {"api", "batch", "errors"},
    "__main__": {"cli"},
}


def layer_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def imported_layers(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found.update(n.split(".")[1] for n in names if n.startswith("reportgen.") and "." in n)
    return found


def test_imports_follow_the_layers() -> None:
    for path in PACKAGE.rglob("*.py"):
        layer = layer_of(path)
        assert layer in ALLOWED, f"{path} belongs to no declared layer"
        illegal = imported_layers(path) - ALLOWED[layer] - {layer}
        assert not illegal, f"{path.relative_to(PACKAGE)} imports {sorted(illegal)}"


def test_every_module_has_a_docstring() -> None:
    for path in PACKAGE.rglob("*.py"):
        assert ast.get_docstring(ast.parse(path.read_text("utf-8"))), f"{path} has no module docstring"


def test_every_error_code_is_documented() -> None:
    from reportgen.errors import CODES

    text = (PACKAGE.parent / "docs" / "errors.md").read_text("utf-8")
    missing = [code for code in CODES if f"| {code} |" not in text]
    assert not missing, f"docs/errors.md lacks {missing}"
