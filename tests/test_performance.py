"""Large-program features: builds without images, up-to-date checks, writing only what changed."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import pytest

from tests.conftest import REPO, edit
from tests.test_cli import run, snapshot
from xpromo_site import workers as workers_module
from xpromo_site.build import build
from xpromo_site.errors import XpromoError
from xpromo_site.links import TrackedLink
from xpromo_site.models import DEFAULT_DISCLOSURE, Campaign
from xpromo_site.pagecheck import (
    PageScan,
    PageVerdict,
    check_page,
    csp_hash,
    discloses,
    scan_page,
)
from xpromo_site.publish.imagecache import CACHE_DIR
from xpromo_site.render import LINKS_COLUMNS, links_json
from xpromo_site.site import status_window
from xpromo_site.themes import BUILTIN_THEME
from xpromo_site.workers import WORKERS_ENV

TODAY = "2026-11-23"


def test_no_images_leaves_share_images_and_qr_codes_out(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["build", "-s", str(demo_copy), "--today", TODAY, "--no-images"], capsys)
    assert code == 0, err
    assert "share images:" not in out
    files = snapshot(demo_copy / "public")
    assert not [p for p in files if p.startswith("assets/share/") or "qr-code" in p]
    assert not (demo_copy / CACHE_DIR / "share").exists()
    assert not (demo_copy / CACHE_DIR / "qr").exists()
    page = files["cloud-backup-webinar/contoso/index.html"].decode()
    assert "og:image" not in page
    assert 'name="twitter:card"' in page
    hub = files["partners/contoso/index.html"].decode()
    assert "Share image" not in hub
    assert "QR code" not in hub
    assert "email.html" in hub  # the rest of the kit is there
    assert "<img" not in files["partners/contoso/kit/cloud-backup-webinar/email.html"].decode()
    with zipfile.ZipFile(io.BytesIO(files["partners/contoso/contoso-kit.zip"])) as kit:
        names = kit.namelist()
    assert "contoso-kit/cloud-backup-webinar/email.txt" in names
    assert not [n for n in names if n.endswith(".png") or "qr-code" in n]

    code, out, err = run(["check", "-s", str(demo_copy), "--today", TODAY, "--no-images"], capsys)
    assert code == 0, err
    assert "share images:" not in out


def _stats(folder: Path) -> dict[str, tuple[int, int]]:
    """Return every file's (inode, mtime_ns): they move only when the file is written."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def _build(site: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    code, out, err = run(["build", "-s", str(site), "--today", TODAY, *extra], capsys)
    assert code == 0, err
    return out


