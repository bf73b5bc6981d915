"""Development server: build, serve on 127.0.0.1, rebuild on save, reload open pages.

The site is built into a private folder (never the program's public/), served with
a small script injected into every HTML page that listens for rebuilds over
Server-Sent Events and reloads the page. A save that breaks the build keeps the
last good site on screen with the located errors drawn over it, until the input is
fixed. `/__xpromo__/` lists every campaign's variants for a one-click preview of
each partner's brand; `/__xpromo__/status` reports the build state as JSON.

The jobs: `devserver.py` (the rebuild and watch loop), `handler.py` (request
handling and its limits), `redirects.py` (redirect safety), `pages.py` (the
preview's own pages and what is injected into the site's).
"""

from __future__ import annotations

from .devserver import DevServer

__all__ = ["DevServer"]
