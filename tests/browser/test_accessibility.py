"""Accessibility in Chromium: axe-core at WCAG 2.2 A/AA, keyboard order and focus, zoom, motion."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.browser.conftest import OpenPage
from tests.browser.harness import (
    ALL_PAGES,
    DESKTOP,
    JS_BACKGROUND_OF,
    PAGE_TYPES,
    PHONE,
    REDIRECT_PAGES,
    SHOWCASE,
    ZOOM_200,
    css_color_to_hex,
)
from tests.conftest import site_pages
from xpromo_site.colors import contrast_ratio

WCAG_22_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
MIN_FOCUS_RING_PX = 2.0
MIN_FOCUS_CONTRAST = 3.0  # WCAG 1.4.11: a focus ring is a non-text element
LINE = 8  # CSS px: controls whose tops differ by less sit on one line

KEYBOARD_SETTINGS: dict[str, dict[str, Any]] = {
    "phone": {"viewport": PHONE},
    "zoom-200": {"viewport": ZOOM_200, "device_scale_factor": 2},
    "reduced-motion": {"viewport": PHONE, "reduced_motion": "reduce"},
}

# Marks every element that the Tab key should reach, in document order, and returns them.
MARK_FOCUSABLE_JS = """
() => {
  const selector = 'a[href], area[href], button, input, select, textarea, summary, iframe, '
    + '[tabindex], [contenteditable="true"], [contenteditable=""]';
  // the content of a closed <details> (all but its <summary>) is not rendered, though
  // Chromium still gives it boxes
  const folded = (element) => {
    const details = element.closest('details:not([open])');
    return details !== null && !element.closest('summary')?.parentElement?.isSameNode(details);
  };
  const found = [...document.querySelectorAll(selector)].filter((element) =>
    element.tabIndex >= 0 && !element.disabled && !element.closest('[inert]') && !folded(element)
    && element.getClientRects().length > 0 && getComputedStyle(element).visibility === 'visible');
  return found.map((element, index) => {
    element.dataset.focusOrder = String(index);
    const style = getComputedStyle(element);
    return {
      label: element.tagName.toLowerCase() + ' "' + element.textContent.trim().slice(0, 40) + '"',
      tabindex: element.getAttribute('tabindex'),
      outline: style.outlineStyle + ' ' + style.outlineWidth + ' ' + style.outlineColor,
      shadow: style.boxShadow,
    };
  });
}
"""

# What the focused element looks like: its ring, and where it is.
FOCUSED_JS = (
    "() => {"
    + JS_BACKGROUND_OF
    + """
  const element = document.activeElement;
  if (!element || element === document.body || element.dataset.focusOrder === undefined) {
    return null;
  }
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {
    order: Number(element.dataset.focusOrder),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    outlineColor: style.outlineColor,
    outline: style.outlineStyle + ' ' + style.outlineWidth + ' ' + style.outlineColor,
    shadow: style.boxShadow,
    behind: backgroundOf(element.parentElement),
    top: box.top, left: box.left, bottom: box.bottom, right: box.right,
    pageTop: box.top + window.scrollY,
    viewportWidth: window.innerWidth, viewportHeight: window.innerHeight,
  };
}"""
)

MOTION_JS = """
() => [...document.querySelectorAll('*')].flatMap((element) => {
  const style = getComputedStyle(element);
  const moving = [style.transitionDuration, style.animationDuration]
    .some((value) => value.split(',').some((part) => parseFloat(part) > 0));
  return moving ? [element.tagName.toLowerCase() + '.' + element.className] : [];
})
"""


def test_every_built_page_has_a_page_type(demo_site: Path) -> None:
    built = {
        p.relative_to(demo_site).as_posix().removesuffix("index.html")
        for p in site_pages(demo_site)
    }
    listed = {path for kind, paths in PAGE_TYPES.items() if kind != "not-found" for path in paths}
    assert built - {"404.html"} == listed | set(REDIRECT_PAGES)


def _axe(page: Page) -> AxeResults:
    return Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_22_A_AA},
            "resultTypes": ["violations"],
        },
    )


@pytest.mark.parametrize("path", ALL_PAGES)
def test_axe_finds_no_wcag_22_violations_on_a_phone(open_page: OpenPage, path: str) -> None:
    with open_page(path, viewport=PHONE) as (page, _):
        results = _axe(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("kind", sorted(SHOWCASE))
def test_axe_finds_no_wcag_22_violations_on_a_desktop(open_page: OpenPage, kind: str) -> None:
    with open_page(SHOWCASE[kind], viewport=DESKTOP) as (page, _):
        results = _axe(page)
    assert results.violations_count == 0, results.generate_report()


def _walk_with_tab(page: Page) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Press Tab through the page; return (the focusable elements, what each press focused)."""
    expected = page.evaluate(MARK_FOCUSABLE_JS)
    seen = []
    for _ in expected:
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED_JS))
    return expected, seen


