"""The lock files cover what pyproject.toml declares, at versions its ranges allow.

`make install` and CI install requirements/lock.txt only (then reportgen with ``--no-deps``), so a dependency
added to pyproject.toml without ``make lock`` would be missing on a fresh machine, or come in at whatever
version is newest that day; this test fails first.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", re.MULTILINE)


def pins(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text("utf-8")
    return {canonicalize_name(n): v for n, v in PIN.findall(text)}


def declared(*extras: str) -> list[Requirement]:
    found = [Requirement(r) for r in PROJECT["dependencies"]]
    for extra in extras:
        found += [Requirement(r) for r in PROJECT["optional-dependencies"][extra]]
    return found


@pytest.mark.parametrize(
    ("lock", "extras"), [("lock.txt", ("dev", "dask", "postgresql")), ("runtime.txt", ("dask", "postgresql"))]
)
def test_every_declared_dependency_is_pinned_within_its_range(lock: str, extras: tuple[str, ...]) -> None:
    pinned = pins(lock)
    for requirement in declared(*extras):
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement} is not in requirements/{lock}: run `make lock`"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"requirements/{lock} pins {name}=={pinned[name]}, outside {requirement}: run `make lock`"
        )


def test_runtime_pins_are_the_locked_versions() -> None:
    locked = pins("lock.txt")
    assert {n: v for n, v in pins("runtime.txt").items() if locked.get(n) != v} == {}
