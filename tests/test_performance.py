"""Large-program features: builds without images, up-to-date checks, writing only what changed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.test_cli import run, snapshot
from xpromo_site.imagecache import CACHE_DIR

TODAY = "2026-11-23"


def test_no_images_leaves_share_images_and_qr_codes_out(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["build", "-s", str(demo_copy), "--today", TODAY, "--no-images"], capsys)
    assert code == 0, err
    assert "share images:" not in out
    files = snapshot(demo_copy / "public")
    assert not [p for p in files if p.startswith("assets/share/") or "qr-code" in p]
    assert not (demo_copy / CACHE_DIR / "share").exists()
    assert not (demo_copy / CACHE_DIR / "qr").exists()
    page = files["cloud-backup-webinar/contoso/index.html"].decode()
    assert "og:image" not in page
    assert 'name="twitter:card"' in page
    hub = files["partners/contoso/index.html"].decode()
    assert "Share image" not in hub
    assert "QR code" not in hub
    assert "email.html" in hub  # the rest of the kit is there
    assert "<img" not in files["partners/contoso/kit/cloud-backup-webinar/email.html"].decode()
    with zipfile.ZipFile(io.BytesIO(files["partners/contoso/contoso-kit.zip"])) as kit:
        names = kit.namelist()
    assert "contoso-kit/cloud-backup-webinar/email.txt" in names
    assert not [n for n in names if n.endswith(".png") or "qr-code" in n]

    code, out, err = run(["check", "-s", str(demo_copy), "--today", TODAY, "--no-images"], capsys)
    assert code == 0, err
    assert "share images:" not in out


def test_images_are_on_by_default(demo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["build", "-s", str(demo_copy), "--today", TODAY], capsys)
    assert code == 0, err
    files = snapshot(demo_copy / "public")
    assert [p for p in files if p.startswith("assets/share/")]
    assert "og:image" in files["cloud-backup-webinar/contoso/index.html"].decode()
