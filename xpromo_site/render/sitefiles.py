"""The machine-readable files, pure functions of the Site: links.csv and links.json,
sitemap.xml, robots.txt and the Atom feeds."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from xml.sax.saxutils import escape as xml_escape

from .. import feeds
from ..links import TrackedLink
from ..site import Site
from .sinks import Sink

LINKS_COLUMNS = ("campaign", "audience", "destination", "channel", "placement", "url")


def write_manifests(site: Site, out: Sink) -> None:
    """Write links.csv, links.json, sitemap.xml and robots.txt into out."""
    rows = site.links()
    out.add_parts("links.csv", (text.encode() for text in links_csv_parts(rows)))
    out.add_parts("links.json", (text.encode() for text in links_json_parts(rows)))
    out.add("sitemap.xml", sitemap_xml(sitemap_urls(site)).encode("utf-8"))
    out.add("robots.txt", robots_txt(site).encode())


def write_feeds(site: Site, out: Sink) -> None:
    """Write the program's Atom feed and each partner's into out."""
    for path, text in feeds.site_feeds(site).items():
        out.add(path, text.encode("utf-8"))


def sitemap_urls(site: Site) -> list[str]:
    """The home page, every live campaign's canonical page and the program's own pages."""
    base = site.program.base_url
    urls = [base]
    urls += [base + item.canonical.path for item in site.live]
    urls += [base + f"{page.slug}/" for page in site.pages]
    return urls


def robots_txt(site: Site) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {site.program.base_url}sitemap.xml\n"


def links_csv(rows: Iterable[TrackedLink]) -> str:
    """Return the links manifest as CSV with a header row and '\\n' line ends."""
    return "".join(links_csv_parts(rows))


def links_csv_parts(rows: Iterable[TrackedLink]) -> Iterator[str]:
    """Yield links_csv's text a line at a time (a large program's manifest is tens of MB)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for values in ([*LINKS_COLUMNS], *([getattr(r, c) for c in LINKS_COLUMNS] for r in rows)):
        writer.writerow(values)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def links_json(rows: Iterable[TrackedLink]) -> str:
    """Return the links manifest as JSON: {"links": [row, ...]}, keys in column order.

    The text is indented, keeps non-ASCII characters as they are and ends with a newline.
    """
    return "".join(links_json_parts(rows))


def links_json_parts(rows: Iterable[TrackedLink]) -> Iterator[str]:
    """Yield links_json's text a row at a time: the same text as json.dumps of the whole."""
    yield '{\n  "links": ['
    separator = "\n"
    keys = [f"      {json.dumps(column)}: " for column in LINKS_COLUMNS]
    quote = encode_basestring  # a row's values are all strings
    for row in rows:
        fields = ",\n".join(
            key + quote(getattr(row, column))
            for key, column in zip(keys, LINKS_COLUMNS, strict=True)
        )
        yield f"{separator}    {{\n{fields}\n    }}"
        separator = ",\n"
    yield "\n  ]\n}\n" if separator != "\n" else "]\n}\n"


def sitemap_xml(urls: Iterable[str]) -> str:
    """Return a sitemap listing urls."""
    entries = "".join(f"  <url><loc>{xml_escape(url)}</loc></url>\n" for url in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</urlset>\n"
    )
