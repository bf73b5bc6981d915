"""The colour pairs the built-in theme draws, and the WCAG 2.2 contrast each must reach.

Derived from the theme's stylesheet (`themes/default/static/xpromo.css`); a theme that
draws other pairs should keep to these or add its own checks. Logos are exempt, as WCAG
says, and so is the accent: the theme draws it only as decorative rules (WCAG 2.2 SC
1.4.11 asks contrast of graphics needed to understand the content). The ratio is exact:
4.499:1 fails 4.5:1.

`settle` turns a brand kit whose pairs fail into the colours pages draw: each failing
foreground becomes the nearest passing shade of its own hue, and the primary keeps its
colour on bands while the call-to-action button on the page (the role "button") takes
the shade. Only a pair no shade of the hue can fix is left unsettled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .colors import contrast_ratio, format_ratio, nearest_passing

BODY_TEXT = 4.5  # WCAG 2.2 SC 1.4.3, text below 18pt (24px) or 14pt (18.66px) bold
NON_TEXT = 3.0  # WCAG 2.2 SC 1.4.11, user interface components and graphical objects


@dataclass(frozen=True, slots=True)
class Pair:
    """A foreground role drawn on a background role, the ratio it needs, and where."""

    foreground: str
    background: str
    minimum: float
    needs: str  # who needs the ratio: "text", "a user interface element", ...
    uses: str  # what the theme draws with the pair


PAIRS: tuple[Pair, ...] = (
    Pair("text", "background", BODY_TEXT, "text", "page text, links and focus rings"),
    Pair("link", "background", BODY_TEXT, "text", "links in campaign copy"),
    Pair(
        "on_primary",
        "primary",
        BODY_TEXT,
        "text",
        "hero text and call-to-action labels",
    ),
    Pair(
        "button",
        "background",
        NON_TEXT,
        "a button",
        "the call-to-action button on the page",
    ),
    Pair(
        "on_primary",
        "button",
        BODY_TEXT,
        "text",
        "the label of the call-to-action button on the page",
    ),
)
DERIVED = {"button": "primary"}  # a role pages draw, and the brand role it starts from


@dataclass(frozen=True, slots=True)
class Failure:
    """A pair below its minimum, with the nearest passing foreground as a suggestion."""

    pair: Pair
    foreground: str
    background: str
    ratio: float
    suggestion: str | None  # nearest colour of the foreground's hue that passes every pair
    suggestion_ratio: float | None

    def message(self, names: Mapping[str, str] | None = None) -> str:
        """Return the error text: the keys, both colours, the ratio and what needs it.

        names maps a role to how messages name it (default "'colors.<role>'").
        """
        pair = self.pair
        names = names or {}
        fore = names.get(pair.foreground, f"'colors.{pair.foreground}'")
        back = names.get(pair.background, f"'colors.{pair.background}'")
        return (
            f"{fore} {self.foreground} on {back} "
            f"{self.background} has a contrast of {format_ratio(self.ratio)}; "
            f"{pair.needs} needs at least {pair.minimum:g}:1 (the theme draws {pair.uses} "
            "with this pair)"
        )

    def hint(self) -> str:
        """Return the suggestion: the nearest passing colour of the same hue."""
        role = self.pair.foreground
        if self.suggestion is None or self.suggestion_ratio is None:
            return f"no shade of this hue works: choose another {role} or {self.pair.background}"
        return (
            f"the nearest {role} of the same hue that passes is {self.suggestion} "
            f"({format_ratio(self.suggestion_ratio)})"
        )


def check_pairs(colors: Mapping[str, str | None]) -> list[Failure]:
    """Return the pairs that fail, in PAIRS order; roles missing from colors are skipped.

    A derived role (DERIVED) missing from colors is its brand role's colour.

    The suggested colour keeps the foreground's hue and meets every pair the foreground
    is in (so fixing one pair does not break another), or, when no shade does, this pair
    alone.
    """
    colors = {**{k: colors.get(v) for k, v in DERIVED.items()}, **colors}
    failures = []
    for pair in PAIRS:
        fore, back = colors.get(pair.foreground), colors.get(pair.background)
        if fore is None or back is None:
            continue
        ratio = contrast_ratio(fore, back)
        if ratio >= pair.minimum:
            continue
        constraints = [
            (colors[other.background], other.minimum)
            for other in PAIRS
            if other.foreground == pair.foreground and colors.get(other.background)
        ] + [
            (colors[other.foreground], other.minimum)
            for other in PAIRS
            if other.background == pair.foreground and colors.get(other.foreground)
        ]
        found = nearest_passing(fore, [(c, m) for c, m in constraints if c is not None])
        if found is None:
            found = nearest_passing(fore, [(back, pair.minimum)])
        failures.append(
            Failure(
                pair,
                fore,
                back,
                ratio,
                found.color if found else None,
                contrast_ratio(found.color, back) if found else None,
            )
        )
    return failures


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A failing pair, and the shade of its foreground role that pages draw instead."""

    failure: Failure
    role: str  # the role whose colour changed: a brand role, or "button"
    shade: str
    ratio: float  # the shade's contrast on the pair's background


@dataclass(frozen=True, slots=True)
class Settlement:
    """The colours pages draw, what was changed to reach them, and what could not be."""

    drawn: dict[str, str]
    adjustments: tuple[Adjustment, ...]
    unsettled: tuple[Failure, ...]  # pairs no shade of the foreground's hue can fix


def settle(colors: Mapping[str, str | None]) -> Settlement:
    """Return the colours to draw: every failing foreground moved to its nearest passing
    shade, one pair at a time in PAIRS order, until every pair passes or no shade helps.

    The returned colours include the derived roles (DERIVED). Pure and deterministic.
    """
    drawn = {role: value for role, value in colors.items() if value is not None}
    for role, origin in DERIVED.items():
        if origin in drawn:
            drawn.setdefault(role, drawn[origin])
    adjustments: list[Adjustment] = []
    for _ in range(2 * len(PAIRS)):
        failures = check_pairs(drawn)
        fixable = [f for f in failures if f.suggestion is not None]
        if not fixable:
            return Settlement(drawn, tuple(adjustments), tuple(failures))
        failure = fixable[0]
        assert failure.suggestion is not None and failure.suggestion_ratio is not None
        role = failure.pair.foreground
        drawn[role] = failure.suggestion
        adjustments.append(Adjustment(failure, role, failure.suggestion, failure.suggestion_ratio))
    return Settlement(drawn, tuple(adjustments), tuple(check_pairs(drawn)))
