"""A program written to the file contract in PRODUCT.md, with brand kits as partners send them.

``tests/sites/contract/`` has one-logo partners with dark primary bands, a yellow accent
too pale for text on white, a webinar without ``event:`` and an offer and a bundle without
``offer:``. Optional fields stay optional: it builds with located warnings and exit 0, and
``--strict`` turns the same warnings into errors.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.sitecases import run

CONTRACT = Path(__file__).resolve().parent / "sites" / "contract"
DAY = ("--today", "2026-12-02")  # the campaigns start on 2026-12-01, as in PRODUCT.md

WARNINGS = [
    "content/campaigns/cloud-backup-webinar.md:3:7: warning: a webinar campaign without an "
    "'event:' block",
    "content/campaigns/crm-backup-offer.md:3:7: warning: an offer campaign without an 'offer:' "
    "block: its page has no price box",
    "content/campaigns/secure-crm-bundle.md:3:7: warning: a bundle campaign without an "
    "'offer:' block: its page has no price box",
    "partners.yaml:10:13: warning: utm_medium 'partner' matches none of GA4's",
    "partners.yaml:15:11: warning: partner 'northwind' has a dark primary colour",
    "partners.yaml:30:11: warning: partner 'contoso' has a dark primary colour",
]


@pytest.fixture
def contract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    site = tmp_path / "contract"
    shutil.copytree(CONTRACT, site)
    monkeypatch.chdir(site)
    return site


def _warning_lines(err: str, severity: str = "warning") -> list[str]:
    return [line for line in err.splitlines() if f": {severity}: " in line]


def test_it_builds_with_a_located_warning_for_each_adaptation(
    contract: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run("build", capsys, *DAY)
    assert code == 0, err
    assert out.startswith("Built 13 pages")
    lines = _warning_lines(err)
    assert len(lines) == len(WARNINGS), err
    for line, expected in zip(lines, WARNINGS, strict=True):
        assert line.startswith(expected)
    # not one warning or error about the accent: it only draws decorative rules
    assert "accent" not in err


def test_strict_turns_the_same_warnings_into_errors(
    contract: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run("build", capsys, *DAY, "--strict")
    assert (code, out) == (1, "")
    errors = _warning_lines(err, "error")
    assert len(errors) == len(WARNINGS), err
    for line, expected in zip(errors, WARNINGS, strict=True):
        assert line.startswith(expected.replace(": warning: ", ": error: ", 1))
    assert err.rstrip().endswith(
        f"error: {len(WARNINGS)} problems found; public/ was left as it was"
    )
    assert not (contract / "public").exists()


def test_the_pages_adapt_to_what_the_kits_leave_out(
    contract: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run("build", capsys, *DAY)
    assert code == 0, err
    public = contract / "public"
    webinar = (public / "cloud-backup-webinar" / "northwind" / "index.html").read_text()
    # the campaign's own dates stand in for the missing event block, and no calendar file
    assert 'From <time datetime="2026-12-01">1 December 2026</time>' in webinar
    assert 'Open until <time datetime="2027-01-15">15 January 2027</time>' in webinar
    assert not list(public.rglob("*.ics"))
    # no price box without an offer block
    for slug in ("crm-backup-offer", "secure-crm-bundle"):
        for page in (public / slug).rglob("index.html"):
            assert 'class="price"' not in page.read_text(), page
    # the one-logo partner's logo sits on a plate of its background on its own dark band
    assert 'logo--chip logo-plate-northwind"' in webinar
    (css,) = (public / "static").glob("xpromo.*.css")
    rules = css.read_text()
    assert re.search(r"\.logo--chip\.logo-plate-northwind\{background:#FFFFFF\}", rules)
    assert re.search(r"\.logo--chip\.logo-plate-contoso\{background:#FFFFFF\}", rules)
