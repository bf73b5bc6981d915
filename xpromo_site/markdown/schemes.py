"""Which URLs copy may use: the scheme a browser would read (controls ignored, escapes
decoded), and the located refusal of script, embedded documents and schemes other
than http(s), mailto:, tel:, sms: and webcal:."""

from __future__ import annotations

import re
from urllib.parse import unquote

LINK_SCHEMES = ("http", "https", "mailto", "tel", "sms", "webcal")
SCRIPT_SCHEMES = ("javascript", "vbscript")

_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")


def scheme_of(url: str) -> str | None:
    """Return the lowercase scheme a browser would read from url, or None if relative.

    Tabs, newlines and other control characters are ignored and percent-escapes decoded,
    as a browser or a lenient client might.
    """
    compact = re.sub(r"[\x00-\x20\x7f]+", "", unquote(url)).lower()
    match = _SCHEME.match(compact)
    return match[1] if match else None


def shown(url: str) -> str:
    """url as a message shows it: at most 60 characters."""
    return url if len(url) <= 60 else url[:57] + "..."


def url_problem(url: str, image: bool) -> tuple[str, str] | None:
    """Return (message, hint) when a link (or image) URL must be refused, else None.

    Remote http(s) images are left to the caller, which knows where site files are.
    """
    scheme = scheme_of(url)
    what = "image" if image else "link"
    site_hint = (
        "save the image under assets/ and refer to it by path, e.g. ![Diagram](/assets/diagram.png)"
    )
    if scheme in SCRIPT_SCHEMES:
        return (
            f"{what} '{shown(url)}' would run script in the visitor's browser",
            site_hint if image else "link to a web page (https://...), or remove the link",
        )
    if scheme == "data":
        if image:
            return (
                f"image '{shown(url)}' is embedded in the text; images must be files in the site",
                site_hint,
            )
        return (
            f"link '{shown(url)}' opens a document embedded in the link",
            "link to a web page (https://...) instead",
        )
    if not image and scheme is not None and scheme not in LINK_SCHEMES:
        return (
            f"link '{shown(url)}' uses {scheme}:, which copy may not link to",
            "links may be web addresses (https://...), mailto:, tel:, sms: or webcal:",
        )
    return None
