"""Tests for xpromo_site.tracking: tracked links keep the destination intact and never repeat."""

import base64
from urllib.parse import parse_qsl, quote, unquote, urlsplit, urlunsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xpromo_site.tracking import (
    TRACKABLE_SCHEMES,
    UTM_NAMES,
    Utm,
    add_query_params,
    host_key,
    is_trackable,
    is_within,
    query_params,
    tracked_url,
    transform_code,
)

UTM = Utm("northwind", "referral", "cloud-backup-webinar", "cta")


def _utm(values: dict[str, str]) -> Utm:
    return Utm(
        values["utm_source"], values["utm_medium"], values["utm_campaign"], values["utm_content"]
    )


UTM_QUERY = (
    "utm_source=northwind&utm_medium=referral&utm_campaign=cloud-backup-webinar&utm_content=cta"
)


def track(url: str, referral: tuple[str, str] | None = None, keep: bool = False) -> str:
    return tracked_url(url, UTM, referral=referral, keep_existing=keep)


# --- tracked_url: examples ---------------------------------------------------------------------


def test_product_example() -> None:
    url = "https://contoso.example/webinars/42?lang=en#register"
    assert track(url, referral=("ref", "CTS-77")) == (
        "https://contoso.example/webinars/42?lang=en"
        "&utm_source=northwind&utm_medium=referral&utm_campaign=cloud-backup-webinar"
        "&utm_content=cta&ref=CTS-77#register"
    )


def test_without_query_or_referral() -> None:
    assert track("https://contoso.example/") == f"https://contoso.example/?{UTM_QUERY}"


def test_existing_utm_source_is_replaced_not_repeated() -> None:
    url = "https://contoso.example/?utm_source=old&lang=en&utm_content=x"
    result = track(url)
    assert result == f"https://contoso.example/?lang=en&{UTM_QUERY}"
    assert result.count("utm_source") == 1
    assert result.count("utm_content") == 1


def test_existing_referral_param_is_replaced() -> None:
    url = "https://contoso.example/?ref=OLD&lang=en"
    assert track(url, referral=("ref", "CTS-77")) == (
        f"https://contoso.example/?lang=en&{UTM_QUERY}&ref=CTS-77"
    )


def test_percent_encoded_name_of_ours_is_replaced() -> None:
    url = "https://contoso.example/?utm%5Fsource=old&utm_medium=email"
    assert track(url) == f"https://contoso.example/?{UTM_QUERY}"


def test_names_are_compared_case_sensitively_and_after_plus_decoding() -> None:
    url = "https://contoso.example/?UTM_SOURCE=x&utm+source=y"
    assert track(url) == f"https://contoso.example/?UTM_SOURCE=x&utm+source=y&{UTM_QUERY}"


def test_percent_encoded_existing_values_are_kept_byte_for_byte() -> None:
    url = "https://contoso.example/search?q=a%20b&next=%2Fhome&x=a+b&u=%E2%82%AC&raw=a/b:c"
    assert track(url) == f"{url}&{UTM_QUERY}"


def test_odd_query_forms_survive() -> None:
    url = "https://contoso.example/?flag&a=&=v&b==c"
    assert track(url) == f"{url}&{UTM_QUERY}"


def test_bare_question_mark() -> None:
    assert track("https://x.example/?") == f"https://x.example/?{UTM_QUERY}"


def test_empty_pieces_are_dropped() -> None:
    assert track("https://x.example/?&&a=1&&b=2&") == f"https://x.example/?a=1&b=2&{UTM_QUERY}"


def test_empty_fragment_marker_is_dropped() -> None:
    assert track("https://x.example/#") == f"https://x.example/?{UTM_QUERY}"
    assert track("https://x.example/?#") == f"https://x.example/?{UTM_QUERY}"


def test_fragment_with_query_like_text_stays_last_and_unchanged() -> None:
    url = "https://x.example/app?v=1#/route?utm_source=frag&x=1"
    assert track(url) == f"https://x.example/app?v=1&{UTM_QUERY}#/route?utm_source=frag&x=1"


