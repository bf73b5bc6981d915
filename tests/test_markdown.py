"""Markdown rendering: escaped raw HTML, link placeholders with locations."""

from __future__ import annotations

import re

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


# --- links and images that could run script, and raw HTML -------------------------------------


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        ("[a](javascript:alert(1))", "link 'javascript:alert(1)' would run script"),
        ("[a](JAVASCRIPT:alert(1))", "link 'JAVASCRIPT:alert(1)' would run script"),
        ("[a](java&#x09;script:x)", "link 'java%09script:x' would run script"),
        ("[a](vbscript:x)", "link 'vbscript:x' would run script"),
        ("<javascript:alert(1)>", "link 'javascript:alert(1)' would run script"),
        ("[a][r]\n\n[r]: javascript:x", "link 'javascript:x' would run script"),
        ("[a](data:text/html,x)", "link 'data:text/html,x' opens a document embedded"),
        ("[a](file:///etc/passwd)", "link 'file:///etc/passwd' uses file:"),
        ("![a](javascript:x)", "image 'javascript:x' would run script"),
        ("![a](data:image/png;base64,AA)", "image 'data:image/png;base64,AA' is embedded"),
    ],
)
def test_dangerous_urls_are_errors(markdown: str, message: str) -> None:
    collector = Collector()
    body = render_markdown(markdown + "\n", "c.md", 0, collector=collector)
    assert [d.message[: len(message)] for d in collector.errors] == [message]
    assert re.search(r'(href|src)="[^"]*(script|data|file):', body.html, re.I) is None


@pytest.mark.parametrize(
    "markdown",
    [
        "[mail](mailto:a@b.example) [call](tel:+4930123) [text](sms:+4930123)",
        "[calendar](webcal://alpha.example/cal.ics) [here](/about/) [top](#top)",
    ],
)
def test_safe_schemes_stay_as_written(markdown: str) -> None:
    collector = Collector()
    body = render_markdown(markdown + "\n", "c.md", 0, collector=collector)
    assert collector.diagnostics == []
    assert body.html.count("<a href=") == 3


def test_raw_html_off_is_escaped_without_a_word() -> None:
    collector = Collector()
    body = render_markdown('<b onclick="x()">hi</b>\n', "c.md", 0, collector=collector)
    assert body.html == "<p>&lt;b onclick=&quot;x()&quot;&gt;hi&lt;/b&gt;</p>\n"
    assert collector.diagnostics == []


def test_raw_html_safe_keeps_the_subset_and_reports_what_goes() -> None:
    collector = Collector()
    text = (
        'Ask about <abbr title="Recovery time objective">RTO</abbr><sup>1</sup> '
        '<span onclick="x()">now</span> and [read](https://alpha.example/x).\n\n'
        "<script>alert(1)</script>\n"
    )
    body = render_markdown(text, "c.md", 0, "safe", collector)
    assert '<abbr title="Recovery time objective">RTO</abbr><sup>1</sup>' in body.html
    assert "<span>now</span>" in body.html
    assert "script" not in body.html and "onclick" not in body.html
    filled = fill_links(body, ["https://alpha.example/x?utm_source=a"])
    assert '<a href="https://alpha.example/x?utm_source=a">read</a>' in filled
    assert [(d.location.line, d.message) for d in collector.warnings] == [
        (1, "raw HTML attribute 'onclick' on <span> is removed"),
        (3, "raw HTML <script> is not in the safe subset and is removed"),
    ]


def test_raw_html_safe_refuses_links_images_and_script_urls() -> None:
    collector = Collector()
    text = '<a href="https://x.example">x</a> <img src="/a.png"> <q cite="javascript:x">q</q>\n'
    render_markdown(text, "c.md", 0, "safe", collector)
    assert [d.message.split(":")[0] for d in collector.errors] == [
        "raw HTML <a> is not allowed",
        "raw HTML <img> is not allowed",
        "raw HTML <q cite='javascript",
    ]


def test_a_placeholder_cannot_be_forged_in_safe_mode() -> None:
    body = render_markdown("xpromo\x00 0 [a](https://alpha.example/)\n", "c.md", 0, "safe")
    assert fill_links(body, ["https://alpha.example/?t=1"]).count("?t=1") == 1


def test_table_alignment_is_a_class_not_an_inline_style() -> None:
    """The pages' security policy blocks style= attributes: alignment must survive it."""
    text = "| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n"
    for mode in ("off", "safe"):
        html = render_markdown(text, "content/campaigns/a.md", 0, mode).html
        assert "style=" not in html
        assert html.count('class="align-left"') == 2
        assert html.count('class="align-center"') == 2
        assert html.count('class="align-right"') == 2
        assert "<th>d</th>" in html and "<td>4</td>" in html


# --- what html: safe really publishes -------------------------------------------------------

REQUEST_VECTORS = [
    '<image src="https://evil.example/a.png">',
    '<IMAGE SRC="https://evil.example/a.png">',
    '<svg><image href="https://evil.example/a.png"/></svg>',
    '<math><mi xlink:href="https://evil.example/a">x</mi></math>',
    '<picture><source srcset="https://evil.example/a.png"><img src="https://evil.example/b.png"></picture>',
    '<video poster="https://evil.example/a.png"></video>',
    '<audio src="https://evil.example/a.mp3"></audio>',
    '<object data="https://evil.example/a"></object>',
    '<embed src="https://evil.example/a">',
    '<iframe src="https://evil.example/a"></iframe>',
    '<input type="image" src="https://evil.example/a.png">',
    '<link rel="stylesheet" href="https://evil.example/a.css">',
    '<table background="https://evil.example/a.png"><tr><td>x</td></tr></table>',
    '<p style="background:url(https://evil.example/a.png)">x</p>',
    '<details open><summary>x</summary><image src="https://evil.example/a.png"></details>',
    "<b><image src=https://evil.example/a.png></b>",
    '<noscript><img src="https://evil.example/a.png"></noscript>',
]


@pytest.mark.parametrize("raw", REQUEST_VECTORS)
def test_safe_html_publishes_no_address_the_markdown_did_not_make(raw: str) -> None:
    """Whatever the sanitiser's HTML parser turns raw HTML into, no attribute of what is
    published names a third party: only Markdown makes links and images (tracked, checked)."""
    import html.parser

    collector = Collector()
    body = render_markdown(f"Copy {raw} and more.\n\n{raw}\n", "x.md", 0, "safe", collector)
    found: list[tuple[str, str, str]] = []

    class Attributes(html.parser.HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.extend((tag, name, value or "") for name, value in attrs)

    Attributes().feed(body.html)
    assert not [a for a in found if "evil" in a[2]], (raw, body.html)
