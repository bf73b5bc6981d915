"""Shared test options and fixtures."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"


def _sleep_is_broken() -> bool:
    """True when time.sleep cannot sleep in this process.

    CI's second run moves the clock a year ahead with libfaketime, keeping the monotonic
    clock real; libfaketime 0.9.10 (Debian 12) then hands the kernel a negative deadline
    for Python 3.11's clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME), so every sleep
    fails with EINVAL. Waiting on an event uses the same real clock and is not touched.
    """
    try:
        time.sleep(0.001)
    except OSError:
        return True
    return False


if _sleep_is_broken():
    time.sleep = threading.Event().wait  # type: ignore[assignment]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files and expected messages from the current output",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run should rewrite golden files instead of comparing with them."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """A private copy of the demo program at the repo root."""
    target = tmp_path / "demo"
    target.mkdir()
    shutil.copy2(REPO / "partners.yaml", target / "partners.yaml")
    for folder in ("content", "assets", "themes"):
        shutil.copytree(REPO / folder, target / folder)
    return target


def subprocess_env() -> dict[str, str]:
    """The environment for a child `python -m xpromo_site`: it imports this checkout's code."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


@pytest.fixture
def minimal_copy(tmp_path: Path) -> Path:
    """A private copy of the minimal valid program (tests/sites/minimal)."""
    target = tmp_path / "minimal"
    shutil.copytree(SITES / "minimal", target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of old in the file at path with new."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path.name} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def site_pages(folder: Path) -> list[Path]:
    """The HTML pages of a built site, sorted: not the email blocks inside partner kits."""
    return sorted(p for p in folder.rglob("*.html") if "kit" not in p.relative_to(folder).parts)
