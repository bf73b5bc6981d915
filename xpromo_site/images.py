"""Image files from partners, made safe to publish: SVGs sanitised, rasters re-encoded.

A raster (PNG, JPEG, WebP) is opened by the decoder of its kind only, refused above a
pixel limit before it is decoded, turned upright (EXIF orientation), converted to sRGB
when it carries a colour profile, cut to its visible part (fully transparent margins
go), and written again with fixed settings and no metadata (no EXIF, text chunks or
profile): the same file gives the same bytes on every build with the same Pillow. An
SVG goes through `svg.sanitise_svg`.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

try:  # littlecms ships with Pillow's wheels; a build without it cannot convert profiles
    from PIL import ImageCms
except ImportError:  # pragma: no cover - depends on how Pillow was built
    ImageCms = None  # type: ignore[assignment]

from .limits import (
    MAX_IMAGE_PIXELS,
    MAX_RASTER_BYTES,
    MAX_SVG_BYTES,
    FileProblem,
    format_size,
    read_file,
)
from .svg import SvgError, sanitise_svg

RASTER_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}
_TOO_LARGE_HINT = (
    "export it at the size it is shown: a few hundred pixels wide is plenty for a logo"
)
_GREY_MODES = ("1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "I;16N", "F")


class ImageProblem(Exception):
    """The file cannot be published as an image: message says why, hint how to fix it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True, slots=True)
class PreparedImage:
    """The bytes to publish and the image's proportions.

    width and height are pixels for rasters (after trimming) and viewBox units for SVGs.
    removed lists what sanitising took out of an SVG that could run script or load other
    files, each with its line.
    """

    data: bytes
    width: float
    height: float
    removed: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()  # filter effects removed from an SVG, each with its line


def prepare_image(
    path: Path, max_pixels: int = MAX_IMAGE_PIXELS, keep_effects: bool = True
) -> PreparedImage:
    """Return the safe version of the image file at path.

    With keep_effects False an SVG loses its filter effects (see svg.sanitise_svg).

    Raises ImageProblem when the file is too large, is not an image of the kind its name
    says, is animated, has more than max_pixels pixels, or cannot be made safe.
    """
    suffix = path.suffix.lower()
    limit = MAX_SVG_BYTES if suffix == ".svg" else MAX_RASTER_BYTES
    size = path.stat().st_size
    if size > limit:
        raise ImageProblem(
            f"the file is too large ({format_size(size)}; at most {format_size(limit)})",
            "export it again at the size it is shown, without embedded fonts or previews",
        )
    try:
        data = read_file(path, limit)
    except FileProblem as problem:
        raise ImageProblem(problem.message, problem.hint) from None
    if suffix == ".svg":
        try:
            svg = sanitise_svg(data, keep_effects)
        except SvgError as error:
            raise ImageProblem(str(error), error.hint) from None
        return PreparedImage(svg.data, svg.width, svg.height, svg.removed, svg.effects)
    return _prepare_raster(data, RASTER_FORMATS[suffix], max_pixels)


def removed_summary(removed: tuple[str, ...], shown: int = 4) -> str:
    """Return what sanitising removed, for a warning: the first few, then how many more."""
    parts = list(removed[:shown])
    if len(removed) > shown:
        parts.append(f"and {len(removed) - shown} more")
    return "; ".join(parts)


def _open(data: bytes, expected: str) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data), formats=[expected])
    except UnidentifiedImageError:
        try:  # name what the file holds, reading its header only
            with Image.open(io.BytesIO(data), formats=list(set(RASTER_FORMATS.values()))) as other:
                found = other.format
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            found = None
        if found and found != expected:
            raise ImageProblem(f"the file holds a {found} image, not {expected}") from None
        raise ImageProblem("the file is not a readable image") from None


def _prepare_raster(data: bytes, expected: str, max_pixels: int) -> PreparedImage:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with _open(data, expected) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise ImageProblem(
                        f"the image is {width}x{height} pixels, more than the "
                        f"{max_pixels / 1_000_000:.1f} megapixels allowed; it is refused "
                        "before it is decoded",
                        _TOO_LARGE_HINT,
                    )
                if getattr(image, "n_frames", 1) > 1:
                    raise ImageProblem("animated images are not accepted", "export a still image")
                image.load()
                clean = _normalise(image)
        except ImageProblem:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            limit = (Image.MAX_IMAGE_PIXELS or 0) / 1_000_000
            raise ImageProblem(
                f"the image claims more than {limit:.0f} megapixels, the mark of a "
                "decompression bomb; it is refused before it is decoded",
                _TOO_LARGE_HINT,
            ) from None
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise ImageProblem(f"the image is damaged ({error})") from None
    clean = _trim(clean)
    return PreparedImage(_encode(clean, expected), clean.width, clean.height)


def _normalise(image: Image.Image) -> Image.Image:
    """Return an upright sRGB copy in L, LA, RGB or RGBA with no metadata."""
    upright = ImageOps.exif_transpose(image) or image
    icc = image.info.get("icc_profile")
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    grey = image.mode in _GREY_MODES
    if image.mode.startswith("I") or image.mode == "F":
        upright = upright.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    if icc:
        upright = _to_srgb(upright, icc, has_alpha)
        grey = False
    target = ("LA" if has_alpha else "L") if grey else ("RGBA" if has_alpha else "RGB")
    clean = upright.convert(target)
    clean.info = {}
    return clean


def _to_srgb(image: Image.Image, icc: bytes, has_alpha: bool) -> Image.Image:
    if ImageCms is None:  # pragma: no cover - depends on how Pillow was built
        raise ImageProblem(
            "it carries a colour profile, and this Pillow cannot convert colour profiles",
            "export the image again in sRGB without a profile",
        )
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if ImageCms.getProfileDescription(source).strip().lower().startswith("srgb"):
            return image
        mode = "RGBA" if has_alpha else "RGB"
        if image.mode not in (mode, "CMYK", "L"):
            image = image.convert(mode)
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as error:
        raise ImageProblem(
            f"its embedded colour profile cannot be applied ({error})",
            "export the image again in sRGB",
        ) from None
    if converted is None:  # pragma: no cover - only when converting in place
        return image
    return converted


def _trim(image: Image.Image) -> Image.Image:
    """Return image cut to the box of its visible pixels (alpha above zero)."""
    if image.mode not in ("LA", "RGBA"):
        return image
    box = image.getchannel("A").getbbox()
    if box is None:
        raise ImageProblem("the image is fully transparent", "export it again with its artwork")
    if box == (0, 0, image.width, image.height):
        return image
    return image.crop(box)


def _encode(image: Image.Image, kind: str) -> bytes:
    """Return image written with fixed settings and no metadata."""
    buffer = io.BytesIO()
    if kind == "JPEG":
        if image.mode not in ("L", "RGB"):
            image = image.convert("RGB")
        image.save(buffer, "JPEG", quality=90, subsampling=0, optimize=False, progressive=False)
    elif kind == "WEBP":
        image.save(buffer, "WEBP", lossless=True, quality=100, method=4, exact=False)
    else:
        image.save(buffer, "PNG", compress_level=9, optimize=False)
    return buffer.getvalue()
