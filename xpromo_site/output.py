"""The only writer: stage the whole site beside the output folder, then swap it in.

A build that fails before `publish` leaves the previous output exactly as it was;
`publish` itself replaces it with two renames, so readers never see a half-written
site.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from .render import OutputFile


def _siblings(output: Path) -> tuple[Path, Path]:
    return (output.with_name(f".{output.name}.staging"), output.with_name(f".{output.name}.old"))


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def publish(files: Iterable[OutputFile], output: Path) -> int:
    """Write files into output, replacing what was there; return how many were written."""
    output = output.absolute()
    staging, old = _siblings(output)
    if old.exists() and not output.exists():
        old.rename(output)  # an earlier publish stopped between its two renames
    _remove(staging)
    _remove(old)
    staging.mkdir(parents=True)
    made: set[Path] = {staging}
    count = 0
    try:
        for file in files:
            target = staging / file.path
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(file.data)
            count += 1
    except BaseException:
        _remove(staging)
        raise
    if output.exists():
        output.rename(old)
    staging.rename(output)
    _remove(old)
    return count
