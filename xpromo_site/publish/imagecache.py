"""The image cache: share images and QR codes kept between builds, found by their inputs.

A share image is `<folder>/share/<key>.<digest>.png`, a QR code `<folder>/qr/<key>.<digest>.svg`
and `.png`, where key hashes everything drawn into them (shareimages.ShareImage.key,
qrcodes.QrRequest.key), so an entry is either exactly right or never looked at:
there is nothing to invalidate. Entries no build has used for `KEEP_UNUSED` are
removed, so the folder does not grow without end.

An entry is data from disk like any other, and is checked before it is published:
digest is the SHA-256 of its bytes, which must match, and it must decode as what it
claims to be (a PNG of the expected size; a QR SVG the sanitiser leaves unchanged). An
entry that fails (damaged, truncated, emptied, replaced by a folder, a link or a pipe)
is discarded and made again, and the build says so in its --verbose summary. Entries
are written to a temporary file and renamed into place, so a reader sees a whole entry
or none.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import stat
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from ..errors import Diagnostic, XpromoError
from ..qrcodes import PNG_SCALE, SVG_SCALE, QrCode, QrRequest, make_qr
from ..shareimages import HEIGHT, WIDTH, ShareImage, draw_share_images, unique
from ..svg import SvgError, sanitise_svg
from ..workers import run, split, worker_count
from .manifest import CACHE_DIR as CACHE_DIR  # in the program's folder, beside public/
from .manifest import filesystem_now

KEEP_UNUSED = 30 * 24 * 3600  # seconds
MAX_ENTRY_BYTES = 20_000_000  # far above any share image or QR code: larger is not ours
_ENTRY = re.compile(r"([0-9a-f]{64})\.([0-9a-f]{64})(\.png|\.svg)")


@dataclass(frozen=True)
class ImageStats:
    """What one build did with its share images."""

    drawn: int = 0
    reused: int = 0
    seconds: float = 0.0  # spent drawing
    qr_made: int = 0
    qr_reused: int = 0
    discarded: tuple[str, ...] = field(default=())  # cache entries that failed their checks

    @property
    def per_second(self) -> float | None:
        """Return images drawn per second, or None when none were drawn."""
        return self.drawn / self.seconds if self.drawn and self.seconds > 0 else None


def _png_ok(data: bytes, size: tuple[int, int] | None = None) -> bool:
    """True when data decodes whole as a PNG (of size, when given)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
                if size is not None and image.size != size:
                    return False
                if image.width * image.height > 4096 * 4096:
                    return False
                image.load()
    except (
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        return False
    return True


def _share_image_ok(data: bytes) -> bool:
    return _png_ok(data, (WIDTH, HEIGHT))


def _qr_svg_ok(data: bytes) -> bool:
    """True when data is an SVG the sanitiser made: sanitising it again changes nothing."""
    try:
        again = sanitise_svg(data)
    except SvgError:
        return False
    return again.data == data and not again.removed


def _qr_png_ok(data: bytes, *, svg: bytes) -> bool:
    """True when data decodes as the PNG of the same code as svg (its size in modules)."""
    modules = sanitise_svg(svg).width / SVG_SCALE
    side = round(modules * PNG_SCALE)
    return modules == int(modules) and _png_ok(data, (side, side))


class ImageCache:
    """Images from the cache folder, making (and, if writable, storing) the rest."""

    def __init__(self, folder: Path | None, writable: bool = True) -> None:
        self.folder = folder
        self.writable = writable and folder is not None
        self._listed: dict[str, dict[tuple[str, str], list[str]]] = {}
        self.discarded: list[str] = []

    def _names(self, kind: str, key: str, suffix: str) -> list[str]:
        """Return the entries of kind stored for key and suffix, as `<key>.<digest><suffix>`."""
        if self.folder is None:
            return []
        listed = self._listed.get(kind)
        if listed is None:
            listed = self._listed[kind] = {}
            try:
                names = sorted(os.listdir(self.folder / kind))
            except OSError:
                names = []
            for name in names:
                match = _ENTRY.fullmatch(name)
                if match:
                    listed.setdefault((match[1], match[3]), []).append(name)
        return listed.get((key, suffix), [])

    def _load(
        self, kind: str, key: str, suffix: str, valid: Callable[[bytes], bool]
    ) -> bytes | None:
        """Return the bytes of key's first entry that passes its checks, discarding those
        that fail; None when none passes."""
        for name in self._names(kind, key, suffix):
            entry = f"{kind}/{name}"
            data = self._read(entry)
            digest = name[len(key) + 1 : -len(suffix)]
            if data is not None and hashlib.sha256(data).hexdigest() == digest and valid(data):
                if self.writable:
                    _touch(self.folder / entry)  # type: ignore[operator]
                return data
            self._discard(entry)
        return None

    def _read(self, name: str) -> bytes | None:
        """Return the bytes of a regular file in the cache, never following a link or
        waiting on a pipe; None when it cannot be read."""
        assert self.folder is not None
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            handle = os.open(self.folder / name, flags)
        except OSError:
            return None
        try:
            info = os.fstat(handle)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
                return None
            with os.fdopen(handle, "rb", closefd=False) as file:
                return file.read(MAX_ENTRY_BYTES + 1)
        except OSError:
            return None
        finally:
            os.close(handle)

    def _discard(self, name: str) -> None:
        """Note an entry that failed its checks and, if the cache is writable, remove it."""
        self.discarded.append(name)
        if not self.writable or self.folder is None:
            return
        entry = self.folder / name
        with contextlib.suppress(OSError):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink()

    def process(
        self, images: Sequence[ShareImage], qr_codes: Sequence[QrRequest] = ()
    ) -> tuple[dict[str, bytes], dict[QrRequest, QrCode], ImageStats]:
        """Return path → PNG bytes of every share image, every QR code, and what was made.

        Raises XpromoError when a logo cannot be drawn.
        """
        found: dict[str, bytes] = {}
        missing = []
        todo = unique(images)
        for image in todo:
            data = self._load("share", image.key, ".png", _share_image_ok)
            if data is None:
                missing.append(image)
            else:
                found[image.path] = data
        start = time.perf_counter()
        drawn = _draw(missing)
        seconds = time.perf_counter() - start
        for image in missing:
            self._store("share", image.key, ".png", drawn[image.path])
        found.update(drawn)
        codes, made = self._qr_codes(qr_codes)
        if self.writable:
            self._prune()
        stats = ImageStats(
            len(missing),
            len(todo) - len(missing),
            seconds,
            made,
            len(codes) - made,
            tuple(self.discarded),
        )
        return found, codes, stats

    def _qr_codes(self, requests: Sequence[QrRequest]) -> tuple[dict[QrRequest, QrCode], int]:
        codes: dict[QrRequest, QrCode] = {}
        made = 0
        for request in dict.fromkeys(requests):
            svg = self._load("qr", request.key, ".svg", _qr_svg_ok)
            png = None
            if svg is not None:
                png = self._load("qr", request.key, ".png", partial(_qr_png_ok, svg=svg))
            if svg is not None and png is not None:
                codes[request] = QrCode(request.url, svg, png)
                continue
            codes[request] = None  # type: ignore[assignment]  # made below, in order
        missing = [request for request, code in codes.items() if code is None]
        workers = worker_count(len(missing), MIN_IMAGES_PER_WORKER)
        for made_codes in run(_make_codes, split(missing, workers, per_worker=4), workers):
            for code, request in zip(
                made_codes, missing[made : made + len(made_codes)], strict=True
            ):
                codes[request] = code
                self._store("qr", request.key, ".svg", code.svg)
                self._store("qr", request.key, ".png", code.png)
            made += len(made_codes)
        return codes, made

    def _store(self, kind: str, key: str, suffix: str, data: bytes) -> None:
        if not self.writable or self.folder is None:
            return
        entry = self.folder / kind / f"{key}.{hashlib.sha256(data).hexdigest()}{suffix}"
        try:  # a cache that cannot be written only costs time
            entry.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        except OSError:
            return
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            os.replace(temporary, entry)  # readers see a whole entry or none
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)

    def _prune(self) -> None:
        assert self.folder is not None
        now = filesystem_now(self.folder)
        if now is None:
            return
        limit = now - KEEP_UNUSED
        for kind in ("share", "qr"):
            try:
                entries = list((self.folder / kind).iterdir())
            except OSError:
                continue
            for entry in entries:
                try:
                    if entry.lstat().st_mtime < limit:
                        entry.unlink()
                except OSError:
                    continue


MIN_IMAGES_PER_WORKER = 16  # below this, starting workers costs more than it saves


def _draw(images: Sequence[ShareImage]) -> dict[str, bytes]:
    """Draw images, in worker processes when there are enough; raises XpromoError."""
    workers = worker_count(len(images), MIN_IMAGES_PER_WORKER)
    drawn: dict[str, bytes] = {}
    for part, problems in run(_draw_chunk, split(images, workers, per_worker=4), workers):
        if problems:
            raise XpromoError(list(problems))
        drawn.update(part)
    return drawn


def _draw_chunk(images: Sequence[ShareImage]) -> tuple[dict[str, bytes], Sequence[Diagnostic]]:
    try:
        return draw_share_images(images), ()
    except XpromoError as error:  # sent back as data: the exception does not pickle whole
        return {}, error.diagnostics


def _make_codes(requests: Sequence[QrRequest]) -> list[QrCode]:
    return [make_qr(request) for request in requests]


def _touch(entry: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(entry)
