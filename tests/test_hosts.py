"""Host adapters: each host's files follow that host's documented rules.

Rules checked, from each host's documentation:

- Netlify (docs.netlify.com, "Redirect options"): one rule a line, `from to status`;
  any status code may be given, `!` forces a rule over an existing file; query string
  parameters pass on to the destination for 200, 301 and 302 rules. `_headers`: a path
  line, then indented `Name: value` lines.
- Cloudflare Pages (developers.cloudflare.com/pages/configuration/redirects and
  .../headers): `[source] [destination] [code?]` with code 301, 302, 303, 307 or 308
  (200 proxies); at most 2,000 static and 100 dynamic redirects and 1,000 characters a
  redirect; at most 100 header rules and 2,000 characters a header line.
- GitHub Pages sets no custom headers: the policy goes into a `<meta http-equiv>`,
  which must not hold `frame-ancestors`, `report-uri` or `sandbox` (HTML standard).
- Vercel (vercel.com/docs/project-configuration/vercel-json): `vercel.json` at the
  root; `headers` [{source, headers: [{key, value}]}], `redirects` [{source,
  destination, permanent or statusCode}], at most 2,048 redirects and 4,096 characters
  a source or destination; `routes` may not appear beside `headers`, `redirects`,
  `cleanUrls` or `trailingSlash`, so there is no 410.
- S3 website configuration (`aws s3api put-bucket-website`): IndexDocument.Suffix,
  ErrorDocument.Key and RoutingRules, each a Condition (KeyPrefixEquals) and a Redirect
  (HostName, Protocol, ReplaceKeyWith, HttpRedirectCode as a string); at most 50 rules.
  CloudFront ResponseHeadersPolicyConfig: SecurityHeadersConfig and CustomHeadersConfig
  (Quantity equal to the number of Items); a Content-Security-Policy of at most 1,783
  characters.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import REPO, edit, site_pages
from tests.htmltools import parse_html
from xpromo_site.build import build
from xpromo_site.errors import Location, XpromoError
from xpromo_site.hosts import (
    HOSTS,
    ContentSecurityPolicy,
    HeaderRule,
    HostPlan,
    Route,
    content_security_policy,
    host_files,
    routes,
)
from xpromo_site.hosts import REGISTRY as HOST_REGISTRY
from xpromo_site.publish.output import MARKER
from xpromo_site.sources import source_expression

TODAY = dt.date(2026, 11, 23)
BASE = "https://partners.northwind.example/"


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def parse_headers(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Parse `_headers`: path lines, each followed by indented `Name: value` lines."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("  "):
            name, _, value = line.strip().partition(": ")
            assert re.fullmatch(r"[A-Za-z-]+", name) and value, line
            rules[-1][1].append((name, value))
        else:
            assert line.startswith("/") and " " not in line, line
            rules.append((line, []))
    return rules


def parse_redirects(text: str) -> list[tuple[str, str, str]]:
    """Parse `_redirects`: `from to status` lines; comments start with #."""
    rules = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        source, target, status = line.split()
        rules.append((source, target, status))
    return rules


