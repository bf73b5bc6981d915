"""The build manifest: what the last build read and wrote, so an unchanged rebuild stops at once.

After each successful build, `.xpromo-cache/builds/<output>.json` records:

* every input file under the program's folder (path, size, mtime; and a content hash
  for files changed within `RACY_SECONDS` of the build's start, whose mtime alone
  could miss a second edit in the same clock tick), and where each symbolic link to a
  folder leads,
* every file the build actually read that the walk does not see (under a folder it
  skips, such as `node_modules/`, or behind a symbolic link to a folder), by the path it
  was read at, so an edit there or a link moved to another folder is seen too,
* the options (strict, host, images), xpromo's own files and its libraries' versions,
* the dates between which no campaign changes status (the build date's only effect),
* every output file (size, mtime and content digest), and what the build reported.

`up_to_date` answers from that alone, importing nothing heavy: the same inputs,
options and code, a date inside the window and an output folder holding exactly the
recorded files unchanged. Any doubt (a missing or unreadable manifest, a file
added, an mtime that moved) means a full build.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CACHE_DIR = ".xpromo-cache"  # in the program's folder, beside public/: images and manifests
FORMAT = 3
RACY_SECONDS = 2.0
SKIPPED_FOLDERS = frozenset({".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv"})
LIBRARIES = (
    "jinja2",
    "markupsafe",
    "markdown-it-py",
    "pyyaml",
    "pillow",
    "resvg-py",
    "segno",
    "icalendar",
    "defusedxml",
    "nh3",
    "idna",
)
PACKAGE = Path(__file__).resolve().parent.parent  # all of xpromo_site, not this folder


@dataclass(frozen=True)
class Manifest:
    """What one build read and wrote (see the module docstring)."""

    output: str
    options: dict[str, Any]
    inputs: dict[str, list[Any]]  # path → [size, mtime_ns] or [size, mtime_ns, sha256]
    valid_from: str | None  # ISO dates; the build's output holds for from <= today < until
    valid_until: str | None
    files: dict[str, str]  # output path → "size mtime_ns digest" (output.entry)
    report: dict[str, Any]  # counts and warnings the command line prints again
    read: dict[str, list[Any]]  # files read the walk does not see: path → as in inputs


def build_options(strict: bool, host: str | None, images: bool) -> dict[str, Any]:
    """Return the options a build's output depends on, as its manifest records them."""
    return {"strict": strict, "host": host, "images": images}


def manifest_path(cache: Path, output: Path) -> Path:
    """Return where the manifest of builds into output is kept in the cache folder."""
    key = hashlib.sha256(str(output.absolute()).encode()).hexdigest()[:16]
    return cache / "builds" / f"{key}.json"


