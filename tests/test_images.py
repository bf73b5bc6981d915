"""Raster logos and images: opened safely, stripped of metadata, written the same every time."""

from __future__ import annotations

import io
import struct
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from xpromo_site.images import ImageProblem, prepare_image
from xpromo_site.limits import MAX_LOGO_PIXELS


def _write(tmp_path: Path, name: str, image: Image.Image, **options: object) -> Path:
    path = tmp_path / name
    image.save(path, **options)  # type: ignore[arg-type]
    return path


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _png_claiming(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def test_png_metadata_is_stripped(tmp_path: Path) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Secret Designer")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    path = _write(
        tmp_path,
        "logo.png",
        Image.new("RGB", (8, 4), (15, 118, 110)),
        pnginfo=info,
        exif=exif.tobytes(),
    )
    data = prepare_image(path).data
    for needle in (b"tEXt", b"eXIf", b"Secret", b"iCCP", b"tIME"):
        assert needle not in data
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.mode, image.size) == ("PNG", "RGB", (8, 4))
        assert image.getpixel((0, 0)) == (15, 118, 110)


def test_the_same_file_gives_the_same_bytes(tmp_path: Path) -> None:
    image = Image.new("RGBA", (64, 32), (0, 0, 0, 0))
    image.paste((200, 30, 40, 255), (8, 8, 56, 24))
    for kind in ("png", "webp", "jpg"):
        path = _write(tmp_path, f"logo.{kind}", image.convert("RGB") if kind == "jpg" else image)
        assert prepare_image(path).data == prepare_image(path).data, kind


def test_transparent_margins_are_trimmed(tmp_path: Path) -> None:
    image = Image.new("RGBA", (100, 50), (0, 0, 0, 0))
    image.paste((0, 0, 0, 255), (10, 5, 90, 25))
    prepared = prepare_image(_write(tmp_path, "logo.png", image))
    assert (prepared.width, prepared.height) == (80, 20)


def test_exif_orientation_is_applied_then_dropped(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 12.0)}
    path = _write(
        tmp_path, "photo.jpg", Image.new("RGB", (40, 20), (200, 60, 30)), exif=exif.tobytes()
    )
    prepared = prepare_image(path)
    assert (prepared.width, prepared.height) == (20, 40)
    assert b"Exif" not in prepared.data
    with Image.open(io.BytesIO(prepared.data)) as image:
        assert not image.getexif()


def test_a_colour_profile_is_applied_then_dropped(tmp_path: Path) -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    plain = _write(tmp_path, "plain.png", Image.new("RGB", (4, 4), (90, 120, 200)))
    tagged = _write(
        tmp_path, "srgb.png", Image.new("RGB", (4, 4), (90, 120, 200)), icc_profile=srgb
    )
    # an sRGB profile changes nothing; the profile is not published either way
    assert prepare_image(tagged).data == prepare_image(plain).data
    broken = _write(tmp_path, "odd.png", Image.new("RGB", (4, 4)), icc_profile=b"not a profile")
    with pytest.raises(ImageProblem) as caught:
        prepare_image(broken)
    assert caught.value.message.startswith("its embedded colour profile cannot be applied")


def test_a_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_claiming(100_000, 100_000))
    start = time.perf_counter()
    with pytest.raises(ImageProblem) as caught:
        prepare_image(path)
    assert time.perf_counter() - start < 0.5
    assert "decompression bomb" in caught.value.message


def test_logos_have_a_lower_pixel_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    path.write_bytes(_png_claiming(5000, 5000))
    with pytest.raises(ImageProblem) as caught:
        prepare_image(path, MAX_LOGO_PIXELS)
    assert caught.value.message == (
        "the image is 5000x5000 pixels, more than the 16.8 megapixels allowed; it is refused "
        "before it is decoded"
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("logo.png", b"not an image", "the file is not a readable image"),
        ("logo.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 ", "the file is not a readable image"),
        ("logo.png", _png_claiming(4, 4)[:40], "the file is not a readable image"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ImageProblem) as caught:
        prepare_image(path)
    assert caught.value.message.startswith(message) or "damaged" in caught.value.message


def test_a_truncated_image_is_damaged(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.effect_noise((64, 64), 40).convert("RGB").save(buffer, "PNG")
    path = tmp_path / "cut.png"
    path.write_bytes(buffer.getvalue()[:-200])
    with pytest.raises(ImageProblem) as caught:
        prepare_image(path)
    assert caught.value.message.startswith("the image is damaged")


def test_sixteen_bit_grey_is_scaled_not_clipped(tmp_path: Path) -> None:
    path = _write(tmp_path, "grey.png", Image.new("I;16", (4, 4), 32768))
    with Image.open(io.BytesIO(prepare_image(path).data)) as image:
        assert image.mode == "L"
        assert image.getpixel((0, 0)) in (127, 128)  # 32768 of 65535 is half-way
