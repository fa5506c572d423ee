"""Where the built-in templates, kind packs and example ledger are, in a checkout and when installed.

They are package data (``reportgen.templates``, mapped from the repository's top-level ``templates/``
when the package is built) and found through ``importlib.resources``, never through a path relative to
this file: a wheel has no repository around it, and a Dask worker or a cron job runs from any folder.
Jinja's loader and the .docx engine need real folders, so a package that is not on the file system
(a zip import) is refused with a code rather than half working.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from reportgen.base.errors import Problem, RenderError

TEMPLATES_PACKAGE = "reportgen.templates"
EXAMPLE_LEDGER = ("ledger", "示例台账.yaml")
# Files of the package that are not templates (Python's own byproducts of importing the package).
NOT_TEMPLATES = frozenset({"__init__.py", "__pycache__"})


@lru_cache(maxsize=1)
def builtin_templates() -> Path:
    """The folder of the built-in templates and kind packs."""
    try:
        root = resources.files(TEMPLATES_PACKAGE)
    except ModuleNotFoundError:
        root = None
    if not isinstance(root, Path) or not root.is_dir():
        raise RenderError(
            Problem(
                "RG409",
                "reportgen 安装不完整：找不到内置模板（reportgen/templates）",
                value=str(root) if root is not None else "",
                expected="用 pip 重新安装 reportgen（不要以压缩包形式导入）",
            )
        )
    return root


def example_ledger() -> Path:
    """The example ledger that ``reportgen init`` writes (YAML, with its comments)."""
    return builtin_templates().joinpath(*EXAMPLE_LEDGER)


def is_template_file(path: Path) -> bool:
    """Whether ``path`` (inside a template folder) is a template file, not a Python byproduct."""
    return path.is_file() and not NOT_TEMPLATES.intersection(path.parts)


__all__ = ["builtin_templates", "example_ledger", "is_template_file"]
