"""Fuzzing: mutated partners.yaml, front matter, SVG and tokens thrown at the whole build.

Whatever a partner submits, `xpromo check` ends with exit 0, or with located errors and
exit 1: never a traceback, an internal error or a hang. Each example runs the real command
line in-process on a copy of the minimal site with one file mutated (characters replaced,
inserted, deleted or repeated, hostile snippets spliced in), and a run that takes longer
than HANG_SECONDS fails as a hang.

The run is derandomised, so CI is reproducible and bounded: FUZZ_EXAMPLES examples for each
of the five fuzz tests (default 150: 750 builds, about 11 s on a 2-core machine). For a
longer, random search run
``XPROMO_FUZZ_EXAMPLES=3000 XPROMO_FUZZ_RANDOM=1 python -m pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SITES
from xpromo_site.build import check
from xpromo_site.cli import main

FUZZ_EXAMPLES = int(os.environ.get("XPROMO_FUZZ_EXAMPLES", "150"))
RANDOM = bool(os.environ.get("XPROMO_FUZZ_RANDOM"))
HANG_SECONDS = 10
MINIMAL = SITES / "minimal"
TOKENS = (
    '{\n  "color": {\n    "$type": "color",\n'
    '    "blue": {"$value": {"colorSpace": "srgb", "components": [0.043, 0.373, 1]}},\n'
    '    "primary": {"$value": "{color.blue}"},\n    "on-primary": {"$value": "#FFFFFF"},\n'
    '    "text": {"$value": "#1A1A1A"},\n    "background": {"$value": "#FFFFFF"}\n  }\n}\n'
)
ALPHA_COLORS = (
    '    colors:\n      primary: "#0B5FFF"\n      on_primary: "#FFFFFF"\n'
    '      text: "#1A1A1A"\n      background: "#FFFFFF"\n'
)

YAML_SNIPPETS = [
    "&a ", "*a", "<<: *a\n", "!!python/object/apply:os.system ['x']", "!!binary AA==", "\t",
    "{", "}", "[", "]", "- ", ": ", '"', "'", "#", "\x00", "\ufeff", "%YAML 1.1\n---\n",
    "\n---\n", "\n...\n", "? ", "|\n", ">-\n", "~", "null", "yes", "0x1F", "1e400", ".nan",
    "2026-13-45", "é", "\U0001f600", "\r\n", "\\", "x" * 300, "&b [*b]", "\n  extra: *a\n",
    '"#0B5FFF"', '"{color.blue}"', "javascript:alert(1)", "../../etc/passwd", "/etc/passwd",
    "assets/../../x.svg", "lockup: {mode: host-led, max_ratio: 4}\n", "logo_min_width: 480\n",
]  # fmt: skip
MARKDOWN_SNIPPETS = [
    "[x](javascript:alert(1))", "![x](data:image/png;base64,AA)", "<script>alert(1)</script>",
    "[x][r]\n\n[r]: vbscript:x\n", "<javascript:x>", "](", "![", "<", "&#x09;", "\x00",
    "\n---\n", "[a](https://alpha.example/x)", "![d](/assets/images/diagram.png)",
    "![d](../../../../etc/passwd)", "![d](//evil.example/x.png)", "<!--", "`", "```\n",
    "| a |\n|---|\n", "# h\n", "\x01\x02", "\udcff",
]  # fmt: skip
SVG_SNIPPETS = [
    "<!DOCTYPE svg [<!ENTITY a 'aaaa'>]>", "&a;", "<!ENTITY b SYSTEM 'file:///etc/passwd'>",
    "<script>alert(1)</script>", ' onload="alert(1)"', "<![CDATA[x]]>", "]]>", "<", ">",
    '"', "'", "&", "<foreignObject><p xmlns='http://www.w3.org/1999/xhtml'/></foreignObject>",
    "<g>" * 80, "</g>", ' xlink:href="javascript:x"', ' href="https://evil.example/x"',
    "<style>@import url(//evil.example)</style>", ' viewBox="0 0 0 0"', ' width="1e999"',
    "<?xml version='1.0' encoding='latin-1'?>", "\x00", "\xff", "xmlns:x='y'", "<x:y/>",
]  # fmt: skip
JSON_SNIPPETS = [
    "{", "}", "[", "]", ",", ":", '"', "\\", "NaN", "-Infinity", "1e999", '"{color.text}"',
    '{"$value": "{color.primary}"}', '"alpha": 0.5,', '"colorSpace": "display-p3",',
    '"$type": "dimension",', "[" * 70, "\x00", "\ufeff", '"components": [1, 2]',
]  # fmt: skip

DIAGNOSTIC = re.compile(r"[^\s:][^:]*:\d+:\d+: (error|warning): \S.*")
HINT = re.compile(r"  hint: \S.*")
SUMMARY = re.compile(r"error: \d+ problems? found")


@st.composite
def mutated(draw: st.DrawFn, text: str, snippets: list[str]) -> str:
    """Return text with a few random edits: splices of snippets or random characters,
    deletions and repeats."""
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        end = min(len(text), at + draw(st.integers(0, 40)))
        action = draw(st.sampled_from(["insert", "replace", "delete", "repeat"]))
        if action == "delete":
            text = text[:at] + text[end:]
        elif action == "repeat":
            text = text[:end] + text[at:end] * draw(st.integers(2, 50)) + text[end:]
        else:
            piece = draw(st.one_of(st.sampled_from(snippets), st.text(max_size=12)))
            text = text[:at] + piece + (text[end:] if action == "replace" else text[at:])
    return text


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging) when the block runs longer than seconds."""
    if not hasattr(signal, "setitimer"):  # pragma: no cover - not on Windows
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"xpromo check ran longer than {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _check_site(files: dict[str, bytes]) -> tuple[int, str]:
    """Run `xpromo check` on the minimal site with files replaced; return exit code, stderr."""
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        shutil.copytree(MINIMAL, site)
        for rel, data in files.items():
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / rel).write_bytes(data)
        err, out = io.StringIO(), io.StringIO()
        code: int | str | None = 0
        with (
            _deadline(HANG_SECONDS),
            contextlib.redirect_stderr(err),
            contextlib.redirect_stdout(out),
        ):
            try:
                main(["check", "--source", str(site), "--today", "2026-11-23"])
            except SystemExit as exited:
                code = exited.code
        return (code if isinstance(code, int) else 1), err.getvalue().replace(str(site) + "/", "")


