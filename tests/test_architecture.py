"""Layers import in one direction only; every module says why it exists."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "reportgen"

# The pipeline's layers, in order: a module imports only from its own layer and the layers before it.
# load & validate (ledger) → model → compute → format (templating, document) → render, with the ground
# (base, numbers) below everything and the front doors (api, batch, cli) above.
LAYERS: list[str] = [
    "base",  # errors, units, escaping, zip packages, sheet printing, input files, package data
    "numbers",  # pure formatting of figures
    "model",  # the validated ledger as immutable values
    "ledger",  # load & validate
    "kinds",  # report kinds (template packs), read like a ledger
    "compute",  # exact figures, findings, narrative lint
    "rollup",  # a parent ledger summed from its units' computed figures
    "templating",  # the sandboxed Jinja environment and the narrative
    "document",  # format: the report as a document
    "render",  # writers: one format each
    "api",  # load → check → render for Python callers
    "batch",  # many units
    "serve",  # the web pages for office staff (reportgen serve)
    "cli",  # the command
    "__init__",
    "__main__",
]
# Skips that the order would allow but the design forbids: a writer never computes or reads the
# ledger, it only lays out the finished document.
FORBIDDEN: dict[str, set[str]] = {
    "document": {"ledger", "kinds"},
    "render": {"ledger", "kinds", "compute"},
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
        assert layer in LAYERS, f"{path} belongs to no declared layer"
        allowed = set(LAYERS[: LAYERS.index(layer) + 1]) - FORBIDDEN.get(layer, set())
        illegal = imported_layers(path) - allowed
        assert not illegal, f"{path.relative_to(PACKAGE)} imports {sorted(illegal)}"


def test_every_module_belongs_to_a_package_of_its_step() -> None:
    """Only the front doors and two shared value modules sit at the top; the rest is in a step's package."""
    loose = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert loose == ["__init__", "__main__", "api", "cli", "kinds", "model"]


def test_every_module_has_a_docstring() -> None:
    for path in PACKAGE.rglob("*.py"):
        assert ast.get_docstring(ast.parse(path.read_text("utf-8"))), f"{path} has no module docstring"


def test_every_error_code_is_documented() -> None:
    from reportgen.base.errors import CODES

    text = (PACKAGE.parent / "docs" / "errors.md").read_text("utf-8")
    missing = [code for code in CODES if f"| {code} |" not in text]
    assert not missing, f"docs/errors.md lacks {missing}"


def _design_tree() -> set[str]:
    """The module paths docs/design.md's package tree lists (folders by indentation, two spaces a level)."""
    text = (PACKAGE.parent / "docs" / "design.md").read_text("utf-8")
    start = text.index("```\nreportgen/")
    tree = text[start + 4 : text.index("```", start + 4)]
    paths: set[str] = set()
    folders: list[str] = []
    for line in tree.splitlines():
        name = line.split()[0] if line.strip() else ""
        if not name:
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        del folders[depth:]
        if name.endswith("/"):
            folders.append(name.rstrip("/"))
        else:
            paths.add("/".join([*folders, name]))
    return paths


def test_the_design_tree_lists_every_module_and_no_other() -> None:
    """docs/design.md says each module's one job; a module added or moved without its line fails here."""
    listed = _design_tree()
    actual = {str(p.relative_to(PACKAGE.parent)) for p in PACKAGE.rglob("*.py")}
    # A package's __init__ is described by its folder's line unless it has a job of its own.
    unlisted = {p for p in actual - listed if not p.endswith("/__init__.py") or p == "reportgen/__init__.py"}
    assert not unlisted, f"modules missing from docs/design.md: {sorted(unlisted)}"
    assert not listed - actual, f"docs/design.md lists modules that do not exist: {sorted(listed - actual)}"
