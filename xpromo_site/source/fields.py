"""The field specs the file contract is written in: text, slugs, tracking values, URLs,
colours, dates and times, time zones, numbers, lockups, choices and asset paths."""

import datetime as dt
import difflib
import math
import re
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from ..errors import Location
from ..models import LOCKUP_MODES, SEPARATORS
from ..tracking import is_trackable
from ..urls import read, shorten
from .schema import (
    INVALID,
    SLUG_PATTERN,
    SLUG_RE,
    Checker,
    Field,
    Spec,
    Struct,
    Text,
    _text_of,
    suggest_slug,
)
from .yamlsource import Node


class Slug(Text):
    """A lowercase slug; a bad one gets the nearest slug as its hint."""

    def __init__(self) -> None:
        super().__init__(
            SLUG_RE, "a lowercase slug (letters a-z, digits, single hyphens)", max_length=64
        )

    def check(self, node: Node, name: str, checker: Checker) -> Any:
        text = _text_of(node)
        if text is not None and text.strip() and not SLUG_PATTERN.fullmatch(text.strip()):
            fixed = suggest_slug(text)
            return self.wrong(node, name, checker, f"write it as '{fixed}'" if fixed else None)
        return super().check(node, name, checker)


def slug() -> Slug:
    return Slug()


class Token(Text):
    def __init__(self) -> None:
        super().__init__(
            r"[a-z0-9][a-z0-9_-]*", "a tracking value (lowercase a-z, 0-9, - and _)", max_length=100
        )

    def check(self, node: Node, name: str, checker: Checker) -> Any:
        text = _text_of(node)
        if text is not None and self.pattern and not self.pattern.fullmatch(text.strip()):
            fixed = re.sub(r"[^a-z0-9_-]+", "-", text.strip().lower()).strip("-_")
            return self.wrong(node, name, checker, f"write it as '{fixed}'" if fixed else None)
        return super().check(node, name, checker)


class TrackingText(Text):
    """A tracking value (utm_source, utm_medium, utm_content) as the user wrote it.

    Only what cannot be a value at all is an error (not text, empty, more than one line,
    absurdly long); its naming style is the naming lint's business (warnings).
    """

    def __init__(self) -> None:
        super().__init__(r"[^\x00-\x1f\x7f]+", "a tracking value on one line", max_length=200)


def browser_reading(text: str, node: Node, name: str, checker: Checker) -> str | None:
    """Return the address browsers read from text when it differs from how it looks.

    For an absolute web address without spaces whose text a browser reads differently
    (``urls.read`` finds quirks: ``\\`` for ``/``, ``https:///host``, a percent-encoded
    or UTS #46-mapped host), the build keeps the browser's reading, so the link is filed
    and tracked under the host visitors reach, and says so in a located warning.
    Returns None for any other text.
    """
    reading = read(text)
    if any(c.isspace() for c in text) or not (reading.absolute and reading.web):
        return None
    if not reading.quirks:
        return None
    checker.collector.warning(
        node.location,
        f"'{name}' '{shorten(text)}' goes to {reading.host}: " + "; ".join(reading.quirks),
        f"write the address as it is published: {reading.href}",
    )
    return reading.href


class Url(Text):
    what = "an absolute http(s) URL"

    def check(self, node: Node, name: str, checker: Checker) -> Any:
        text = super().check(node, name, checker)
        if text is INVALID:
            return text
        as_read = browser_reading(text, node, name, checker)
        if as_read is not None:
            return as_read
        if any(c.isspace() for c in text) or not is_trackable(text):
            if "://" not in text and "." in text and not text.startswith(("/", "mailto:")):
                hint = f"add the scheme: https://{text}"
            elif text.startswith("/") or "://" not in text:
                hint = "write the full address of a web page, starting with https://"
            else:
                hint = "only web addresses (http:// or https://) are allowed here"
            return self.wrong(node, name, checker, hint)
        return text


