"""Build tracked outbound links: add UTM and referral parameters to a destination URL."""

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote

from .urls import read

__all__ = [
    "CODE_TRANSFORMS",
    "TRACKABLE_SCHEMES",
    "UTM_NAMES",
    "add_query_params",
    "host_key",
    "is_trackable",
    "is_within",
    "query_params",
    "tracked_url",
    "transform_code",
]

TRACKABLE_SCHEMES = frozenset({"http", "https"})

# The parameters xpromo sets on every tracked link, in the order it writes them.
UTM_NAMES = ("utm_source", "utm_medium", "utm_campaign", "utm_content")

# How a partner's site expects the referral code: as written, or Base64 (RFC 4648, padded).
CODE_TRANSFORMS = ("none", "base64")

# Characters left as they are when we encode our own names and values: RFC 3986 "unreserved".
_SAFE = "-._~"

# ASCII control characters (C0 and DEL). A URL containing one is not a single, well-formed link.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def is_trackable(url: str) -> bool:
    """Tell whether ``url`` is a link that gets tracking parameters.

    Returns True for an absolute ``http``/``https`` URL (scheme compared case-insensitively)
    that a browser reads with a non-empty host and, if present, a valid port, and reads as
    it is written (``urls.read`` finds no quirk). Returns False for ``mailto:``, ``tel:``,
    scheme-relative (``//host/``), relative and site-internal links, fragment-only links
    (``#top``), URLs with leading or trailing whitespace or ASCII control characters,
    addresses whose host a browser reads differently from the text (``\\`` for ``/``,
    ``https:///host``, a percent-encoded host: see ``urls.read``; callers publish the
    browser's reading, ``Reading.href``, instead) and anything browsers cannot parse.
    """
    if not url or url != url.strip() or _CONTROL.search(url):
        return False
    reading = read(url)
    return reading.absolute and reading.web and not reading.quirks


def host_key(url: str) -> str | None:
    """Return a key naming the website ``url`` points to, or None when it is not trackable.

    The key is the host a browser connects to (``urls.read``: lowercased, without
    userinfo or port, mapped by UTS #46 with internationalised labels in their ASCII
    ``xn--`` form, ``\\`` read as ``/``), without one trailing dot or one leading
    ``www.``, so that ``https://WWW.Bücher.example:8443/`` and ``http://xn--bcher-kva.example/``
    share the key ``xn--bcher-kva.example``. IPv6 literals are returned without brackets.
    """
    if not is_trackable(url):
        return None
    key = read(url).host.removeprefix("[").removesuffix("]")
    if len(key) > 1 and key.endswith("."):
        key = key[:-1]
    if key.startswith("www.") and len(key) > len("www."):
        key = key[len("www.") :]
    return key


def is_within(url: str, base_url: str) -> bool:
    """Tell whether ``url`` is a page of the site served at ``base_url``.

    Returns True when both are trackable, share a host key (see ``host_key``: case, port,
    ``www.`` and IDN form do not matter) and ``url``'s path starts with ``base_url``'s path
    (``https://partners.example/`` holds every path of its host). http and https count as
    the same site. Paths are compared as browsers read them. Returns False otherwise.
    """
    key = host_key(url)
    if key is None or key != host_key(base_url):
        return False
    base_path = read(base_url).path or "/"
    path = read(url).path or "/"
    if not base_path.endswith("/"):
        return path == base_path or path.startswith(base_path + "/")
    return path.startswith(base_path) or path + "/" == base_path


def _decode(text: str) -> str:
    """Return one query name or value as servers read it: ``+`` as space, then percent-decoding."""
    return unquote(text.replace("+", " "))


def _param_name(piece: str) -> str:
    """Return the decoded name of one ``name=value`` query piece, read as a server reads it."""
    return _decode(piece.split("=", 1)[0])


def query_params(url: str) -> list[tuple[str, str | None]]:
    """Return the decoded ``(name, value)`` pairs of ``url``'s query, in order.

    The query is the text between the first ``?`` and the first ``#``. Empty pieces are
    skipped; a piece without ``=`` gives the value None. Names and values are decoded the
    way servers read them (``+`` as space, then percent-decoding).
    """
    query = url.partition("#")[0].partition("?")[2]
    pairs: list[tuple[str, str | None]] = []
    for piece in query.split("&"):
        if not piece:
            continue
        name, equals, value = piece.partition("=")
        pairs.append((_decode(name), _decode(value) if equals else None))
    return pairs