@pytest.fixture(scope="module")
def demo_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo built once per host."""
    out = {}
    for host in HOSTS:
        folder = tmp_path_factory.mktemp(host) / "public"
        build(REPO, folder, TODAY, host=host)
        out[host] = folder
    return out


@pytest.mark.parametrize("host", HOSTS)
def test_the_demo_builds_for_every_host(demo_builds: dict[str, Path], host: str) -> None:
    files = _files(demo_builds[host])
    assert "index.html" in files and "feed.xml" in files and "sitemap.xml" in files
    every = {
        "netlify": {"_headers", "_redirects"},
        "cloudflare": {"_headers", "_redirects"},
        "github-pages": {".nojekyll"},
        "s3": {
            "_aws/website.json",
            "_aws/response-headers-policy.json",
            "_aws/response-headers-policy-assets.json",
        },
        "vercel": {"vercel.json"},
    }
    expected = every[host]
    named = set().union(*every.values())  # no host gets another host's files
    host_only = {f for f in files if f.startswith(("_", ".")) or f in named} - {MARKER}
    assert host_only == expected
    assert MARKER in files  # marks the folder as xpromo's, for the next build


def test_netlify_files_follow_netlifys_rules(demo_builds: dict[str, Path]) -> None:
    site = demo_builds["netlify"]
    headers = dict(parse_headers((site / "_headers").read_text()))
    page_headers = dict(headers["/*"])
    assert "frame-ancestors 'none'" in page_headers["Content-Security-Policy"]
    assert page_headers["X-Content-Type-Options"] == "nosniff"
    assert page_headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in page_headers["Permissions-Policy"]
    for folder in ("/static/*", "/assets/*"):
        assert dict(headers[folder])["Cache-Control"] == "public, max-age=31536000, immutable"
    assert dict(headers["/summit-2026/*"]) == {"X-Robots-Tag": "noindex"}
    redirects = parse_redirects((site / "_redirects").read_text())
    assert ("/summit-2026/tailspin/", "/summit-2026/tailspin/index.html", "410!") in redirects
    for source, target, status in redirects:
        assert source.startswith("/") and (target.startswith("/") or "://" in target)
        assert status.endswith("!")  # the ended page and fallback pages exist as files
        if status.rstrip("!") != "410":
            # Netlify passes the query string on for 200, 301 and 302 only
            assert status.rstrip("!") in ("200", "301", "302")
            assert "?" not in target
    assert ("/go/contoso-webinar", "/cloud-backup-webinar/contoso/", "302!") in redirects


def test_cloudflare_files_follow_cloudflares_rules(demo_builds: dict[str, Path]) -> None:
    site = demo_builds["cloudflare"]
    lines = [
        line
        for line in (site / "_redirects").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    for line in lines:
        assert len(line) <= 1000
        source, _target, code = line.split()
        assert int(code) in (301, 302, 303, 307, 308)  # no 410, no "!" on Cloudflare
        assert "*" not in source and ":" not in source  # all static
    assert len(lines) <= 2000
    assert not any("summit-2026" in line for line in lines)  # ended: stays, noindex
    rules = parse_headers((site / "_headers").read_text())
    assert len(rules) <= 100
    for _pattern, pairs in rules:
        for name, value in pairs:
            assert len(f"  {name}: {value}") <= 2000
    assert dict(dict(rules)["/summit-2026/*"]) == {"X-Robots-Tag": "noindex"}


def _plan(routes: list[Route], rules: int = 3, csp: str = "default-src 'none'") -> HostPlan:
    header_rules = tuple(
        HeaderRule(f"/r{n}/*", (("X-Robots-Tag", "noindex"),)) for n in range(rules)
    )
    return HostPlan(
        ContentSecurityPolicy((("default-src", ("'none'",)),)) if csp else csp,  # type: ignore[arg-type]
        header_rules,
        tuple(routes),
        BASE,
        Location("partners.yaml", 8, 9),
    )


def test_cloudflare_warns_past_its_limits() -> None:
    many = [Route(f"/go/code-{n}/", "/campaign/", 302, "vanity") for n in range(2001)]
    long = [Route("/go/long/", "https://example.com/" + "a" * 1000, 301, "after_end")]
    output = host_files(_plan(many + long, rules=101), "cloudflare")
    messages = [d.format() for d in output.warnings]
    assert messages == [
        "partners.yaml:8:9: warning: Cloudflare Pages takes at most 2,000 static redirects; "
        "this program needs 2,002\n  hint: remove vanity codes or after_end from old "
        "campaigns, or use Bulk Redirects",
        "partners.yaml:8:9: warning: Cloudflare Pages ignores redirects longer than 1,000 "
        "characters: /go/long/ https://example.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa... "
        "has 1,034\n  hint: shorten the after_end address",
        "partners.yaml:8:9: warning: Cloudflare Pages takes at most 100 header rules; this "
        "program needs 101 (one per ended campaign)\n  hint: give ended campaigns an after_end "
        "address, or remove old campaign files",
    ]
    assert host_files(_plan(many[:2000]), "cloudflare").warnings == ()


def test_dynamic_redirects_are_counted_apart() -> None:
    dynamic = [Route(f"/old-{n}/*", "/new/", 301, "after_end") for n in range(101)]
    (warning,) = host_files(_plan(dynamic), "cloudflare").warnings
    assert warning.message == (
        "Cloudflare Pages takes at most 100 dynamic redirects; this program needs 101"
    )


def test_github_pages_gets_the_policy_in_every_page(demo_builds: dict[str, Path]) -> None:
    site = demo_builds["github-pages"]
    for path in site_pages(site):
        root = parse_html(path.read_text())
        head = root.find("head")
        assert head is not None
        first = head.children[:2]
        assert first[0].attrs == {"charset": "utf-8"}
        assert first[1].attrs["http-equiv"] == "Content-Security-Policy", path
        policy = first[1].attrs["content"]
        assert policy.startswith("default-src 'none';")
        for directive in ("frame-ancestors", "report-uri", "sandbox"):
            assert directive not in policy
        assert "form-action https://forms.contoso.example" in policy
    assert (site / ".nojekyll").read_bytes() == b""


def test_copy_cannot_forge_the_place_the_policy_goes(minimal_copy: Path, tmp_path: Path) -> None:
    forged = "xpromo-content-security-policy"
    edit(
        minimal_copy / "content/campaigns/backup-webinar.md",
        "title: Never lose a customer record again",
        f"title: Never lose {forged} again",
    )
    build(minimal_copy, tmp_path / "public", TODAY, host="github-pages", images=False)
    page = (tmp_path / "public/backup-webinar/index.html").read_text()
    root = parse_html(page)
    assert root.find("title").text.startswith(f"Never lose {forged} again")  # type: ignore[union-attr]
    assert root.find("h1").text == f"Never lose {forged} again"  # type: ignore[union-attr]
    assert page.count("default-src") == 1  # in the policy's own <meta> only
    metas = [m.attrs for m in root.iter("meta") if m.attrs.get("http-equiv")]
    assert metas[0]["content"].startswith("default-src 'none';")


def test_redirect_pages_work_without_script(demo_builds: dict[str, Path]) -> None:
    page = parse_html((demo_builds["github-pages"] / "go/contoso-webinar/index.html").read_text())
    target = BASE + "cloud-backup-webinar/contoso/"
    refresh = [m for m in page.iter("meta") if m.attrs.get("http-equiv") == "refresh"]
    assert [m.attrs["content"] for m in refresh] == [f"0; url={target}"]
    assert page.find("link", rel="canonical").attrs["href"] == target  # type: ignore[union-attr]
    assert page.find("meta", name="robots").attrs["content"] == "noindex"  # type: ignore[union-attr]
    assert [a.attrs["href"] for a in page.iter("a")] == [target]
    assert not page.iter("script")


def test_s3_files_follow_the_aws_formats(demo_builds: dict[str, Path]) -> None:
    site = demo_builds["s3"]
    website = json.loads((site / "_aws/website.json").read_text())
    assert website["IndexDocument"] == {"Suffix": "index.html"}
    assert website["ErrorDocument"] == {"Key": "404.html"}
    rules = website["RoutingRules"]
    assert len(rules) <= 50
    assert rules == [
        {
            "Condition": {"KeyPrefixEquals": "go/contoso-webinar/"},
            "Redirect": {
                "HostName": "partners.northwind.example",
                "Protocol": "https",
                "ReplaceKeyWith": "cloud-backup-webinar/contoso/",
                "HttpRedirectCode": "302",
            },
        },
        {
            "Condition": {"KeyPrefixEquals": "go/northwind-webinar/"},
            "Redirect": {
                "HostName": "partners.northwind.example",
                "Protocol": "https",
                "ReplaceKeyWith": "cloud-backup-webinar/northwind/",
                "HttpRedirectCode": "302",
            },
        },
    ]
    for name, cache in (("", None), ("-assets", "public, max-age=31536000, immutable")):
        policy = json.loads((site / f"_aws/response-headers-policy{name}.json").read_text())
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,128}", policy["Name"])
        security = policy["SecurityHeadersConfig"]
        assert set(security) == {
            "ContentSecurityPolicy",
            "ContentTypeOptions",
            "FrameOptions",
            "ReferrerPolicy",
        }
        assert all(value["Override"] is True for value in security.values())
        assert len(security["ContentSecurityPolicy"]["ContentSecurityPolicy"]) <= 1783
        custom = policy["CustomHeadersConfig"]
        assert custom["Quantity"] == len(custom["Items"])
        values = {item["Header"]: item["Value"] for item in custom["Items"]}
        assert values.get("Cache-Control") == cache


def test_s3_warns_past_fifty_routing_rules() -> None:
    routes = [Route(f"/go/c{n}/", "/campaign/", 302, "vanity") for n in range(51)]
    (warning,) = host_files(_plan(routes), "s3").warnings
    assert warning.message == (
        "an S3 website configuration takes at most 50 routing rules; this program needs 51"
    )


VERCEL_KEYS = {"$schema", "cleanUrls", "trailingSlash", "headers", "redirects"}
VERCEL_REDIRECT_CODES = (301, 302, 303, 307, 308)


def vercel_config(folder: Path) -> dict[str, object]:
    """Read vercel.json and check the shape Vercel's schema gives its properties."""
    config = json.loads((folder / "vercel.json").read_text(encoding="utf-8"))
    assert isinstance(config, dict) and set(config) <= VERCEL_KEYS, sorted(config)
    assert "routes" not in config  # refused beside headers, redirects, trailingSlash
    assert config["cleanUrls"] is False and config["trailingSlash"] is True
    for rule in config["headers"]:
        assert set(rule) == {"source", "headers"} and rule["source"].startswith("/")
        for pair in rule["headers"]:
            assert set(pair) == {"key", "value"}
            assert re.fullmatch(r"[A-Za-z-]+", pair["key"]) and pair["value"]
    for redirect in config.get("redirects", []):
        assert set(redirect) == {"source", "destination", "statusCode"}  # never permanent too
        assert redirect["source"].startswith("/")
        assert redirect["destination"].startswith("/") or "://" in redirect["destination"]
        assert redirect["statusCode"] in VERCEL_REDIRECT_CODES
        assert len(redirect["source"]) <= 4096 and len(redirect["destination"]) <= 4096
    assert len(config.get("redirects", [])) <= 2048
    return config