def code_fingerprint() -> str:
    """Return a hash of xpromo's files (size, mtime), Python's and the libraries' versions."""
    digest = hashlib.sha256(sys.version.encode())
    for folder, dirs, files in os.walk(PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            found = os.stat(os.path.join(folder, name))
            digest.update(f"{folder}/{name}:{found.st_size}:{found.st_mtime_ns}\n".encode())
    for library in LIBRARIES:
        try:
            version = importlib.metadata.version(library)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{library}={version}\n".encode())
    return digest.hexdigest()


def _sha256(path: str) -> str | None:
    try:  # never waits on a named pipe: opened without blocking, read only if a file
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(handle, "rb") as file:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return None
        return hashlib.file_digest(file, "sha256").hexdigest()


def filesystem_now(folder: Path) -> float | None:
    """Return the time by the clock that stamps files in folder, or None if unknown.

    File ages are mtimes, which the file system sets; measuring them against the
    process's clock would misjudge every age whenever the two disagree (a network
    drive, a container, a clock moved for testing).
    """
    try:
        handle, name = tempfile.mkstemp(dir=folder, suffix=".now")
    except OSError:
        return None
    try:
        return os.fstat(handle).st_mtime
    finally:
        os.close(handle)
        with contextlib.suppress(OSError):
            os.unlink(name)


def scan_inputs(root: Path, skipped: set[Path], since: float | None = None) -> dict[str, list[Any]]:
    """Return every file under root (path → [size, mtime_ns]) but the skipped folders.

    Files whose mtime is after since - RACY_SECONDS also get their content hash.
    """
    found: dict[str, list[Any]] = {}
    racy_after = None if since is None else int((since - RACY_SECONDS) * 1e9)
    skip = {str(path.absolute()) for path in skipped}
    base = str(root.absolute())
    for folder, dirs, files in os.walk(base):
        dirs[:] = [
            d for d in dirs if d not in SKIPPED_FOLDERS and os.path.join(folder, d) not in skip
        ]
        relative = os.path.relpath(folder, base)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        for name in dirs:
            linked = os.path.join(folder, name)
            if os.path.islink(linked):  # not walked into: where it leads is the input
                with contextlib.suppress(OSError):
                    found[prefix + name] = ["link", os.readlink(linked)]
        for name in files:
            path = os.path.join(folder, name)
            try:
                found_stat = os.stat(path)
            except OSError:
                continue
            if not stat.S_ISREG(found_stat.st_mode):
                continue  # a named pipe, socket or device: never read, so not an input
            found[prefix + name] = _entry(path, found_stat, racy_after)
    return found


def _entry(path: str, found: os.stat_result, racy_after: int | None) -> list[Any]:
    entry: list[Any] = [found.st_size, found.st_mtime_ns]
    if racy_after is not None and found.st_mtime_ns >= racy_after:
        entry.append(_sha256(path))
    return entry


def files_read(
    root: Path, reads: set[str], walked: dict[str, list[Any]], since: float | None = None
) -> dict[str, list[Any]]:
    """Return the files in reads (absolute paths) under root that walked (scan_inputs)
    does not hold: path relative to root → entry, stat followed through links."""
    racy_after = None if since is None else int((since - RACY_SECONDS) * 1e9)
    base = str(root.absolute())
    found: dict[str, list[Any]] = {}
    for path in sorted(reads):
        relative = os.path.relpath(path, base)
        if relative.startswith(".."):
            continue  # outside the program: the checks refuse such paths
        name = relative.replace(os.sep, "/")
        if name in walked:
            continue
        try:
            status = os.stat(path)
        except OSError:
            continue
        found[name] = _entry(path, status, racy_after)
    return found


def _reads_unchanged(recorded: dict[str, list[Any]], root: Path) -> bool:
    for name, entry in recorded.items():
        path = str(root / name)
        try:
            status = os.stat(path)
        except OSError:
            return False
        if [status.st_size, status.st_mtime_ns] != entry[:2]:
            return False
        if len(entry) > 2 and _sha256(path) != entry[2]:
            return False
    return True


def _inputs_unchanged(
    recorded: dict[str, list[Any]], now: dict[str, list[Any]], root: Path
) -> bool:
    if recorded.keys() != now.keys():
        return False
    for path, entry in recorded.items():
        if now[path][:2] != entry[:2]:
            return False
        if len(entry) > 2 and _sha256(str(root / path)) != entry[2]:
            return False
    return True


def _output_unchanged(output: Path, files: dict[str, str]) -> bool:
    """True when output holds exactly the recorded files, each with its size and mtime."""
    seen = 0
    stack = [(str(output), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return False
        for entry in entries:
            name = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, name + "/"))
                continue
            recorded = files.get(name)
            if recorded is None or entry.is_symlink():
                return False
            found = entry.stat(follow_symlinks=False)
            if not recorded.startswith(f"{found.st_size} {found.st_mtime_ns} "):
                return False
            seen += 1
    return seen == len(files)


def load(path: Path) -> Manifest | None:
    """Return the manifest kept at path, or None when there is none or it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return None
        del data["format"]
        return Manifest(**data)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def built_into(path: Path, output: Path) -> bool:
    """True when the manifest at path, of this version or an earlier one, says a build
    wrote output (so an output folder from before the marker file is still xpromo's)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("output") == str(output.absolute())


def save(path: Path, manifest: Manifest) -> None:
    """Keep manifest at path (whole or not at all); a cache that cannot be written is skipped."""
    data = {"format": FORMAT, **manifest.__dict__}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump(data, handle, separators=(",", ":"))  # in pieces, never one big string
        os.replace(temporary, path)
    except OSError:
        return


def forget(path: Path) -> None:
    """Remove the manifest at path: the output is about to change."""
    try:
        path.unlink()
    except OSError:
        return


def in_window(manifest: Manifest, today: dt.date) -> bool:
    """True when today lies in the dates the manifest's build holds for."""
    day = today.isoformat()
    if manifest.valid_from is not None and day < manifest.valid_from:
        return False
    return manifest.valid_until is None or day < manifest.valid_until


def up_to_date(
    root: Path, output: Path, cache: Path, options: dict[str, Any], today: dt.date
) -> Manifest | None:
    """Return the last build's manifest when building again would change nothing, else None.

    options are the build's (strict, host, images); they and xpromo's code must be the
    ones recorded, today inside the recorded dates, every input file as recorded and
    the output folder holding exactly the files the build wrote.
    """
    manifest = load(manifest_path(cache, output))
    output = output.absolute()
    if manifest is None or manifest.output != str(output) or not in_window(manifest, today):
        return None
    if manifest.options != {**options, "code": code_fingerprint()}:
        return None
    inputs = scan_inputs(root, skipped_folders(output, cache))
    if not _inputs_unchanged(manifest.inputs, inputs, root):
        return None
    if not _reads_unchanged(manifest.read, root):
        return None
    return manifest if _output_unchanged(output, manifest.files) else None


def skipped_folders(output: Path, cache: Path) -> set[Path]:
    """Return the folders under the program's folder that are not its input."""
    output = output.absolute()
    written = Path(os.path.realpath(output))  # where a symbolic link leads
    return {
        output,
        written,
        *(
            f.with_name(f".{f.name}.{part}")
            for f in (output, written)
            for part in ("staging", "old")
        ),
        cache.absolute(),
    }
