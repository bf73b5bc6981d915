"""Atom feeds of live campaigns: one for the program, one per partner hub.

Every URL is absolute and every timestamp comes from the input (a campaign's
`starts` day), never from the clock, so the same program gives the same feed.
A campaign without `starts` has been live from the beginning: its entry is dated
1970-01-01. A feed's own `updated` is the last day its content changed: the newest
start among its entries, or the day after an ended campaign's last day (when its entry
left), whichever is later; a feed that never held an entry takes the program feed's day,
and a program that never had a live campaign the build's day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from .site import Published, Site, Status

EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class Entry:
    id: str  # a stable absolute URL
    title: str
    url: str
    updated: dt.date
    summary: str | None
    authors: tuple[str, ...]  # partner names


def timestamp(day: dt.date) -> str:
    """Return the day as an Atom (RFC 3339) timestamp at midnight UTC."""
    return f"{day.isoformat()}T00:00:00Z"


def atom(
    *,
    title: str,
    feed_url: str,
    page_url: str,
    entries: Sequence[Entry],
    author: str,
    updated: dt.date,
) -> str:
    """Return an Atom 1.0 feed (RFC 4287) of entries, newest first as given."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <id>{escape(feed_url)}</id>",
        f"  <title>{escape(title)}</title>",
        f"  <updated>{timestamp(updated)}</updated>",
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(feed_url)}/>',
        f'  <link rel="alternate" type="text/html" href={quoteattr(page_url)}/>',
        f"  <author><name>{escape(author)}</name></author>",
    ]
    for entry in entries:
        lines.append("  <entry>")
        lines.append(f"    <id>{escape(entry.id)}</id>")
        lines.append(f"    <title>{escape(entry.title)}</title>")
        lines.append(f'    <link rel="alternate" type="text/html" href={quoteattr(entry.url)}/>')
        lines.append(f"    <updated>{timestamp(entry.updated)}</updated>")
        lines.extend(f"    <author><name>{escape(name)}</name></author>" for name in entry.authors)
        if entry.summary:
            lines.append(f"    <summary>{escape(entry.summary)}</summary>")
        lines.append("  </entry>")
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def site_feeds(site: Site) -> dict[str, str]:
    """Return output path → feed: the program's (canonical pages) and each partner's (its
    variants), each listing the live campaigns, newest start first."""
    base = site.program.base_url

    def entry(item: Published, path: str) -> Entry:
        campaign = item.campaign
        return Entry(
            id=base + path,
            title=campaign.title,
            url=base + path,
            updated=campaign.starts or EPOCH,
            summary=campaign.summary,
            authors=tuple(p.name for p in item.partners),
        )

    def changed(items: Sequence[Published]) -> dt.date | None:
        days = [item.campaign.starts or EPOCH for item in items if item.status is Status.LIVE]
        days += [
            item.campaign.ends + dt.timedelta(days=1)
            for item in items
            if item.campaign.ends is not None and item.campaign.ends < site.today
        ]
        return max(days, default=None)

    program_day = changed(site.published) or site.today
    result = {
        "feed.xml": atom(
            title=site.program.name,
            feed_url=base + "feed.xml",
            page_url=base,
            entries=[entry(item, item.canonical.path) for item in site.live],
            author=site.owner.name,
            updated=program_day,
        )
    }
    joined: dict[str, list[Entry]] = {partner.id: [] for partner in site.partners}
    for item in site.live:  # by id: comparing whole partners costs a large program seconds
        for partner in item.partners:
            if partner.id in joined:
                joined[partner.id].append(entry(item, f"{item.campaign.slug}/{partner.id}/"))
    for partner in site.partners:
        hub = f"partners/{partner.id}/"
        result[f"{hub}feed.xml"] = atom(
            title=f"{partner.name} · {site.program.name}",
            feed_url=f"{base}{hub}feed.xml",
            page_url=base + hub,
            entries=joined[partner.id],
            author=partner.name,
            updated=changed([i for i in site.published if partner.id in {p.id for p in i.partners}])
            or program_day,
        )
    return result