def _vercel_headers(config: dict[str, object]) -> list[tuple[str, list[tuple[str, str]]]]:
    """vercel.json's header rules in the `_headers` spelling: /a/(.*) as /a/*."""
    rules = []
    for rule in config["headers"]:  # type: ignore[attr-defined]
        source = rule["source"]
        pattern = source.removesuffix("(.*)") + "*" if source.endswith("(.*)") else source
        rules.append((pattern, [(pair["key"], pair["value"]) for pair in rule["headers"]]))
    return rules


def test_vercel_file_holds_every_header_and_route(demo_builds: dict[str, Path]) -> None:
    """The same header rules and the same redirects as Netlify's files, bar the 410s."""
    config = vercel_config(demo_builds["vercel"])
    netlify = demo_builds["netlify"]
    assert _vercel_headers(config) == parse_headers((netlify / "_headers").read_text())
    expected = [
        (source, target, int(status.rstrip("!")))
        for source, target, status in parse_redirects((netlify / "_redirects").read_text())
        if status != "410!"
    ]
    redirects = [(r["source"], r["destination"], r["statusCode"]) for r in config["redirects"]]  # type: ignore[attr-defined]
    assert redirects == expected
    assert ("/go/contoso-webinar", "/cloud-backup-webinar/contoso/", 302) in redirects
    assert not any("summit-2026" in source for source, _, _ in redirects)  # ended: stays
    headers = dict(_vercel_headers(config))
    assert dict(headers["/summit-2026/*"]) == {"X-Robots-Tag": "noindex"}
    assert "frame-ancestors 'none'" in dict(headers["/*"])["Content-Security-Policy"]


