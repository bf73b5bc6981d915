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

from pathlib import Path

import pytest

from tests.sitecases import run as _run
from tests.sitecases import site_for
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