def test_port_and_userinfo_are_kept() -> None:
    assert track("https://user:pw@x.example:8443/p") == (
        f"https://user:pw@x.example:8443/p?{UTM_QUERY}"
    )
    assert track("http://127.0.0.1:8000/") == f"http://127.0.0.1:8000/?{UTM_QUERY}"
    assert track("http://[::1]:8000/a") == f"http://[::1]:8000/a?{UTM_QUERY}"


def test_uppercase_scheme_host_and_path_are_kept() -> None:
    assert track("HTTPS://Contoso.EXAMPLE/Webinars/") == (
        f"HTTPS://Contoso.EXAMPLE/Webinars/?{UTM_QUERY}"
    )


def test_trailing_slash_and_empty_path_are_kept() -> None:
    assert track("https://x.example/docs/") == f"https://x.example/docs/?{UTM_QUERY}"
    assert track("https://x.example/docs") == f"https://x.example/docs?{UTM_QUERY}"
    assert track("https://x.example") == f"https://x.example?{UTM_QUERY}"
    assert track("https://x.example#top") == f"https://x.example?{UTM_QUERY}#top"


def test_idn_host_is_kept_as_written() -> None:
    assert track("https://bücher.example/angebot") == f"https://bücher.example/angebot?{UTM_QUERY}"
    assert track("https://xn--bcher-kva.example/") == f"https://xn--bcher-kva.example/?{UTM_QUERY}"


@pytest.mark.parametrize(
    "url",
    [
        "mailto:hello@contoso.example?subject=Hi",
        "tel:+15550100",
        "/campaigns/cloud-backup/",
        "campaigns/cloud-backup/",
        "../index.html",
        "#top",
        "?page=2",
        "",
        "//cdn.contoso.example/x.js",
        "ftp://files.contoso.example/a",
        "javascript:alert(1)",
        "https://",
        "https:///path",
        "https:contoso.example",
        "https://contoso.example:abc/",
        "https://contoso.example:99999/",
        " https://contoso.example/",
        "https://contoso.example/\n",
        "https://contoso.example/a\tb",
    ],
)
def test_untrackable_urls_are_returned_unchanged(url: str) -> None:
    assert not is_trackable(url)
    assert host_key(url) is None
    assert track(url, referral=("ref", "CTS-77")) == url


@pytest.mark.parametrize(
    "url",
    [
        "https://contoso.example",
        "http://contoso.example/",
        "HTTP://CONTOSO.EXAMPLE/",
        "https://user@contoso.example:443/a?b#c",
        "https://bücher.example/",
        "http://[2001:db8::1]/",
    ],
)
def test_trackable_urls(url: str) -> None:
    assert is_trackable(url)
    assert urlsplit(url).scheme.lower() in TRACKABLE_SCHEMES


def test_values_are_encoded_exactly_once() -> None:
    result = tracked_url(
        "https://x.example/",
        Utm("a b", "x&y=z", "#frag+plus", "100%20 café/~._-"),
        referral=("ref code", "A&B"),
    )
    assert result == (
        "https://x.example/?utm_source=a%20b&utm_medium=x%26y%3Dz"
        "&utm_campaign=%23frag%2Bplus&utm_content=100%2520%20caf%C3%A9%2F~._-"
        "&ref%20code=A%26B"
    )
    assert dict(parse_qsl(urlsplit(result).query)) == {
        "utm_source": "a b",
        "utm_medium": "x&y=z",
        "utm_campaign": "#frag+plus",
        "utm_content": "100%20 café/~._-",
        "ref code": "A&B",
    }
    assert track(result, referral=("ref code", "B")) == (
        f"https://x.example/?{UTM_QUERY}&ref%20code=B"
    )


def test_tracking_twice_is_the_same_as_once() -> None:
    url = "https://contoso.example/webinars/42?lang=en#register"
    once = track(url, referral=("ref", "CTS-77"))
    assert track(once, referral=("ref", "CTS-77")) == once


def test_referral_named_like_a_utm_parameter_is_rejected() -> None:
    with pytest.raises(ValueError, match="unique"):
        track("https://x.example/", referral=("utm_source", "x"))
    with pytest.raises(ValueError, match="empty"):
        track("https://x.example/", referral=("", "x"))


