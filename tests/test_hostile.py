"""Hostile input that the build cleans instead of refusing, with its exact warnings.

Layout
------
``tests/hostile/<case>/`` is laid over the minimal site exactly as ``tests/invalid/``
cases are (see ``tests/test_invalid.py``), and holds:

- ``expected.txt``: the exact stderr of ``xpromo build`` run in the site folder (the
  warnings that tell a reviewer what was removed; empty when cleaning is silent);
- ``absent.txt``: one string per line that no built file may contain (compared byte for
  byte), such as ``<script``, a tracker's host name or a PNG chunk name like ``tEXt``.

Each case must build (exit 0), print ``expected.txt`` exactly, leave none of the absent
strings in any output file, and publish SVGs that are already clean (sanitising them
again changes nothing). Under ``--strict`` a case with warnings fails with exit 1.

``pytest tests/test_hostile.py --update-golden`` rewrites every ``expected.txt``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import subprocess_env
from tests.sitecases import TODAY, site_for
from tests.sitecases import run as _run
from xpromo_site.svg import sanitise_svg

HOSTILE = Path(__file__).resolve().parent / "hostile"
CASES = sorted(p.name for p in HOSTILE.iterdir() if p.is_dir())


def test_there_are_cases() -> None:
    assert len(CASES) >= 5
    for case in CASES:
        assert (HOSTILE / case / "absent.txt").read_text().strip(), case


@pytest.mark.parametrize("case", CASES)
def test_hostile_input_is_cleaned(
    case: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    update_golden: bool,
) -> None:
    site = site_for(HOSTILE / case, tmp_path)
    monkeypatch.chdir(site)
    code, out, err = _run("build", capsys)
    expected = HOSTILE / case / "expected.txt"
    if update_golden:
        expected.write_text(err, encoding="utf-8")
    assert (code, "Traceback" in err) == (0, False), err
    assert out.startswith("Built ")
    assert err == expected.read_text(encoding="utf-8")

    absent = [line for line in (HOSTILE / case / "absent.txt").read_text().splitlines() if line]
    for path in sorted((site / "public").rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        for needle in absent:
            assert needle.encode() not in data, f"{needle!r} is in {path.name}"
        if path.suffix == ".svg":
            again = sanitise_svg(path.read_bytes())
            assert (again.data, again.removed) == (path.read_bytes(), ())


@pytest.mark.parametrize("case", CASES)
def test_strict_turns_the_warnings_into_errors(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = site_for(HOSTILE / case, tmp_path)
    monkeypatch.chdir(site)
    code, _out, err = _run("check", capsys, "--strict")
    warned = "warning:" in (HOSTILE / case / "expected.txt").read_text(encoding="utf-8")
    assert code == (1 if warned else 0), err
    assert "warning:" not in err


# --- files that are not files: never opened, never waited on -------------------------------------


def _build_with_timeout(site: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xpromo_site", *options, "-s", str(site), "--today", TODAY],
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,  # a build that opens a named pipe waits forever
    )


@pytest.mark.parametrize("where", ["notes/pipe", "content/pipe.txt", "themes/pipe", "pipe.md"])
def test_a_named_pipe_the_site_does_not_use_is_ignored(tmp_path: Path, where: str) -> None:
    site = site_for(None, tmp_path)
    (site / where).parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(site / where)
    for command in ("build", "check"):
        done = _build_with_timeout(site, command)
        assert done.returncode == 0, done.stderr
    done = _build_with_timeout(site, "build")  # and the no-change check does not wait either
    assert (done.returncode, done.stdout.startswith("Up to date")) == (0, True), done.stdout


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("content/campaigns/backup-webinar.md", "content/campaigns/backup-webinar.md:1:1: error: "),
        ("partners.yaml", "partners.yaml:1:1: error: "),
        ("assets/alpha.svg", "partners.yaml:13:11: error: "),
    ],
)
def test_a_named_pipe_in_place_of_an_input_is_a_located_error(
    tmp_path: Path, where: str, expected: str
) -> None:
    site = site_for(None, tmp_path)
    (site / where).unlink()
    os.mkfifo(site / where)
    for command in ("check", "build"):
        done = _build_with_timeout(site, command)
        assert (done.returncode, "Traceback" in done.stderr) == (1, False), done.stderr
        assert expected in done.stderr, done.stderr
        assert "a named pipe, not a file" in done.stderr or "not a regular file" in done.stderr