def test_vercel_warns_past_its_limits() -> None:
    many = [Route(f"/go/code-{n}/", "/campaign/", 302, "vanity") for n in range(2048)]
    long = [Route("/go/long/", "https://example.com/" + "a" * 4077, 301, "after_end")]
    ended = [Route("/gone/", "/gone/index.html", 410, "ended")]  # not a redirect on Vercel
    output = host_files(_plan(many + long + ended), "vercel")
    assert [d.format() for d in output.warnings] == [
        "partners.yaml:8:9: warning: vercel.json takes at most 2,048 redirects; this program "
        "needs 2,049\n  hint: remove vanity codes or after_end from old campaigns, or use Bulk "
        "Redirects",
        "partners.yaml:8:9: warning: vercel.json takes a redirect destination of at most 4,096 "
        "characters: https://example.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa... has 4,097"
        "\n  hint: shorten the after_end address",
    ]
    assert host_files(_plan(many + ended), "vercel").warnings == ()


@pytest.mark.parametrize("after_end", [None, "refer-a-team"])
def test_vercel_routes_every_spelling_of_an_ended_page(
    minimal_copy: Path, tmp_path: Path, after_end: str | None
) -> None:
    _ended_site(minimal_copy, after_end)
    out = tmp_path / "out"
    build(minimal_copy, out, TODAY, host="vercel")
    config = vercel_config(out)
    redirects = {r["source"]: (r["destination"], r["statusCode"]) for r in config["redirects"]}  # type: ignore[attr-defined]
    assert len(redirects) == len(config["redirects"])  # type: ignore[arg-type]
    pages = _ended_pages(out)
    assert len(pages) == 3
    for page in pages:
        if after_end:
            assert (
                redirects[page]
                == redirects[page.removesuffix("index.html")]
                == (
                    "/refer-a-team/",
                    301,
                )
            )
        else:
            assert page not in redirects and page.removesuffix("index.html") not in redirects
    noindex = dict(_vercel_headers(config)).get("/backup-webinar/*")
    assert noindex == (None if after_end else [("X-Robots-Tag", "noindex")])