class Color(Text):
    what = "a colour written #RGB or #RRGGBB"
    checks_empty = True  # "primary: #0B5FFF" unquoted is a comment: say so

    def check(self, node: Node, name: str, checker: Checker) -> Any:
        if node.kind == "null":
            key = name.rpartition(".")[2]
            # an empty value starts just after "key:"; the stray # is one column on
            where = Location(node.location.path, node.location.line, node.location.col + 1)
            return checker.error(
                where,
                f"'{name}' has no value",
                f'in YAML an unquoted # starts a comment: quote colours, like {key}: "#0B5FFF"',
            )
        text = super().check(node, name, checker)
        if text is INVALID:
            return text
        if not re.fullmatch(r"#(?:[0-9a-fA-F]{3}){1,2}", text):
            hint = None
            if re.fullmatch(r"(?:[0-9a-fA-F]{3}){1,2}", text):
                hint = f'add the #: "#{text}"'
            elif text.lower().startswith(("rgb", "hsl")):
                hint = "convert it to hex, for example #0B5FFF"
            return self.wrong(node, name, checker, hint)
        if len(text) == 4:
            text = "#" + "".join(c * 2 for c in text[1:])
        return text.upper()


def _parse_date(text: str) -> dt.date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


class Date(Spec):
    what = "a date written YYYY-MM-DD"

    def check(self, node: Node, name: str, checker: Checker) -> Any:
        text = _text_of(node)
        if text is None:
            return self.wrong(node, name, checker)
        text = text.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            value = _parse_date(text)
            if value is None:
                return checker.error(
                    node.location,
                    f"'{name}' is not a real date (got {text})",
                    "check the month (01-12) and the day of the month",
                )
            return value
        return self.wrong(node, name, checker, "for example 2026-12-01")


class DateTime(Spec):
    what = "a date and time written YYYY-MM-DD HH:MM"

    def check(self, node: Node, name: str, checker: Checker) -> Any:
        text = _text_of(node)
        if text is None:
            return self.wrong(node, name, checker)
        text = text.strip()
        match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?", text)
        if not match:
            hint = "for example 2026-12-10 17:00 (the time zone goes in 'timezone')"
            return self.wrong(node, name, checker, hint)
        day = _parse_date(match[1])
        hour, minute, second = int(match[2]), int(match[3]), int(match[4] or 0)
        if day is None or hour > 23 or minute > 59 or second > 59:
            return checker.error(
                node.location,
                f"'{name}' is not a real date and time (got {text})",
                "check the month, day, hour (00-23) and minute (00-59)",
            )
        return dt.datetime(day.year, day.month, day.day, hour, minute, second)


class TimeZone(Text):
    what = "an IANA time zone name such as Europe/Berlin"

    def check(self, node: Node, name: str, checker: Checker) -> Any:
        text = super().check(node, name, checker)
        if text is INVALID:
            return text
        try:
            if "/" not in text and text != "UTC":
                raise ZoneInfoNotFoundError(text)
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            zones = sorted(available_timezones())
            last = text.lower().rpartition("/")[2]
            close = (
                difflib.get_close_matches(text, zones, 1, 0.75)
                or [z for z in zones if z.lower().rpartition("/")[2] == last][:1]
            )
            hint = (
                f"did you mean '{close[0]}'?"
                if close
                else "use a name from the tz database, e.g. America/New_York or UTC"
            )
            return self.wrong(node, name, checker, hint)
        return text


class ColorOrToken(Color):
    """A colour, or a reference `{group.token}` to a token of the partner's tokens file."""

    def check(self, node: Node, name: str, checker: Checker) -> Any:
        text = _text_of(node)
        if text is not None and re.fullmatch(r"\{[^{}]+\}", text.strip()):
            return text.strip()
        return super().check(node, name, checker)


class Number(Spec):
    """A number within bounds; integer=True refuses fractions."""

    def __init__(self, minimum: float, maximum: float, integer: bool = False) -> None:
        self.minimum = minimum
        self.maximum = maximum
        self.integer = integer
        kind = "a whole number" if integer else "a number"
        self.what = f"{kind} from {minimum:g} to {maximum:g}"

    def check(self, node: Node, name: str, checker: Checker) -> Any:
        value = node.value if node.kind == "number" else None
        if value is None:
            return self.wrong(node, name, checker)
        # a whole number of hundreds of digits is an int no float can hold: compare it as is
        if isinstance(value, float) and not math.isfinite(value):
            return self.wrong(node, name, checker)
        if self.integer and value != int(value):
            return self.wrong(node, name, checker)
        if self.integer and isinstance(value, float) and not value.is_integer():
            return self.wrong(node, name, checker)  # (a whole float of 400 digits is not inf)
        if not self.minimum <= value <= self.maximum:
            return self.wrong(node, name, checker)
        return int(value) if self.integer else float(value)


