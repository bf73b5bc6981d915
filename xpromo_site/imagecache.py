"""The share-image cache: PNGs kept between builds, found by the hash of their inputs.

An entry is `<folder>/share/<key>.png`, where key hashes everything drawn into the
image (see shareimages.ShareImage.key), so an entry is either exactly right or
never looked at: there is nothing to invalidate. Entries no build has used for
`KEEP_UNUSED` are removed, so the folder does not grow without end.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .shareimages import ShareImage, draw_share_images, unique

CACHE_DIR = ".xpromo-cache"  # in the program's folder, beside public/
KEEP_UNUSED = 30 * 24 * 3600  # seconds


@dataclass(frozen=True)
class ImageStats:
    """What one build did with its share images."""

    drawn: int = 0
    reused: int = 0
    seconds: float = 0.0  # spent drawing

    @property
    def per_second(self) -> float | None:
        """Return images drawn per second, or None when none were drawn."""
        return self.drawn / self.seconds if self.drawn and self.seconds > 0 else None


class ImageCache:
    """Share images from the cache folder, drawing (and, if writable, storing) the rest."""

    def __init__(self, folder: Path | None, writable: bool = True) -> None:
        self.folder = folder / "share" if folder is not None else None
        self.writable = writable and folder is not None

    def _entry(self, image: ShareImage) -> Path | None:
        return self.folder / f"{image.key}.png" if self.folder is not None else None

    def _read(self, image: ShareImage) -> bytes | None:
        entry = self._entry(image)
        if entry is None:
            return None
        try:
            data = entry.read_bytes()
        except OSError:
            return None
        if self.writable:
            _touch(entry)
        return data

    def process(self, images: Sequence[ShareImage]) -> tuple[dict[str, bytes], ImageStats]:
        """Return path → PNG bytes for every image, and how many were drawn or reused.

        Raises XpromoError when a logo cannot be drawn.
        """
        found: dict[str, bytes] = {}
        missing = []
        todo = unique(images)
        for image in todo:
            data = self._read(image)
            if data is None:
                missing.append(image)
            else:
                found[image.path] = data
        start = time.perf_counter()
        drawn = draw_share_images(missing)
        seconds = time.perf_counter() - start
        if self.writable:
            for image in missing:
                self._store(image, drawn[image.path])
            self._prune()
        found.update(drawn)
        return found, ImageStats(len(missing), len(todo) - len(missing), seconds)

    def _store(self, image: ShareImage, data: bytes) -> None:
        entry = self._entry(image)
        assert entry is not None and self.folder is not None
        try:  # a cache that cannot be written only costs time
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
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
        limit = time.time() - KEEP_UNUSED
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return
        for entry in entries:
            try:
                if entry.stat().st_mtime < limit:
                    entry.unlink()
            except OSError:
                continue


def _touch(entry: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(entry)