# --- destinations that already carry utm_*: replace (the default) or keep ----------------------


def test_existing_utm_are_replaced_by_default() -> None:
    url = "https://contoso.example/?utm_medium=email&lang=en&utm_source=newsletter#top"
    assert track(url) == f"https://contoso.example/?lang=en&{UTM_QUERY}#top"


def test_keep_leaves_the_destinations_own_utm_and_adds_the_rest() -> None:
    url = "https://contoso.example/?utm_medium=email&lang=en&utm_source=newsletter#top"
    assert track(url, keep=True) == (
        "https://contoso.example/?utm_medium=email&lang=en&utm_source=newsletter"
        "&utm_campaign=cloud-backup-webinar&utm_content=cta#top"
    )


def test_keep_keeps_values_byte_for_byte_even_when_encoded() -> None:
    url = "https://contoso.example/?utm_content=hero%20Banner&utm%5Fmedium=E-mail"
    assert track(url, keep=True) == (
        f"{url}&utm_source=northwind&utm_campaign=cloud-backup-webinar"
    )


def test_keep_fills_empty_utm_values() -> None:
    url = "https://contoso.example/?utm_source=&utm_medium&lang=en&utm_content=hero"
    assert track(url, keep=True) == (
        "https://contoso.example/?lang=en&utm_content=hero&utm_source=northwind"
        "&utm_medium=referral&utm_campaign=cloud-backup-webinar"
    )


def test_empty_values_of_other_parameters_are_kept_as_written() -> None:
    for keep in (False, True):
        assert track("https://x.example/?a=&b&c=1", keep=keep) == (
            f"https://x.example/?a=&b&c=1&{UTM_QUERY}"
        )


def test_keep_never_keeps_a_referral_parameter() -> None:
    url = "https://contoso.example/?ref=OLD&utm_source=newsletter"
    assert track(url, referral=("ref", "CTS-77"), keep=True) == (
        "https://contoso.example/?utm_source=newsletter&utm_medium=referral"
        "&utm_campaign=cloud-backup-webinar&utm_content=cta&ref=CTS-77"
    )


def test_keep_with_nothing_to_keep_is_the_same_as_replace() -> None:
    url = "https://contoso.example/webinars/42?lang=en#register"
    assert track(url, keep=True) == track(url)


def test_extra_params_follow_the_referral_in_their_order() -> None:
    result = tracked_url(
        "https://x.example/?q=1#f",
        UTM,
        referral=("gspk", transform_code("nw-events", "base64")),
        extra=[("subId1", "summit-2026"), ("ps_program", "events")],
    )
    assert result == (
        f"https://x.example/?q=1&{UTM_QUERY}&gspk=bnctZXZlbnRz&subId1=summit-2026"
        "&ps_program=events#f"
    )


def test_our_names_must_be_unique_in_every_mode() -> None:
    for keep in (False, True):
        with pytest.raises(ValueError, match="unique"):
            tracked_url(
                "https://x.example/?utm_source=a",
                UTM,
                extra=[("utm_source", "b")],
                keep_existing=keep,
            )
        with pytest.raises(ValueError, match="unique"):
            tracked_url("https://x.example/", UTM, referral=("s", "1"), extra=[("s", "2")])


def test_repeated_utm_in_a_destination() -> None:
    url = "https://x.example/?utm_source=a&utm_source=b"
    assert track(url) == f"https://x.example/?{UTM_QUERY}"
    assert track(url, keep=True) == (
        "https://x.example/?utm_source=a&utm_source=b&utm_medium=referral"
        "&utm_campaign=cloud-backup-webinar&utm_content=cta"
    )


def test_semicolon_queries_are_one_parameter() -> None:
    url = "https://x.example/?a=1;utm_source=x"
    assert track(url) == f"{url}&{UTM_QUERY}"
    assert query_params(url) == [("a", "1;utm_source=x")]