class Separator(Text):
    """A lockup separator: space, rule, plus, x (any case), or a linking phrase."""

    def __init__(self) -> None:
        super().__init__(
            what='space, rule, plus, x, or a linking phrase such as "in partnership with"',
            max_length=40,
        )

    def check(self, node: Node, name: str, checker: Checker) -> Any:
        text = super().check(node, name, checker)
        if text is INVALID or text.lower() not in SEPARATORS:
            return text
        return text.lower()


class LockupSpec(Spec):
    """`lockup:` as a mode alone (`lockup: host-led`) or a mapping of mode, separator and
    max_ratio. Returns only the keys given, so a campaign's lockup overrides its program's.
    """

    what = "equal, host-led or partner-led, or a mapping with mode, separator and max_ratio"

    def __init__(self, label: str) -> None:
        self.mode = OneOf(LOCKUP_MODES)
        self.struct = Struct(
            {
                "mode": Field(self.mode, doc="how logos share the lockup's weight"),
                "separator": Field(Separator(), doc="what stands between two logos"),
                "max_ratio": Field(Number(1, 4), doc="the largest logo's area over the smallest"),
            },
            label,
        )

    def check(self, node: Node, name: str, checker: Checker) -> Any:
        if node.kind == "mapping":
            values = self.struct.check(node, name, checker)
            return {k: v for k, v in values.items() if v is not None}
        if node.kind == "text":
            mode = self.mode.check(node, name, checker)
            return INVALID if mode is INVALID else {"mode": mode}
        return self.wrong(node, name, checker)


class Boolean(Spec):
    what = "true or false"

    def check(self, node: Node, name: str, checker: Checker) -> Any:
        if node.kind != "boolean":
            return self.wrong(node, name, checker)
        return node.value


class OneOf(Spec):
    def __init__(self, values: tuple[str, ...]) -> None:
        self.values = values
        self.what = "one of " + ", ".join(values)

    def check(self, node: Node, name: str, checker: Checker) -> Any:
        # YAML 1.1 reads on/off/yes/no as booleans: a choice named so is still meant as text
        text = node.raw if node.kind == "boolean" else _text_of(node)
        if text is not None and text.strip() in self.values:
            return text.strip()
        close = difflib.get_close_matches((text or "").lower(), self.values, 1, 0.6)
        return self.wrong(node, name, checker, f"did you mean '{close[0]}'?" if close else None)


class Asset(Text):
    """A path to a file inside the site, relative to the site root."""

    def __init__(self, extensions: tuple[str, ...], kinds: str) -> None:
        super().__init__()
        self.extensions = extensions
        self.kinds = kinds
        self.what = f"a path inside the site to {kinds} file"

    def check(self, node: Node, name: str, checker: Checker) -> Any:
        text = super().check(node, name, checker)
        if text is INVALID:
            return text
        posix = PurePosixPath(text.replace("\\", "/"))
        if posix.is_absolute() or ".." in posix.parts or "://" in text or ":" in posix.parts[0]:
            return checker.error(
                node.location,
                f"'{name}' must be a path inside the site (got '{text}')",
                "write it relative to the folder of partners.yaml, e.g. assets/logos/brand.svg",
            )
        if posix.suffix.lower() not in self.extensions:
            return checker.error(
                node.location,
                f"'{name}' must be {self.kinds} file (got '{text}')",
                f"convert it to {self.kinds} file",
            )
        full = checker.root / posix
        try:
            found = full.is_file()
            inside = found and full.resolve().is_relative_to(checker.root.resolve())
        except OSError as error:  # a name too long for the file system, a link loop
            return checker.error(
                node.location,
                f"'{name}' is not a usable path ({error.strerror or error})",
                "use a short path to a file under assets/",
            )
        if not found and full.exists():  # a named pipe, a device, a folder: never opened
            return checker.error(
                node.location,
                f"'{name}' is not a regular file: {text}",
                "put the image file itself here",
            )
        if not found:
            hint = "check the spelling and that the file is committed"
            parent = full.parent
            if parent.is_dir():
                names = sorted(p.name for p in parent.iterdir() if p.is_file())
                close = difflib.get_close_matches(posix.name, names, 1, 0.8)
                if close:
                    hint = f"did you mean '{(posix.parent / close[0]).as_posix()}'?"
            return checker.error(node.location, f"'{name}' file not found: {text}", hint)
        if not inside:
            return checker.error(
                node.location,
                f"'{name}' points outside the site (got '{text}')",
                "copy the file into assets/",
            )
        return posix.as_posix()
