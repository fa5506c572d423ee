"""reportgen works as users get it: built into a wheel and an sdist, installed into a fresh venv, and run
from an empty folder far from this checkout.

Data staff ``pip install`` reportgen into their pipelines and Dask workers; nothing of the repository is
there.  A template, kind pack or example ledger that only the checkout has fails here, not on their
machines.  The venvs are built with uv, with requirements/runtime.txt as constraints (as the README tells
pip users), so the dependencies are the tested ones; the outputs are compared byte for byte with the
checkout's.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import reportgen
from reportgen.api import new_ledger

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ROOT / "requirements" / "runtime.txt"  # what the README tells pip users to use
UV = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
README_PYTHON = re.compile(r"```python\n(.*?)```", re.DOTALL)

pytestmark = pytest.mark.skipif(
    UV is None or shutil.which("git") is None or not (ROOT / ".git").exists(),
    reason="needs uv (dev dependency) and a git checkout",
)


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and the wheel, built from the committed files only (what a clean clone has)."""
    assert UV is not None
    source = tmp_path_factory.mktemp("source")
    tracked = _run(["git", "ls-files", "-z"], ROOT).stdout.split("\0")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    # --sdist --wheel: the wheel is built from the sdist, so an sdist that lacks a file fails too.
    _run([UV, "build", "--sdist", "--wheel", "--out-dir", str(dist), str(source)], source)
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


@pytest.mark.parametrize("folder", ["templates", "samples"])
def test_the_wheel_holds_every_template_and_sample_file(artefacts: dict[str, Path], folder: str) -> None:
    tracked = _run(["git", "ls-files", "-z", folder], ROOT).stdout.split("\0")
    expected = {"reportgen/" + name for name in tracked if name}
    with zipfile.ZipFile(artefacts["wheel"]) as wheel:
        packaged = {n for n in wheel.namelist() if n.startswith(f"reportgen/{folder}/")}
    assert packaged == expected


@pytest.fixture(scope="module", params=["wheel", "sdist"])
def installed(
    request: pytest.FixtureRequest, artefacts: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """A fresh venv with reportgen installed from one artefact; yields its bin folder."""
    assert UV is not None
    venv = tmp_path_factory.mktemp(f"venv-{request.param}")
    _run([UV, "venv", "--quiet", "--python", sys.executable, str(venv)], venv)
    python = venv / "bin" / "python"
    _run(
        [UV, "pip", "install", "--quiet", "--python", str(python), "--constraint", str(RUNTIME),
         str(artefacts[request.param])],
        venv,
    )  # fmt: skip
    yield venv / "bin"


def _user_env(bin_folder: Path) -> dict[str, str]:
    """A user's shell: the venv's scripts first, nothing of this checkout on the Python path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{bin_folder}{os.pathsep}{env.get('PATH', '')}"
    return env


def test_the_installed_package_works_from_an_empty_folder(installed: Path, tmp_path: Path) -> None:
    env = _user_env(installed)
    work = tmp_path / "empty"
    work.mkdir()

    def reportgen_cli(*args: str) -> str:
        return _run([str(installed / "reportgen"), *args], work, env).stdout

    where = _run([str(installed / "python"), "-c", "import reportgen; print(reportgen.__file__)"], work, env)
    assert Path(where.stdout.strip()).is_relative_to(installed.parent)  # not this checkout
    assert reportgen_cli("--version").strip() == f"reportgen {reportgen.__version__}"
    module = _run([str(installed / "python"), "-m", "reportgen", "--version"], work, env)
    assert module.stdout.strip() == f"reportgen {reportgen.__version__}"

    kinds = reportgen_cli("kinds")
    for type_name in ("民生实事", "社会救助", "重点工作", "新闻发布", "年度报告"):
        assert f"{type_name}（" in kinds
    assert str(installed.parent) in kinds  # the packs are the installed ones

    assert "reportgen init --kind notice" in kinds  # each kind's sample ledger is installed
    reportgen_cli("init", "--excel", "台账.xlsx")
    reportgen_cli("init", "--yaml", "台账.yaml")
    reportgen_cli("init", "--kind", "通报", "--excel", "通报.xlsx")
    reportgen_cli("render", "通报.xlsx", "-o", "notice", "-f", "md", "--quiet")
    notice = ROOT / "samples" / "qingshan-notice-2024q3.yaml"
    assert (work / "notice" / "通报.md").read_bytes() == reportgen.load(notice).to_bytes("md")
    reportgen_cli("check", "台账.xlsx")
    reportgen_cli("render", "台账.xlsx", "-o", "out", "-f", "md,html,docx,xlsx", "--quiet")
    reportgen_cli("batch", "台账.yaml", "-o", "batch", "-f", "md,docx", "-j", "1", "--no-progress")

    # The same bytes as this checkout renders from the same ledger.
    reference = tmp_path / "reference"
    reference.mkdir()
    ledger = new_ledger(reference / "台账.xlsx")
    assert ledger.read_bytes() == (work / "台账.xlsx").read_bytes()
    for path in reportgen.load(ledger).render("md,html,docx,xlsx", reference / "out"):
        assert (work / "out" / path.name).read_bytes() == path.read_bytes(), path.name
    assert (work / "batch" / "台账" / "台账.docx").is_file()


def test_the_readme_python_example_runs_as_written(installed: Path, tmp_path: Path) -> None:
    (example,) = README_PYTHON.findall((ROOT / "README.md").read_text("utf-8"))[:1]
    (tmp_path / "example.py").write_text(example, "utf-8")
    done = _run([str(installed / "python"), "example.py"], tmp_path, _user_env(installed))
    assert "Traceback" not in done.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["台账.docx", "台账.html", "台账.md", "台账.xlsx"]


def test_the_installed_package_serves_its_pages(installed: Path, tmp_path: Path) -> None:
    """``reportgen serve`` from the install: its templates and stylesheet are package data, and an
    upload is checked and rendered by the bounded worker, which imports the installed reportgen."""
    import http.cookiejar
    import socket
    import time
    import urllib.request
    import uuid

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(installed / "reportgen"), "serve", "--port", str(port), "--data", "data", "-f", "docx,xlsx"],
        cwd=tmp_path,
        env=_user_env(installed),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    site = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), urllib.request.ProxyHandler({})
    )

    def get(path: str) -> str:
        with opener.open(site + path, timeout=30) as response:
            return str(response.read().decode("utf-8"))

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                home = get("/")
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, server.stderr
                time.sleep(0.3)
        assert "上传台账" in home and "body {" in get("/static/serve.css")
        token = re.search(r'name="csrf_token" value="([^"]+)"', home)
        assert token is not None
        boundary = uuid.uuid4().hex
        ledger = new_ledger(tmp_path / "台账.xlsx").read_bytes()
        part = f"--{boundary}\r\nContent-Disposition: form-data; name="
        body = (
            (
                f'{part}"csrf_token"\r\n\r\n{token.group(1)}\r\n'
                f'{part}"ledger"; filename="ledger.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n'
            ).encode()
            + ledger
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            site + "/upload", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        with opener.open(request, timeout=30) as response:  # follows the 303 to the result page
            result = response.url
        deadline = time.monotonic() + 300
        while 'http-equiv="refresh"' in (page := get(result[len(site) :])):
            assert time.monotonic() < deadline
            time.sleep(0.5)
        assert "报告已生成" in page, page
    finally:
        server.terminate()
        server.wait(timeout=60)