# --- query_params ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "pairs"),
    [
        ("https://x.example/", []),
        ("https://x.example/?", []),
        ("https://x.example/?&&", []),
        (
            "https://x.example/?a=1&&b&c=%20+x&=v",
            [("a", "1"), ("b", None), ("c", "  x"), ("", "v")],
        ),
        ("https://x.example/?utm%5Fsource=a%26b#?utm_medium=frag", [("utm_source", "a&b")]),
        ("https://x.example/?a==b", [("a", "=b")]),
        ("https://x.example/#?a=1", []),
        ("mailto:a@x.example?subject=Hi", [("subject", "Hi")]),
    ],
)
def test_query_params(url: str, pairs: list[tuple[str, str | None]]) -> None:
    assert query_params(url) == pairs


# --- referral code transforms ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "encoded"),
    [
        ("contoso", "Y29udG9zbw=="),
        ("nw-events", "bnctZXZlbnRz"),
        ("CTS-NW-01", "Q1RTLU5XLTAx"),
        ("café", "Y2Fmw6k="),
        ("a?b", "YT9i"),
        ("??>", "Pz8+"),  # the standard alphabet: + and / stay, the URL encodes them
    ],
)
def test_base64_codes(code: str, encoded: str) -> None:
    assert transform_code(code, "base64") == encoded
    assert transform_code(code, "none") == code


def test_base64_codes_survive_the_url() -> None:
    url = tracked_url("https://x.example/", UTM, referral=("gspk", transform_code("??>", "base64")))
    assert url.endswith("&gspk=Pz8%2B")
    assert base64.b64decode(dict(query_params(url))["gspk"] or "") == b"??>"
    padded = tracked_url(
        "https://x.example/", UTM, referral=("gspk", transform_code("contoso", "base64"))
    )
    assert padded.endswith("&gspk=Y29udG9zbw%3D%3D")


def test_unknown_transform_is_rejected() -> None:
    with pytest.raises(ValueError, match="base32"):
        transform_code("x", "base32")


# --- links within the site ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "base", "within"),
    [
        ("https://partners.example/", "https://partners.example/", True),
        ("https://partners.example/summit/?utm_source=x", "https://partners.example/", True),
        ("http://PARTNERS.example:8443/a#b", "https://partners.example/", True),
        ("https://www.partners.example/a", "https://partners.example/", True),
        ("https://partners.example", "https://partners.example/", True),
        ("https://partners.bücher.example/", "https://partners.xn--bcher-kva.example/", True),
        ("https://example.com/partners/a/", "https://example.com/partners/", True),
        ("https://example.com/partners", "https://example.com/partners/", True),
        ("https://example.com/partnership/", "https://example.com/partners/", False),
        ("https://example.com/", "https://example.com/partners/", False),
        ("https://example.com/partners/a", "https://example.com/partners", True),
        ("https://example.com/partnersx", "https://example.com/partners", False),
        ("https://shop.partners.example/", "https://partners.example/", False),
        ("https://partners.example.evil.example/", "https://partners.example/", False),
        ("https://example.com/", "https://partners.example.com/", False),
        ("/summit/", "https://partners.example/", False),
        ("mailto:hi@partners.example", "https://partners.example/", False),
    ],
)
def test_is_within(url: str, base: str, within: bool) -> None:
    assert is_within(url, base) is within


# --- add_query_params: examples ----------------------------------------------------------------


def test_add_query_params_keeps_given_order() -> None:
    assert add_query_params("https://x.example/?z=1", [("b", "2"), ("a", "1")]) == (
        "https://x.example/?z=1&b=2&a=1"
    )


def test_add_query_params_with_no_params_only_cleans_empty_pieces() -> None:
    assert add_query_params("https://x.example/?a=1", []) == "https://x.example/?a=1"
    assert add_query_params("https://x.example/?&a=1&#", []) == "https://x.example/?a=1"
    assert add_query_params("https://x.example/?#", []) == "https://x.example/"


def test_add_query_params_rejects_bad_names() -> None:
    with pytest.raises(ValueError):
        add_query_params("https://x.example/", [("a", "1"), ("a", "2")])
    with pytest.raises(ValueError):
        add_query_params("https://x.example/", [("", "1")])


