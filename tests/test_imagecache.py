"""The image cache is data from disk: a damaged entry is discarded and made again.

Every kind of entry (share image PNG, QR code SVG, QR code PNG) is damaged on disk in
every way a file can go wrong, and the next build must publish exactly the bytes a
clean build publishes, exit 0, and say in --verbose what it discarded.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sitecases import TODAY, run, site_for
from xpromo_site.build import build, check
from xpromo_site.publish.imagecache import CACHE_DIR
from xpromo_site.publish.output import MARKER

DAY = dt.date.fromisoformat(TODAY)
KINDS = {"share-png": ("share", ".png"), "qr-svg": ("qr", ".svg"), "qr-png": ("qr", ".png")}


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, bytes]]:
    """A site built once into public/ (filling its cache), the cache, and what was built."""
    root = tmp_path_factory.mktemp("clean")
    site = site_for(None, root)
    shutil.rmtree(site / "public")
    build(site, site / "public", DAY)
    published = _files(site / "public")
    assert any(p.startswith("assets/share/") for p in published)
    assert any("qr" in p and p.endswith(".svg") for p in published)
    return site, site / CACHE_DIR, published


def _fresh(clean: tuple[Path, Path, dict[str, bytes]], tmp_path: Path) -> Path:
    """Return a copy of the clean site with its filled cache and without its output."""
    site = tmp_path / "site"
    shutil.copytree(clean[0], site, symlinks=True, ignore=shutil.ignore_patterns("public"))
    return site


def _entry(site: Path, kind: str) -> Path:
    folder, suffix = KINDS[kind]
    entries = sorted((site / CACHE_DIR / folder).glob(f"*{suffix}"))
    assert entries, f"no {kind} entry in the cache"
    return entries[0]


def _inject_script(path: Path) -> None:
    data = path.read_bytes()
    if path.suffix == ".svg":
        path.write_bytes(data.replace(b"</svg>", b"<script>alert(1)</script></svg>"))
    else:
        path.write_bytes(data + b"<script>alert(1)</script>")


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _directory(path: Path) -> None:
    path.unlink()
    (path / "inside").mkdir(parents=True)


def _unreadable(path: Path) -> None:
    path.chmod(0)


def _pipe(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _endless_link(path: Path) -> None:
    path.unlink()
    path.symlink_to("/dev/zero")


def _dangling_link(path: Path) -> None:
    path.unlink()
    path.symlink_to(path.parent / "nowhere")


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "script": _inject_script,
    "truncated": _truncate,
    "emptied": _empty,
    "directory": _directory,
    "unreadable": _unreadable,
    "pipe": _pipe,
    "link-to-dev-zero": _endless_link,
    "dangling-link": _dangling_link,
    "one-bit": _flip,
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_damaged_entry_is_made_again(
    clean: tuple[Path, Path, dict[str, bytes]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    damage: str,
) -> None:
    site = _fresh(clean, tmp_path)
    entry = _entry(site, kind)
    DAMAGE[damage](entry)
    # a file without permissions is still readable by root: then it is whole, and reused
    damaged = damage != "unreadable" or not os.access(entry, os.R_OK)
    old_cwd = Path.cwd()
    os.chdir(site)
    try:
        code, out, err = run("build", capsys, "--verbose")
    finally:
        os.chdir(old_cwd)
    assert (code, err) == (0, ""), err
    assert _files(site / "public") == clean[2]
    assert ("image cache: 1 damaged entry discarded and made again" in out) is damaged
    repaired = _entry(site, kind)
    assert repaired.is_file() and not repaired.is_symlink()
    assert (site / CACHE_DIR).joinpath(*repaired.parts[-2:]).read_bytes() == (
        clean[1].joinpath(*repaired.parts[-2:]).read_bytes()
    )
    # once repaired the cache is used again
    again = build(site, tmp_path / "again", DAY)
    assert (again.images.drawn, again.images.qr_made, again.images.discarded) == (0, 0, ())
    assert _files(tmp_path / "again") == clean[2]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_check_makes_a_damaged_entry_in_memory_and_writes_nothing(
    clean: tuple[Path, Path, dict[str, bytes]], tmp_path: Path, kind: str
) -> None:
    site = _fresh(clean, tmp_path)
    _inject_script(_entry(site, kind))
    cache = _files(site / CACHE_DIR)
    report = check(site, DAY)
    assert len(report.images.discarded) == 1
    built = {path: data for path, data in clean[2].items() if path != MARKER}  # build's own
    assert {f.path: f.data for f in report.files} == built
    assert _files(site / CACHE_DIR) == cache


def test_an_entry_with_a_script_and_a_matching_name_is_not_published(
    clean: tuple[Path, Path, dict[str, bytes]], tmp_path: Path
) -> None:
    """Its name carries the digest of its bytes, but the sanitiser would change it."""
    import hashlib

    site = _fresh(clean, tmp_path)
    entry = _entry(site, "qr-svg")
    data = entry.read_bytes().replace(b"</svg>", b"<script>alert(1)</script></svg>")
    key = entry.name.split(".")[0]
    entry.unlink()
    (entry.parent / f"{key}.{hashlib.sha256(data).hexdigest()}.svg").write_bytes(data)
    report = build(site, tmp_path / "out", DAY)
    assert report.images.qr_made == 1 and len(report.images.discarded) == 1
    assert _files(tmp_path / "out") == clean[2]


CACHE_EDITS = st.lists(
    st.tuples(
        st.integers(min_value=0),  # which entry
        st.sampled_from(["flip", "truncate", "cut-head"]),
        st.integers(min_value=0),  # where
        st.integers(min_value=1, max_value=255),  # the bits flipped
    ),
    min_size=1,
    max_size=4,
)


@given(CACHE_EDITS)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_any_damage_to_cache_files_publishes_what_a_clean_build_does(
    clean: tuple[Path, Path, dict[str, bytes]],
    edits: list[tuple[int, str, int, int]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        site = _fresh(clean, Path(folder))
        entries = sorted(p for kind in ("share", "qr") for p in (site / CACHE_DIR / kind).iterdir())
        damaged = set()
        for which, how, where, bits in edits:
            path = entries[which % len(entries)]
            data = bytearray(path.read_bytes())
            at = where % len(data) if data else 0
            if how == "flip" and data:
                data[at] ^= bits
            elif how == "truncate":
                del data[at:]
            else:
                del data[:at]
            path.write_bytes(bytes(data))
            damaged.add(path)
        report = build(site, site / "public", DAY)
        assert _files(site / "public") == clean[2]
        assert len(report.images.discarded) <= len(damaged)
        again = build(site, Path(folder) / "again", DAY)
        assert (again.images.drawn, again.images.qr_made) == (0, 0)
