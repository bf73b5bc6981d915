"""Generate a seeded, deterministic xpromo program of a given size for benchmarks.

Usage: python bench/generate.py OUT --partners 200 --campaigns 3000 [--seed 7]
       [--bodies DIR]

Each campaign names 2-4 partners and has about 600 words of Markdown: headings, a
list, an ordered list, a table, a fenced code block, emphasis and about four links,
half of them to partner websites (so they are tracked). With --bodies, campaign
bodies are taken in turn from the Markdown files in DIR (front matter stripped), so
xpromo can be timed on exactly the Markdown another generator was given.
Same arguments give byte-identical files.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

_TEXT = """
partner offer joint audience campaign launch bundle savings member reward webinar event
customers value together trusted secure cloud backup restore data team plan annual monthly
trial upgrade support guide playbook migrate connect integrate sync dashboard report insight
growth pipeline revenue share invite referral credit bonus access early premium select region
market product service quality simple fast easy discover explore compare choose combine
unlock enjoy learn more about how it works
"""
WORDS = tuple(_TEXT.split())
TYPES = ("webinar", "event", "bundle", "referral", "content", "offer")
PRIMARIES = ("#0B5FFF", "#14213D", "#0F766E", "#7C2D12", "#5B21B6", "#9D174D", "#1E3A8A")


def _sentence(rng: random.Random, plain: bool = False) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    roll = 1.0 if plain else rng.random()
    index = rng.randrange(len(words))
    if roll < 0.1:
        words[index] = f"*{words[index]}*"
    elif roll < 0.2:
        words[index] = f"**{words[index]}**"
    elif roll < 0.3:
        words[index] = f"`{words[index]}`"
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, link: str | None = None) -> str:
    sentences = [_sentence(rng) for _ in range(rng.randint(3, 5))]
    if link:
        sentences.insert(1, f"Read [the {rng.choice(WORDS)} guide]({link}) first.")
    return " ".join(sentences)


def _body(rng: random.Random, websites: list[str], index: int) -> str:
    links = [
        f"{rng.choice(websites)}/{rng.choice(WORDS)}?ref=bench&n={index}",
        f"https://example.org/{rng.choice(WORDS)}/{index}",
        f"{rng.choice(websites)}/docs/{rng.choice(WORDS)}",
        f"https://example.com/{rng.choice(WORDS)}",
    ]
    parts = [_paragraph(rng, links[0]), f"## {_sentence(rng)[:-1]}", _paragraph(rng)]
    parts.append("\n".join(f"- {_sentence(rng)}" for _ in range(4)))
    parts += [f"### {_sentence(rng)[:-1]}", _paragraph(rng, links[1])]
    parts.append("\n".join(f"{n}. {_sentence(rng)}" for n in range(1, 5)))
    parts += [f"## {_sentence(rng)[:-1]}", _paragraph(rng, links[2])]
    table = ["| Plan | Seats | Price | Term |", "| --- | --- | --- | --- |"]
    table += [
        f"| {rng.choice(WORDS)} | {rng.randint(1, 500)} | ${rng.randint(9, 999)} | "
        f"{rng.choice(['monthly', 'annual'])} |"
        for _ in range(3)
    ]
    parts.append("\n".join(table))
    parts += [f"> {_sentence(rng)} {_sentence(rng)}", _paragraph(rng)]
    parts.append("```yaml\ncampaign:\n  partners: [alpha, beta]\n  channels: [email, web]\n```")
    parts += [f"### {_sentence(rng)[:-1]}", _paragraph(rng, links[3]), _paragraph(rng)]
    return "\n\n".join(parts) + "\n"


def _logo(name: str, color: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="48" viewBox="0 0 160 48">'
        f"<title>{name}</title><rect width="
        f'"40" height="40" x="4" y="4" rx="8" fill="{color}"/>'
        f'<rect width="100" height="12" x="54" y="18" rx="4" fill="{color}"/></svg>\n'
    )


def _bodies(folder: Path) -> list[str]:
    texts = []
    for path in sorted(folder.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            text = text.split("\n---\n", 1)[1]
        texts.append(text)
    return texts


def generate(
    out: Path, partners: int, campaigns: int, seed: int, bodies: Path | None = None
) -> None:
    """Write a program with the given numbers of partners and campaigns into out."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "assets" / "logos").mkdir(parents=True)
    (out / "content" / "campaigns").mkdir(parents=True)
    ids = [f"brand-{n:04d}" for n in range(partners)]
    websites = [f"https://{pid}.example" for pid in ids]
    lines = [
        "program:",
        "  name: Benchmark Partner Network",
        "  base_url: https://partners.bench.example/",
        f"  owner: {ids[0]}",
        "partners:",
    ]
    for pid, website in zip(ids, websites, strict=True):
        color = rng.choice(PRIMARIES)
        (out / "assets" / "logos" / f"{pid}.svg").write_text(_logo(pid, color))
        (out / "assets" / "logos" / f"{pid}-white.svg").write_text(_logo(pid, "#FFFFFF"))
        lines += [
            f"  - id: {pid}",
            f"    name: Brand {pid[6:]}",
            f"    website: {website}",
            f"    logo: assets/logos/{pid}.svg",
            f"    logo_on_dark: assets/logos/{pid}-white.svg",  # every primary is dark
            "    colors:",
            f'      primary: "{color}"',
            '      on_primary: "#FFFFFF"',
            '      text: "#1A1A1A"',
            '      background: "#FFFFFF"',
            f"    legal: Brand {pid[6:]} is a trademark of its owner.",
        ]
        if rng.random() < 0.3:
            lines += ["    tracking:", "      referral_param: ref"]
    (out / "partners.yaml").write_text("\n".join(lines) + "\n")
    given = _bodies(bodies) if bodies else []
    for index in range(campaigns):
        members = rng.sample(ids, rng.randint(2, 4))
        kind = TYPES[index % len(TYPES)]
        front = [
            "---",
            f"title: {_sentence(rng, plain=True)[:-1]}",
            f"type: {kind}",
            f"partners: [{', '.join(members)}]",
            f"summary: {_sentence(rng, plain=True)}",
            "starts: 2026-01-01",
            "ends: 2027-12-31",
            "cta:",
            "  label: Get started",
            f"  url: https://{members[-1]}.example/signup?plan=team",
            "channels: [email, social, web, print]",
        ]
        if kind in ("webinar", "event"):
            front += ["event:", '  start: "2027-03-04 17:00"', "  timezone: Europe/Berlin"]
        elif kind in ("bundle", "offer"):
            front += ["offer:", '  price: "$99 a month"']
        elif kind == "referral":
            front += ["referral:", "  reward: One month free"]
        body = given[index % len(given)] if given else _body(rng, websites, index)
        path = out / "content" / "campaigns" / f"campaign-{index:05d}.md"
        path.write_text("\n".join([*front, "---", body]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--partners", type=int, default=200)
    parser.add_argument("--campaigns", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bodies", type=Path, help="take campaign bodies from these .md files")
    args = parser.parse_args()
    generate(args.out, args.partners, args.campaigns, args.seed, args.bodies)


if __name__ == "__main__":
    main()