def test_a_no_change_build_is_up_to_date_and_writes_nothing(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _build(demo_copy, capsys)
    before = _stats(demo_copy / "public")
    out = _build(demo_copy, capsys)
    assert re.fullmatch(
        rf"Up to date: 23 pages in {demo_copy}/public/ in [\d.]+s; no input, option or "
        r"campaign status changed since the last build \(--force builds anyway\)\n",
        out,
    )
    assert _stats(demo_copy / "public") == before
    # a forced build renders everything and still writes no file whose bytes are the same
    assert _build(demo_copy, capsys, "--force").startswith("Built 23 pages")
    assert _stats(demo_copy / "public") == before


def test_a_touched_input_rebuilds_without_rewriting_identical_files(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _build(demo_copy, capsys)
    before = _stats(demo_copy / "public")
    (demo_copy / "content" / "campaigns" / "refer-a-team.md").touch()
    assert _build(demo_copy, capsys).startswith("Built 23 pages")
    assert _stats(demo_copy / "public") == before


def test_a_campaign_change_rewrites_only_the_files_that_show_it(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _build(demo_copy, capsys, "--no-images")
    before = _stats(demo_copy / "public")
    old = snapshot(demo_copy / "public")
    campaign = demo_copy / "content" / "campaigns" / "cloud-backup-webinar.md"
    text = campaign.read_text(encoding="utf-8")
    campaign.write_text(text.rstrip("\n") + "\n\nOne more paragraph.\n", encoding="utf-8")
    assert _build(demo_copy, capsys, "--no-images").startswith("Built 23 pages")
    after = _stats(demo_copy / "public")
    new = snapshot(demo_copy / "public")
    assert after.keys() == before.keys()
    moved = {path for path in after if after[path] != before[path]}
    changed = {path for path in new if new[path] != old[path]}
    assert moved == changed  # what was written is exactly what differs
    assert {p for p in changed if p.endswith(".html")} == {
        "cloud-backup-webinar/index.html",
        "cloud-backup-webinar/contoso/index.html",
        "cloud-backup-webinar/northwind/index.html",
    }


def test_a_template_or_partners_change_rebuilds_what_shows_it(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _build(demo_copy, capsys, "--no-images")
    old = snapshot(demo_copy / "public")
    edit(
        demo_copy / "themes" / "northwind" / "templates" / "campaign.html",
        "Questions about this campaign",
        "Any question about this campaign",
    )
    edit(demo_copy / "partners.yaml", "name: Contoso Backup", "name: Contoso Group")
    assert _build(demo_copy, capsys, "--no-images").startswith("Built")
    new = snapshot(demo_copy / "public")
    notices = [p for p in old if b"Questions about this campaign" in old[p]]
    assert len(notices) == 14  # every live campaign page and variant
    assert all(b"Any question about this campaign" in new[p] for p in notices)
    named = [p for p in old if p.endswith(".html") and b">Contoso Backup<" in old[p]]
    assert named  # the partner's name as pages print it (the copy may still say it)
    assert all(b">Contoso Group<" in new[p] for p in named)


def test_an_edited_template_that_pages_only_include_shows_in_the_next_build(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Templates compile once per process, but a build sees every file that changed."""
    templates = demo_copy / "themes" / "northwind" / "templates"
    (templates / "contact.html").write_text("<p>First words.</p>\n", encoding="utf-8")
    edit(templates / "campaign.html", "</aside>", '{% include "contact.html" %}</aside>')
    _build(demo_copy, capsys, "--no-images")
    page = demo_copy / "public" / "cloud-backup-webinar" / "index.html"
    assert "First words." in page.read_text(encoding="utf-8")
    (templates / "contact.html").write_text("<p>Second words.</p>\n", encoding="utf-8")
    assert _build(demo_copy, capsys, "--no-images").startswith("Built")
    assert "Second words." in page.read_text(encoding="utf-8")


def test_a_failed_build_leaves_the_output_as_it_was(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _build(demo_copy, capsys)
    before = _stats(demo_copy / "public")
    old = snapshot(demo_copy / "public")
    edit(demo_copy / "partners.yaml", "owner: northwind", "owner: nobody")
    code, _, err = run(["build", "-s", str(demo_copy), "--today", TODAY], capsys)
    assert code == 1, err
    assert snapshot(demo_copy / "public") == old
    assert _stats(demo_copy / "public") == before
    assert not (demo_copy / ".public.staging").exists()
    edit(demo_copy / "partners.yaml", "owner: nobody", "owner: northwind")
    assert _build(demo_copy, capsys).startswith("Built 23 pages")  # not "up to date"


def test_the_up_to_date_check_notices_options_dates_and_output_edits(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _build(demo_copy, capsys)
    assert _build(demo_copy, capsys, "--host", "s3").startswith("Built")
    assert _build(demo_copy, capsys, "--host", "s3").startswith("Up to date")
    assert _build(demo_copy, capsys).startswith("Built")
    page = demo_copy / "public" / "about" / "index.html"
    page.write_text("edited by hand", encoding="utf-8")
    assert _build(demo_copy, capsys).startswith("Built")
    assert "edited by hand" not in page.read_text(encoding="utf-8")
    (demo_copy / "public" / "stray.txt").write_text("left here", encoding="utf-8")
    assert _build(demo_copy, capsys).startswith("Built")
    assert not (demo_copy / "public" / "stray.txt").exists()
    (demo_copy / "content" / "campaigns" / "new-one.md").write_text("---\n", encoding="utf-8")
    code, _, _ = run(["build", "-s", str(demo_copy), "--today", TODAY], capsys)
    assert code == 1  # an added file is read, and here refused
    (demo_copy / "content" / "campaigns" / "new-one.md").unlink()
    assert _build(demo_copy, capsys).startswith("Up to date")
    # another day on which no campaign changes status: the same site
    code, out, _ = run(["build", "-s", str(demo_copy), "--today", "2026-11-24"], capsys)
    assert (code, out.split(":")[0]) == (0, "Up to date")


def test_status_window_is_the_days_no_campaign_changes_status() -> None:
    def campaign(starts: str | None, ends: str | None, draft: bool = False) -> Campaign:
        return SimpleNamespace(  # type: ignore[return-value]
            starts=dt.date.fromisoformat(starts) if starts else None,
            ends=dt.date.fromisoformat(ends) if ends else None,
            draft=draft,
        )

    campaigns = (
        campaign("2026-11-01", "2026-11-30"),
        campaign("2026-12-05", None),
        campaign("2026-11-20", None, draft=True),
    )
    day = dt.date(2026, 11, 23)
    assert status_window(campaigns, day) == (dt.date(2026, 11, 1), dt.date(2026, 12, 1))
    assert status_window(campaigns, dt.date(2026, 12, 1)) == (
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 5),
    )
    assert status_window((), day) == (None, None)


def test_built_in_templates_do_not_print_the_build_date() -> None:
    """The up-to-date check relies on it: the date matters only through campaign statuses."""
    for path in (BUILTIN_THEME / "templates").rglob("*"):
        if path.is_file():
            assert "today" not in path.read_text(encoding="utf-8"), path


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Let builds fork even while other tests' idle server threads run; count the pools."""
    pools: list[int] = []
    real = workers_module._Pool.results

    def counted(pool: Any) -> Any:
        pools.append(pool.count)
        return real(pool)

    monkeypatch.setattr(workers_module, "_fork_is_safe", lambda: True)
    monkeypatch.setattr(workers_module._Pool, "results", counted)
    return pools


def test_worker_processes_give_the_same_bytes(
    demo_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    day = dt.date.fromisoformat(TODAY)
    for host in ("netlify", "github-pages"):
        monkeypatch.setenv(WORKERS_ENV, "1")
        one = build(demo_copy, tmp_path / f"one-{host}", day, host=host)
        assert not forks
        monkeypatch.setenv(WORKERS_ENV, "2")  # Markdown and pages in two worker processes
        two = build(demo_copy, tmp_path / f"two-{host}", day, host=host)
        assert forks and set(forks) == {2}  # Markdown, images and pages each in a pool
        forks.clear()
        assert [f.path for f in one.files] == [f.path for f in two.files]
        assert snapshot(tmp_path / f"one-{host}") == snapshot(tmp_path / f"two-{host}")
        assert one.warnings == two.warnings


def test_errors_in_worker_processes_are_located(
    demo_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    campaign = demo_copy / "content" / "campaigns" / "summit-2026.md"
    text = campaign.read_text(encoding="utf-8")
    campaign.write_text(text + "\n[bad](javascript:alert(1))\n", encoding="utf-8")
    found = []
    for workers in ("1", "2"):  # Markdown rendered here, then in worker processes
        monkeypatch.setenv(WORKERS_ENV, workers)
        with pytest.raises(XpromoError) as raised:
            build(demo_copy, tmp_path / "out", dt.date.fromisoformat(TODAY))
        found.append(raised.value.diagnostics)
    assert forks  # the second build did fork
    assert found[0] == found[1]
    assert [d.location.path for d in found[0]] == ["content/campaigns/summit-2026.md"]
    campaign.write_text(text, encoding="utf-8")

    template = demo_copy / "themes" / "northwind" / "templates" / "campaign.html"
    template.write_text(
        "{% extends 'default/campaign.html' %}{% block main %}{{ nothing.here }}{% endblock %}\n"
    )
    with pytest.raises(XpromoError) as raised:
        build(demo_copy, tmp_path / "out", dt.date.fromisoformat(TODAY), workers=2)
    assert [d.location.path for d in raised.value.diagnostics] == [
        "themes/northwind/templates/campaign.html"
    ]
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / ".out.staging").exists()


def test_images_are_on_by_default(demo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["build", "-s", str(demo_copy), "--today", TODAY], capsys)
    assert code == 0, err
    files = snapshot(demo_copy / "public")
    assert [p for p in files if p.startswith("assets/share/")]
    assert "og:image" in files["cloud-backup-webinar/contoso/index.html"].decode()


# page → what a browser's parser makes of it: (inline scripts, inline styles, inline
# attributes, sponsored links, the first of them before the disclosure, disclosure text)
TRICKY_PAGES = [
    (
        '<p title="a > b" class=x>text</p><a href="/x" rel="nofollow sponsored">go</a>',
        ([], [], [], 1, True, None),
    ),
    (
        '<div STYLE="color:red">x</div><button onClick="f()">b</button><img src=x.png />',
        ([], [], ["<div style>", "<button onclick>"], 0, False, None),
    ),
    (
        "<!-- <script>not code</script> --><script>if (a < b) { go(); }</script>",
        (["if (a < b) { go(); }"], [], [], 0, False, None),
    ),
    (
        '<script type="application/ld+json">{"a": "<b>"}</script><style>p{color:red}</style>',
        ([], ["p{color:red}"], [], 0, False, None),
    ),
    (
        '<p id="disclosure">We earn a <em>fee</em> &amp; say so.</p>'
        '<a rel="sponsored" href="/">x</a>',
        ([], [], [], 1, False, "We earn a fee & say so."),
    ),
    (
        '<a rel="sponsored" href="/">x</a><p id="disclosure">Late &amp; after.</p>',
        ([], [], [], 1, True, "Late & after."),
    ),
    (
        '<div id="disclosure"><br/><span>Inner <b>bold</b></span> tail</div><a rel=sponsored>y</a>',
        ([], [], [], 1, False, "Inner bold tail"),
    ),
    (
        "<p>a stray < sign and <3 hearts</p><div style>bare</div>",
        ([], [], ["<div style>"], 0, False, None),
    ),
    (
        '<p data-x=\'single "quoted"\' oninput=x>y</p><scRipt src="k.js"></scRipt>',
        ([], [], ["<p oninput>"], 0, False, None),
    ),
    (  # a link inside the disclosure is not after it
        '<p id="disclosure">Paid: <a rel="sponsored" href="/">x</a></p><a rel=sponsored>y</a>',
        ([], [], [], 2, True, "Paid: x"),
    ),
    (  # handlers wherever a start tag can hold them, and words that only look like one
        '<b/onclick=x>on, one</b><i title="a"ONMOUSEOVER=y>"only"</i><u on\x00x on,=1>',
        ([], [], ["<b onclick>", "<i onmouseover>", "<u on\ufffdx>", "<u on,>"], 0, False, None),
    ),
    (  # what a template holds runs, and shows, once a script clones it
        '<template><script>t()</script><a rel="sponsored" href="/">x</a></template>'
        '<p id="disclosure">Paid.</p>',
        (["t()"], [], [], 1, True, "Paid."),
    ),
    (  # script text is hashed as the parser hands it over: line ends and NULs normalised
        "<script>a\r\nb\x00c</script>",
        (["a\nb\ufffdc"], [], [], 0, False, None),
    ),
]


@pytest.mark.parametrize(("html", "found"), TRICKY_PAGES)
def test_the_page_scan_reads_markup_as_browsers_do(html: str, found: tuple[Any, ...]) -> None:
    assert scan_page(html) == PageScan(*found)


# HTML5 script data: after "<!--" a nested "<script>" makes "</script>" part of the text until
# "-->"; a reader that stops at the first "</script>" hashes a prefix the browser never runs.
ESCAPED_SCRIPT = 'var tag = "<!--<script>x</script>-->"; window.ready = true;'
# HTML5 ends a comment at "--!>": what follows is markup, not part of the comment.
BANG_COMMENT = (
    '<!-- note --!><script>window.ready = true;</script><a rel="sponsored" href="/x">x</a>'
    '<p id="disclosure">We are paid.</p><!-- later -->'
)


def test_a_script_holding_a_commented_script_tag_is_read_whole() -> None:
    page = f"<html><head><script>{ESCAPED_SCRIPT}</script></head><body><p>x</p></body></html>"
    assert scan_page(page).inline_scripts == [ESCAPED_SCRIPT]
    verdict = check_page(page, "We are paid.")
    assert verdict.script_hashes == {csp_hash(ESCAPED_SCRIPT)}
    assert csp_hash('var tag = "<!--<script>x') not in verdict.script_hashes


def test_a_comment_closed_by_dash_dash_bang_hides_nothing() -> None:
    scan = scan_page(BANG_COMMENT)
    assert scan.inline_scripts == ["window.ready = true;"]
    assert scan.sponsored_links == 1 and scan.sponsored_before_disclosure
    verdict = check_page(BANG_COMMENT, "We are paid.")
    assert verdict.script_hashes == {csp_hash("window.ready = true;")}
    assert not verdict.discloses


def test_a_page_verdict_sums_up_its_scan() -> None:
    for html, found in TRICKY_PAGES:
        scan = PageScan(*found)
        for disclosure in ("We earn a fee & say so.", "We are paid"):
            assert check_page(html, disclosure) == PageVerdict(
                frozenset(csp_hash(body) for body in scan.inline_scripts),
                frozenset(csp_hash(body) for body in scan.inline_styles),
                bool(scan.inline_attributes),
                discloses(scan, disclosure),
            ), html


# golden page → its sponsored links (every such page shows the disclosure above them)
GOLDEN_SPONSORED = {
    "cloud-backup-webinar/index.html": 4,
    "cloud-backup-webinar/northwind/index.html": 4,
    "refer-a-team/index.html": 5,
    "refer-a-team/northwind/index.html": 5,
    "security-bundle/contoso/index.html": 2,
    "security-bundle/fabrikam/index.html": 2,
    "security-bundle/index.html": 4,
    "security-bundle/northwind/index.html": 4,
    "summit-2026/contoso/index.html": 3,
    "summit-2026/index.html": 5,
    "summit-2026/northwind/index.html": 5,
    "summit-2026/tailspin/index.html": 2,
}
# the partner kit's emails style every element inline: mail clients drop stylesheets
KIT_EMAIL_STYLES = [
    f"<{tag} style>"
    for tag in ["table", "td", "a", "img", "td", "td", "td", "td", "td", "table", "td", "a", "td"]
]


def test_the_golden_pages_read_as_their_content_implies() -> None:
    golden = REPO / "tests" / "golden" / "demo"
    pages = sorted(golden.rglob("*.html"))
    assert len(pages) > len(GOLDEN_SPONSORED)
    for path in pages:
        name = path.relative_to(golden).as_posix()
        html = path.read_text(encoding="utf-8")
        links = GOLDEN_SPONSORED.get(name, 0)
        disclosure = DEFAULT_DISCLOSURE if links else None
        styles = KIT_EMAIL_STYLES if "/kit/" in name else []
        assert scan_page(html) == PageScan([], [], styles, links, False, disclosure), name
        verdict = check_page(html, DEFAULT_DISCLOSURE)
        assert verdict == PageVerdict(frozenset(), frozenset(), bool(styles), True), name
        assert check_page(html, "We are paid").discloses is not bool(links), name


def test_manifests_written_in_parts_match_json_dumps_of_the_whole() -> None:
    rows = [
        TrackedLink("c", "a", "page", "cta", "d", 'https://x.example/?a=1&b=é"\\</'),
        TrackedLink("c2", "ä", "email", "share", "", "u"),
    ]
    for chosen in (rows, rows[:1], []):
        whole = {"links": [{c: getattr(r, c) for c in LINKS_COLUMNS} for r in chosen]}
        assert links_json(chosen) == json.dumps(whole, indent=2, ensure_ascii=False) + "\n"


def test_the_quick_dict_lookup_in_templates_answers_as_jinja_does() -> None:
    from xpromo_site.themes import _Environment

    quick, plain = _Environment(), jinja2.Environment()
    view = {"title": "T", "items": [1], "get": "g", "none": None, "__class__": "c"}
    template = (
        "{{ v.title }}|{{ v.items is callable }}|{{ v.get is callable }}|{{ v.none }}|"
        "{{ v.missing is defined }}|{{ v.keys() | list | length }}|"
        "{{ o.real }}|{{ o.x is defined }}"
    )
    for env in (quick, plain):
        env.globals.update(v=view, o=3)
    assert quick.from_string(template).render() == plain.from_string(template).render()
    assert quick.from_string(template).render() == "T|True|True|None|False|5|3|False"


def _published(folder: Path, needle: str) -> bool:
    return any(needle.encode() in p.read_bytes() for p in folder.rglob("*.svg"))


def test_the_up_to_date_check_sees_every_file_the_build_read(
    minimal_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = minimal_copy
    # a logo under a folder the input walk skips, and one behind a linked folder
    hidden = site / "assets" / "node_modules" / "brand" / "alpha.svg"
    hidden.parent.mkdir(parents=True)
    (site / "assets" / "alpha.svg").rename(hidden)
    for version, colour in (("v1", "#14213D"), ("v2", "#8A1538")):
        kit = site / "kits" / version
        kit.mkdir(parents=True)
        logo = (site / "assets" / "beta.svg").read_text().replace("#14213D", colour)
        (kit / "beta.svg").write_text(logo)
    (site / "assets" / "kit").symlink_to("../kits/v1", target_is_directory=True)
    edit(
        site / "partners.yaml",
        "logo: assets/alpha.svg",
        "logo: assets/node_modules/brand/alpha.svg",
    )
    edit(site / "partners.yaml", "logo: assets/beta.svg", "logo: assets/kit/beta.svg")
    assert _build(site, capsys).startswith("Built")
    assert _build(site, capsys).startswith("Up to date")

    hidden.write_text(hidden.read_text().replace("#0B5FFF", "#0A4FD0"))
    assert _build(site, capsys).startswith("Built")
    assert _published(site / "public", "#0A4FD0")
    assert _build(site, capsys).startswith("Up to date")

    (site / "assets" / "kit").unlink()
    (site / "assets" / "kit").symlink_to("../kits/v2", target_is_directory=True)
    assert _build(site, capsys).startswith("Built")
    assert _published(site / "public", "#8A1538")
    assert not _published(site / "public", "#14213D")


def test_the_code_fingerprint_covers_every_file_of_the_package() -> None:
    """An edit to any of xpromo's files (a template, a module in any subpackage) builds again."""
    import xpromo_site
    from xpromo_site.publish import manifest

    assert Path(xpromo_site.__file__).resolve().parent == manifest.PACKAGE
