"""Campaign types come from one registry: a type added there (course) builds everywhere."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.conftest import edit
from tests.htmltools import parse_html
from xpromo_site.build import build
from xpromo_site.campaigntypes import BLOCKS, TYPES, reading
from xpromo_site.dev.scaffold import _campaign_text
from xpromo_site.frontmatter import EVENT_TYPES, OFFER_TYPES, TYPE_BLOCKS
from xpromo_site.models import CAMPAIGN_TYPE_LABELS, CAMPAIGN_TYPES

CAMPAIGN = "content/campaigns/backup-webinar.md"


def test_every_list_of_types_is_the_registry() -> None:
    assert tuple(TYPES) == CAMPAIGN_TYPES
    assert {name: kind.label for name, kind in TYPES.items()} == CAMPAIGN_TYPE_LABELS
    assert reading("event") == EVENT_TYPES and reading("offer") == OFFER_TYPES
    assert set(TYPE_BLOCKS) == set(BLOCKS)
    for kind in TYPES.values():
        assert kind.block is None or kind.block in BLOCKS, kind
        assert (kind.block is None) == (kind.details is None), kind


def test_a_course_is_a_campaign_with_an_event(minimal_copy: Path, tmp_path: Path) -> None:
    edit(minimal_copy / CAMPAIGN, "type: webinar", "type: course")
    out = tmp_path / "public"
    report = build(minimal_copy, out, dt.date(2026, 11, 23), images=False)
    assert not report.warnings
    page = parse_html((out / "backup-webinar/index.html").read_text())
    assert page.find("p", class_="hero__kicker").text.startswith("Course")  # type: ignore[union-attr]
    assert page.find("h2", id="details-heading").text == "Course details"  # type: ignore[union-attr]
    scripts = [s.text for s in page.iter("script") if s.attrs.get("type") == "application/ld+json"]
    assert any(json.loads(text).get("@type") == "Event" for text in scripts)
    for variant in ("", "alpha/", "beta/"):  # the calendar file of every variant
        assert (out / f"backup-webinar/{variant}event.ics").is_file()


def test_new_campaign_writes_the_block_its_type_reads() -> None:
    for name, kind in TYPES.items():
        text = _campaign_text("x", ["a", "b"], name, dt.date(2026, 11, 23), "https://a.example")
        for block in BLOCKS:
            assert (f"\n{block}:" in text) == (kind.block == block), (name, block)
