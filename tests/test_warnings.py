"""Warnings: every lint rule gives its exact, located warning, and fails the build under --strict.

Layout
------
``tests/warnings/<case>/``
    One folder per warning case, laid over ``tests/sites/minimal/`` exactly like the
    cases of ``tests/invalid/`` (see ``tests/sitecases.py``): the files that differ from
    the minimal site, ``<path>.delete`` to delete one, and ``expected.txt``.

    ``expected.txt`` is the exact stderr of ``xpromo check`` run in the site folder: one or
    more ``path:line:col: warning: message`` lines, each with its ``  hint:`` line when it
    has one, and no summary line (the check succeeds).

How a case runs
---------------
In-process, through the real entry point, with the site folder as the current directory:

- ``xpromo check`` exits 0, prints ``expected.txt`` on stderr and its summary on stdout;
- ``xpromo check --strict`` exits 1 and prints the same diagnostics as errors, then
  ``error: N problems found``;

and, for the cases in ``BUILD_CASES`` (building costs more than checking, and every case
goes through the same code path from there):

- ``xpromo build`` exits 0, prints the same warnings and writes the site;
- ``xpromo build --strict`` exits 1, prints nothing on stdout and leaves every file of
  the site, ``public/`` included, byte-identical.

Updating expected files
-----------------------
``pytest tests/test_warnings.py --update-golden`` rewrites every ``expected.txt`` from the
current ``check`` output. Read each new one as a marketer would before committing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.sitecases import EXPECTED, TESTS, case_names, run, site_for, snapshot

WARNINGS = TESTS / "warnings"
CASES = case_names(WARNINGS)
BUILD_CASES = (
    "existing-utm-kept",
    "medium-unassigned",
    "partner-logo-svg-filter-effects",  # the logo is drawn into share images
    "source-with-space",
)
WARNING_RE = re.compile(r"[^\s:][^:]*:\d+:\d+: warning: \S.*")


def _expected(case: str) -> str:
    return (WARNINGS / case / EXPECTED).read_text(encoding="utf-8")


def _strict(expected: str) -> str:
    """The stderr of check --strict where check printed expected: errors and a summary."""
    lines = expected.splitlines(keepends=True)
    count = sum(1 for line in lines if not line.startswith("  hint: "))
    errors = "".join(line.replace(": warning: ", ": error: ", 1) for line in lines)
    return errors + f"error: {count} problem{'s' * (count != 1)} found\n"


def test_there_are_cases() -> None:
    assert len(CASES) >= 20
    assert set(BUILD_CASES) <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_case_folder_is_well_formed(case: str, update_golden: bool) -> None:
    folder = WARNINGS / case
    if update_golden and not (folder / EXPECTED).exists():
        pytest.skip("a new case: test_check writes its expected.txt")
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", case), "case names are kebab-case"
    assert [p for p in folder.rglob("*") if p.is_file() and p.name != EXPECTED]
    text = _expected(case)
    assert text.endswith("\n") and not text.endswith("\n\n")
    diagnostics = [line for line in text.splitlines() if not line.startswith("  hint: ")]
    assert diagnostics, "a warning case warns"
    for line in diagnostics:
        assert WARNING_RE.fullmatch(line), f"not a path:line:col: warning: line: {line!r}"


@pytest.mark.parametrize("case", CASES)
def test_check(
    case: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    update_golden: bool,
) -> None:
    site = site_for(WARNINGS / case, tmp_path)
    before = snapshot(site)
    monkeypatch.chdir(site)
    code, out, err = run("check", capsys)
    if update_golden:
        (WARNINGS / case / EXPECTED).write_text(err, encoding="utf-8")
    assert "Traceback" not in err
    assert code == 0, err
    assert out.startswith("Checked ")
    assert err == _expected(case)
    assert snapshot(site) == before


@pytest.mark.parametrize("case", CASES)
def test_strict_check_fails_with_the_same_diagnostics_as_errors(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = site_for(WARNINGS / case, tmp_path)
    monkeypatch.chdir(site)
    code, out, err = run("check", capsys, "--strict")
    assert (code, out) == (1, "")
    assert err == _strict(_expected(case))


@pytest.mark.parametrize("case", BUILD_CASES)
def test_build_warns_and_writes(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = site_for(WARNINGS / case, tmp_path)
    monkeypatch.chdir(site)
    code, out, err = run("build", capsys)
    assert code == 0, err
    assert out.startswith("Built ")
    assert err == _expected(case)
    assert (site / "public" / "links.json").is_file()


@pytest.mark.parametrize("case", BUILD_CASES)
def test_strict_build_fails_and_writes_nothing(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = site_for(WARNINGS / case, tmp_path)
    before = snapshot(site)
    monkeypatch.chdir(site)
    code, out, err = run("build", capsys, "--strict")
    assert (code, out) == (1, "")
    assert err.endswith("found; public/ was left as it was\n")
    assert snapshot(site) == before
