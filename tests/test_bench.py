"""The benchmark's generated programs stay valid and deterministic as the schema evolves."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

from tests.conftest import REPO
from xpromo_site.build import check

_spec = importlib.util.spec_from_file_location("generate", REPO / "bench" / "generate.py")
assert _spec is not None and _spec.loader is not None
generate_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate_module)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_generated_program_checks_clean_and_is_deterministic(tmp_path: Path) -> None:
    generate_module.generate(tmp_path / "a", partners=6, campaigns=12, seed=3)
    generate_module.generate(tmp_path / "b", partners=6, campaigns=12, seed=3)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    report = check(tmp_path / "a", dt.date(2026, 11, 23), strict=True)
    assert len(report.site.live) == 12
    assert report.warnings == ()