def _assert_clean_ending(code: int, stderr: str) -> None:
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert code in (0, 1), f"exit {code}: {stderr}"
    lines = stderr.splitlines()
    if code == 1:
        assert lines and SUMMARY.fullmatch(lines[-1]), stderr
        lines = lines[:-1]
        assert any(DIAGNOSTIC.fullmatch(line) and ": error: " in line for line in lines), stderr
    for line in lines:
        assert DIAGNOSTIC.fullmatch(line) or HINT.fullmatch(line), f"unlocated line: {line!r}"


FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=not RANDOM,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


@FUZZ
@given(mutated((MINIMAL / "partners.yaml").read_text(), YAML_SNIPPETS))
def test_fuzz_partners_yaml(text: str) -> None:
    _assert_clean_ending(*_check_site({"partners.yaml": _encode(text)}))


def _with_safe_html(partners: str) -> str:
    """Return the minimal partners.yaml with program.content.html: safe (checked to apply)."""
    switched = partners.replace("program:\n", "program:\n  content:\n    html: safe\n", 1)
    assert switched != partners, "the minimal site's partners.yaml has no 'program:' line"
    return switched


SAFE_HTML_PARTNERS = _with_safe_html((MINIMAL / "partners.yaml").read_text())


def test_safe_html_mode_is_really_switched_on(tmp_path: Path) -> None:
    """The fuzz run with html: safe must fuzz that mode, not the default one."""
    site = tmp_path / "site"
    shutil.copytree(MINIMAL, site)
    (site / "partners.yaml").write_text(SAFE_HTML_PARTNERS)
    assert check(site, dt.date(2026, 11, 23)).site.program.html == "safe"