def transform_code(code: str, transform: str) -> str:
    """Return the referral code as the destination's site reads it.

    ``none`` returns code unchanged; ``base64`` returns the standard, padded Base64 of its
    UTF-8 bytes (RFC 4648 section 4), the form PartnerStack's ``gspk`` parameter carries.
    Raises ValueError for any other transform.
    """
    if transform == "none":
        return code
    if transform == "base64":
        return base64.b64encode(code.encode("utf-8")).decode("ascii")
    raise ValueError(f"unknown code transform {transform!r}; expected one of {CODE_TRANSFORMS}")


def _check_names(names: Sequence[str]) -> None:
    """Raise ValueError if a query parameter name is empty or appears twice."""
    if any(not name for name in names):
        raise ValueError("query parameter names must not be empty")
    if len(set(names)) != len(names):
        raise ValueError(f"query parameter names must be unique, got {list(names)!r}")


def add_query_params(url: str, params: Sequence[tuple[str, str]]) -> str:
    """Return ``url`` with ``params`` set in its query string, touching nothing else.

    The URL is split as text, without decoding: everything before the first ``#`` holds the
    scheme, authority, path and (after the first ``?``) the query; everything after that
    ``#`` is the fragment. Existing query pieces are kept byte for byte and in order, except
    that empty pieces (from ``?``, ``&&`` or a trailing ``&``) are dropped and pieces whose
    name equals one of ``params``' names are removed. Names are compared after decoding
    them the way servers read query strings (``+`` as space, then percent-decoding), so
    ``utm%5Fsource`` counts as ``utm_source``. The ``params`` are then appended in the
    given order, names and values percent-encoded with only RFC 3986 unreserved
    characters left as they are. The ``?`` is written only when the resulting query is
    non-empty, and the ``#`` only when the original fragment is non-empty.

    The result is the same when the call is repeated with the same ``params``. The function
    works on the text of any URL; callers decide which URLs to track (see ``is_trackable``).
    Raises ValueError if a name in ``params`` is empty or appears twice.
    """
    names = [name for name, _ in params]
    _check_names(names)

    before_fragment, hash_mark, fragment = url.partition("#")
    base, _, query = before_fragment.partition("?")

    ours = set(names)
    kept = [piece for piece in query.split("&") if piece and _param_name(piece) not in ours]
    added = [f"{quote(name, safe=_SAFE)}={quote(value, safe=_SAFE)}" for name, value in params]

    result = base
    pieces = kept + added
    if pieces:
        result += "?" + "&".join(pieces)
    if hash_mark and fragment:
        result += "#" + fragment
    return result


@dataclass(frozen=True, slots=True)
class Utm:
    """The four UTM values a tracked link carries, in the order they are added."""

    source: str
    medium: str
    campaign: str
    content: str


def tracked_url(
    destination: str,
    utm: Utm,
    *,
    referral: tuple[str, str] | None = None,
    extra: Sequence[tuple[str, str]] = (),
    keep_existing: bool = False,
) -> str:
    """Return ``destination`` carrying the campaign's tracking parameters (utm).

    The parameters are ``utm_source``, ``utm_medium``, ``utm_campaign``, ``utm_content`` in
    that order, then the ``(param, code)`` referral pair when given, then ``extra`` in its
    order; they replace any parameters of the same names already in the destination (see
    ``add_query_params``). With ``keep_existing``, a UTM parameter the destination already
    carries with a non-empty value is kept as written and not added again; an empty one
    (``utm_source=`` or a bare ``utm_source``) counts as missing and is filled in.
    A destination that is not trackable (``is_trackable`` is False) is returned unchanged.
    Raises ValueError if a parameter name is empty or appears twice among ours.
    """
    if not is_trackable(destination):
        return destination
    params = [
        ("utm_source", utm.source),
        ("utm_medium", utm.medium),
        ("utm_campaign", utm.campaign),
        ("utm_content", utm.content),
    ]
    if referral is not None:
        params.append(referral)
    params.extend(extra)
    _check_names([name for name, _ in params])
    if keep_existing:
        theirs = {name for name, value in query_params(destination) if value}
        params = [(n, v) for n, v in params if n not in theirs or n not in UTM_NAMES]
    return add_query_params(destination, params)
