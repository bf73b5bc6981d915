"""Layout in Chromium on a phone and a desktop: no sideways scroll, logos, CTA, readable bands.

Screenshots of one page of each type, at both sizes, land in tests/artifacts/screenshots/
for a person to look at.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page

from tests.browser.conftest import OpenPage
from tests.browser.harness import (
    ALL_PAGES,
    CAMPAIGN_TYPES,
    JS_BACKGROUND_OF,
    PAGE_TYPES,
    PHONE,
    SHOWCASE,
    VIEWPORTS,
    css_color_to_hex,
    page_type,
)
from xpromo_site.colors import contrast_ratio

# A lockup logo is drawn at least this large (CSS px) along the side its shape fills.
MIN_LOGO_HEIGHT = 28
MIN_LOGO_WIDTH = 100
# Of a logo's drawn box, at least this share of pixels must stand out from the background.
MIN_LOGO_INK = 0.04
REFLOW = {"width": 320, "height": 640}  # WCAG 1.4.10: 1280 CSS px at 400% zoom
CAMPAIGN_PAGES = [p for kind in CAMPAIGN_TYPES for p in PAGE_TYPES[kind]]
LIVE_CAMPAIGN_PAGES = [p for kind in ("canonical", "variant") for p in PAGE_TYPES[kind]]
DARK_PRIMARY_PAGES = [p for p in ALL_PAGES if "contoso" in p]  # Contoso's primary is navy

OVERFLOW_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const sticking = [...document.querySelectorAll('body *')]
    .filter((element) => element.getBoundingClientRect().right > width + 0.5
      && !element.closest('.table-scroll, .visually-hidden, .skip-link'))
    .map((element) => element.tagName.toLowerCase() + '.' + element.className);
  return {scrollWidth: document.documentElement.scrollWidth, width, sticking};
}
"""

# Each lockup logo: its box, and where the logo is drawn inside it (an image scaled with
# object-fit: contain, or the partner's name for a partner without a logo file).
LOGOS_JS = (
    "() => {"
    + JS_BACKGROUND_OF
    + """
  return [...document.querySelectorAll('.lockup .logo')].map((box) => {
    const image = box.querySelector('img');
    const content = image || box.querySelector('.logo__text') || box;
    const rect = content.getBoundingClientRect();
    let width = rect.width;
    let height = rect.height;
    if (image && image.naturalWidth > 0) {
      const scale = Math.min(width / image.naturalWidth, height / image.naturalHeight);
      width = image.naturalWidth * scale;
      height = image.naturalHeight * scale;
    }
    const frame = box.getBoundingClientRect();
    return {
      name: image ? image.getAttribute('src').split('/').pop() : box.textContent.trim(),
      box: [frame.width, frame.height],
      background: backgroundOf(box),
      loaded: image ? image.complete && image.naturalWidth > 0 : true,
      drawn: {
        x: rect.left + (rect.width - width) / 2 + window.scrollX,
        y: rect.top + (rect.height - height) / 2 + window.scrollY,
        width, height,
      },
      opacity: getComputedStyle(content).opacity,
      visibility: getComputedStyle(content).visibility,
    };
  });
}"""
)

CTA_JS = """
() => {
  const cta = document.querySelector('.hero__cta .button');
  if (!cta) return null;
  const box = cta.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return {top: box.top, bottom: box.bottom, left: box.left, right: box.right,
          onTop: cta === hit || cta.contains(hit), label: cta.textContent.trim()};
}
"""

BAND_TEXT_JS = (
    "() => {"
    + JS_BACKGROUND_OF
    + """
  const texts = [];
  for (const element of document.querySelectorAll('.band *')) {
    const own = [...element.childNodes]
      .filter((node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim());
    if (!own.length || element.closest('.logo, .visually-hidden')) continue;
    const style = getComputedStyle(element);
    texts.push({
      text: own.map((node) => node.textContent.trim()).join(' ').slice(0, 40),
      color: style.color, background: backgroundOf(element),
      size: parseFloat(style.fontSize), weight: Number(style.fontWeight),
    });
  }
  return texts;
}"""
)


def _ink_share(image: Image.Image, background: str) -> float:
    """Return the share of an RGB image's pixels with 3:1 contrast against background."""
    colors = image.getcolors(image.width * image.height) or []
    standing_out = sum(
        count
        for count, (red, green, blue) in colors
        if contrast_ratio(f"#{red:02x}{green:02x}{blue:02x}", background) >= 3.0
    )
    return standing_out / (image.width * image.height)


@pytest.mark.parametrize("path", ALL_PAGES)
def test_nothing_scrolls_sideways(open_page: OpenPage, path: str) -> None:
    with open_page(path, viewport=PHONE) as (page, _):
        for name, size in {"reflow-320": REFLOW, **VIEWPORTS}.items():
            page.set_viewport_size(size)
            found = page.evaluate(OVERFLOW_JS)
            assert found["scrollWidth"] <= found["width"], (name, found)
            assert found["sticking"] == [], (name, found)


EQUAL_AREA_SPREAD = 1.2  # drawn areas under lockup "equal": rounding and minimum widths only


