"""Share images: the 1200x630 PNG a campaign page shows in link previews, drawn with Pillow.

An image is described by a `ShareImage` (the partners' logos, colours and words);
its `key` hashes every input, including the renderer's version, the font files and
the versions of Pillow and resvg, and names both the output file and its cache
entry. Drawing is deterministic: one font shipped in the package, Pillow's basic
text layout, SVG logos rasterised by resvg with system fonts switched off, and PNG
bytes without metadata at a fixed compression level.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Any

import PIL
import resvg_py
from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from .errors import Diagnostic, Location, XpromoError
from .workers import TimedOut, WorkerError, call_with_timeout, can_fork

WIDTH, HEIGHT = 1200, 630
RENDERER_VERSION = "1"  # raise it whenever the drawing changes: every cached image is redrawn
FONTS = Path(__file__).parent / "fonts"
REGULAR_FONT = FONTS / "DejaVuSans.ttf"
BOLD_FONT = FONTS / "DejaVuSans-Bold.ttf"
FONT_FAMILY = "DejaVu Sans"
PNG_COMPRESS_LEVEL = 6
SHARE_DIR = "assets/share"

_MARGIN = 60
_PANEL = (_MARGIN, 60, WIDTH - _MARGIN, 250)  # the light panel that holds the lockup
_LOGO_HEIGHT = 110
_LOGO_MAX_WIDTH = 380
_SEPARATOR_WIDTH = 56
_KICKER_Y, _KICKER_SIZE = 288, 28
_TITLE_TOP, _TITLE_BOTTOM = 338, 550
_TITLE_SIZES = (68, 60, 54, 48, 44)
_FOOTER_Y, _FOOTER_SIZE = 566, 24
_ACCENT_HEIGHT = 18
_XLINK = "{http://www.w3.org/1999/xlink}href"
RASTER_SECONDS = 10.0  # a logo draws in milliseconds: beyond this, it is refused
MAX_RASTER_SIDE = 1200  # pixels: no logo is drawn wider or higher than the image


@dataclass(frozen=True, slots=True)
class Logo:
    """A partner's logo as a file's bytes, with where it was named for messages."""

    path: str  # relative to the site root
    data: bytes
    location: Location


@dataclass(frozen=True, slots=True)
class ShareImage:
    """Everything drawn into one share image; `key` names its file and its cache entry."""

    stem: str  # the file name before the hash, e.g. "cloud-backup-webinar-contoso"
    logos: tuple[Logo, ...]  # the leading partner's first
    kicker: str  # e.g. "Webinar · Thursday 10 December 2026"
    title: str
    footer: str  # e.g. the site's host name
    background: str  # the leading partner's primary colour
    foreground: str  # its on_primary colour
    panel: str  # its background colour, behind the logos
    separator: str  # its text colour, for the times sign between logos
    accent: str

    @property
    def key(self) -> str:
        """Return the hex digest of every input of the image."""
        return _key(self)

    @property
    def path(self) -> str:
        """Return the output path: assets/share/<stem>.<hash>.png."""
        return f"{SHARE_DIR}/{self.stem}.{self.key[:10]}.png"


@cache
def _font_digest() -> str:
    digest = hashlib.sha256()
    for font in (REGULAR_FONT, BOLD_FONT):
        digest.update(font.read_bytes())
    return digest.hexdigest()


@cache
def _key(image: ShareImage) -> str:
    inputs = {
        "renderer": RENDERER_VERSION,
        "pillow": PIL.__version__,
        "resvg": resvg_py.__version__,
        "fonts": _font_digest(),
        "size": [WIDTH, HEIGHT],
        "logos": [
            [logo.path.rpartition(".")[2].lower(), hashlib.sha256(logo.data).hexdigest()]
            for logo in image.logos
        ],
        "words": [image.kicker, image.title, image.footer],
        "colors": [image.background, image.foreground, image.panel, image.separator, image.accent],
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


_fonts = threading.local()  # a FreeType face must not be used by two threads at once


def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    cached = getattr(_fonts, "faces", None)
    if cached is None:
        cached = _fonts.faces = {}
    face = cached.get((bold, size))
    if face is None:
        face = ImageFont.truetype(
            str(BOLD_FONT if bold else REGULAR_FONT), size, layout_engine=ImageFont.Layout.BASIC
        )
        cached[(bold, size)] = face
    return face


def _without_outside_files(svg: bytes) -> str:
    """Return the SVG as text without references to files outside it.

    resvg would read any file an <image> or <use> names, even by absolute path, and
    draw it into public output.
    """
    root = ElementTree.fromstring(svg)
    for parent in list(root.iter()):
        for child in list(parent):
            href = child.get("href") or child.get(_XLINK) or ""
            if href and not href.startswith(("#", "data:")):
                parent.remove(child)
    ElementTree.register_namespace("", "http://www.w3.org/2000/svg")
    ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    return ElementTree.tostring(root, encoding="unicode")


_RESVG_APART = """
import json, sys, resvg_py
options = json.loads(sys.stdin.buffer.read())
try:
    png = resvg_py.svg_to_bytes(**options)
