"""Every output of every sample, as SHA-256 digests: the yardstick of a change that must not change output.

A refactoring (issue 15 moved every module) promises byte-identical outputs.  This renders each
sample in every format through the command line — the one interface no refactoring changes — with
the options that take other code paths (Traditional script, charts, 合计 formulas, a user's Word
template, another kind, an Excel ledger), and compares the digests with ``sample_outputs.json``,
which was written by the tree before the move.

    python -m tests.sample_outputs --write   # record today's outputs (review the diff of the .json)

PDF digests depend on the LibreOffice build as well as on our .docx; they are compared only when
the LibreOffice version matches the one recorded (the .docx they are printed from is always compared).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
MANIFEST = Path(__file__).resolve().parent / "data" / "sample_outputs.json"
ALL_FORMATS = "md,html,docx,xlsx,pdf"
NO_PDF = "md,html,docx,xlsx"
JIALING = "jialing-2024q3.yaml"
COMPLETE = "complete/qingshan-complete-2024q3.yaml"
ROLLUP = "rollup/青山市.yaml"

# (case name, ledger file name in samples/ or the converted folder, formats, extra CLI arguments)
Case = tuple[str, str, str, tuple[str, ...]]


def convertible() -> list[Path]:
    """The samples converted to Excel ledgers: every one (表格 have a sheet each)."""
    return sorted(SAMPLES.glob("*.yaml"))


def cases() -> Iterator[Case]:
    excel = convertible()
    for sample in sorted(SAMPLES.glob("*.yaml")):
        yield sample.stem, sample.name, ALL_FORMATS, ()
        if sample in excel:
            yield sample.stem + "-from-excel", "excel/" + sample.stem + ".xlsx", NO_PDF, ()
    yield "jialing-hant", JIALING, ALL_FORMATS, ("--script", "hant")
    yield "jialing-hant-tw", JIALING, NO_PDF, ("--script", "hant-tw")
    yield "jialing-hant-hk", JIALING, NO_PDF, ("--script", "hant-hk")
    yield "jialing-charts", JIALING, ALL_FORMATS, ("--charts",)
    yield "qingshan-no-charts", "qingshan-2024q3.yaml", NO_PDF, ("--no-charts",)
    yield "jialing-formulas", JIALING, "xlsx", ("--total-formulas",)
    yield "jialing-key-tasks", JIALING, NO_PDF, ("--kind", "key-tasks")
    plain = ROOT / "templates" / "report-plain.docx"
    yield "jialing-user-template", JIALING, "docx", ("--template", str(plain))
    # the complete 公文 (版头, two 附件, a seal, 版记): in a folder of its own with its seal
    yield "qingshan-complete", COMPLETE, ALL_FORMATS, ()
    yield "qingshan-complete-archive", COMPLETE, "pdf", ("--pdf-a",)
    # 汇总: the city's figures summed from its counties', theirs from their townships' (samples/rollup/)
    yield "qingshan-city-rollup", ROLLUP, ALL_FORMATS, ()


def _run(*args: str, cwd: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reportgen", *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    if done.returncode not in (0, 1):  # 1: findings (warnings) printed, outputs written
        raise RuntimeError(f"reportgen {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def libreoffice_version() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return ""
    done = subprocess.run([soffice, "--version"], capture_output=True, text=True, check=False, timeout=60)
    return done.stdout.strip()


def render_all(work: Path) -> dict[str, str]:
    """Render every case into ``work``; digest of every file written, by ``case/file``."""
    excel = work / "excel"
    excel.mkdir()
    digests: dict[str, str] = {}
    for sample in convertible():
        _run("convert", str(sample), str(excel / (sample.stem + ".xlsx")), cwd=work)
        _run("convert", str(excel / (sample.stem + ".xlsx")), str(excel / (sample.stem + ".yaml")), cwd=work)
    _run("init", "--excel", str(excel / "init.xlsx"), cwd=work)
    _run("init", "--yaml", str(excel / "init.yaml"), cwd=work)
    for path in sorted(excel.iterdir()):
        digests["ledgers/" + path.name] = _digest(path)
    for name, ledger, formats, extra in cases():
        source = excel / Path(ledger).name if ledger.startswith("excel/") else SAMPLES / ledger
        out = work / "out" / name
        _run("render", str(source), "-o", str(out), "-f", formats, "--quiet", *extra, cwd=work)
        for path in sorted(out.iterdir()):
            digests[f"{name}/{path.name}"] = _digest(path)
    return digests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="record the digests in sample_outputs.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        digests = render_all(Path(folder))
    record = {"libreoffice": libreoffice_version(), "outputs": digests}
    if args.write:
        MANIFEST.parent.mkdir(exist_ok=True)
        MANIFEST.write_text(json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
    print(json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
