"""Time whole `xpromo build` processes on generated programs and print a Markdown table.

Usage:
    python bench/run.py                       # sizes 100, 1,000 and 10,000 output pages
    python bench/run.py --sizes 1000 --runs 5
    python bench/run.py --sizes 10000 --vs "hugo --quiet -s /path/to/hugo-site"

For each size it generates a program (bench/generate.py, seeded) under --work, then
times a clean build (the previous output and the share-image cache are renamed
away before the timed command) and a no-change rebuild (output left in place), each as a
separate process: wall time, CPU time and peak RSS from wait4(). It also reports
pages per second and the build's own phase times (`xpromo build --verbose`), and how
many page files the no-change rebuild rewrote. --vs runs another command in turn
with each clean build and prints the pair-by-pair wall ratio (xpromo / other).
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


def _mtimes(folder: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob("*.html")}


def _images(output: str) -> str:
    found = re.search(r"Share images: (\d+) drawn \(([\d.]+) images/s\)", output)
    return f"; {found[1]} share images at {found[2]}/s" if found else ""


def _phases(output: str) -> str:
    found = re.findall(r"(\w+) (\d+\.\d+)s", output.split("phases:", 1)[-1])
    return ", ".join(f"{name} {float(seconds):.2f}" for name, seconds in found)


def bench(size: int, work: Path, runs: int, vs: str | None) -> list[str]:
    partners, campaigns = SIZES.get(size, (max(2, size // 50), max(1, size // 4)))
    site = work / f"program-{size}"
    if not (site / "partners.yaml").is_file():
        generate(site, partners, campaigns, seed=7)
    out = site / "public"
    xpromo = [
        sys.executable,
        "-m",
        "xpromo_site",
        "build",
        "-s",
        str(site),
        "--today",
        "2026-11-23",
        "--verbose",
    ]
    walls, cpus, peaks, ratios = [], [], [], []
    output = ""
    cache = site / ".xpromo-cache"  # share images: a clean build draws them all again
    for index in range(runs + 1):  # the first run warms the OS caches and is not counted
        if out.exists():
            out.rename(work / f"old-{index}")
        if cache.exists():
            cache.rename(work / f"old-cache-{index}")
        wall, cpu, peak, output = _run(xpromo)
        if index:
            walls.append(wall)
            cpus.append(cpu)
            peaks.append(peak)
        if vs and index:
            other = _run(shlex.split(vs))[0]
            ratios.append(wall / other)
        for old in work.glob("old-*"):
            shutil.rmtree(old)
    pages = len([p for p in out.rglob("*.html") if "kit" not in p.relative_to(out).parts])
    before = _mtimes(out)
    again = [_run(xpromo) for _ in range(runs)]
    rewritten = sum(1 for k, v in _mtimes(out).items() if before.get(k) != v)
    median = statistics.median(walls)
    rows = [
        f"| {size:,} | {pages:,} | clean | {median:.2f} | {min(walls):.2f}-{max(walls):.2f} | "
        f"{pages / median:,.0f} | {max(peaks):.0f} | {statistics.median(cpus):.2f} | "
        f"{_phases(output)}{_images(output)} |",
        f"| {size:,} | {pages:,} | no change | {statistics.median(a[0] for a in again):.2f} | "
        f"{min(a[0] for a in again):.2f}-{max(a[0] for a in again):.2f} | - | "
        f"{max(a[2] for a in again):.0f} | {statistics.median(a[1] for a in again):.2f} | "
        f"{rewritten:,} pages rewritten |",
    ]
    if ratios:
        rows.append(
            f"| {size:,} | | ratio to --vs | {statistics.median(ratios):.2f} | "
            f"{min(ratios):.2f}-{max(ratios):.2f} | | | | |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "xpromo-bench"
    )
    parser.add_argument("--vs", help="another build command to time in turn (ratio)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(
        "| target pages | pages | build | median wall s | min-max s | pages/s | "
        "peak MiB | median CPU s | notes |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|---:|---|")
    for size in args.sizes:
        for row in bench(size, args.work, args.runs, args.vs):
            print(row, flush=True)


if __name__ == "__main__":
    main()