def _check_focus_ring(path: str, element: dict[str, Any], focused: dict[str, Any]) -> None:
    where = f"{path}: {element['label']}"
    ring_changed = (focused["outline"], focused["shadow"]) != (
        element["outline"],
        element["shadow"],
    )
    assert ring_changed, f"{where} looks the same focused and unfocused"
    assert focused["outlineStyle"] not in ("none", "hidden"), f"{where} has no focus outline"
    assert focused["outlineWidth"] >= MIN_FOCUS_RING_PX, f"{where}: focus ring is too thin"
    ratio = contrast_ratio(
        css_color_to_hex(focused["outlineColor"]), css_color_to_hex(focused["behind"])
    )
    assert ratio >= MIN_FOCUS_CONTRAST, (
        f"{where}: focus ring {focused['outlineColor']} on {focused['behind']} is {ratio:.2f}:1"
    )


# Every page on a phone; one page of each type at 200% zoom and with reduced motion.
KEYBOARD_CASES = [(path, "phone") for path in ALL_PAGES] + [
    (SHOWCASE[kind], setting)
    for setting in ("zoom-200", "reduced-motion")
    for kind in sorted(SHOWCASE)
]


@pytest.mark.parametrize(("path", "setting"), KEYBOARD_CASES)
def test_tab_reaches_every_control_in_reading_order_with_a_visible_ring(
    open_page: OpenPage, path: str, setting: str
) -> None:
    with open_page(path, **KEYBOARD_SETTINGS[setting]) as (page, _):
        expected, seen = _walk_with_tab(page)
        assert expected, f"{path}: nothing to reach with the keyboard"
        assert expected[0]["label"].startswith('a "Skip to main content'), expected[0]
        positive = [e["label"] for e in expected if int(e["tabindex"] or 0) > 0]
        assert not positive, f"{path}: a positive tabindex reorders the page: {positive}"
        assert [f and f["order"] for f in seen] == list(range(len(expected))), (
            "Tab order differs from document order: "
            + ", ".join(expected[f["order"]]["label"] if f else "(left the page)" for f in seen)
        )
        previous = None
        for element, focused in zip(expected, seen, strict=True):
            _check_focus_ring(path, element, focused)
            # Focus is never hidden: the browser scrolled the control into view.
            assert focused["bottom"] > 0 and focused["top"] < focused["viewportHeight"], element
            assert focused["left"] >= 0 and focused["right"] <= focused["viewportWidth"], element
            # One column at these widths: focus moves down the page, or right along a line.
            if previous is not None:
                down = focused["pageTop"] - previous["pageTop"]
                assert down >= LINE or (abs(down) < LINE and focused["left"] > previous["left"]), (
                    f"{path}: focus moves back up or left to {element['label']}"
                )
            previous = focused


@pytest.mark.parametrize("kind", sorted(SHOWCASE))
def test_reduced_motion_stops_every_transition_and_animation(
    open_page: OpenPage, kind: str
) -> None:
    with open_page(SHOWCASE[kind], viewport=PHONE, reduced_motion="reduce") as (page, _):
        page.keyboard.press("Tab")  # the skip link moves into view: no sliding
        assert page.evaluate(MOTION_JS) == []
        assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