def _check_lockup(page: Page, path: str, viewport: str) -> None:
    where = f"{path} ({viewport})"
    logos = page.evaluate(LOGOS_JS)
    assert len(logos) >= 2, f"{where}: a co-branded page shows every partner's logo"
    # Logos are sized by visible area (the lockup's mode): under "equal" every logo is drawn
    # with the same area, give or take rounding; a led lockup stays within its max_ratio (≤ 4).
    mode = page.evaluate(
        "() => [...document.querySelector('.lockup').classList]"
        ".find((c) => c.startsWith('lockup--')).slice(8)"
    )
    areas = [logo["drawn"]["width"] * logo["drawn"]["height"] for logo in logos]
    spread = max(areas) / min(areas)
    assert spread <= (EQUAL_AREA_SPREAD if mode == "equal" else 4 * 4), (
        f"{where}: under lockup '{mode}' the logos' drawn areas differ {spread:.2f} times: {logos}"
    )
    # One picture of the page's top; each logo is cut out of it.
    bottom = max(logo["drawn"]["y"] + logo["drawn"]["height"] for logo in logos)
    top_of_page = Image.open(
        io.BytesIO(
            page.screenshot(
                full_page=True,
                clip={"x": 0, "y": 0, "width": VIEWPORTS[viewport]["width"], "height": bottom + 1},
            )
        )
    ).convert("RGB")
    for logo in logos:
        assert logo["loaded"], f"{where}: {logo['name']} did not load"
        drawn = logo["drawn"]
        assert drawn["height"] >= MIN_LOGO_HEIGHT or drawn["width"] >= MIN_LOGO_WIDTH, (
            f"{where}: {logo['name']} is drawn at {drawn['width']:.0f}x{drawn['height']:.0f}"
        )
        assert drawn["x"] >= 0 and drawn["x"] + drawn["width"] <= VIEWPORTS[viewport]["width"]
        assert logo["opacity"] == "1" and logo["visibility"] == "visible", logo
        cut = top_of_page.crop(
            (
                round(drawn["x"]),
                round(drawn["y"]),
                round(drawn["x"] + drawn["width"]),
                round(drawn["y"] + drawn["height"]),
            )
        )
        ink = _ink_share(cut, css_color_to_hex(logo["background"]))
        assert ink >= MIN_LOGO_INK, (
            f"{where}: {logo['name']} barely shows on {logo['background']} "
            f"({ink:.1%} of its pixels stand out)"
        )


@pytest.mark.parametrize("path", CAMPAIGN_PAGES)
def test_every_lockup_logo_is_visible_large_enough_and_weighted_by_its_lockup(
    open_page: OpenPage, path: str
) -> None:
    with open_page(path, viewport=PHONE) as (page, _):
        for viewport, size in VIEWPORTS.items():
            page.set_viewport_size(size)
            _check_lockup(page, path, viewport)


@pytest.mark.parametrize("path", LIVE_CAMPAIGN_PAGES)
def test_the_call_to_action_shows_without_scrolling_on_a_phone(
    open_page: OpenPage, path: str
) -> None:
    with open_page(path, viewport=PHONE) as (page, _):
        cta = page.evaluate(CTA_JS)
    assert cta is not None, f"{path}: a live campaign has a call to action in its hero"
    assert cta["top"] >= 0 and cta["bottom"] <= PHONE["height"], cta
    assert cta["left"] >= 0 and cta["right"] <= PHONE["width"], cta
    assert cta["onTop"], f"{path}: something covers the call to action"


@pytest.mark.parametrize("path", DARK_PRIMARY_PAGES)
def test_text_on_a_dark_primary_band_is_readable(open_page: OpenPage, path: str) -> None:
    with open_page(path, viewport=PHONE) as (page, _):
        for viewport, size in VIEWPORTS.items():
            page.set_viewport_size(size)
            texts = page.evaluate(BAND_TEXT_JS)
            assert texts, f"{path}: no text found on the brand band"
            for text in texts:
                large = text["size"] >= 24 or (text["size"] >= 18.66 and text["weight"] >= 700)
                ratio = contrast_ratio(
                    css_color_to_hex(text["color"]), css_color_to_hex(text["background"])
                )
                assert ratio >= (3.0 if large else 4.5), (
                    f"{path} ({viewport}): {text} has {ratio:.2f}:1"
                )


@pytest.mark.parametrize("kind", sorted(SHOWCASE))
def test_screenshot_of_each_page_type(open_page: OpenPage, artifacts: Path, kind: str) -> None:
    path = SHOWCASE[kind]
    assert page_type(path) == kind
    folder = artifacts / "screenshots"
    folder.mkdir(exist_ok=True)
    with open_page(path, viewport=PHONE) as (page, visit):
        for viewport, size in VIEWPORTS.items():
            page.set_viewport_size(size)
            target = folder / f"{kind}-{viewport}.png"
            page.screenshot(path=str(target), full_page=True)
            page.screenshot(path=str(folder / f"{kind}-{viewport}-first-screen.png"))
            with Image.open(target) as image:
                assert image.width == size["width"]  # nothing widened the page
                colors = image.convert("RGB").getcolors(1 << 16)
                assert colors is None or len(colors) > 16, f"{target.name} is blank"
    assert visit.status == (404 if kind == "not-found" else 200)