# --- host_key ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://contoso.example/", "contoso.example"),
        ("https://www.contoso.example/a", "contoso.example"),
        ("https://WWW.Contoso.EXAMPLE/", "contoso.example"),
        ("http://contoso.example:8080/", "contoso.example"),
        ("https://user:pw@www.contoso.example:443/", "contoso.example"),
        ("https://contoso.example./", "contoso.example"),
        ("https://shop.contoso.example/", "shop.contoso.example"),
        ("https://www.www.contoso.example/", "www.contoso.example"),
        ("https://www/", "www"),
        ("https://wwwcontoso.example/", "wwwcontoso.example"),
        ("https://bücher.example/", "xn--bcher-kva.example"),
        ("https://xn--bcher-kva.example/", "xn--bcher-kva.example"),
        ("https://XN--BCHER-KVA.example/", "xn--bcher-kva.example"),
        ("https://www.BÜCHER.example/", "xn--bcher-kva.example"),
        ("http://127.0.0.1:8000/", "127.0.0.1"),
        ("http://[2001:DB8::1]:8080/", "2001:db8::1"),
        ("https://a..b.example/", "a..b.example"),  # the idna codec refuses it: lowercase host
        ("https://" + "x" * 70 + ".example/", "x" * 70 + ".example"),
        ("mailto:a@contoso.example", None),
        ("/relative", None),
    ],
)
def test_host_key(url: str, key: str | None) -> None:
    assert host_key(url) == key


def test_host_key_punycode_equals_unicode_form() -> None:
    assert host_key("https://www.münchen.example/") == host_key("http://xn--mnchen-3ya.example/x")
    assert host_key("https://日本.example/") == host_key("https://xn--wgv71a.example/")


# --- properties --------------------------------------------------------------------------------

PROPERTY_SETTINGS = settings(deadline=None)

# Characters a query name or value may carry unencoded; never '&', '=', '#', '+' or '%'.
QUERY_SAFE_SETS = ("", "-._~", "-._~/?:@!$'()*,;")

