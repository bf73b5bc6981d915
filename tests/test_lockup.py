"""Logo sizes by visible area: equal weight, host- and partner-led lockups, brand rules."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from xpromo_site.lockup import BOXES, Box, Fit, Shape, fit_logos, weights

BOX = BOXES["lg"]


def _area(fit: Fit) -> int:
    return fit.width * fit.height


def test_a_wide_wordmark_and_a_square_mark_get_the_same_area() -> None:
    wordmark, mark = fit_logos([Shape(400, 50), Shape(100, 100)], BOX)
    assert math.isclose(wordmark.width / wordmark.height, 8, rel_tol=0.05)
    assert mark.width == mark.height
    assert abs(_area(wordmark) - _area(mark)) / _area(mark) < 0.05
    # raw heights would have made the wordmark eight times the mark's area
    assert mark.height > wordmark.height


def test_every_logo_fits_its_box() -> None:
    fits = fit_logos([Shape(1000, 10), Shape(10, 1000), Shape(4, 1)], BOX)
    for fit in fits:
        assert fit.width <= BOX.max_width and fit.height <= BOX.max_height


def test_host_led_makes_the_host_max_ratio_times_larger() -> None:
    weight = weights("host-led", [True, False], 2.0)
    host, partner = fit_logos([Shape(4, 1, weight[0]), Shape(4, 1, weight[1])], BOX, 2.0)
    assert abs(_area(host) / _area(partner) - 2.0) < 0.05


def test_partner_led_makes_the_partners_larger() -> None:
    assert weights("partner-led", [True, False, False], 1.5) == [1.0, 1.5, 1.5]
    assert weights("equal", [True, False], 1.5) == [1.0, 1.0]


def test_a_minimum_width_is_honoured_and_the_others_keep_within_max_ratio() -> None:
    small, other = fit_logos([Shape(4, 1, min_width=200), Shape(4, 1)], Box(1600, 240, 64), 1.5)
    assert small.width >= 200 and small.min_width == 200
    assert _area(small) / _area(other) <= 1.5 * 1.05


def test_clear_space_is_a_share_of_the_drawn_height() -> None:
    (fit,) = fit_logos([Shape(4, 1, clear_space=0.25)], BOX)
    assert fit.clear == round(fit.height * 0.25)
    assert fit.css_class == f"logo-fit-{fit.width}x{fit.height}-c{fit.clear}"
    assert fit.css_rule() == (
        f".{fit.css_class}{{--logo-w:{fit.width}px;--logo-h:{fit.height}px;"
        f"--logo-clear:{fit.clear}px}}"
    )


def test_a_logo_without_proportions_is_square() -> None:
    (fit,) = fit_logos([Shape(0, 0)], BOX)
    assert fit.width == fit.height


sides = st.floats(1, 4000, allow_nan=False)


@given(st.lists(st.tuples(sides, sides), min_size=1, max_size=5))
def test_equal_lockups_have_equal_areas_within_rounding(shapes: list[tuple[float, float]]) -> None:
    fits = fit_logos([Shape(w, h) for w, h in shapes], BOX)
    for fit, (w, h) in zip(fits, shapes, strict=True):
        assert fit.width <= BOX.max_width + 1 and fit.height <= BOX.max_height + 1
        # proportions kept, up to rounding to whole pixels
        assert (
            math.isclose(fit.width / fit.height, w / h, rel_tol=0.5)
            or min(fit.width, fit.height) <= 2
        )
    exact = [(math.sqrt(BOX.area * w / h), math.sqrt(BOX.area * h / w)) for w, h in shapes]
    scale = min([1.0] + [min(BOX.max_width / a, BOX.max_height / b) for a, b in exact])
    for fit, (a, b) in zip(fits, exact, strict=True):
        assert abs(fit.width - a * scale) <= 1 and abs(fit.height - b * scale) <= 1
