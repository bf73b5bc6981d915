"""Redirect safety: a request path resolved so it never climbs above the root, and the
Location of a folder's trailing-slash redirect, always a path on this server with
nothing a header could be split on."""

from __future__ import annotations

from urllib.parse import quote

PATH_SAFE = "/-._~!$&'()*+,;=:@"  # RFC 3986 path characters, "%" left out: always re-quoted
QUERY_SAFE = PATH_SAFE + "?%"  # a query is passed on as sent, minus anything unsafe


def normalise(path: str) -> str:
    """A decoded URL path with empty, '.' and '..' segments resolved: '/' or '/a/b'.

    The result starts with exactly one '/' and never climbs above the root, so a
    redirect built from it stays on this server whatever the request spelled.
    """
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in ("", "."):
            segments.append(segment)
    return "/" + "/".join(segments)


def directory_location(path: str, query: str = "") -> str:
    """The Location of the redirect from a folder's URL to its URL with a trailing '/'.

    path is the decoded request path. The value is always an absolute path on this
    server: one '/' then a character that is neither '/' nor a backslash (or the
    root '/'), percent-encoded so that no control character, CR or LF can reach the
    header, whatever the request held.
    """
    folder = normalise(path).rstrip("/") + "/"
    location = quote(folder, safe=PATH_SAFE)
    if query:
        location += "?" + quote(query, safe=QUERY_SAFE)
    return location
