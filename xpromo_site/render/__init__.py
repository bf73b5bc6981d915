"""Site → output files (pages, hubs, manifests, sitemap, feeds, host files) into a sink.

views.py computes once, before any page, what pages render from (frozen), with
logos.py's logo sizes; pages.py renders template + view → HTML per page and hub;
renderer.py runs them in chunks, forked workers on large programs; policy.py turns
the pages' verdicts into the Content-Security-Policy and the host's files;
sitefiles.py makes links.csv and links.json, sitemap.xml, robots.txt and the feeds;
sinks.py is where files go (the sink does any disk I/O: output.Stage for build).
"""

from __future__ import annotations

from .logos import brand_css, needs_plate, plate_class
from .renderer import Target, render_site
from .sinks import Memory, OutputFile, Sink
from .sitefiles import (
    LINKS_COLUMNS,
    links_csv,
    links_csv_parts,
    links_json,
    links_json_parts,
    sitemap_xml,
)
from .views import (
    CONSENT_SCRIPT,
    CSP_MARK,
    KIT_SCRIPT,
    Drawn,
    RenderInputs,
    fill_links,
    format_date,
    hashed_name,
    plan_share_images,
)

__all__ = [
    "CONSENT_SCRIPT",
    "CSP_MARK",
    "KIT_SCRIPT",
    "LINKS_COLUMNS",
    "Drawn",
    "Memory",
    "OutputFile",
    "RenderInputs",
    "Sink",
    "Target",
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
