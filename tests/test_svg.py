"""SVG sanitising: what draws stays, what could run or load goes, bombs are refused."""

from __future__ import annotations

import base64
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from tests.sitecases import MINIMAL as TESTS_SITE
from tests.sitecases import TODAY, site_for
from xpromo_site.svg import SvgError, css_problem, sanitise_svg

HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
CLEAN = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 32">'
    '<rect width="32" height="32"/></svg>\n'
)


def _svg(body: str, attributes: str = 'viewBox="0 0 120 32"') -> bytes:
    return f"{HEAD} {attributes}>{body}</svg>".encode()


def _png_data_url(size: tuple[int, int] = (2, 2)) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, (255, 0, 0)).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_a_clean_svg_comes_out_byte_for_byte() -> None:
    result = sanitise_svg(CLEAN.encode())
    assert result.data == CLEAN.encode()
    assert (result.width, result.height, result.removed) == (120, 32, ())


@pytest.mark.parametrize(
    ("body", "attributes", "removed", "gone"),
    [
        ("<script>alert(1)</script>", "", "<script> (line 1)", b"alert"),
        ("", 'onload="alert(1)"', "the event handler onload on <svg> (line 1)", b"onload"),
        (
            '<a xlink:href="javascript:alert(1)"><rect/></a>',
            "",
            "a javascript: URL on <a> (line 1)",
            b"javascript",
        ),
        (
            '<image href="https://tracker.example/p.png" width="1" height="1"/>',
            "",
            "a reference to https://tracker.example/p.png on <image> (line 1)",
            b"tracker",
        ),
        (
            '<use href="other.svg#logo"/>',
            "",
            "a reference to other.svg#logo on <use> (line 1)",
            b"other",
        ),
        (
            '<image href="data:image/svg+xml;base64,PHN2Zy8+" width="1" height="1"/>',
            "",
            "a data: URL on <image> (line 1)",
            b"data:",
        ),
        (
            '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>',
            "",
            "<foreignObject> (line 1)",
            b"div",
        ),
        ('<set attributeName="fill" to="red"/>', "", "animation <set> (line 1)", b"<set"),
        (
            "<style>@import url(https://x.example/a.css);</style>",
            "",
            "<style> with @import (line 1)",
            b"import",
        ),
        (
            '<rect style="fill:url(https://x.example/p)"/>',
            "",
            "a style with url(https://x.example/p) on <rect> (line 1)",
            b"x.example",
        ),
        (
            '<rect fill="url(https://x.example/#g)"/>',
            "",
            "url(https://x.example/#g) in fill on <rect> (line 1)",
            b"x.example",
        ),
        (
            "<style>.a{background:image-set('x.png' 1x)}</style>",
            "",
            "<style> with image-set() (line 1)",
            b"image-set",
        ),
    ],
)
def test_what_could_run_or_load_is_removed_and_reported(
    body: str, attributes: str, removed: str, gone: bytes
) -> None:
    result = sanitise_svg(_svg(body, f'viewBox="0 0 1 1" {attributes}'))
    assert result.removed == (removed,)
    assert gone not in result.data.lower()


def test_editor_data_goes_quietly() -> None:
    svg = (
        b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<!-- made by hand -->\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" '
        b'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="20" height="10" '
        b'inkscape:version="1"><metadata>Jane</metadata>'
        b'<inkscape:thing/><g inkscape:label="Layer" data-name="x">'
        b'<rect width="5" height="5"/></g></svg>'
    )
    result = sanitise_svg(svg)
    assert result.removed == ()
    assert result.data == (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10" viewBox="0 0 20 10">'
        b'<g><rect width="5" height="5"/></g></svg>\n'
    )


