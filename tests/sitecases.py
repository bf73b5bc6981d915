"""Case folders laid over the minimal site: the mechanism of tests/invalid/ and tests/warnings/.

A case folder holds only what differs from ``tests/sites/minimal/``: any file is copied
over a fresh copy of the minimal site at the same path, and an empty ``<path>.delete``
deletes ``<path>``, ``<path>.pad`` pads it to a size and symlinks stay symlinks (see
``overlay``). ``expected.txt`` holds the exact stderr the case gives and is not
copied. See the docstrings of tests/test_invalid.py and tests/test_warnings.py.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from xpromo_site.cli import main

TESTS = Path(__file__).resolve().parent
MINIMAL = TESTS / "sites" / "minimal"
EXPECTED = "expected.txt"
ABSENT = "absent.txt"  # tests/hostile: strings no built file may contain
DELETE_SUFFIX = ".delete"
PAD_SUFFIX = ".pad"
TODAY = "2026-11-23"

SENTINEL = {
    "public/index.html": b"<!doctype html><title>the previous build</title>\n",
    "public/beta/index.html": b"<!doctype html><title>a page of the previous build</title>\n",
    "public/links.csv": b"campaign,audience,destination,channel,placement,url\n",
    "public/.xpromo-output": b"an earlier build's marker\n",  # the folder is xpromo's
}


def case_names(folder: Path) -> list[str]:
    """Return the names of the case folders under folder, sorted."""
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def overlay(case_dir: Path, site: Path) -> None:
    """Lay the case's files over the site.

    `<path>.delete` deletes `<path>`; `<path>.pad` (holding a byte count) pads `<path>`
    with newlines up to that size, for size limits without committing large files; a
    symlink in the case becomes the same symlink in the site.
    """
    pads = []
    for source in sorted(case_dir.rglob("*")):
        rel = source.relative_to(case_dir)
        if source.is_symlink():
            target = site / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            target.symlink_to(os.readlink(source))
            continue
        if source.is_dir() or rel.as_posix() in (EXPECTED, ABSENT):
            continue
        if source.name.endswith(PAD_SUFFIX):
            pads.append((site / rel.with_name(source.name.removesuffix(PAD_SUFFIX)), source))
            continue
        if source.name.endswith(DELETE_SUFFIX):
            target = site / rel.with_name(source.name.removesuffix(DELETE_SUFFIX))
            assert target.exists(), f"{case_dir.name}: {rel} deletes a file the site lacks"
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink()
            continue
        target = site / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    for target, pad in pads:
        size = int(pad.read_text().strip())
        assert target.is_file(), f"{case_dir.name}: {pad.name} pads a file the case lacks"
        with target.open("ab") as grown:
            grown.write(b"\n" * (size - target.stat().st_size))


def site_for(case_dir: Path | None, tmp_path: Path) -> Path:
    """Return a fresh copy of the minimal site, the case laid over it, with a sentinel public/."""
    site = tmp_path / "site"
    shutil.copytree(MINIMAL, site)
    if case_dir is not None:
        overlay(case_dir, site)
    for rel, data in SENTINEL.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data)
    return site


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under folder (hidden ones included) with its bytes; None for folders.

    The build lock (.xpromo-cache/lock, taken before anything is read) is left out: every
    build makes it, and it holds nothing.
    """
    lock = {".xpromo-cache", ".xpromo-cache/lock"}
    paths = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))}
    if set(paths) - lock == {p for p in paths if not p.startswith(".xpromo-cache")}:
        paths = {name: p for name, p in paths.items() if name not in lock}
    else:
        paths.pop(".xpromo-cache/lock", None)
    return {name: None if p.is_dir() else p.read_bytes() for name, p in paths.items()}


def run(command: str, capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, str, str]:
    """Run `xpromo <command> --today TODAY [options]` in-process; return code, stdout, stderr."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main([command, "--today", TODAY, *options])
    out, err = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 0 if code is None else 1), out, err