@FUZZ
@given(
    mutated((MINIMAL / "content/campaigns/backup-webinar.md").read_text(), YAML_SNIPPETS),
    st.sampled_from(["off", "safe"]),
)
def test_fuzz_front_matter_and_markdown(text: str, html: str) -> None:
    files = {"content/campaigns/backup-webinar.md": _encode(text)}
    if html == "safe":
        files["partners.yaml"] = _encode(SAFE_HTML_PARTNERS)
    _assert_clean_ending(*_check_site(files))


@FUZZ
@given(mutated((MINIMAL / "content/campaigns/backup-webinar.md").read_text(), MARKDOWN_SNIPPETS))
def test_fuzz_markdown_body(text: str) -> None:
    _assert_clean_ending(*_check_site({"content/campaigns/backup-webinar.md": _encode(text)}))


@FUZZ
@given(mutated((MINIMAL / "assets/alpha.svg").read_text(), SVG_SNIPPETS))
def test_fuzz_svg_logo(text: str) -> None:
    _assert_clean_ending(*_check_site({"assets/alpha.svg": _encode(text)}))


@FUZZ
@given(mutated(TOKENS, JSON_SNIPPETS))
def test_fuzz_design_tokens(text: str) -> None:
    partners = (MINIMAL / "partners.yaml").read_text()
    files = {
        "partners.yaml": _encode(
            partners.replace(ALPHA_COLORS, "    colors:\n      from: assets/alpha.tokens.json\n")
        ),
        "assets/alpha.tokens.json": _encode(text),
    }
    _assert_clean_ending(*_check_site(files))


@pytest.mark.parametrize(
    ("rel", "data"),
    [
        ("partners.yaml", b"\xff\xfe\x00\x00"),
        ("partners.yaml", b"program: &p\n  name: *p\n"),
        ("assets/alpha.svg", b"\xef\xbb\xbf<svg/>"),
        ("assets/gamma.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
        ("content/campaigns/backup-webinar.md", b"---\n---\n"),
    ],
)
def test_known_nasty_inputs_end_cleanly(rel: str, data: bytes) -> None:
    _assert_clean_ending(*_check_site({rel: data}))


# --- the command line's options --------------------------------------------------------------

COMMANDS = ["build", "check", "links", "schema", "new", "serve", "nope", "--help", "--version"]
OPTIONS = [
    "--source", "-s", "--output", "-o", "--today", "--host", "--strict", "--format", "--quiet",
    "--verbose", "--force", "--images", "--no-images", "--campaign", "--partner",
    "--destination", "--port", "--bind", "-h", "--debug", "--",
]  # fmt: skip
VALUES = [
    "2026-11-23", "2026-02-30", "26-11-23", "", "-1", "99999", "netlify", "github-pages",
    "nope", "json", "github", "csv", "table", "alpha", "backup-webinar", ".", "..", "/",
    "public", ".git", "content", "partners.yaml", "/dev/null", "x" * 300, "\x00", "é",
    "\u202e", "\x1b[31m", "../../etc",
]  # fmt: skip


@FUZZ
@given(
    st.tuples(
        st.sampled_from(COMMANDS),
        st.lists(st.sampled_from(OPTIONS) | st.sampled_from(VALUES), max_size=6),
    ).map(lambda parts: [parts[0], *parts[1]])
)
def test_fuzz_command_line_options(argv: list[str]) -> None:
    """Any mix of commands, options and values ends in 0, 1 or 2 with a plain message:
    never an internal error or a traceback (serve is left out: it would listen)."""
    if argv[0] == "serve":
        return
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        shutil.copytree(MINIMAL, site)
        err, out = io.StringIO(), io.StringIO()
        code: int | str | None = 0
        cwd = os.getcwd()
        os.chdir(site)
        try:
            with (
                _deadline(HANG_SECONDS),
                contextlib.redirect_stderr(err),
                contextlib.redirect_stdout(out),
            ):
                try:
                    main([arg for arg in argv if arg != "--debug"])
                except SystemExit as exited:
                    code = exited.code
        finally:
            os.chdir(cwd)
        stderr = err.getvalue()
        assert "Traceback" not in stderr and "internal error" not in stderr, (argv, stderr)
        assert code in (None, 0, 1, 2), (argv, code, stderr)
