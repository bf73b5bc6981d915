"""Markdown rendering: escaped raw HTML, link placeholders with locations."""

from __future__ import annotations

import pytest

from xpromo_site.errors import Collector, Location, XpromoError
from xpromo_site.markdown import render_markdown
from xpromo_site.models import LINK_MARK
from xpromo_site.render import fill_links


def test_raw_html_is_escaped_not_passed_through() -> None:
    body = render_markdown('Hi <script>alert(1)</script> <img src=x onerror="y">\n', "c.md", 5)
    assert "<script>" not in body.html
    assert "&lt;script&gt;" in body.html
    assert "<img" not in body.html


def test_absolute_links_become_located_placeholders() -> None:
    text = "Intro\n\nRead [the guide](https://contoso.example/guide?a=1) and [about](/about/).\n"
    body = render_markdown(text, "content/campaigns/x.md", 10)
    assert [link.url for link in body.links] == ["https://contoso.example/guide?a=1"]
    assert body.links[0].location == Location("content/campaigns/x.md", 13, 18)
    assert f'href="{LINK_MARK}0{LINK_MARK}"' in body.html
    assert 'href="/about/"' in body.html


def test_fill_links_escapes_urls() -> None:
    body = render_markdown("[a](https://x.example/?q=1)\n", "c.md", 0)
    html = fill_links(body, ['https://x.example/?q=1&utm_source=a"b'])
    assert 'href="https://x.example/?q=1&amp;utm_source=a&#34;b"' in html


def test_javascript_links_are_located_errors_not_links() -> None:
    collector = Collector()
    body = render_markdown("Intro\n\n[x](javascript:alert(1))\n", "c.md", 2, collector=collector)
    assert "javascript:" not in body.html
    assert "href" not in body.html
    (diagnostic,) = collector.errors
    assert diagnostic.location == Location("c.md", 5, 5)
    assert (
        diagnostic.message == "link 'javascript:alert(1)' would run script in the visitor's browser"
    )
    with pytest.raises(XpromoError):
        render_markdown("[x](javascript:alert(1))\n", "c.md", 0)


def test_h1_in_copy_ranks_below_the_page_title() -> None:
    assert render_markdown("# Big\n", "c.md", 0).html == "<h2>Big</h2>\n"


def test_tables_and_strikethrough_are_supported() -> None:
    html = render_markdown("| a |\n|---|\n| b |\n\n~~old~~\n", "c.md", 0).html
    assert "<table>" in html
    assert "<s>old</s>" in html


def test_images_become_placeholders_filled_per_page() -> None:
    body = render_markdown("Intro\n\n![A chart](/assets/chart.png)\n", "content/pages/a.md", 4)
    (image,) = body.images
    assert image.src == "/assets/chart.png"
    assert image.location == Location("content/pages/a.md", 7, 12)
    html = fill_links(body, [], ["../assets/chart.1234567890.png"])
    assert html == '<p>Intro</p>\n<p><img src="../assets/chart.1234567890.png" alt="A chart"></p>\n'
