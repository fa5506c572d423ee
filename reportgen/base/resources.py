"""Where the built-in templates, kind packs, example and sample ledgers are, in a checkout and when installed.

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
SAMPLES_PACKAGE = "reportgen.samples"
SAMPLES_FOLDER = "samples"  # how a kind.yaml's 示例 names the sample ledgers' folder (samples/x.yaml)
EXAMPLE_LEDGER = ("ledger", "示例台账.yaml")
# Files of the package that are not templates (Python's own byproducts of importing the package).
NOT_TEMPLATES = frozenset({"__init__.py", "__pycache__"})


@lru_cache(maxsize=1)
def builtin_templates() -> Path:
    """The folder of the built-in templates and kind packs."""
    return _package_folder(TEMPLATES_PACKAGE, "内置模板（reportgen/templates）")


@lru_cache(maxsize=1)
def builtin_samples() -> Path:
    """The folder of the sample ledgers (each kind's 示例 among them)."""
    return _package_folder(SAMPLES_PACKAGE, "示例台账（reportgen/samples）")


def sample_ledger(sample: str) -> Path | None:
    """The installed file of a kind's 示例 (``samples/qingshan-notice-2024q3.yaml``); None when the
    kind names none, or names one outside the sample ledgers (a user's kind pack)."""
    first, _, rest = sample.replace("\\", "/").partition("/")
    if first != SAMPLES_FOLDER or not rest or ".." in rest.split("/"):
        return None
    path = builtin_samples().joinpath(*rest.split("/"))
    return path if path.is_file() else None


def _package_folder(package: str, what: str) -> Path:
    try:
        root = resources.files(package)
    except ModuleNotFoundError:
        root = None
    if not isinstance(root, Path) or not root.is_dir():
        raise RenderError(
            Problem(
                "RG409",
                f"reportgen 安装不完整：找不到{what}",
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


__all__ = ["builtin_samples", "builtin_templates", "example_ledger", "is_template_file", "sample_ledger"]
