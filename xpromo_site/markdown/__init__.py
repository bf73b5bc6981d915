"""Markdown → HTML once per document, with absolute links left as placeholders.

Copy may come from partners. By default raw HTML in Markdown is escaped, never passed
through; `program.content.html: safe` lets a small formatting subset through, sanitised
with nh3 (links and images must still be written in Markdown, so they are tracked and
checked). Links and images whose scheme could run script or smuggle a document
(`javascript:`, `vbscript:`, `data:`) are located errors, as are links to schemes other
than http(s), mailto:, tel:, sms: and webcal:. Links are read as browsers read them
(``urls.read``): every link a browser opens on another site, scheme-relative ``//host/``
ones too, becomes a placeholder, published as the browser reads it (with a located
warning when that differs from the text), which the renderer fills per page (tracked for
that page's audience, or as written), so a campaign's Markdown is parsed and rendered
once however many variants it has.

The jobs: `convert.py` (Markdown → a Body), `schemes.py` (which URLs copy may use),
`rawhtml.py` (the raw HTML subset and its sanitising).
"""

from __future__ import annotations

from .convert import render_markdown

__all__ = ["render_markdown"]
