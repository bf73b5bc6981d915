"""Partner kit pieces as text: the email block, social posts, the kit's README and its zip.

Pure functions of a `KitCopy` (the words and colours of one partner's promotion
of one campaign) and the tracked link each piece carries.
"""

from __future__ import annotations

import io
import re
import textwrap
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape

EMAIL_WIDTH = 600
FONT_STACK = "Helvetica,Arial,sans-serif"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no build time in the bytes


@dataclass(frozen=True, slots=True)
class Network:
    """A social network: how long a post may be and how it counts links."""

    id: str
    label: str
    limit: int
    url_length: int | None  # every link counts as this many characters; None: as written
    weighted: bool = False  # X: characters outside Latin and common punctuation count twice
    long_form: bool = False  # room for the summary and every detail


NETWORKS = {
    network.id: network
    for network in (
        Network("linkedin", "LinkedIn", 3000, None, long_form=True),
        Network("x", "X", 280, 23, weighted=True),
        Network("facebook", "Facebook", 63206, None, long_form=True),
        Network("mastodon", "Mastodon", 500, 23),
        Network("bluesky", "Bluesky", 300, None),
        Network("threads", "Threads", 500, None),
    )
}
DEFAULT_NETWORKS = ("linkedin", "x", "facebook")

# twitter-text v3: code points in these ranges weigh 1, every other one weighs 2
_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_HEAVY = re.compile(  # a character outside the light ranges: it counts twice
    "[^" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in _LIGHT_RANGES) + "]"
)


@dataclass(frozen=True, slots=True)
class KitCopy:
    """The words and colours of one partner's promotion of one campaign."""

    title: str
    kicker: str  # e.g. "Webinar · Thursday 10 December 2026"
    summary: str | None
    details: tuple[tuple[str, str], ...]  # ("When", "..."), ("Where", "..."), ("Code", "...")
    cta_label: str
    partner: str  # the partner who sends it
    co_partners: tuple[str, ...]
    legal: tuple[str, ...]
    primary: str
    on_primary: str
    text: str
    background: str


@dataclass(frozen=True, slots=True)
class SocialPost:
    network: Network
    text: str
    length: int  # as the network counts it


def listed(names: Iterable[str]) -> str:
    """Return names as a sentence lists them: 'a', 'a and b', 'a, b and c'."""
    items = list(names)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def byline(copy: KitCopy) -> str:
    """Return 'Brought to you by A, B and C.' (the sending partner first)."""
    return f"Brought to you by {listed([copy.partner, *copy.co_partners])}."


# email ---------------------------------------------------------------------------------


def _row(style: str, content: str) -> str:
    return f'  <tr>\n    <td style="{style}">{content}</td>\n  </tr>\n'


def email_html(
    copy: KitCopy, link: str, image_url: str | None, image_alt: str, image_height: int
) -> str:
    """Return the email block: one 600px table with inline styles, ready to paste.

    image_url is the share image shown at the top, or None for a block without it.

    Table layout and inline styles survive email clients; the button is a link in a
    coloured table cell (a "bulletproof" button), so it shows without images too.
    """
    text = f"font-family:{FONT_STACK};color:{copy.text};"
    href = escape(link)
    rows = []
    if image_url is not None:
        rows.append(
            _row(
                "padding:0;",
                f'<a href="{href}" target="_blank" style="display:block;">'
                f'<img src="{escape(image_url)}" width="{EMAIL_WIDTH}" height="{image_height}" '
                f'alt="{escape(image_alt)}" style="display:block;width:100%;'
                f"max-width:{EMAIL_WIDTH}px;"
                'height:auto;border:0;outline:none;text-decoration:none;"></a>',
            )
        )
    rows += [
        _row(
            f"padding:24px 24px 0 24px;{text}font-size:13px;line-height:18px;"
            "letter-spacing:1px;text-transform:uppercase;",
            escape(copy.kicker),
        ),
        _row(
            f"padding:8px 24px 0 24px;{text}font-size:26px;line-height:32px;font-weight:bold;",
            escape(copy.title),
        ),
    ]
    if copy.summary:
        rows.append(
            _row(
                f"padding:12px 24px 0 24px;{text}font-size:16px;line-height:24px;",
                escape(copy.summary),
            )
        )
    if copy.details:
        lines = "<br>".join(
            f"<strong>{escape(label)}:</strong> {escape(value)}" for label, value in copy.details
        )
        rows.append(_row(f"padding:12px 24px 0 24px;{text}font-size:16px;line-height:24px;", lines))
    button = (
        '\n      <table role="presentation" border="0" cellpadding="0" cellspacing="0" '
        'style="border-collapse:separate;">\n'
        "        <tr>\n"
        f'          <td align="center" bgcolor="{copy.primary}" '
        f'style="border-radius:6px;background-color:{copy.primary};">'
        f'<a href="{href}" target="_blank" style="display:inline-block;padding:14px 28px;'
        f"font-family:{FONT_STACK};font-size:16px;line-height:20px;font-weight:bold;"
        f"color:{copy.on_primary};text-decoration:none;border-radius:6px;"
        f'border:1px solid {copy.primary};">{escape(copy.cta_label)}</a></td>\n'
        "        </tr>\n"
        "      </table>\n    "
    )
    rows.append(_row("padding:24px;", button))
    footer = escape(byline(copy)) + "".join(f"<br>{escape(line)}" for line in copy.legal)
    rows.append(_row(f"padding:0 24px 24px 24px;{text}font-size:12px;line-height:18px;", footer))
    return (
        f"<!-- {escape(copy.title)}: email block from {escape(copy.partner)}. Paste it into "
        "your email's HTML; its links credit you. -->\n"
        # Outlook for Windows ignores max-width: a fixed-width "ghost" table holds it there
        f'<!--[if mso]><table role="presentation" border="0" cellpadding="0" cellspacing="0" '
        f'width="{EMAIL_WIDTH}" align="center"><tr><td><![endif]-->\n'
        '<table role="presentation" border="0" cellpadding="0" cellspacing="0" '
        f'width="100%" style="max-width:{EMAIL_WIDTH}px;margin:0 auto;border-collapse:collapse;'
        f'background-color:{copy.background};">\n' + "".join(rows) + "</table>\n"
        "<!--[if mso]></td></tr></table><![endif]-->\n"
    )


