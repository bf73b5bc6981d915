"""Time whole `xpromo build` processes on generated programs and print a Markdown table.

Usage:
    python bench/run.py                       # sizes 100, 1,000 and 10,000 output pages
    python bench/run.py --sizes 1000 --runs 5
    python bench/run.py --sizes 10000 --bodies DIR \\
        --vs floor="sh -c 'cd SITE && mv out WORK/trash/out.$$; exec python floor.py . out'" \\
        --vs hugo="sh -c 'cd SITE && mv public WORK/trash/public.$$; exec hugo --quiet'"

Run it from the repository's root: the builds import this checkout's xpromo_site.

For each size it generates a program (bench/generate.py, seeded; --bodies takes the
campaign bodies from another benchmark's Markdown files) under --work, then times, each
as a separate process, with wall time, CPU time and peak RSS from wait4():

* clean builds, share images off (the previous output and the .xpromo-cache folder, which
  holds the image cache and the build manifest, are renamed away first); with their
  pages/s and the build's own phase times (`xpromo build --verbose`);
* no-change rebuilds (output left in place), and how many files they rewrote;
* one-campaign changes (a paragraph added to one campaign file), and how many files and
  pages they rewrote;
* at the sizes in --images-at, clean builds with share images and QR codes on, with the
  images drawn per second.

Each --vs NAME=COMMAND runs in turn with each clean build (A B A B ...) and adds the
pair-by-pair wall ratio xpromo / NAME, the comparison that holds on a noisy machine.
Such a command may move its previous output into WORK/trash/. The trash is emptied only
after the last timing: for one to six minutes after many files are deleted, ext4 (without
a journal, as on this project's machines) creates files far more slowly, stepping over
the freed inodes one by one, which would charge each build for the clean-up before it.
Leave a few minutes between a deletion of many files and a run.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

# output pages ≈ campaigns * (1 canonical + 3 variants on average) + partners + a few
SIZES = {100: (10, 22), 1000: (60, 235), 10000: (200, 2450)}
TODAY = "2026-11-23"


def _run(command: list[str]) -> tuple[float, float, float, str]:
    """Run command; return wall s, CPU s, peak RSS MiB and its stdout+stderr."""
    start = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    output = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{shlex.join(command)} failed:\n{output}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output


def _mtimes(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p): (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()
    }


def _is_page(path: str) -> bool:
    return path.endswith(".html") and "/kit/" not in path


def _images(output: str) -> str:
    found = re.search(r"share images: (\d+) drawn \(([\d.]+) images/s\)", output)
    return f"; {found[1]} share images at {found[2]}/s" if found else ""


def _phases(output: str) -> str:
    found = re.findall(r"(\w+) (\d+\.\d+)s", output.split("phases:", 1)[-1])
    return ", ".join(f"{name} {float(seconds):.2f}" for name, seconds in found)


def _stats(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} | {min(values):.2f}-{max(values):.2f}"


class Bench:
    """One program size: its folder, the build command, and the timings' rows."""

    def __init__(self, size: int, work: Path, runs: int, bodies: Path | None) -> None:
        partners, campaigns = SIZES.get(size, (max(2, size // 50), max(1, size // 4)))
        self.size = size
        self.work = work
        self.runs = runs
        self.site = work / (f"program-{size}" if bodies is None else f"program-{size}-bodies")
        if not (self.site / "partners.yaml").is_file():
            generate(self.site, partners, campaigns, seed=7, bodies=bodies)
        self.out = self.site / "public"
        self.trash = work / "trash"
        self.trash.mkdir(exist_ok=True)

    def command(self, images: bool) -> list[str]:
        build = [sys.executable, "-m", "xpromo_site", "build", "-s", str(self.site)]
        return [*build, "--today", TODAY, "--verbose", *(() if images else ("--no-images",))]

    def _clear(self) -> None:
        for index, old in enumerate((self.out, self.site / ".xpromo-cache")):
            if old.exists():
                old.rename(self.trash / f"xpromo-{index}-{time.monotonic_ns()}")

    def empty_trash(self) -> None:
        """Delete what the builds left in the trash: only after the last timing (see the
        module's docstring; it made creating a file up to 40 times slower)."""
        for old in self.trash.iterdir():
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old)
            else:
                old.unlink()
        os.sync()

    def clean(self, images: bool, others: dict[str, str]) -> list[str]:
        walls, cpus, peaks = [], [], []
        ratios: dict[str, list[float]] = {name: [] for name in others}
        output = ""
        for index in range(self.runs + 1):  # the first run warms the OS caches, not counted
            self._clear()
            wall, cpu, peak, output = _run(self.command(images))
            if index:
                walls.append(wall)
                cpus.append(cpu)
                peaks.append(peak)
                for name, other in others.items():
                    ratios[name].append(wall / _run(shlex.split(other))[0])
        pages = sum(1 for p in self.out.rglob("*.html") if _is_page(p.as_posix()))
        label = "clean, images on" if images else "clean"
        rows = [
            f"| {self.size:,} | {pages:,} | {label} | {_stats(walls)} | "
            f"{pages / statistics.median(walls):,.0f} | {max(peaks):.0f} | "
            f"{statistics.median(cpus):.2f} | {_phases(output)}{_images(output)} |"
        ]
        for name, values in ratios.items():
            rows.append(f"| {self.size:,} | | ratio to {name} | {_stats(values)} | | | | |")
        return rows

    def no_change(self) -> list[str]:
        before = _mtimes(self.out)
        timed = [_run(self.command(images=False)) for _ in range(self.runs)]
        rewritten = sum(1 for k, v in _mtimes(self.out).items() if before.get(k) != v)
        said = "up to date" if all("Up to date" in t[3] for t in timed) else "rebuilt"
        return [
            f"| {self.size:,} | | no change | {_stats([t[0] for t in timed])} | | "
            f"{max(t[2] for t in timed):.0f} | {statistics.median(t[1] for t in timed):.2f} | "
            f"{said}; {rewritten:,} files rewritten |"
        ]

    def one_campaign(self) -> list[str]:
        campaign = sorted((self.site / "content" / "campaigns").glob("*.md"))[0]
        timed, files, pages = [], [], []
        for index in range(self.runs):
            before = _mtimes(self.out)
            with campaign.open("a", encoding="utf-8") as handle:
                handle.write(f"\nOne more paragraph, number {index}.\n")
            timed.append(_run(self.command(images=False)))
            moved = [k for k, v in _mtimes(self.out).items() if before.get(k) != v]
            files.append(len(moved))
            pages.append(sum(1 for k in moved if _is_page(k)))
        return [
            f"| {self.size:,} | | one campaign changed | {_stats([t[0] for t in timed])} | | "
            f"{max(t[2] for t in timed):.0f} | {statistics.median(t[1] for t in timed):.2f} | "
            f"{statistics.median(files):.0f} files rewritten, of which "
            f"{statistics.median(pages):.0f} pages ({campaign.name}) |"
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "xpromo-bench"
    )
    parser.add_argument("--bodies", type=Path, help="take campaign bodies from these .md files")
    parser.add_argument(
        "--images-at", type=int, nargs="*", default=[1000], help="sizes also built with images"
    )
    parser.add_argument(
        "--vs",
        action="append",
        default=[],
        metavar="NAME=COMMAND",
        help="another build command to time in turn with each clean build (ratio)",
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    others = dict(item.split("=", 1) for item in args.vs)
    print(
        "| target pages | pages | build | median wall s | min-max s | pages/s | "
        "peak MiB | median CPU s | notes |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|---:|---|")
    benches = [Bench(size, args.work, args.runs, args.bodies) for size in args.sizes]
    for bench, size in zip(benches, args.sizes, strict=True):
        rows = bench.clean(False, others)
        rows += bench.no_change()
        rows += bench.one_campaign()
        if size in args.images_at:
            rows += bench.clean(True, {})
        for row in rows:
            print(row, flush=True)
    benches[0].empty_trash()  # after the last timing


if __name__ == "__main__":
    main()
