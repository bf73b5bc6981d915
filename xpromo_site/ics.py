"""Calendar files (RFC 5545) for webinars and events, written with icalendar.

Times keep the event's own time zone (DTSTART;TZID=...) with a VTIMEZONE that
covers the event; DTSTAMP and UID come from the input, never the clock, so the
same event gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
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
    """Return the VTIMEZONE of tzid with its transitions between the dates.

    Written from zoneinfo: each observance's DTSTART is the local time of the change as
    read before it (RFC 5545 3.8.3.3: in TZOFFSETFROM), so summer time in Berlin starts
    at 20260329T020000, the moment the clocks read 02:00 CET (01:00 UTC).
    """
    try:
        zone = zoneinfo.ZoneInfo(tzid)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return b""  # a zone the system does not know goes without its VTIMEZONE
    start = dt.datetime.combine(first_date, dt.time(), dt.UTC)
    end = dt.datetime.combine(last_date, dt.time(), dt.UTC)
    first = start.astimezone(zone)
    timezone = icalendar.Timezone()
    timezone.add("tzid", tzid)
    # the observance in force from the first day, so earlier times have one too
    observances = {_observance(first): [first.replace(tzinfo=None)]}
    offset = _utc_offset(first)
    for change in _transitions(zone, start, end):
        before = offset
        after = change.astimezone(zone)
        key = (*_observance(after)[:3], before)
        observances.setdefault(key, []).append((change + before).replace(tzinfo=None))
        offset = _utc_offset(after)
    for (kind, name, to, before), onsets in observances.items():
        part = icalendar.TimezoneDaylight() if kind == "DAYLIGHT" else icalendar.TimezoneStandard()
        part.add("dtstart", onsets[0])
        for onset in onsets[1:]:
            part.add("rdate", onset)
        if name:
            part.add("tzname", name)
        part.add("tzoffsetfrom", before)
        part.add("tzoffsetto", to)
        timezone.add_component(part)
    return bytes(timezone.to_ical())


def _utc_offset(moment: dt.datetime) -> dt.timedelta:
    """Return the UTC offset of an aware moment."""
    return moment.utcoffset() or dt.timedelta()


def _observance(moment: dt.datetime) -> tuple[str, str, dt.timedelta, dt.timedelta]:
    """Return (STANDARD or DAYLIGHT, name, offset, offset before) of an aware moment."""
    offset = moment.utcoffset() or dt.timedelta()
    kind = "DAYLIGHT" if moment.dst() else "STANDARD"
    return kind, moment.tzname() or "", offset, offset


def _transitions(
    zone: zoneinfo.ZoneInfo, start: dt.datetime, end: dt.datetime
) -> list[dt.datetime]:
    """Return the UTC instants between start and end at which zone's offset or name change."""

    def state(moment: dt.datetime) -> tuple[object, ...]:
        local = moment.astimezone(zone)
        return local.utcoffset(), local.tzname(), bool(local.dst())

    changes = []
    day = dt.timedelta(days=1)
    moment, current = start, state(start)
    while moment < end:
        following = moment + day
        if state(following) != current:
            low, high = moment, following  # state(low) == current != state(high)
            while high - low > dt.timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if middle <= low:
                    break
                if state(middle) == current:
                    low = middle
                else:
                    high = middle
            changes.append(high)
            current = state(high)
        moment = following
    return changes
