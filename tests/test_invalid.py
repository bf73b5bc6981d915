"""Invalid input: every bad form of the file contract gives exact, located messages.

Layout
------
``tests/sites/minimal/``
    The smallest valid program (three partners, two campaigns, one page). It checks
    clean: exit 0 and nothing on stderr.
``tests/invalid/<case>/``
    One folder per bad-input case, named in short kebab-case. It holds only what
    differs from the minimal site, plus ``expected.txt``:

    - any file is copied over a fresh copy of the minimal site, at the same path;
    - a symbolic link is recreated as the same link (to test links leading out of the
      site);
    - an empty file named ``<path>.delete`` deletes ``<path>`` from the copy;
    - a file named ``<path>.pad`` holding a number of bytes grows ``<path>`` to that size
      with trailing newlines (to test size limits without storing large files);
    - ``expected.txt`` is the exact stderr of ``xpromo check`` run with the site folder
      as the current directory (so paths read ``partners.yaml:12:5: error: ...``),
      ending with the summary line ``error: N problem(s) found``.

How a case runs
---------------
The minimal site is copied to a temporary folder, the case is laid over it, and a
sentinel "previous build" is put in ``public/``. Then ``xpromo check`` and ``xpromo build``
run in-process through the real entry point (``xpromo_site.cli.main``, including its
internal-error guard), with the site folder as the current directory. Each must exit 1,
print nothing on stdout and no traceback, and leave every file of the site, ``public/``
included, byte-identical, with no staging folder beside it.

``check`` must print ``expected.txt`` exactly. ``build`` prints the same diagnostics; only
its summary line says more, so the test derives it from ``expected.txt``:
``error: N problems found`` becomes ``error: N problems found; public/ was left as it was``.
A few cases also run ``python -m xpromo_site`` in a subprocess (``SUBPROCESS_CASES``).

Known wrong messages
--------------------
``KNOWN_BAD`` maps a case to what is wrong with xpromo's current output. Its
``expected.txt`` holds the message xpromo *should* print, written by hand, and its tests
are ``xfail(strict=True)``: once xpromo is fixed they XPASS and fail, asking for the entry
to be removed.

Updating expected files
-----------------------
``pytest tests/test_invalid.py --update-golden`` rewrites ``expected.txt`` of every case
not in ``KNOWN_BAD`` from xpromo's current ``check`` output (review the diff before
committing). The hand-written files of ``KNOWN_BAD`` cases are never overwritten.

To add a case: create ``tests/invalid/<case>/`` with the changed files, run the command
above, and read the new ``expected.txt`` as a user would. If the message is wrong, write
the right one by hand and add the case to ``KNOWN_BAD``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import subprocess_env
from tests.sitecases import (
    EXPECTED,
    SENTINEL,
    TESTS,
    TODAY,
    case_names,
    run,
    site_for,
    snapshot,
)

INVALID = TESTS / "invalid"

WARNING_RE = re.compile(r"[^\s:][^:]*:\d+:\d+: warning: \S.*")
SUMMARY_RE = re.compile(r"error: (\d+) problems? found")
DIAGNOSTIC_RE = re.compile(r"[^\s:][^:]*:\d+:\d+: error: \S.*")

# case → what is wrong with xpromo's current output (its expected.txt holds the right one)
KNOWN_BAD: dict[str, str] = {}

# cases that also run in a real `python -m xpromo_site` process
SUBPROCESS_CASES = ("campaign-yaml-error", "partners-yaml-syntax-error", "several-problems")

CASES = case_names(INVALID)


def _params(cases: list[str] | tuple[str, ...]) -> list[pytest.ParameterSet]:
    return [
        pytest.param(
            case,
            id=case,
            marks=[pytest.mark.xfail(strict=True, raises=AssertionError, reason=KNOWN_BAD[case])]
            if case in KNOWN_BAD
            else [],
        )
        for case in cases
    ]


def _site_for(case: str | None, tmp_path: Path) -> Path:
    """Return a fresh copy of the minimal site, the case laid over it, with a sentinel public/."""
    return site_for(INVALID / case if case is not None else None, tmp_path)


_snapshot = snapshot
_run = run


def _build_stderr(check_stderr: str) -> str:
    """The stderr build gives where check gave check_stderr: its summary line says more."""
    lines = check_stderr.splitlines(keepends=True)
    assert lines, "expected.txt is empty"
    summary = lines[-1].rstrip("\n")
    assert SUMMARY_RE.fullmatch(summary), f"the last line is not a summary: {summary!r}"
    return "".join(lines[:-1]) + f"{summary}; public/ was left as it was\n"


def _expected(case: str) -> str:
    return (INVALID / case / EXPECTED).read_text(encoding="utf-8")


def _assert_failed_cleanly(code: int, out: str, err: str) -> None:
    assert "Traceback" not in out + err
    assert "internal error" not in err
    assert out == ""
    assert code == 1, f"exit code {code}; stderr:\n{err}"


# --- the minimal site ----------------------------------------------------------------------


def test_minimal_site_checks_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site_for(None, tmp_path)
    monkeypatch.chdir(site)
    code, out, err = _run("check", capsys)
    assert (code, err) == (0, "")
    assert out.startswith("Checked ")


def test_minimal_site_builds_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site_for(None, tmp_path)
    monkeypatch.chdir(site)
    code, out, err = _run("build", capsys)
    assert (code, err) == (0, "")
    assert out.startswith("Built ")
    assert (site / "public" / "index.html").read_bytes() != SENTINEL["public/index.html"]
    assert (site / "public" / "backup-webinar" / "beta" / "index.html").is_file()
    assert not (site / "public" / "beta").exists(), "the previous build was not replaced"
    assert not [p.name for p in site.iterdir() if p.name.startswith(".public")]


# --- the case folders themselves -----------------------------------------------------------


def test_there_are_cases() -> None:
    assert len(CASES) >= 100
    assert set(KNOWN_BAD) <= set(CASES), "KNOWN_BAD names a case folder that does not exist"
    assert set(SUBPROCESS_CASES) <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_case_folder_is_well_formed(case: str, update_golden: bool) -> None:
    folder = INVALID / case
    if update_golden and not (folder / EXPECTED).exists():
        pytest.skip("a new case: test_check writes its expected.txt")
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", case), "case names are kebab-case"
    files = [p for p in folder.rglob("*") if p.is_file() and p.name != EXPECTED]
    assert files, "a case changes at least one file of the minimal site"
    text = _expected(case)
    assert text.endswith("\n") and not text.endswith("\n\n")
    lines = text.splitlines()
    summary = SUMMARY_RE.fullmatch(lines[-1])
    assert summary, f"the last line is not a summary: {lines[-1]!r}"
    diagnostics = [line for line in lines[:-1] if not line.startswith("  hint: ")]
    errors = [line for line in diagnostics if DIAGNOSTIC_RE.fullmatch(line)]
    warnings = [line for line in diagnostics if WARNING_RE.fullmatch(line)]
    assert errors, "an invalid case has an error"
    assert diagnostics == errors + warnings, "errors first, then warnings, nothing else"
    assert int(summary[1]) == len(errors)
    assert ("1 problem found" in lines[-1]) == (len(errors) == 1)


# --- every case, in-process ---------------------------------------------------------------


@pytest.mark.parametrize("case", _params(CASES))
def test_check(
    case: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    update_golden: bool,
) -> None:
    site = _site_for(case, tmp_path)
    before = _snapshot(site)
    monkeypatch.chdir(site)
    code, out, err = _run("check", capsys)
    if update_golden and case not in KNOWN_BAD:
        (INVALID / case / EXPECTED).write_text(err, encoding="utf-8")
    _assert_failed_cleanly(code, out, err)
    assert _snapshot(site) == before, "check changed files of the site"
    assert err == _expected(case)


@pytest.mark.parametrize("case", _params(CASES))
def test_build(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site_for(case, tmp_path)
    before = _snapshot(site)
    monkeypatch.chdir(site)
    code, out, err = _run("build", capsys)
    _assert_failed_cleanly(code, out, err)
    assert _snapshot(site) == before, "a failed build changed public/ or left files behind"
    assert err == _build_stderr(_expected(case))


# --- a few cases in a real process -----------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("case", _params(SUBPROCESS_CASES))
def test_subprocess(case: str, command: str, tmp_path: Path) -> None:
    site = _site_for(case, tmp_path)
    before = _snapshot(site)
    result = subprocess.run(
        [sys.executable, "-m", "xpromo_site", command, "--today", TODAY],
        cwd=site,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    _assert_failed_cleanly(result.returncode, result.stdout, result.stderr)
    assert _snapshot(site) == before
    expected = _expected(case)
    assert result.stderr == (expected if command == "check" else _build_stderr(expected))
