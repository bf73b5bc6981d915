"""Calendar files (RFC 5545) for webinars and events, written with icalendar.

Times keep the event's own time zone (DTSTART;TZID=...) with a VTIMEZONE that
covers the event; DTSTAMP and UID come from the input, never the clock, so the
same event gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, replace

import icalendar

PRODID = "-//xpromo//Partner kit//EN"
_TIMEZONE_MARGIN = dt.timedelta(days=366)  # transitions around the event, not fifty years


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """One event as a calendar file describes it."""

    uid: str  # stable across builds: the same event keeps the same UID
    title: str
    start: dt.datetime  # aware, in the event's time zone
    end: dt.datetime | None  # aware, or None when the event has no end time
    location: str
    url: str  # the tracked registration link
    description: str
    stamp: dt.datetime  # aware; when this description of the event was made (DTSTAMP)


_URL_MARK = "xpromo-url-placeholder"
_TEXT_MARK = "xpromo-description-placeholder"


def event_ics(event: CalendarEvent) -> bytes:
    """Return an RFC 5545 calendar (CRLF line ends, folded lines) holding the one event.

    Every partner's file of one event differs only in its link and the description
    that carries it: the rest is made once per event and those two lines are put in.
    """
    skeleton = _skeleton(replace(event, url=_URL_MARK, description=_TEXT_MARK))
    url_line, text_line = _marks()
    if skeleton.count(url_line) != 1 or skeleton.count(text_line) != 1:
        return _whole(event)  # the event's own text holds a placeholder: no shortcut
    return skeleton.replace(url_line, _lines("url", event.url)).replace(
        text_line, _lines("description", event.description)
    )


@functools.lru_cache(maxsize=4096)  # hubs visit a large program's events in any order
def _skeleton(event: CalendarEvent) -> bytes:
    return _whole(event)


@functools.cache
def _marks() -> tuple[bytes, bytes]:
    return _lines("url", _URL_MARK), _lines("description", _TEXT_MARK)


def _lines(name: str, value: str) -> bytes:
    """Return the content line(s) icalendar writes for one property of an event, folded."""
    entry = icalendar.Event()
    entry.add(name, value)
    text: bytes = entry.to_ical()
    return text[len(b"BEGIN:VEVENT\r\n") : -len(b"END:VEVENT\r\n")]


def _whole(event: CalendarEvent) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    entry = icalendar.Event()
    entry.add("uid", event.uid)
    entry.add("dtstamp", event.stamp.astimezone(dt.UTC))
    entry.add("dtstart", event.start)
    if event.end is not None:
        entry.add("dtend", event.end)
    entry.add("summary", event.title)
    entry.add("description", event.description)
    entry.add("location", event.location)
    entry.add("url", event.url)
    calendar.add_component(entry)
    last = event.end or event.start
    first_date = event.start.date() - _TIMEZONE_MARGIN
    last_date = last.date() + _TIMEZONE_MARGIN
    # what Calendar.add_missing_timezones adds before the event, each VTIMEZONE made once
    zones = b"".join(
        _timezone(tzid, first_date, last_date) for tzid in sorted(calendar.get_missing_tzids())
    )
    text = calendar.to_ical()
    at = text.index(b"BEGIN:VEVENT")
    return text[:at] + zones + text[at:]


@functools.lru_cache(maxsize=64)
def _timezone(tzid: str, first_date: dt.date, last_date: dt.date) -> bytes:
    """Return the VTIMEZONE of tzid with its transitions between the dates (slow to make)."""
    try:
        zone = icalendar.Timezone.from_tzid(tzid, first_date=first_date, last_date=last_date)
    except ValueError:
        return b""  # a zone icalendar does not know goes without its VTIMEZONE
    return zone.to_ical()
