"""Images in Markdown copy: each resolved to a file of the site, or a located error."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from .errors import Collector
from .images import ImageProblem, PreparedImage, prepare_image, removed_summary
from .limits import MAX_RASTER_BYTES, size_problem
from .models import (
    Body,
)
from .urls import read

IMAGE_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif")
CHECKED_IMAGE_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".webp")  # the ones images.py reads


def _site_path(src: str, rel: str) -> str | None:
    """Return the site-root path of an image written in the file rel, or None if outside."""
    target = unquote(src.split("#")[0].split("?")[0])
    base = PurePosixPath() if target.startswith("/") else PurePosixPath(rel).parent
    parts: list[str] = []
    for part in (base / target.lstrip("/")).parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


_PATH_HINT = "write the path from the site root, e.g. /assets/diagram.png, or relative to this file"


def _image_problem(path: str | None, root: Path) -> tuple[str, str] | None:
    """Return (problem, hint) for an image path that cannot be used, else None."""
    if path is None:
        return "points outside the site", "keep images inside the site, under assets/"
    if PurePosixPath(path).suffix.lower() not in IMAGE_TYPES:
        return "is not an image file (SVG, PNG, JPEG, WebP, GIF or AVIF)", _PATH_HINT
    full = root / path
    try:
        found = full.is_file()
        outside = found and not full.resolve().is_relative_to(root.resolve())
    except OSError as error:  # a name too long for the file system, a link loop
        return f"is not a usable path ({error.strerror or error})", _PATH_HINT
    if not found:
        return f"not found (looked for {path})", _PATH_HINT
    if outside:
        return (
            "is a link to a file outside the site",
            "copy the image into assets/ instead of linking to it",
        )
    too_large = size_problem(full, MAX_RASTER_BYTES)
    if too_large:
        return f"cannot be used: {too_large}", "export it again at the size it is shown"
    return None


def resolve_images(
    body: Body, rel: str, root: Path, collector: Collector, images: dict[str, PreparedImage]
) -> Body:
    """Return body with each image's site path set; report remote or unusable images.

    Images xpromo can read (SVG, PNG, JPEG, WebP) are made safe into images; GIF and AVIF
    are published as they are.
    """
    resolved = []
    for image in body.images:
        src = image.src
        reading = read(src)
        if reading.offsite or ":" in src.split("/")[0]:
            host = reading.host or src
            collector.error(
                image.location,
                f"image '{src}' is not a file in the site; loading it would send every "
                f"visitor's browser to {host}",
                "save the image under assets/ and refer to it by path, "
                "e.g. ![Diagram](/assets/diagram.png)",
            )
            continue
        path = _site_path(src, rel)
        problem = _image_problem(path, root)
        if problem is None and path is not None and path.lower().endswith(CHECKED_IMAGE_TYPES):
            try:
                prepared = prepare_image(root / path)
            except ImageProblem as error:
                problem = (f"cannot be used: {error.message}", error.hint or _PATH_HINT)
            else:
                images[path] = prepared
                if prepared.removed:
                    collector.warning(
                        image.location,
                        f"image '{src}': removed what could run script or load other files: "
                        + removed_summary(prepared.removed),
                        "the cleaned image is published; ask for a plain SVG export",
                    )
        if problem is not None or path is None:
            message, hint = problem or ("points outside the site", "")
            collector.error(image.location, f"image '{src}' {message}", hint)
            continue
        resolved.append(replace(image, path=path))
    return replace(body, images=tuple(resolved))
