"""The files of a partner's campaign kit, one registry: `PIECES`.

Each piece says which files it makes from a campaign kit (none when the kit has no such
thing: no QR code without images, no calendar file without an event), what each file
is (the kit's README says so beside it), and whether the file is published in the kit's
folder on the hub or only goes into the zip (the share image and the calendar file are
published at the pages they belong to). The hub's folder, the zip and its README all
follow the registry; the hub page shows each piece in its own part of hub.html.

To add a piece, add a `KitPiece` to PIECES (what it needs from the campaign goes into
`CampaignKit`, made in enablement.campaign_kit) and, to show it on the hub, its part
of hub.html.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .kit import ReadmeEntry, SocialPost, kit_readme, social_text, stable_zip
from .links import TrackedLink
from .models import Partner, Program
from .qrcodes import QrCode
from .shareimages import HEIGHT, WIDTH, ShareImage

CALENDAR_FILE = "event.ics"


@dataclass(frozen=True)
class CampaignKit:
    """One partner's kit for one live campaign."""

    slug: str
    title: str
    folder: str  # where its files go, from the site root: partners/<id>/kit/<slug>/
    page_url: str  # the partner's variant
    links: tuple[TrackedLink, ...]  # one per channel, print among them (site.share_channels)
    image: ShareImage | None  # None when the build draws no images
    image_png: bytes | None
    image_alt: str
    qr: QrCode | None  # of the print link; None without images or without a print link
    email: tuple[str, str] | None  # (HTML block, plain text) with the email link
    posts: tuple[SocialPost, ...]  # with the social link
    calendar: bytes | None
    calendar_path: str | None  # the variant's event.ics, from the site root

    def files(self) -> dict[str, bytes]:
        """Return the kit's own files (those published in its folder), by name."""
        return {
            name: data
            for piece in PIECES
            if piece.in_folder
            for name, data in piece.make(self).items()
        }

    def download(self) -> dict[str, bytes]:
        """Return every file of the kit, as it goes into the zip."""
        files = self.files()
        for piece in PIECES:
            if not piece.in_folder:
                files.update(piece.make(self))
        return files


@dataclass(frozen=True)
class KitPiece:
    """One kind of file in a kit: how it is made, what each of its files is, and whether
    its files are published in the kit's folder (else they only go into the zip)."""

    name: str
    make: Callable[[CampaignKit], dict[str, bytes]]
    notes: Mapping[str, str]
    in_folder: bool = True


def _qr(kit: CampaignKit) -> dict[str, bytes]:
    return {"qr-code.svg": kit.qr.svg, "qr-code.png": kit.qr.png} if kit.qr is not None else {}


def _email(kit: CampaignKit) -> dict[str, bytes]:
    if kit.email is None:
        return {}
    return {"email.html": kit.email[0].encode(), "email.txt": kit.email[1].encode()}


def _social(kit: CampaignKit) -> dict[str, bytes]:
    return {"social.txt": social_text(kit.posts).encode()} if kit.posts else {}


def _share_image(kit: CampaignKit) -> dict[str, bytes]:
    return {"share-image.png": kit.image_png} if kit.image_png is not None else {}


def _calendar(kit: CampaignKit) -> dict[str, bytes]:
    return {CALENDAR_FILE: kit.calendar} if kit.calendar is not None else {}


PIECES: tuple[KitPiece, ...] = (
    KitPiece(
        "qr",
        _qr,
        {
            "qr-code.svg": (
                "QR code that opens the print link above, for print (scales to any size)"
            ),
            "qr-code.png": "QR code that opens the print link above, for slides and documents",
        },
    ),
    KitPiece(
        "email",
        _email,
        {
            "email.html": "email block: paste into your email's HTML",
            "email.txt": "plain-text version of the email",
        },
    ),
    KitPiece(
        "social", _social, {"social.txt": "one post per social network, within its length limit"}
    ),
    KitPiece(
        "share-image",
        _share_image,
        {"share-image.png": f"share image, {WIDTH}x{HEIGHT}: the picture link previews show"},
        in_folder=False,
    ),
    KitPiece(
        "calendar",
        _calendar,
        {CALENDAR_FILE: "calendar file: add the event to a calendar"},
        in_folder=False,
    ),
)


def partner_hub(partner: Partner) -> str:
    """Return the path of partner's hub from the site root."""
    return f"partners/{partner.id}/"


def file_note(name: str) -> str:
    """Return what the kit file called name is, as the README says it."""
    return next(piece.notes[name] for piece in PIECES if name in piece.notes)


def kit_zip(program: Program, partner: Partner, kits: list[CampaignKit]) -> bytes:
    """Return the zip of every campaign kit of partner, in one top folder, with a README."""
    top = f"{partner.id}-kit"
    files: dict[str, bytes] = {}
    entries = []
    for kit in kits:
        download = kit.download()
        files.update({f"{top}/{kit.slug}/{name}": data for name, data in download.items()})
        entries.append(
            ReadmeEntry(
                folder=kit.slug,
                title=kit.title,
                page_url=kit.page_url,
                links=tuple((link.channel, link.url) for link in kit.links),
                files=tuple((name, file_note(name)) for name in sorted(download)),
            )
        )
    hub_url = program.base_url + partner_hub(partner)
    readme = kit_readme(partner.name, program.name, hub_url, entries)
    files[f"{top}/README.txt"] = readme.encode()
    return stable_zip(files)
