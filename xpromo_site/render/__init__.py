"""Site → output files (pages, hubs, manifests, sitemap, feeds, host files) into a sink.

core.py renders pages and hubs, settles the policy and writes the host's files;
sitefiles.py makes links.csv and links.json, sitemap.xml, robots.txt and the feeds;
sinks.py is where files go (the sink does any disk I/O: output.Stage for build).
"""

from __future__ import annotations

from .core import (
    CONSENT_SCRIPT,
    CSP_MARK,
    KIT_SCRIPT,
    brand_css,
    fill_links,
    format_date,
    hashed_name,
    needs_plate,
    plan_share_images,
    plate_class,
    render_site,
)
from .sinks import Memory, OutputFile, Sink
from .sitefiles import (
    LINKS_COLUMNS,
    links_csv,
    links_csv_parts,
    links_json,
    links_json_parts,
    sitemap_xml,
)

__all__ = [
    "CONSENT_SCRIPT",
    "CSP_MARK",
    "KIT_SCRIPT",
    "LINKS_COLUMNS",
    "Memory",
    "OutputFile",
    "Sink",
    "brand_css",
    "fill_links",
    "format_date",
    "hashed_name",
    "links_csv",
    "links_csv_parts",
    "links_json",
    "links_json_parts",
    "needs_plate",
    "plan_share_images",
    "plate_class",
    "render_site",
    "sitemap_xml",
]