def test_local_references_and_embedded_rasters_stay() -> None:
    data_url = _png_data_url()
    body = (
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>'
        '<rect fill="url(#g)" width="2" height="2"/><use xlink:href="#g"/>'
        f'<image href="{data_url}" width="2" height="2"/>'
        "<style>.a{fill:url('#g')}</style>"
    )
    result = sanitise_svg(_svg(body))
    assert result.removed == ()
    assert b'fill="url(#g)"' in result.data
    assert b'<use href="#g"/>' in result.data
    assert data_url.encode() in result.data


def test_an_embedded_raster_that_is_not_an_image_goes() -> None:
    fake = "data:image/png;base64," + base64.b64encode(b"<script>alert(1)</script>").decode()
    result = sanitise_svg(_svg(f'<image href="{fake}" width="2" height="2"/>'))
    assert result.removed == ("a data: URL on <image> (line 1)",)
    assert b"<image" not in result.data


def test_an_svg_without_namespace_is_read_as_svg() -> None:
    result = sanitise_svg(b'<svg viewBox="0 0 4 2"><script>x</script><rect/></svg>')
    assert (
        result.data == b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 2"><rect/></svg>\n'
    )
    assert result.removed == ("<script> (line 1)",)


def test_text_after_a_removed_element_is_kept() -> None:
    result = sanitise_svg(_svg("<text>Hello <script>x</script>world<tspan>!</tspan></text>"))
    assert b"<text>Hello world<tspan>!</tspan></text>" in result.data


@pytest.mark.parametrize(
    ("svg", "message"),
    [
        (
            b'<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]><svg>&a;</svg>',
            "line 1: the SVG declares XML entities (a), which could expand without end or read "
            "other files; xpromo never expands them",
        ),
        (
            b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<svg>&x;</svg>',
            "line 1: the SVG declares XML entities (x), which could expand without end or read "
            "other files; xpromo never expands them",
        ),
        (b"<svg><rect></svg>", "line 1: the file is not well-formed XML (mismatched tag)"),
        (b"\n\n<svg>&nbsp;</svg>", "line 3: the file is not well-formed XML (undefined entity)"),
        (b"<html/>", "line 1: the file is not an SVG image (its root element is not <svg>)"),
        (
            b"<svg/>",
            "line 1: the SVG has no viewBox and no width and height in pixels, so its proportions "
            "are unknown",
        ),
        (b'<svg viewBox="0 0 0 10"/>', "line 1: the SVG's viewBox '0 0 0 10' is not four numbers"),
        (
            b'<svg viewBox="0 0 1 1">' + b"<g>" * 100 + b"</g>" * 100 + b"</svg>",
            "line 1: the SVG is nested too deeply (more than 64 levels)",
        ),
    ],
)
def test_what_cannot_be_made_safe_is_refused(svg: bytes, message: str) -> None:
    with pytest.raises(SvgError) as caught:
        sanitise_svg(svg)
    assert str(caught.value) == message
    assert caught.value.hint


def test_a_billion_laughs_fails_at_once() -> None:
    entities = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    ]
    svg = f"<!DOCTYPE svg [{''.join(entities)}]><svg>&l9;</svg>".encode()
    start = time.perf_counter()
    with pytest.raises(SvgError):
        sanitise_svg(svg)
    assert time.perf_counter() - start < 0.5


def test_a_million_nested_groups_fail_at_once() -> None:
    svg = b'<svg viewBox="0 0 1 1">' + b"<g>" * 300_000 + b"</g>" * 300_000 + b"</svg>"
    start = time.perf_counter()
    with pytest.raises(SvgError):
        sanitise_svg(svg)
    assert time.perf_counter() - start < 0.5


def test_units_give_proportions() -> None:
    result = sanitise_svg(b'<svg width="2in" height="48pt"/>')
    assert (result.width, result.height) == (192, 64)
    assert b'viewBox="0 0 192 64"' in result.data


@pytest.mark.parametrize(
    ("css", "problem"),
    [
        (".a{fill:#fff}", None),
        (".a{fill:url(#g)}", None),
        ("@import 'x.css';", "@import"),
        (".a{background:url(x.png)}", "url(x.png)"),
        (".a{background:u\\72l(x.png)}", "escaped characters"),
        (".a{width:expression(alert(1))}", "expression"),
        (".a{background:url(#g}", "url()"),
    ],
)
def test_css_problem(css: str, problem: str | None) -> None:
    assert css_problem(css) == problem