def _wrap(text: str) -> str:
    return textwrap.fill(text, 72, break_long_words=False, break_on_hyphens=False)


def email_text(copy: KitCopy, link: str) -> str:
    """Return the plain-text version of the email block, wrapped at 72 columns."""
    parts = [copy.kicker.upper(), _wrap(copy.title)]
    if copy.summary:
        parts.append(_wrap(copy.summary))
    if copy.details:
        parts.append("\n".join(_wrap(f"{label}: {value}") for label, value in copy.details))
    parts.append(f"{copy.cta_label}: {link}")
    parts.append("\n".join(["--", _wrap(byline(copy)), *(_wrap(line) for line in copy.legal)]))
    return "\n\n".join(parts) + "\n"


# social posts --------------------------------------------------------------------------


def post_length(text: str, network: Network, links: Iterable[str] = ()) -> int:
    """Return the length of text as network counts it (links given count as it says)."""
    count = 0
    for link in links:
        if network.url_length is not None and link in text:
            occurrences = text.count(link)
            text = text.replace(link, "")
            count += occurrences * network.url_length
    if network.weighted:
        return count + len(text) + len(_HEAVY.findall(text))
    return count + len(text)


def _shorten(text: str, fits: int) -> str:
    """Return text cut at a word boundary with an ellipsis so that it has at most fits chars."""
    if len(text) <= fits:
        return text
    cut = text[: max(0, fits - 1)].rsplit(" ", 1)[0].rstrip(" ,;:.-")
    return cut + "…"


def social_post(copy: KitCopy, link: str, network: Network) -> SocialPost:
    """Return the longest post for network that fits its limit.

    Long-form networks get title, summary, byline, details and the link; short ones
    drop the summary, then all details but the first (when, or the price), then the
    details, and shorten the title as a last resort.
    """
    call = f"{copy.cta_label}: {link}"
    details = [f"{label}: {value}" for label, value in copy.details]
    summary = [copy.summary] if copy.summary else []
    candidates = [
        [copy.title, *summary, byline(copy), "\n".join(details), call],
        [copy.title, *summary, "\n".join(details), call],
        [copy.title, "\n".join(details), call],
        [copy.title, "\n".join(details[:1]), call],
        [copy.title, *summary, call],
        [copy.title, call],
    ]
    if not network.long_form:
        candidates = candidates[1:]
    for parts in candidates:
        text = "\n\n".join(part for part in parts if part)
        length = post_length(text, network, [link])
        if length <= network.limit:
            return SocialPost(network, text, length)
    room = network.limit - post_length(f"\n\n{link}", network, [link])
    title, fits = copy.title, len(copy.title)
    while fits > 1 and post_length(title, network) > room:
        fits -= 1
        title = _shorten(copy.title, fits)
    text = f"{title}\n\n{link}"
    return SocialPost(network, text, post_length(text, network, [link]))


def social_posts(copy: KitCopy, link: str, networks: Iterable[str]) -> list[SocialPost]:
    """Return one post per network id, in the order given."""
    return [social_post(copy, link, NETWORKS[network]) for network in networks]


def social_text(posts: Iterable[SocialPost]) -> str:
    """Return every post in one text file, each under a heading with its length."""
    sections = [
        f"== {post.network.label} ({post.length} of {post.network.limit} characters) ==\n\n"
        f"{post.text}\n"
        for post in posts
    ]
    return "\n".join(sections)


# the kit as one download ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReadmeEntry:
    """One campaign in the kit's README."""

    folder: str
    title: str
    page_url: str
    links: tuple[tuple[str, str], ...]  # (channel, tracked link)
    files: tuple[tuple[str, str], ...]  # (file name in the folder, what it is)


def kit_readme(partner: str, program: str, hub_url: str, entries: Iterable[ReadmeEntry]) -> str:
    """Return README.txt of a partner's kit: what each folder holds and every link."""
    lines = [
        f"{partner}: partner kit for {program}",
        "",
        "One folder per live campaign. Every link in this kit credits "
        f"{partner}: use the one made for the channel you post on.",
        f"The latest kit is always at {hub_url}",
    ]
    for entry in entries:
        lines += ["", "", f"{entry.folder}/  {entry.title}", "", f"  Your page: {entry.page_url}"]
        lines += [f"  {channel}: {url}" for channel, url in entry.links]
        lines.append("")
        lines += [f"  {name:<18} {what}" for name, what in entry.files]
    return "\n".join(lines) + "\n"


def stable_zip(files: Mapping[str, bytes]) -> bytes:
    """Return a zip of files whose bytes depend on nothing else.

    Entries are sorted by name, dated 1980-01-01, marked as ordinary files (0644) made
    on Unix, and stored without compression: the images in a kit are compressed
    already, and a deflater's output depends on the zlib the machine has.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, files[name])
    return buffer.getvalue()