@pytest.mark.parametrize("host", HOSTS)
def test_each_host_does_what_its_record_says(demo_builds: dict[str, Path], host: str) -> None:
    """A Host's capabilities are what the build does: the headers file it names is
    written, and the policy goes into pages exactly when policy_in_meta says so."""
    record = HOST_REGISTRY[host]
    site = demo_builds[host]
    assert record.name == host and record.headers != "" and record.title
    assert (record.headers is None) == record.policy_in_meta
    if record.headers is not None:
        assert "default-src 'none'" in (site / record.headers).read_text()
    home = parse_html((site / "index.html").read_text())
    metas = [m for m in home.iter("meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"]
    assert len(metas) == (1 if record.policy_in_meta else 0)
    if not record.routes_by_rules:
        assert not any(f.startswith(("_", "vercel")) for f in _files(site))
    assert tuple(HOST_REGISTRY) == HOSTS


@pytest.mark.parametrize("host", HOSTS)
def test_every_host_has_its_deploy_page(host: str) -> None:
    page = (REPO / "docs" / "deploy" / f"{host}.md").read_text()
    assert page.startswith(f"# Deploying to {HOST_REGISTRY[host].title}\n")
    assert f"`program.host: {host}`" in page
    assert f"(deploy/{host}.md)" in (REPO / "docs" / "DEPLOY.md").read_text()
    for doc in ("README.md", "docs/REFERENCE.md"):
        assert f"`{host}`" in (REPO / doc).read_text(), doc


def test_the_policy_is_strict_by_default(demo_builds: dict[str, Path]) -> None:
    headers = dict(parse_headers((demo_builds["netlify"] / "_headers").read_text()))
    assert dict(headers["/*"])["Content-Security-Policy"] == (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "base-uri 'none'; "
        "form-action https://forms.contoso.example; frame-ancestors 'none'"
    )
    policy = content_security_policy(scripts=("'sha256-abc='",)).header()
    assert "unsafe-inline" not in policy and "script-src 'sha256-abc='" in policy


def _ended_site(site: Path, after_end: str | None) -> None:
    campaign = site / "content/campaigns/backup-webinar.md"
    edit(campaign, "ends: 2027-01-15\n", "ends: 2026-11-20\n")
    edit(campaign, "event:\n", "vanity: {beta: beta-webinar}\nevent:\n")
    if after_end is not None:
        edit(campaign, "event:\n", f"after_end: {after_end}\nevent:\n")


def test_an_ended_campaign_answers_410_where_the_host_can(
    minimal_copy: Path, tmp_path: Path
) -> None:
    _ended_site(minimal_copy, None)
    out = tmp_path / "out"
    build(minimal_copy, out, TODAY)
    redirects = parse_redirects((out / "_redirects").read_text())
    assert redirects == [
        ("/backup-webinar/", "/backup-webinar/index.html", "410!"),
        ("/backup-webinar/index.html", "/backup-webinar/index.html", "410!"),
        ("/backup-webinar/alpha/", "/backup-webinar/alpha/index.html", "410!"),
        ("/backup-webinar/alpha/index.html", "/backup-webinar/alpha/index.html", "410!"),
        ("/backup-webinar/beta/", "/backup-webinar/beta/index.html", "410!"),
        ("/backup-webinar/beta/index.html", "/backup-webinar/beta/index.html", "410!"),
        ("/go/beta-webinar", "/backup-webinar/beta/", "302!"),
        ("/go/beta-webinar/", "/backup-webinar/beta/", "302!"),
    ]
    page = parse_html((out / "backup-webinar/beta/index.html").read_text())
    assert page.find("meta", name="robots").attrs["content"] == "noindex"  # type: ignore[union-attr]
    assert "backup-webinar" not in (out / "sitemap.xml").read_text()
    assert "backup-webinar" not in (out / "index.html").read_text()


@pytest.mark.parametrize(
    ("after_end", "target"),
    [
        ("refer-a-team", "/refer-a-team/"),
        ("https://beta.example/webinars?archive=1", "https://beta.example/webinars?archive=1"),
    ],
)
def test_after_end_redirects_every_address_of_the_campaign(
    minimal_copy: Path, tmp_path: Path, after_end: str, target: str
) -> None:
    _ended_site(minimal_copy, after_end)
    out = tmp_path / "out"
    report = build(minimal_copy, out, TODAY)
    assert report.warnings == ()
    redirects = parse_redirects((out / "_redirects").read_text())
    assert redirects == [
        ("/backup-webinar/", target, "301!"),
        ("/backup-webinar/index.html", target, "301!"),
        ("/backup-webinar/alpha/", target, "301!"),
        ("/backup-webinar/alpha/index.html", target, "301!"),
        ("/backup-webinar/beta/", target, "301!"),
        ("/backup-webinar/beta/index.html", target, "301!"),
        ("/go/beta-webinar", target, "302!"),
        ("/go/beta-webinar/", target, "302!"),
    ]
    absolute = target if "://" in target else "https://partners.alpha.example" + target
    for path in ("backup-webinar/", "backup-webinar/beta/", "go/beta-webinar/"):
        page = parse_html((out / path / "index.html").read_text())
        assert page.find("link", rel="canonical").attrs["href"] == absolute  # type: ignore[union-attr]
    hub = (out / "partners/beta/index.html").read_text()
    assert "now lead to" in hub
    assert "backup-webinar" not in (out / "index.html").read_text()


def test_after_end_to_a_campaign_that_is_not_live_warns(minimal_copy: Path, tmp_path: Path) -> None:
    _ended_site(minimal_copy, "refer-a-team")
    edit(
        minimal_copy / "content/campaigns/refer-a-team.md",
        "type: referral\n",
        "type: referral\ndraft: true\n",
    )
    report = build(minimal_copy, tmp_path / "out", TODAY)
    assert [d.format() for d in report.warnings] == [
        "content/campaigns/backup-webinar.md:9:12: warning: 'after_end' leads to "
        "'refer-a-team', which is draft today, so visitors would not find a live page there\n"
        "  hint: point after_end at a live campaign or at an https:// address"
    ]
    with pytest.raises(XpromoError):
        build(minimal_copy, tmp_path / "strict", TODAY, strict=True)


_HOST_SOURCE = re.compile(
    r"[a-z][a-z0-9+.-]*://(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
    r"(?::[0-9]{1,5})?"
)


@given(
    st.text(alphabet="ahtps:/.;,'\" @\\%x-09é*[]", max_size=40).map(lambda t: "https://" + t)
    | st.text(max_size=40)
)
def test_only_a_host_source_reaches_a_policy(url: str) -> None:
    source = source_expression(url)
    assert source is None or _HOST_SOURCE.fullmatch(source), source
    if source is not None:
        policy = content_security_policy(forms=(source,)).header()
        assert policy.count(";") == 5 and "," not in policy  # six directives, no more


def _ended_pages(out: Path) -> list[str]:
    """The URL paths of every page file the build wrote for the ended campaign."""
    return sorted(
        "/" + p.relative_to(out).as_posix() for p in (out / "backup-webinar").rglob("index.html")
    )


@pytest.mark.parametrize(
    ("host", "after_end", "answer"),
    [
        ("netlify", None, "410!"),
        ("netlify", "refer-a-team", "301!"),
        ("cloudflare", "refer-a-team", "301"),
    ],
)
def test_every_spelling_of_an_ended_page_is_routed(
    minimal_copy: Path, tmp_path: Path, host: str, after_end: str | None, answer: str
) -> None:
    _ended_site(minimal_copy, after_end)
    out = tmp_path / "out"
    build(minimal_copy, out, TODAY, host=host)
    pages = _ended_pages(out)
    assert len(pages) == 3  # the canonical page and one per variant
    rules = parse_redirects((out / "_redirects").read_text())
    sources = {source: (target, status) for source, target, status in rules}
    assert len(sources) == len(rules)  # no path has two rules
    for page in pages:
        target = "/refer-a-team/" if after_end else page
        assert sources[page] == sources[page.removesuffix("index.html")] == (target, answer)


def test_cloudflare_leaves_an_ended_page_in_place(minimal_copy: Path, tmp_path: Path) -> None:
    _ended_site(minimal_copy, None)
    out = tmp_path / "out"
    build(minimal_copy, out, TODAY, host="cloudflare")
    sources = [source for source, _, _ in parse_redirects((out / "_redirects").read_text())]
    assert sources == ["/go/beta-webinar", "/go/beta-webinar/"]  # no 410 on Cloudflare Pages
    headers = dict(parse_headers((out / "_headers").read_text()))
    assert dict(headers["/backup-webinar/*"]) == {"X-Robots-Tag": "noindex"}


@pytest.mark.parametrize("after_end", [None, "refer-a-team"])
def test_github_pages_keeps_one_page_per_address(
    minimal_copy: Path, tmp_path: Path, after_end: str | None
) -> None:
    _ended_site(minimal_copy, after_end)
    out = tmp_path / "out"
    build(minimal_copy, out, TODAY, host="github-pages")
    assert _ended_pages(out) == [
        "/backup-webinar/alpha/index.html",
        "/backup-webinar/beta/index.html",
        "/backup-webinar/index.html",
    ]
    assert not [p for p in _files(out) if "index.html/" in p or p.startswith("_")]
    page = parse_html((out / "backup-webinar/beta/index.html").read_text())
    refresh = [m for m in page.iter("meta") if m.attrs.get("http-equiv") == "refresh"]
    if after_end:
        target = "https://partners.alpha.example/refer-a-team/"
        assert [m.attrs["content"] for m in refresh] == [f"0; url={target}"]
    else:
        assert refresh == []


def test_s3_needs_one_rule_for_an_ended_campaign(minimal_copy: Path, tmp_path: Path) -> None:
    _ended_site(minimal_copy, "refer-a-team")
    out = tmp_path / "out"
    build(minimal_copy, out, TODAY, host="s3")
    rules = json.loads((out / "_aws/website.json").read_text())["RoutingRules"]
    assert [r["Condition"]["KeyPrefixEquals"] for r in rules] == [
        "backup-webinar/",
        "go/beta-webinar/",
    ]


# --- Netlify's own parsers ---------------------------------------------------------------
# Run when XPROMO_NETLIFY_PARSERS names a folder where
# `npm install @netlify/redirect-parser @netlify/headers-parser` was run, and node is
# installed: Netlify's build reads `_redirects` and `_headers` with these packages.

NETLIFY_PARSERS = os.environ.get("XPROMO_NETLIFY_PARSERS", "")
NETLIFY_SCRIPT = """\
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
const [folder, redirectsPath, headersPath] = process.argv.slice(2);
const require = createRequire(folder.replace(/\\/?$/, "/"));
const load = (name) => import(pathToFileURL(require.resolve(name)).href);
const { parseAllRedirects } = await load("@netlify/redirect-parser");
const { parseAllHeaders } = await load("@netlify/headers-parser");
const redirects = await parseAllRedirects({ redirectsFiles: [redirectsPath], minimal: true });
const headers = await parseAllHeaders({ headersFiles: [headersPath], minimal: true });
const text = (errors) => errors.map((error) => String(error.message ?? error));
console.log(JSON.stringify({
  redirects: redirects.redirects, redirectErrors: text(redirects.errors),
  headers: headers.headers, headerErrors: text(headers.errors),
}));
"""


def _netlify_parsers_missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not NETLIFY_PARSERS:
        return "XPROMO_NETLIFY_PARSERS names no folder with Netlify's parsers"
    modules = Path(NETLIFY_PARSERS) / "node_modules" / "@netlify"
    names = ("redirect-parser", "headers-parser")
    if not all((modules / name / "package.json").is_file() for name in names):
        return f"no @netlify/redirect-parser and @netlify/headers-parser in {NETLIFY_PARSERS}"
    return None


def netlify_parse(folder: Path, tmp_path: Path) -> dict[str, list[object]]:
    """What Netlify's parsers read from the built `_redirects` and `_headers`."""
    script = tmp_path / "netlify-parse.mjs"
    script.write_text(NETLIFY_SCRIPT)
    files = [str(folder / "_redirects"), str(folder / "_headers")]
    done = subprocess.run(
        ["node", str(script), NETLIFY_PARSERS, *files],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, list[object]] = json.loads(done.stdout)
    return result


@pytest.mark.skipif(_netlify_parsers_missing() is not None, reason=str(_netlify_parsers_missing()))
@pytest.mark.parametrize("after_end", [None, "https://beta.example/webinars?archive=1", "demo"])
def test_netlifys_parsers_read_every_rule_xpromo_wrote(
    minimal_copy: Path, tmp_path: Path, after_end: str | None
) -> None:
    if after_end == "demo":
        source = REPO
    else:
        _ended_site(minimal_copy, after_end)
        source = minimal_copy
    out = tmp_path / "out"
    report = build(source, out, TODAY, host="netlify")
    parsed = netlify_parse(out, tmp_path)
    assert parsed["redirectErrors"] == [] and parsed["headerErrors"] == []

    intended = [(r.source, r.target, r.status) for r in routes(report.site)]
    read = [(r["from"], r["to"], r["status"]) for r in parsed["redirects"]]  # type: ignore[index]
    assert read == intended
    assert all(r["force"] is True for r in parsed["redirects"])  # type: ignore[index]
    ended_pages = {
        "/" + p.relative_to(out).as_posix()
        for item in report.site.ended
        for p in (out / item.campaign.slug).rglob("index.html")
    }
    assert ended_pages and ended_pages <= {source for source, _, _ in read}

    written = parse_headers((out / "_headers").read_text())
    ours = [(pattern, dict(pairs)) for pattern, pairs in written]
    netlify = [(h["for"], h["values"]) for h in parsed["headers"]]  # type: ignore[index]
    assert netlify == ours
    noindex = {f"/{i.campaign.slug}/*" for i in report.site.ended if i.redirect_to is None}
    assert {pattern for pattern, _ in netlify} == {"/*", "/static/*", "/assets/*"} | noindex