FRAGMENTS = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)"><rect/></a>',
        '<image href="https://x.example/p.png"/>',
        '<rect onclick="x()" fill="url(https://x.example)"/>',
        "<style>@import url(//x.example)</style>",
        '<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>',
        '<set attributeName="href" to="javascript:alert(1)"/>',
        '<g><rect width="1" height="1"/></g>',
        "<text>hi</text>",
        '<use href="#a"/>',
        "<!-- c -->",
    ]
)


@given(st.lists(FRAGMENTS, max_size=8))
@settings(max_examples=80, deadline=None)
def test_the_output_is_safe_and_stable(fragments: list[str]) -> None:
    result = sanitise_svg(_svg("".join(fragments)))
    lowered = result.data.lower()
    for needle in (b"<script", b"javascript:", b"onclick", b"x.example", b"<set", b"foreignobject"):
        assert needle not in lowered
    again = sanitise_svg(result.data)
    assert (again.data, again.removed) == (result.data, ())


HUGE = "1" * 400


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ('viewBox="0 0 inf 32"', "is not four numbers"),
        ('viewBox="0 0 120 nan"', "is not four numbers"),
        ('viewBox="0 0 1e999 32"', "holds a number too large to draw"),
        (f'viewBox="0 0 {HUGE} 32"', "holds a number too large to draw"),
        ('width="1e999" height="32"', "the SVG's width '1e999' is too large to draw"),
        (f'width="120" height="{HUGE}"', "is too large to draw"),
        ('width="1e308in" height="32"', "is too large to draw"),
        ('width="inf" height="32"', "no viewBox and no width and height"),
    ],
)
def test_numbers_no_renderer_can_use_are_refused(attributes: str, message: str) -> None:
    with pytest.raises(SvgError) as refused:
        sanitise_svg(_svg("<rect/>", attributes))
    assert message in refused.value.message
    assert refused.value.line == 1


def test_extreme_but_finite_proportions_still_fit() -> None:
    from xpromo_site.lockup import BOXES, Shape, fit_logos

    [wide] = fit_logos([Shape(1e7, 1)], BOXES["lg"])
    [tall] = fit_logos([Shape(1, 1e7)], BOXES["lg"])
    assert (wide.width, wide.height, tall.width, tall.height) == (240, 1, 1, 64)
    for shape in (Shape(1e300, 1e-300), Shape(1e308, 1e-308), Shape(1e308, 5e-324)):
        assert fit_logos([shape], BOXES["lg"]) == [wide]
    assert fit_logos([Shape(5e-324, 1)], BOXES["lg"]) == [tall]
    assert fit_logos([Shape(1e-300, 1e300)], BOXES["lg"]) == [tall]
    with_others = fit_logos([Shape(1e300, 1e-300), Shape(120, 32)], BOXES["lg"])
    assert with_others == fit_logos([Shape(1e7, 1), Shape(120, 32)], BOXES["lg"])