except ValueError as error:
    sys.stderr.write(str(error))
    sys.exit(3)
sys.stdout.buffer.write(png)
"""


@lru_cache(maxsize=256)
def _rasterise(svg: str, width: int, height: int) -> bytes:
    """Return the SVG drawn by resvg to fit width x height pixels, as PNG bytes.

    Raises ValueError when resvg cannot draw it and TimedOut when drawing takes longer
    than RASTER_SECONDS: it runs in a process of its own, stopped then (forked, or where
    this process may not fork, such as the preview server's, a new interpreter). Logos
    lose their filter effects before they get here, but a megabyte can still ask a lot.
    """
    if not (0 < width <= MAX_RASTER_SIDE and 0 < height <= MAX_RASTER_SIDE):
        raise ValueError(f"{width}x{height} pixels is beyond what a share image draws")
    options: dict[str, Any] = {
        "svg_string": svg,
        "width": width,
        "height": height,
        "skip_system_fonts": True,
        "font_files": [str(REGULAR_FONT), str(BOLD_FONT)],
        "font_family": FONT_FAMILY,
        "serif_family": FONT_FAMILY,
        "sans_serif_family": FONT_FAMILY,
        "monospace_family": FONT_FAMILY,
    }
    if can_fork():
        return call_with_timeout(partial(resvg_py.svg_to_bytes, **options), RASTER_SECONDS)
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", _RESVG_APART],
            input=json.dumps(options).encode(),
            capture_output=True,
            timeout=RASTER_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise TimedOut(f"it took longer than {RASTER_SECONDS:g} seconds") from None
    except OSError as error:
        raise WorkerError(f"the renderer could not start ({error})") from None
    if done.returncode == 3:
        raise ValueError(done.stderr.decode("utf-8", "replace"))
    if done.returncode != 0:
        raise WorkerError(f"the renderer ended with exit status {done.returncode}")
    return done.stdout


def _logo_image(logo: Logo, width: int, height: int) -> Image.Image:
    """Return the logo scaled to fit width x height; raise XpromoError if it cannot be drawn."""
    try:
        if logo.path.lower().endswith(".svg"):
            png = _rasterise(_without_outside_files(logo.data), width, height)
            image: Image.Image = Image.open(io.BytesIO(png), formats=["PNG"])
            if image.width > width or image.height > height:
                raise ValueError(f"the renderer drew {image.width}x{image.height} pixels")
            image.load()
            return image.convert("RGBA")
        with Image.open(io.BytesIO(logo.data)) as source:
            image = source.convert("RGBA")
    except TimedOut as error:
        reason = f"drawing it was stopped: {error}"
    except WorkerError as error:
        reason = f"the renderer stopped: {error}"
    except UnidentifiedImageError:
        reason = "it is not a readable image"
    except ElementTree.ParseError as error:
        reason = f"it is not valid SVG: {error}"
    except (ValueError, OSError) as error:
        reason = str(error)
    else:
        scale = min(width / image.width, height / image.height)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        return image.resize(size, Image.Resampling.LANCZOS)
    raise XpromoError(
        [
            Diagnostic(
                logo.location,
                f"the logo {logo.path} cannot be drawn into share images ({reason})",
                "open it in a browser or image editor and export it again as plain SVG or PNG",
            )
        ]
    )


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Return text broken into lines no wider than width (long words are cut)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        while font.getlength(line) > width:
            cut = len(line) - 1
            while cut > 1 and font.getlength(line[:cut]) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    return lines


def _fit_title(title: str) -> tuple[ImageFont.FreeTypeFont, list[str], int]:
    """Return the largest title font whose wrapped lines fit, the lines and line height."""
    width = WIDTH - 2 * _MARGIN
    room = _TITLE_BOTTOM - _TITLE_TOP
    for size in _TITLE_SIZES:
        font = _font(True, size)
        lines = _wrap(title, font, width)
        line_height = round(size * 1.18)
        if len(lines) * line_height <= room:
            return font, lines, line_height
    line_height = round(size * 1.18)
    lines = lines[: room // line_height]
    last = lines[-1]
    while last and font.getlength(last + "…") > width:
        last = last[:-1].rstrip()
    lines[-1] = last + "…"
    return font, lines, line_height


def _draw_lockup(canvas: Image.Image, draw: ImageDraw.ImageDraw, image: ShareImage) -> None:
    left, top, right, bottom = _PANEL
    draw.rounded_rectangle(_PANEL, radius=24, fill=image.panel)
    count = len(image.logos)
    room = right - left - 80 - (count - 1) * _SEPARATOR_WIDTH
    box_width = min(_LOGO_MAX_WIDTH, room // count)
    pictures = [_logo_image(logo, box_width, _LOGO_HEIGHT) for logo in image.logos]
    total = sum(p.width for p in pictures) + (count - 1) * _SEPARATOR_WIDTH
    x = left + (right - left - total) // 2
    middle = (top + bottom) // 2
    separator = _font(False, 40)
    for index, picture in enumerate(pictures):
        if index:
            draw.text(
                (x + _SEPARATOR_WIDTH // 2, middle),
                "\N{MULTIPLICATION SIGN}",
                font=separator,
                fill=image.separator,
                anchor="mm",
            )
            x += _SEPARATOR_WIDTH
        canvas.alpha_composite(picture, (x, middle - picture.height // 2))
        x += picture.width


def draw_share_image(image: ShareImage) -> bytes:
    """Return the PNG bytes of the share image.

    Raises XpromoError when a logo cannot be drawn.
    """
    canvas = Image.new("RGBA", (WIDTH, HEIGHT), image.background)
    draw = ImageDraw.Draw(canvas)
    _draw_lockup(canvas, draw, image)
    draw.text(
        (_MARGIN, _KICKER_Y),
        image.kicker.upper(),
        font=_font(False, _KICKER_SIZE),
        fill=image.foreground,
    )
    font, lines, line_height = _fit_title(image.title)
    for index, line in enumerate(lines):
        draw.text(
            (_MARGIN, _TITLE_TOP + index * line_height), line, font=font, fill=image.foreground
        )
    draw.text(
        (_MARGIN, _FOOTER_Y), image.footer, font=_font(False, _FOOTER_SIZE), fill=image.foreground
    )
    draw.rectangle((0, HEIGHT - _ACCENT_HEIGHT, WIDTH, HEIGHT), fill=image.accent)
    buffer = io.BytesIO()
    canvas.convert("RGB").save(buffer, "PNG", compress_level=PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


def unique(images: Iterable[ShareImage]) -> list[ShareImage]:
    """Return images without repeats of the same output path, in path order."""
    return sorted({image.path: image for image in images}.values(), key=lambda i: i.path)


def draw_share_images(images: Sequence[ShareImage]) -> dict[str, bytes]:
    """Return path → PNG bytes for each image (each path drawn once).

    Raises XpromoError listing every logo that cannot be drawn.
    """
    drawn: dict[str, bytes] = {}
    problems: list[Diagnostic] = []
    for image in unique(images):
        try:
            drawn[image.path] = draw_share_image(image)
        except XpromoError as error:
            problems.extend(error.diagnostics)
    if problems:
        raise XpromoError(problems)
    return drawn
