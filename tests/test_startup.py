"""Start-up stays light (issue 18, part 6): a structural check of what each entry point imports, in a
fresh interpreter — not a timing test (``make bench`` measures the time against docxtpl's)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import QINGSHAN, ROOT

# Libraries that take tens of milliseconds each to import, and the ones they pull in.
HEAVY = ("openpyxl", "docxtpl", "docx", "lxml", "matplotlib", "dask", "distributed", "rich", "numpy", "PIL")
# What the pipeline needs to load and check a ledger, but ``--help`` does not.
PIPELINE = ("jinja2", "babel", "yaml")


def imported_by(code: str) -> set[str]:
    """The top-level packages imported after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    return {name.split(".")[0] for name in json.loads(done.stdout.splitlines()[-1])}


@pytest.mark.parametrize(
    "code",
    [
        "import reportgen",
        "import reportgen; reportgen.__version__",
        # what ``reportgen --help`` and ``reportgen check`` do in the parent process
        "from reportgen import cli\nparser = cli.build_parser()\nparser.format_help()\n"
        "parser.parse_args(['check', 'x'])",
    ],
)
def test_entry_points_import_nothing_heavy(code: str) -> None:
    assert not imported_by(code) & {*HEAVY, *PIPELINE}


def test_loading_and_checking_a_yaml_ledger_imports_no_writer() -> None:
    """What ``check`` does in its worker: neither openpyxl (workbooks) nor a writer's library."""
    found = imported_by(f"import reportgen; reportgen.load({str(QINGSHAN)!r}).check()")
    assert not found & set(HEAVY)
    assert {"jinja2", "yaml"} <= found  # the probe sees imports: the pipeline did run


def test_the_public_names_resolve_on_first_use() -> None:
    import reportgen

    for name in reportgen.__all__:
        assert getattr(reportgen, name) is not None
        assert name in dir(reportgen)
    assert reportgen.load is reportgen.api.load
    with pytest.raises(AttributeError):
        reportgen.no_such_name  # noqa: B018


def test_writers_import_their_library_when_used() -> None:
    """``WRITERS`` is light, yet each writer is the real one once called (the bytes of a .docx)."""
    found = imported_by(
        "import reportgen\n"
        f"report = reportgen.load({str(QINGSHAN)!r}, choices=reportgen.ReportChoices(charts=False))\n"
        "assert report.to_bytes('docx')[:2] == b'PK'\n"
        "import sys\nassert 'openpyxl' not in sys.modules"
    )
    assert {"docxtpl", "lxml"} <= found