NUMBER_TEXT = st.one_of(
    st.from_regex(r"[-+]?[0-9]{0,400}(\.[0-9]{0,20})?([eE][-+]?[0-9]{1,4})?", fullmatch=True),
    st.sampled_from(["inf", "-inf", "nan", "Infinity", "1e999", "1e-999", "5e-324", "0", "-0"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=12),
)


@given(
    st.lists(NUMBER_TEXT, min_size=4, max_size=4),
    NUMBER_TEXT,
    NUMBER_TEXT,
    st.booleans(),
)
@settings(max_examples=150, deadline=None)
def test_any_numbers_in_the_proportions_give_an_svg_error_or_a_drawable_logo(
    view_box: list[str], width: str, height: str, with_view_box: bool
) -> None:
    from xml.sax.saxutils import quoteattr

    from xpromo_site.errors import Location, XpromoError
    from xpromo_site.lockup import BOXES, Shape, fit_logos
    from xpromo_site.shareimages import Logo, _logo_image

    attributes = f"width={quoteattr(width)} height={quoteattr(height)}"
    if with_view_box:
        attributes += f" viewBox={quoteattr(' '.join(view_box))}"
    try:
        result = sanitise_svg(_svg('<rect width="32" height="32"/>', attributes))
    except SvgError as error:
        assert error.line == 1 and error.message
        return
    fit = fit_logos([Shape(result.width, result.height), Shape(120, 32)], BOXES["lg"])[0]
    assert 1 <= fit.width <= 480 and 1 <= fit.height <= 480
    where = Location("partners.yaml", 13, 11)
    try:
        _logo_image(Logo("assets/a.svg", result.data, where), 380, 110)
    except XpromoError as error:
        assert [d.location for d in error.diagnostics] == [where]


@pytest.mark.parametrize(
    ("body", "effect"),
    [
        ('<filter id="f"><feMorphology radius="2000"/></filter>', "<filter> (line 1)"),
        ('<feConvolveMatrix order="30" kernelMatrix="1"/>', "<feConvolveMatrix> (line 1)"),
        ('<defs><feTurbulence numOctaves="99"/></defs>', "<feTurbulence> (line 1)"),
        ('<rect width="1" height="1" filter="url(#f)"/>', "filter on <rect> (line 1)"),
        (
            '<rect width="1" height="1" style="filter: url(#f)"/>',
            "filter in the style on <rect> (line 1)",
        ),
        ('<g style="-webkit-filter:blur(9px)"><rect/></g>', "filter in the style on <g> (line 1)"),
        ("<style>.a { filter: url(#f) }</style>", "filter in <style> (line 1)"),
        ("<style>@media all{.a{fill:red;FILTER:blur(2px)}}</style>", "filter in <style> (line 1)"),
    ],
)
def test_filter_effects_go_from_logos(body: str, effect: str) -> None:
    svg = _svg(body)
    kept = sanitise_svg(svg)
    assert kept.effects == ()
    assert b"filter" in kept.data.lower() or b"<fe" in kept.data.lower()
    flat = sanitise_svg(svg, keep_effects=False)
    assert flat.effects == (effect,) and flat.removed == ()
    lowered = flat.data.lower()
    assert b"filter" not in lowered and b"<fe" not in lowered
    assert sanitise_svg(flat.data, keep_effects=False).data == flat.data


def test_only_filter_properties_leave_the_css() -> None:
    svg = _svg(
        "<style>.filter:hover{fill:red;filter:url(#f)} .b{stroke:blue}</style>"
        '<rect class="filter" style="fill:red; filter:url(#f); opacity:.5"/>'
    )
    flat = sanitise_svg(svg, keep_effects=False)
    assert b"<style>.filter:hover{fill:red} .b{stroke:blue}</style>" in flat.data
    assert b'style="fill:red; opacity:.5"' in flat.data
    clean = _svg('<style>.a{fill:red}</style><rect style="fill:red"/>')
    assert sanitise_svg(clean, keep_effects=False).data == sanitise_svg(clean).data


SLOW_FILTER = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 32"><filter id="m" '
    'x="-50" y="-50" width="100" height="100"><feMorphology operator="dilate" radius="2000"/>'
    '</filter><rect width="32" height="32" fill="#0B5FFF" filter="url(#m)"/></svg>'
)


