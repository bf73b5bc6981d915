"""Publishing under faults: the output folder holds the old site or the new one, never a mix,
and a build writes only into a folder that is its own.

Faults are injected two ways: a forked child build stops dead (os._exit, as SIGKILL would:
no cleanup runs) at the Nth file-system change of its publish, for every N; and, where
strace is installed, the kernel kills a real build at its exchange of folders.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import edit, subprocess_env
from tests.sitecases import MINIMAL, TODAY, run, snapshot
from xpromo_site.build import build
from xpromo_site.errors import FolderError
from xpromo_site.publish import output as output_module
from xpromo_site.publish.output import MARKER, lock
from xpromo_site.publish.output import swap as output_swap

DAY = dt.date.fromisoformat(TODAY)
CAMPAIGN = "content/campaigns/backup-webinar.md"


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(MINIMAL, site)
    return site


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _change(site: Path) -> None:
    edit(site / CAMPAIGN, "walk through a real recovery", "walk through two real recoveries")


# --- 1. only a folder of its own ---------------------------------------------------------------


def test_a_folder_holding_other_files_is_refused_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site(tmp_path)
    git = site / ".git"
    (git / "objects").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    docs = site / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Our hand-written docs\n")
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("keep me\n")
    before = snapshot(tmp_path)
    monkeypatch.chdir(site)
    for target in (".git", "docs", "../other", "docs/index.md"):
        code, out, err = run("build", capsys, "-o", target)
        assert code == 2, (target, err)
        assert out == "" and "Traceback" not in err
        assert "Invalid value for '--output'" in err and f"'{target}'" in err
        assert snapshot(tmp_path) == before, target
    assert (
        "holds files xpromo did not write (it has no .xpromo-output file)"
        in (run("build", capsys, "-o", "docs")[2])
    )


def test_missing_empty_and_marked_folders_are_built_into(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site(tmp_path)
    (site / "empty").mkdir()
    monkeypatch.chdir(site)
    for target in ("public", "empty", "../elsewhere/site"):
        code, _, err = run("build", capsys, "-o", target)
        assert code == 0, err
        assert (site / target / MARKER).is_file()
    edit(site / CAMPAIGN, "Engineers", "Two engineers")
    code, _, err = run("build", capsys, "-o", "empty")  # marked now: built again
    assert code == 0, err
    assert "Two engineers" in (site / "empty/backup-webinar/index.html").read_text()


def test_an_output_an_earlier_version_wrote_is_recognised_by_its_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site(tmp_path)
    monkeypatch.chdir(site)
    assert run("build", capsys)[0] == 0
    (site / "public" / MARKER).unlink()  # as xpromo wrote it before the marker existed
    for kept in (site / ".xpromo-cache" / "builds").glob("*.json"):  # in its manifest format
        data = json.loads(kept.read_text())
        kept.write_text(json.dumps({**data, "format": 2}))
    _change(site)
    code, _, err = run("build", capsys)
    assert code == 0, err
    assert (site / "public" / MARKER).is_file()


# --- 2. all or nothing --------------------------------------------------------------------------

_CHANGES = ("link", "rename", "replace", "unlink", "rmdir", "mkdir", "makedirs", "symlink")


def _killed_at(step: int, site: Path, out: Path, exchange: bool, log: Path | None = None) -> bool:
    """Build site into out in a forked child that dies at the step-th file-system change of
    its publish (no cleanup, like SIGKILL); return True when it got that far.

    With log, the child dies nowhere and writes the name of each change it made there.
    """
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        count = [0]
        names: list[str] = []

        def fault(original: Callable[..., Any]) -> Callable[..., Any]:
            def call(*args: Any, **kwargs: Any) -> Any:
                count[0] += 1
                names.append(getattr(original, "__name__", "exchange"))
                if count[0] == step:
                    os._exit(9)
                return original(*args, **kwargs)

            return call

        publish = output_module.publish

        def publish_with_faults(*args: Any, **kwargs: Any) -> int:
            for name in _CHANGES:
                setattr(os, name, fault(getattr(os, name)))
            if exchange:
                output_swap._exchange = fault(output_swap._exchange)  # type: ignore[assignment]
            else:
                output_swap._exchange = lambda first, second: False  # type: ignore[assignment]
            return publish(*args, **kwargs)

        output_module.publish = publish_with_faults  # type: ignore[assignment]
        sys.modules["xpromo_site.build"].publish = publish_with_faults  # type: ignore[attr-defined]
        try:
            build(site, out, DAY, cache=site / ".cache", workers=1)
        except BaseException:
            os._exit(3)
        if log is not None:
            log.write_text("\n".join(names))
        os._exit(0)
    _, status = os.waitpid(child, 0)
    code = os.waitstatus_to_exitcode(status)
    assert code in (0, 9), f"the child build failed with {code}"
    return code == 9


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
@pytest.mark.parametrize("clean", [False, True], ids=["incremental", "clean"])
def test_a_build_killed_at_any_step_of_publishing_leaves_the_old_site_or_the_new(
    tmp_path: Path, exchange: bool, clean: bool
) -> None:
    site = _site(tmp_path)
    out, cache = site / "public", site / ".cache"
    build(site, out, DAY, cache=cache, workers=1)
    old = _tree(out)
    pristine = tmp_path / "pristine"
    shutil.copytree(out, pristine / "public")  # copy2 keeps each mtime: still "unchanged"
    shutil.copytree(cache, pristine / "cache")
    _change(site)
    build(site, tmp_path / "new", DAY, cache=tmp_path / "new-cache", workers=1)
    new = _tree(tmp_path / "new")
    assert old != new

    def restore() -> None:
        for folder, name in ((out, "public"), (cache, "cache")):
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(pristine / name, folder)
        if clean:
            shutil.rmtree(cache / "builds")  # nothing recorded: every file is written

    restore()
    log = tmp_path / "changes.txt"
    assert not _killed_at(0, site, out, exchange, log)
    changes = log.read_text().splitlines()
    # the changes around each rename (where a mix could show), the first and last, and
    # eight more spread over the rest (links into staging, removals of the old site)
    renames = [n for n, name in enumerate(changes, 1) if name in ("rename", "replace", "_exchange")]
    spread = range(1, len(changes) + 1, max(1, len(changes) // 8))
    steps = sorted(
        {1, 2, len(changes), *spread, *renames, *(n + 1 for n in renames if n < len(changes))}
    )
    assert len(changes) >= 3, changes
    for step in steps:
        restore()
        assert _killed_at(step, site, out, exchange), f"no change {step}: {changes}"
        found = _tree(out)
        if not out.exists():  # stopped between the two renames: the old site waits beside
            found = _tree(out.with_name(".public.old"))
        assert found in (old, new), f"a mix of the old site and the new after {changes[:step]}"
        build(site, out, DAY, cache=cache, workers=1)  # the next build finishes the work
        assert _tree(out) == new, f"the build after a stop at step {step} is not the new site"
        left = [p.name for p in out.parent.iterdir() if p.name.startswith(".public")]
        assert not left, f"the build after a stop at step {step} left {left}"
    restore()
    assert not _killed_at(len(changes) + 1, site, out, exchange)
    assert _tree(out) == new


# --- 3. one build at a time ---------------------------------------------------------------------


def _start_build(site: Path, *options: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "xpromo_site", "build", "-s", str(site), "--today", TODAY, *options],
        env=subprocess_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_second_build_waits_for_the_first_and_says_so(tmp_path: Path) -> None:
    site = _site(tmp_path)
    with lock(site / ".xpromo-cache", lambda: None):  # a build is running
        second = _start_build(site)
        assert second.stderr is not None
        line = second.stderr.readline()
        assert line == f"waiting for another build using {site / '.xpromo-cache'}/\n"
        time.sleep(0.3)
        assert second.poll() is None, "the second build did not wait"
        assert not (site / "public").exists()
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert out.startswith("Built ")


def test_builds_started_together_all_succeed_and_publish_one_whole_site(tmp_path: Path) -> None:
    site = _site(tmp_path)
    build(site, tmp_path / "alone", DAY, cache=tmp_path / "alone-cache")
    builds = [_start_build(site, "--force") for _ in range(3)]
    for started in builds:
        _, err = started.communicate(timeout=180)
        assert (started.returncode, "Traceback" in err) == (0, False), err
    assert _tree(site / "public") == _tree(tmp_path / "alone")
    assert not [p.name for p in site.iterdir() if p.name.startswith(".public")]


# --- 4. symbolic links and mount points ---------------------------------------------------------


def test_an_output_folder_that_is_a_symbolic_link_is_written_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site(tmp_path)
    real = tmp_path / "served" / "www"
    real.parent.mkdir()
    (site / "public").symlink_to(real, target_is_directory=True)
    monkeypatch.chdir(site)
    for change in (False, True):
        if change:
            _change(site)
        code, _, err = run("build", capsys)
        assert code == 0, err
        assert (site / "public").is_symlink() and os.readlink(site / "public") == str(real)
        assert (real / "backup-webinar" / "index.html").is_file()
    assert "two real recoveries" in (real / "backup-webinar/index.html").read_text()
    assert sorted(p.name for p in real.parent.iterdir()) == ["www"]  # no staging left


def _can_mount() -> bool:
    if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    probe = Path(f"/tmp/xpromo-mount-probe-{os.getpid()}")
    probe.mkdir(exist_ok=True)
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(probe)])
        if done.returncode == 0:
            subprocess.run(["umount", str(probe)], check=True)
        return done.returncode == 0
    finally:
        probe.rmdir()


mounting = pytest.mark.skipif(not _can_mount(), reason="needs root and tmpfs mounts")


@contextmanager
def _mounted(folder: Path, size: str) -> Iterator[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


@mounting
def test_an_output_folder_that_is_a_mount_point_is_published_into(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site(tmp_path)
    build(site, tmp_path / "new", DAY, cache=tmp_path / "c1")
    with _mounted(site / "public", "64m") as public:
        monkeypatch.chdir(site)
        assert run("build", capsys)[0] == 0
        _change(site)
        code, _, err = run("build", capsys)
        assert code == 0, err
        assert os.path.ismount(public)
        assert "two real recoveries" in (public / "backup-webinar/index.html").read_text()
        build(site, tmp_path / "new2", DAY, cache=tmp_path / "c2")
        assert _tree(public) == _tree(tmp_path / "new2")


# --- 5. the user's disk ---------------------------------------------------------------------


def _previous_site(folder: Path) -> dict[str, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_bytes(b"an earlier build\n")
    (folder / "index.html").write_bytes(b"<!doctype html><title>the previous build</title>\n")
    return _tree(folder)


@mounting
def test_a_full_disk_is_a_plain_error_and_the_old_site_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site(tmp_path)
    with _mounted(tmp_path / "small", "48k") as small:
        before = _previous_site(small / "public")
        monkeypatch.chdir(site)
        code, out, err = run("build", capsys, "-o", str(small / "public"))
        assert (code, out, "Traceback" in err, "internal" in err) == (1, "", False, False), err
        assert "No space left on device (ENOSPC)" in err
        assert "\n  hint: free some space on that disk" in err
        assert err.endswith(f"error: the build stopped; {small / 'public'}/ was left as it was\n")
        assert _tree(small / "public") == before
        assert sorted(p.name for p in small.iterdir()) == ["public"]


@mounting
def test_a_read_only_disk_is_a_plain_error_and_the_old_site_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site(tmp_path)
    with _mounted(tmp_path / "disk", "64m") as disk:
        monkeypatch.chdir(site)
        assert run("build", capsys, "-o", str(disk / "public"))[0] == 0
        before = _tree(disk / "public")
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        _change(site)
        code, out, err = run("build", capsys, "-o", str(disk / "public"))
        assert (code, out, "Traceback" in err, "internal" in err) == (1, "", False, False), err
        assert "Read-only file system (EROFS)" in err
        assert "hint: build into a folder on a writable disk (--output)" in err
        assert _tree(disk / "public") == before


def test_a_write_the_disk_refuses_is_a_plain_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site(tmp_path)
    before = _previous_site(site / "public")

    def full(self: object, path: str, data: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), f"{site}/.public.staging/{path}")

    monkeypatch.setattr(output_module.Stage, "add", full)
    monkeypatch.chdir(site)
    code, out, err = run("build", capsys)
    assert (code, out) == (1, "")
    assert err.startswith(f"{site / 'public'}: error: cannot write {site}/.public.staging/")
    assert "No space left on device (ENOSPC)" in err
    assert _tree(site / "public") == before
    assert not [p.name for p in site.iterdir() if p.name.startswith(".public")]
    with pytest.raises(FolderError):
        build(site, site / "public", DAY)
