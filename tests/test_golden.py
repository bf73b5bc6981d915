"""Golden output: the demo program, built as of a fixed date, byte for byte.

When an output change is intended, regenerate with
``python -m pytest tests/test_golden.py --update-golden`` and review the diff of
``tests/golden/demo/`` like code.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from tests.conftest import REPO
from xpromo_site.build import build

GOLDEN = Path(__file__).resolve().parent / "golden" / "demo"
TODAY = dt.date(2026, 11, 23)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_demo_matches_golden_output(tmp_path: Path, update_golden: bool) -> None:
    out = tmp_path / "public"
    build(REPO, out, TODAY, cache=tmp_path / "cache")  # every share image drawn afresh
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN)
    built, golden = _files(out), _files(GOLDEN)
    assert sorted(built) == sorted(golden), "files added or removed: run --update-golden"
    changed = [name for name in built if built[name] != golden[name]]
    assert not changed, f"changed output: {changed} (review, then run --update-golden)"