def test_a_logo_with_a_slow_filter_builds_in_seconds(tmp_path: Path) -> None:
    site = site_for(None, tmp_path)
    (site / "assets" / "alpha.svg").write_text(SLOW_FILTER)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "xpromo_site", "build", "--today", TODAY],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "XPROMO_WORKERS": "1"},
    )
    assert time.perf_counter() - start < 10
    assert done.returncode == 0, done.stderr
    assert "removed filter effects" in done.stderr
    assert len(list((site / "public" / "assets" / "share").glob("*.png"))) >= 2


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "new-interpreter"])
def test_drawing_a_logo_is_stopped_after_a_time_limit(
    monkeypatch: pytest.MonkeyPatch, fork: bool
) -> None:
    """The filter reaches resvg only past the sanitiser: the bound is the last defence.

    Where the process may not fork (the preview server runs threads), resvg runs in a
    new interpreter, bounded the same way.
    """
    from xpromo_site import shareimages, workers
    from xpromo_site.errors import Location, XpromoError

    monkeypatch.setattr(workers, "_fork_is_safe", lambda: fork)
    monkeypatch.setattr(shareimages, "RASTER_SECONDS", 1.0)
    where = Location("partners.yaml", 13, 11)
    start = time.perf_counter()
    with pytest.raises(XpromoError) as refused:
        logo = shareimages.Logo("assets/a.svg", SLOW_FILTER.encode(), where)
        shareimages._logo_image(logo, 381, 111)
    assert time.perf_counter() - start < 5
    [problem] = refused.value.diagnostics
    assert problem.location == where
    assert "drawing it was stopped: it took longer than 1 second" in problem.message


def test_drawing_a_logo_is_bounded_in_pixels() -> None:
    from xpromo_site import shareimages
    from xpromo_site.errors import Location, XpromoError

    logo = shareimages.Logo("assets/a.svg", CLEAN.encode(), Location("partners.yaml", 13, 11))
    width, height = shareimages._logo_image(logo, 380, 110).size
    assert width == 380 and 100 <= height <= 110
    with pytest.raises(XpromoError, match="beyond what a share image draws"):
        shareimages._logo_image(logo, 100_000, 100_000)


@given(st.lists(NUMBER_TEXT, min_size=4, max_size=4), NUMBER_TEXT, NUMBER_TEXT, st.booleans())
@settings(max_examples=20, deadline=None)
def test_any_numbers_in_a_logo_give_a_located_error_or_a_site(
    view_box: list[str], width: str, height: str, with_view_box: bool
) -> None:
    """The whole check, share images included: only located problems, never a crash."""
    import datetime as dt
    import tempfile
    from xml.sax.saxutils import quoteattr

    from xpromo_site.build import check
    from xpromo_site.errors import XpromoError

    attributes = f"width={quoteattr(width)} height={quoteattr(height)}"
    if with_view_box:
        attributes += f" viewBox={quoteattr(' '.join(view_box))}"
    with tempfile.TemporaryDirectory() as folder:
        site = site_for(None, Path(folder))
        logo = _svg('<rect width="32" height="32"/>', attributes)
        (site / "assets" / "alpha.svg").write_bytes(logo)
        try:
            report = check(site, dt.date.fromisoformat(TODAY))
        except XpromoError as error:
            assert error.diagnostics
            for problem in error.diagnostics:
                assert (problem.location.path, problem.location.line) == ("partners.yaml", 13)
                assert "assets/alpha.svg" in problem.message
        else:
            assert report.pages > 0


def test_a_logo_draws_the_same_forked_or_in_a_new_interpreter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from xpromo_site import shareimages, workers

    svg = (TESTS_SITE / "assets" / "alpha.svg").read_text()
    drawn = {}
    for fork in (True, False):
        monkeypatch.setattr(workers, "_fork_is_safe", lambda fork=fork: fork)
        shareimages._rasterise.cache_clear()
        drawn[fork] = shareimages._rasterise(svg, 380, 110)
    assert drawn[True] == drawn[False] and drawn[True].startswith(b"\x89PNG")
    monkeypatch.setattr(workers, "_fork_is_safe", lambda: False)
    shareimages._rasterise.cache_clear()
    with pytest.raises(ValueError):
        shareimages._rasterise("not an svg", 380, 110)
    shareimages._rasterise.cache_clear()
