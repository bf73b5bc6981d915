"""The image cache: share images and QR codes kept between builds, found by their inputs.

A share image is `<folder>/share/<key>.png`, a QR code `<folder>/qr/<key>.svg` and
`.png`, where key hashes everything drawn into them (shareimages.ShareImage.key,
qrcodes.QrRequest.key), so an entry is either exactly right or never looked at:
there is nothing to invalidate. Entries no build has used for `KEEP_UNUSED` are
removed, so the folder does not grow without end.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import Diagnostic, XpromoError
from .manifest import CACHE_DIR as CACHE_DIR  # in the program's folder, beside public/
from .manifest import filesystem_now
from .qrcodes import QrCode, QrRequest, make_qr
from .shareimages import ShareImage, draw_share_images, unique
from .workers import run, split, worker_count

KEEP_UNUSED = 30 * 24 * 3600  # seconds


@dataclass(frozen=True)
class ImageStats:
    """What one build did with its share images."""

    drawn: int = 0
    reused: int = 0
    seconds: float = 0.0  # spent drawing
    qr_made: int = 0
    qr_reused: int = 0

    @property
    def per_second(self) -> float | None:
        """Return images drawn per second, or None when none were drawn."""
        return self.drawn / self.seconds if self.drawn and self.seconds > 0 else None


class ImageCache:
    """Images from the cache folder, making (and, if writable, storing) the rest."""

    def __init__(self, folder: Path | None, writable: bool = True) -> None:
        self.folder = folder
        self.writable = writable and folder is not None

    def _read(self, name: str) -> bytes | None:
        if self.folder is None:
            return None
        entry = self.folder / name
        try:
            data = entry.read_bytes()
        except OSError:
            return None
        if self.writable:
            _touch(entry)
        return data

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
            data = self._read(f"share/{image.key}.png")
            if data is None:
                missing.append(image)
            else:
                found[image.path] = data
        start = time.perf_counter()
        drawn = _draw(missing)
        seconds = time.perf_counter() - start
        for image in missing:
            self._store(f"share/{image.key}.png", drawn[image.path])
        found.update(drawn)
        codes, made = self._qr_codes(qr_codes)
        if self.writable:
            self._prune()
        stats = ImageStats(len(missing), len(todo) - len(missing), seconds, made, len(codes) - made)
        return found, codes, stats

    def _qr_codes(self, requests: Sequence[QrRequest]) -> tuple[dict[QrRequest, QrCode], int]:
        codes: dict[QrRequest, QrCode] = {}
        made = 0
        for request in dict.fromkeys(requests):
            svg = self._read(f"qr/{request.key}.svg")
            png = self._read(f"qr/{request.key}.png")
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
                self._store(f"qr/{request.key}.svg", code.svg)
                self._store(f"qr/{request.key}.png", code.png)
            made += len(made_codes)
        return codes, made

    def _store(self, name: str, data: bytes) -> None:
        if not self.writable or self.folder is None:
            return
        entry = self.folder / name
        try:  # a cache that cannot be written only costs time
            entry.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        except OSError:
            return
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
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
                    if entry.stat().st_mtime < limit:
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