label = st.from_regex(r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?", fullmatch=True)
host = st.builds(
    lambda prefix, labels, tld: ".".join([*prefix, *labels, tld]),
    st.sampled_from([[], ["www"], ["WWW"]]),
    st.lists(label, min_size=1, max_size=3),
    st.sampled_from(["example", "test", "EXAMPLE", "xn--bcher-kva", "bücher"]),
)
port = st.one_of(st.just(""), st.integers(1, 65535).map(lambda p: f":{p}"))
userinfo = st.sampled_from(["", "user@", "user:pw@"])
segment = st.text(max_size=8).map(lambda s: quote(s, safe="-._~!$'()*,;=:@"))
path = st.builds(
    lambda segments, slash: "".join(f"/{s}" for s in segments) + ("/" if slash else ""),
    st.lists(segment, max_size=4),
    st.booleans(),
)
name_text = st.one_of(
    st.sampled_from([*UTM_NAMES, "ref", "via", "lang", "q", "utm_term"]),
    st.text(min_size=1, max_size=8),
)
value_text = st.one_of(st.none(), st.text(max_size=10))  # None: a bare "name" with no "="


@st.composite
def existing_params(draw: st.DrawFn) -> list[tuple[str, str | None, str]]:
    """Return (decoded name, decoded value or None, encoded piece) for a destination's query."""
    pairs = draw(st.lists(st.tuples(name_text, value_text), max_size=6, unique_by=lambda p: p[0]))
    result = []
    for name, value in pairs:
        safe = draw(st.sampled_from(QUERY_SAFE_SETS))
        piece = quote(name, safe=safe)
        if value is not None:
            piece += "=" + quote(value, safe=draw(st.sampled_from(QUERY_SAFE_SETS)))
        result.append((name, value, piece))
    return result


fragment = st.one_of(
    st.none(),
    st.just(""),
    st.text(max_size=12).map(lambda s: quote(s, safe="-._~!$&'()*+,;=:@/?#%")),
)


@st.composite
def destinations(draw: st.DrawFn) -> tuple[str, str, list[tuple[str, str | None, str]], str | None]:
    """Return (url, url up to the query, existing params, fragment or None)."""
    base = (
        draw(st.sampled_from(["https", "http", "HTTPS"]))
        + "://"
        + draw(userinfo)
        + draw(host)
        + draw(port)
        + draw(path)
    )
    params = draw(existing_params())
    pieces = [piece for _, _, piece in params]
    if draw(st.booleans()):  # sprinkle empty pieces: "?", "&&", trailing "&"
        pieces = ["", *pieces, ""]
    query = "&".join(pieces)
    url = base
    if query or draw(st.booleans()):
        url += "?" + query
    frag = draw(fragment)
    if frag is not None:
        url += "#" + frag
    return url, base, params, frag


our_params = st.builds(
    lambda values, referral: [*zip(UTM_NAMES, values, strict=True), *referral],
    st.lists(st.text(max_size=12), min_size=4, max_size=4),
    st.one_of(
        st.just([]),
        st.tuples(
            st.one_of(
                st.sampled_from(["ref", "via", "lang", "q"]),
                st.text(min_size=1, max_size=8).filter(lambda n: n not in UTM_NAMES),
            ),
            st.text(max_size=12),
        ).map(lambda pair: [pair]),
    ),
)


def query_of(url: str) -> str:
    return url.partition("#")[0].partition("?")[2]


@PROPERTY_SETTINGS
@given(destinations(), our_params)
def test_property_query_is_theirs_minus_overridden_plus_ours(dest, params) -> None:
    url, _, existing, _ = dest
    result = add_query_params(url, params)
    ours = {name for name, _ in params}
    expected = [(n, "" if v is None else v) for n, v, _ in existing if n not in ours]
    expected += list(params)
    assert parse_qsl(query_of(result), keep_blank_values=True) == expected
    assert parse_qsl(urlsplit(result).query, keep_blank_values=True) == expected


@PROPERTY_SETTINGS
@given(destinations(), our_params)
def test_property_everything_but_the_query_is_unchanged(dest, params) -> None:
    url, base, _, frag = dest
    result = add_query_params(url, params)
    assert result.startswith(base + "?")
    assert result.partition("?")[0] == base
    if frag:
        assert result.partition("#")[2] == frag
        assert result.endswith("#" + frag)
        assert urlsplit(result).fragment == frag
    else:
        assert "#" not in result


@PROPERTY_SETTINGS
@given(destinations(), our_params)
def test_property_idempotent(dest, params) -> None:
    once = add_query_params(dest[0], params)
    assert add_query_params(once, params) == once


@PROPERTY_SETTINGS
@given(destinations(), our_params)
def test_property_no_name_appears_twice(dest, params) -> None:
    result = add_query_params(dest[0], params)
    names = [name for name, _ in parse_qsl(query_of(result), keep_blank_values=True)]
    assert len(names) == len(set(names))


@PROPERTY_SETTINGS
@given(destinations(), our_params)
def test_property_nothing_is_encoded_twice(dest, params) -> None:
    url, _, existing, _ = dest
    result = add_query_params(url, params)
    ours = {name for name, _ in params}
    kept = [piece for name, _, piece in existing if name not in ours]
    pieces = query_of(result).split("&")
    assert pieces[: len(kept)] == kept  # their pieces verbatim, in their order
    added = pieces[len(kept) :]
    assert len(added) == len(params)
    for piece, (name, value) in zip(added, params, strict=True):
        encoded_name, _, encoded_value = piece.partition("=")
        assert (unquote(encoded_name), unquote(encoded_value)) == (name, value)


@PROPERTY_SETTINGS
@given(destinations(), our_params)
def test_property_tracked_url_matches_add_query_params(dest, params) -> None:
    url = dest[0]
    values = dict(params[:4])
    referral = params[4] if len(params) > 4 else None
    result = tracked_url(
        url,
        Utm(
            values["utm_source"],
            values["utm_medium"],
            values["utm_campaign"],
            values["utm_content"],
        ),
        referral=referral,
    )
    assert is_trackable(url)
    assert result == add_query_params(url, params)
    assert host_key(result) == host_key(url)


@PROPERTY_SETTINGS
@given(st.text(max_size=40), our_params)
def test_property_any_text_never_crashes_and_is_idempotent(url, params) -> None:
    once = add_query_params(url, params)
    assert add_query_params(once, params) == once
    tracked = track(url)
    if is_trackable(url):
        assert track(tracked) == tracked
        assert host_key(tracked) == host_key(url)
    else:
        assert tracked == url
        assert host_key(url) is None


@PROPERTY_SETTINGS
@given(st.lists(label, min_size=1, max_size=3), port)
def test_property_host_key_ignores_case_port_and_www(labels, p) -> None:
    h = ".".join([*labels, "bücher"])
    key = host_key(f"https://{h}{p}/")
    assert key == h.lower().replace("bücher", "xn--bcher-kva").removeprefix("www.")
    assert key == host_key(f"http://{h.upper()}/x")
    if not h.lower().startswith("www."):
        assert key == host_key(f"https://www.{h}/") == host_key(f"https://WWW.{h}:80/")


non_empty_params = st.builds(
    lambda values, referral: [*zip(UTM_NAMES, values, strict=True), *referral],
    st.lists(st.text(min_size=1, max_size=12), min_size=4, max_size=4),
    our_params.map(lambda params: params[4:]),
)


@PROPERTY_SETTINGS
@given(destinations(), non_empty_params)
def test_property_keep_keeps_theirs_and_fills_the_rest(dest, params) -> None:
    url, base, existing, frag = dest
    referral = params[4] if len(params) > 4 else None
    values = dict(params[:4])
    result = tracked_url(
        url,
        Utm(
            values["utm_source"],
            values["utm_medium"],
            values["utm_campaign"],
            values["utm_content"],
        ),
        referral=referral,
        keep_existing=True,
    )
    kept = {n for n, v, _ in existing if n in UTM_NAMES and v}
    added = [(n, v) for n, v in params if n not in kept]
    removed = {n for n, _ in added}
    expected = [(n, "" if v is None else v) for n, v, _ in existing if n not in removed]
    assert parse_qsl(query_of(result), keep_blank_values=True) == expected + added
    names = [name for name, _ in expected + added]
    assert len(names) == len(set(names))  # no parameter twice
    assert {n for n in names if n in UTM_NAMES} == set(UTM_NAMES)  # every UTM name, once
    assert result.partition("?")[0] == base
    if frag:
        assert result.endswith("#" + frag)  # the fragment stays last
    again = tracked_url(
        result,
        Utm(
            values["utm_source"],
            values["utm_medium"],
            values["utm_campaign"],
            values["utm_content"],
        ),
        referral=referral,
        keep_existing=True,
    )
    assert again == result  # compiling twice changes nothing


@PROPERTY_SETTINGS
@given(destinations(), st.text(min_size=1, max_size=20), st.lists(st.text(max_size=8), max_size=3))
def test_property_scheme_parameters_round_trip(dest, code, extra_values) -> None:
    url = dest[0]
    encoded = transform_code(code, "base64")
    extra = [(f"x{i}", value) for i, value in enumerate(extra_values)]
    result = tracked_url(url, UTM, referral=("gspk", encoded), extra=extra)
    pairs = parse_qsl(query_of(result), keep_blank_values=True)
    tail = pairs[len(pairs) - 1 - len(extra) :]
    assert tail == [("gspk", encoded), *extra]
    assert base64.b64decode(tail[0][1]).decode("utf-8") == code
    assert tracked_url(result, UTM, referral=("gspk", encoded), extra=extra) == result


@PROPERTY_SETTINGS
@given(destinations(), st.sampled_from(["https://partners.example/", "https://a.example/p/"]))
def test_property_is_within_ignores_query_fragment_and_host_case(dest, base) -> None:
    url = dest[0]
    within = is_within(url, base)
    assert is_within(add_query_params(url, [("utm_source", "x")]), base) is within
    parts = urlsplit(url)
    assert is_within(urlunsplit(parts._replace(netloc=parts.netloc.upper())), base) is within
    assert is_within(base + urlsplit(url).path.lstrip("/"), base)
