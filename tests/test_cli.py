"""The command line: exit codes, messages, output safety, dates."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import subprocess_env
from xpromo_site import build as build_module
from xpromo_site.cli import main
from xpromo_site.publish.imagecache import CACHE_DIR


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the xpromo command in-process; return exit code, stdout, stderr."""
    try:
        main(args)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_build_writes_the_site_and_reports_counts(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["build", "-s", str(demo_copy), "--today", "2026-11-23"], capsys)
    assert code == 0, err
    assert err == ""
    first, second, third = out.splitlines()
    assert first.startswith(f"Built 23 pages into {demo_copy}/public/ in ")
    assert first.endswith(": 6 campaigns (3 live, 1 ended, 1 scheduled, 1 draft) of 4 partners")
    assert second == "  97 files, 33 images, 97 tracked links, no warnings"
    assert re.fullmatch(
        r"  share images: 10 drawn \([\d.]+ images/s\), 0 reused from the cache; "
        r"QR codes: 7 made, 0 reused",
        third,
    )
    assert (demo_copy / "public" / "index.html").is_file()

    code, out, err = run(["build", "-s", str(demo_copy), "--today", "2026-11-23"], capsys)
    assert code == 0, err
    assert out.startswith(f"Up to date: 23 pages in {demo_copy}/public/ in ")

    args = ["build", "-s", str(demo_copy), "--today", "2026-11-23", "--force"]
    code, out, err = run(args, capsys)
    assert code == 0, err
    assert "  share images: 0 drawn, 10 reused from the cache; QR codes: 0 made, 7 reused\n" in out


def test_check_writes_nothing(demo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(demo_copy)
    code, out, _ = run(["check", "-s", str(demo_copy), "--today", "2026-11-23"], capsys)
    assert code == 0
    assert out.startswith("Checked 23 pages")
    assert snapshot(demo_copy) == before


def test_bad_input_exits_1_and_keeps_the_previous_output(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["build", "-s", str(demo_copy), "--today", "2026-11-23"], capsys)[0] == 0
    before = snapshot(demo_copy / "public")
    partners = demo_copy / "partners.yaml"
    partners.write_text(partners.read_text().replace("owner: northwind", "owner: nortwind"))
    code, out, err = run(["build", "-s", str(demo_copy), "--today", "2026-11-23"], capsys)
    assert code == 1
    assert out == ""
    assert f"{demo_copy}/partners.yaml:" in err  # paths start with the --source folder
    assert "error: unknown partner 'nortwind'" in err
    assert "hint: the owner must be one of the partners; did you mean 'northwind'?" in err
    assert err.endswith(f"error: 1 problem found; {demo_copy}/public/ was left as it was\n")
    assert snapshot(demo_copy / "public") == before
    # no staging folder is left beside public/; the share-image cache stays
    assert sorted(p.name for p in demo_copy.iterdir() if p.name.startswith(".")) == [CACHE_DIR]


def test_paths_are_relative_when_run_inside_the_site(
    demo_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (demo_copy / "content" / "campaigns" / "refer-a-team.md").write_text("no front matter\n")
    monkeypatch.chdir(demo_copy)
    code, _, err = run(["check", "--today", "2026-11-23"], capsys)
    assert code == 1
    assert err.startswith(
        "content/campaigns/refer-a-team.md:1:1: error: the file does not start with front matter"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "--today", "2026-13-01"], "'2026-13-01' is not a date written YYYY-MM-DD"),
        (["build", "--nope"], "No such option '--nope'"),
        (["frobnicate"], "No such command 'frobnicate'"),
        (["build", "--output", "."], "holds the program itself"),
        (["build", "--output", "content/out"], "inside the program's content/ folder"),
    ],
)
def test_usage_errors_exit_2(
    args: list[str],
    message: str,
    demo_copy: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(demo_copy)
    code, _, err = run(args, capsys)
    assert code == 2
    assert message in err


def test_internal_errors_are_one_line_without_debug(
    demo_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(build_module, "render_site", broken)
    code, _, err = run(["build", "-s", str(demo_copy), "--today", "2026-11-23"], capsys)
    assert code == 70
    assert err == (
        "xpromo: internal error: RuntimeError: boom (run with --debug for the traceback, "
        "and please report it)\n"
    )
    assert not (demo_copy / "public").exists()
    assert not (demo_copy / ".public.staging").exists()

    code, _, err = run(["--debug", "build", "-s", str(demo_copy), "--today", "2026-11-23"], capsys)
    assert code == 70
    assert "Traceback (most recent call last)" in err
    assert err.endswith("please report it)\n")


def test_source_date_epoch_sets_the_build_date(
    demo_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")  # 2026-09-21: only the summit is on
    code, out, _ = run(["check", "-s", str(demo_copy)], capsys)
    assert code == 0
    assert "6 campaigns (1 live, 0 ended, 4 scheduled, 1 draft)" in out


def test_warnings_are_printed_and_fail_under_strict(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    campaign = demo_copy / "content" / "campaigns" / "refer-a-team.md"
    campaign.write_text(
        campaign.read_text().replace(
            "https://www.fabrikam.example/signup", "https://elsewhere.example/signup"
        )
    )
    code, out, err = run(["build", "-s", str(demo_copy), "--today", "2026-11-23"], capsys)
    assert code == 0
    assert "warning: 'cta.url' leads outside the program's partner websites" in err
    assert out.startswith("Built")
    code, _, err = run(["check", "-s", str(demo_copy), "--today", "2026-11-23", "--strict"], capsys)
    assert code == 1
    assert "error: 'cta.url' leads outside" in err


def test_template_errors_point_into_the_template(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = demo_copy / "themes" / "northwind" / "templates" / "campaign.html"
    text = template.read_text()
    template.write_text(
        text.replace("{% block after_body %}\n", "{% block after_body %}\n{{ campaign.nope }}\n")
    )
    line = text[: text.index("{% block after_body %}")].count("\n") + 2
    code, _, err = run(["check", "-s", str(demo_copy), "--today", "2026-11-23"], capsys)
    assert code == 1
    assert err.startswith(f"{demo_copy}/themes/northwind/templates/campaign.html:{line}:1: ")
    assert "'dict object' has no attribute 'nope'" in err


def test_template_syntax_errors_are_located(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = demo_copy / "themes" / "northwind" / "templates" / "campaign.html"
    template.write_text("{% extends 'default/campaign.html' %}\n{% block body %}\n")
    code, _, err = run(["check", "-s", str(demo_copy), "--today", "2026-11-23"], capsys)
    assert code == 1
    assert f"{demo_copy}/themes/northwind/templates/campaign.html:2:1: error: template error" in err


def test_the_console_script_runs(demo_copy: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "xpromo_site", "check", "--today", "2026-11-23"],
        cwd=demo_copy,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Checked 23 pages")


def test_check_formats_for_ci(demo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    partners = demo_copy / "partners.yaml"
    text = partners.read_text()
    partners.write_text(text.replace("owner: northwind", "owner: nortwind"))
    line = text[: text.index("owner: northwind")].count("\n") + 1
    args = ["check", "-s", str(demo_copy), "--today", "2026-11-23", "--format"]

    code, out, err = run([*args, "github"], capsys)
    assert code == 1
    assert out == (
        f"::error file={demo_copy}/partners.yaml,line={line},col=10,title=xpromo::"
        "unknown partner 'nortwind'%0Ahint: the owner must be one of the partners; "
        "did you mean 'northwind'?\n"
    )
    assert err == "error: 1 problem found\n"

    code, out, _ = run([*args, "json"], capsys)
    assert code == 1
    assert json.loads(out) == {
        "diagnostics": [
            {
                "severity": "error",
                "path": f"{demo_copy}/partners.yaml",
                "line": line,
                "col": 10,
                "message": "unknown partner 'nortwind'",
                "hint": "the owner must be one of the partners; did you mean 'northwind'?",
            }
        ]
    }


def test_github_annotations_escape_properties_and_newlines() -> None:
    from xpromo_site.errors import Diagnostic, Location, Severity

    diagnostic = Diagnostic(
        Location("content/a,b:c.md", 3, 4), "50% off\nnow", None, Severity.WARNING
    )
    assert diagnostic.format_github() == (
        "::warning file=content/a%2Cb%3Ac.md,line=3,col=4,title=xpromo::50%25 off\\nnow"
    )  # a newline quoted from input is escaped, as in text: one annotation, one line
    with_hint = Diagnostic(Location("p.md"), "bad", "fix it")
    assert with_hint.format_github().endswith("::bad%0Ahint: fix it")


_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def _unsafe(text: str) -> list[str]:
    """The characters of text a terminal or CI log would act on or reorder by."""
    import unicodedata

    return [c for c in text if unicodedata.category(c) == "Cc" or c in _BIDI + "\u2028\u2029"]


@given(
    message=st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
    hint=st.none() | st.text(max_size=30),
    path=st.text(max_size=20),
)
def test_no_output_format_passes_control_or_bidi_characters(
    message: str, hint: str | None, path: str
) -> None:
    from xpromo_site.errors import Diagnostic, Location

    diagnostic = Diagnostic(Location(path or "p", 1, 1), message, hint)
    text = diagnostic.format()
    assert _unsafe(text.replace("\n  hint: ", " ", 1) if hint else text) == []
    assert _unsafe(diagnostic.format_github()) == []
    assert _unsafe(json.dumps(diagnostic.to_dict())) == []


def test_an_osc8_link_and_a_bidi_override_reach_no_log_raw() -> None:
    from xpromo_site.errors import Diagnostic, Location

    quoted = "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \u202eexe.txt"
    diagnostic = Diagnostic(Location("partners.yaml", 2, 9), f"unknown partner '{quoted}'")
    assert diagnostic.format_github() == (
        "::error file=partners.yaml,line=2,col=9,title=xpromo::unknown partner "
        "'\\x1b]8;;https://evil.example\\x07click\\x1b]8;;\\x07 \\u202eexe.txt'"
    )
    assert "\\u202e" in diagnostic.format() and "\u202e" not in diagnostic.format()


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    from xpromo_site.cli import printing as cli

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert cli._use_colour() is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli._use_colour() is False
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert cli._use_colour() is False
    coloured = cli._colour("a.yaml:1:2: error: bad\n  hint: fix")
    assert coloured == "a.yaml:1:2: \x1b[31m\x1b[1merror\x1b[0m: bad\n  \x1b[36mhint:\x1b[0m fix"


def test_progress_is_drawn_only_after_a_second_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from xpromo_site.cli import printing as cli

    clock = [100.0]
    monkeypatch.setattr(cli.time, "monotonic", lambda: clock[0])
    progress = cli._TerminalProgress(enabled=True)
    progress.phase("render", 12000)
    progress.advance(10)
    assert capsys.readouterr().err == ""  # quick builds draw nothing
    clock[0] += 1.5
    progress.advance(4000)
    progress.close()
    assert capsys.readouterr().err == "\r\x1b[2Krender 4,010/12,000\r\x1b[2K"
    silent = cli._TerminalProgress(enabled=False)
    clock[0] += 5
    silent.phase("write", 3)
    assert capsys.readouterr().err == ""


# --- xpromo links: the audit view, without building ------------------------------------------

TODAY_ARGS = ["--today", "2026-11-23"]


def test_links_prints_what_the_build_writes_and_writes_nothing(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(demo_copy)
    outputs = {}
    for format_ in ("csv", "json", "table"):
        code, out, err = run(["links", "-s", str(demo_copy), *TODAY_ARGS, "-f", format_], capsys)
        assert (code, err) == (0, "")
        outputs[format_] = out
    assert snapshot(demo_copy) == before  # no public/, nothing else
    assert run(["build", "-s", str(demo_copy), *TODAY_ARGS], capsys)[0] == 0
    assert outputs["csv"] == (demo_copy / "public" / "links.csv").read_text(encoding="utf-8")
    assert outputs["json"] == (demo_copy / "public" / "links.json").read_text(encoding="utf-8")
    table = outputs["table"].splitlines()
    assert len(table) == 107  # a header and the demo's 106 links
    assert table[0].split() == [
        "campaign",
        "audience",
        "destination",
        "channel",
        "placement",
        "url",
    ]
    assert table[1].split()[:5] == ["about", "northwind", "-", "page", "body"]  # a page's link
    assert table[2].split()[:5] == ["cloud-backup-webinar", "contoso", "contoso", "page", "body"]
    share = next(line for line in table if " share " in line)
    assert share.split()[2] == "-"  # a share link leads to the program's own page
    assert len({line.index("https://") for line in table[1:]}) == 1  # the URLs line up


def test_links_default_format_is_the_table(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    default = run(["links", "-s", str(demo_copy), *TODAY_ARGS], capsys)
    assert default == run(["links", "-s", str(demo_copy), *TODAY_ARGS, "-f", "table"], capsys)


@pytest.mark.parametrize(
    ("filters", "count", "check"),
    [
        (["-c", "refer-a-team"], 20, lambda r: r["campaign"] == "refer-a-team"),
        (["--partner", "northwind"], 44, lambda r: r["audience"] == "northwind"),
        (["-d", "tailspin"], 9, lambda r: r["destination"] == "tailspin"),
        (
            ["-c", "summit-2026", "-c", "refer-a-team", "-p", "northwind", "-d", "tailspin"],
            3,
            lambda r: r["audience"] == "northwind" and r["destination"] == "tailspin",
        ),
    ],
)
def test_links_filters(
    filters: list[str],
    count: int,
    check: Callable[[dict[str, str]], bool],
    demo_copy: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        ["links", "-s", str(demo_copy), *TODAY_ARGS, *filters, "-f", "json"], capsys
    )
    assert (code, err) == (0, "")
    rows = json.loads(out)["links"]
    assert len(rows) == count
    assert all(check(row) for row in rows)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-c", "refer-a-tem"],
            "Invalid value for '--campaign': no campaign 'refer-a-tem' in this program; "
            "did you mean 'refer-a-team'?",
        ),
        (
            ["-p", "zzz"],
            "Invalid value for '--partner': no partner 'zzz' in this program; "
            "known partners: contoso, fabrikam, northwind, tailspin",
        ),
        (
            ["-d", "tailspn"],
            "Invalid value for '--destination': no partner 'tailspn' in this program; "
            "did you mean 'tailspin'?",
        ),
        (["-f", "xml"], "Invalid value for '--format' / '-f': 'xml' is not one of"),
    ],
)
def test_links_usage_errors_exit_2(
    args: list[str], message: str, demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["links", "-s", str(demo_copy), *TODAY_ARGS, *args], capsys)
    assert (code, out) == (2, "")
    assert message in err


def test_links_says_why_a_campaign_has_none(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["-c", "spring-offer-2027", "-c", "crm-migration-playbook", "-f", "csv"]
    code, out, err = run(["links", "-s", str(demo_copy), *TODAY_ARGS, *args], capsys)
    assert code == 0
    assert out == "campaign,audience,destination,channel,placement,url\n"
    assert err == (
        "note: campaign 'spring-offer-2027' starts on 2027-03-01, so it has no links on "
        "2026-11-23; pass --today 2027-03-01 to see them\n"
        "note: campaign 'crm-migration-playbook' is a draft, so it has no links\n"
    )
    code, out, err = run(
        ["links", "-s", str(demo_copy), "--today", "2027-03-01", "-c", "spring-offer-2027"], capsys
    )
    assert (code, err) == (0, "")
    assert len(out.splitlines()) == 1 + 2 * (3 + 2 + 3)  # per partner: body+cta+2 sites, 3 shares


def test_links_reports_bad_input_and_warnings_like_check(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    partners = demo_copy / "partners.yaml"
    text = partners.read_text()
    partners.write_text(text.replace("      source: contoso\n", "      source: Contoso\n"))
    line = text[: text.index("      source: contoso\n")].count("\n") + 1
    code, out, err = run(["links", "-s", str(demo_copy), *TODAY_ARGS, "-f", "csv"], capsys)
    assert code == 1  # Contoso is not in the demo's allowed sources
    assert out == ""
    assert err.startswith(
        f"{demo_copy}/partners.yaml:{line}:15: error: utm_source 'Contoso' is not in "
        "program.tracking.allowed.sources\n  hint: did you mean 'contoso'?\n"
    )
    assert err.endswith("error: 1 problem found\n")
    partners.write_text(
        text.replace("      sources: [northwind, contoso, fabrikam, tailspin]\n", "")
        .replace(
            "    allowed:", "    allowed:\n      sources: [northwind, Contoso, fabrikam, tailspin]"
        )
        .replace("      source: contoso\n", "      source: Contoso\n")
    )
    code, out, err = run(["links", "-s", str(demo_copy), *TODAY_ARGS, "-f", "csv"], capsys)
    assert code == 0
    assert "utm_source=Contoso&" in out
    assert err.count("warning: utm_source 'Contoso' has capital letters") == 2
    code, out, err = run(["links", "-s", str(demo_copy), *TODAY_ARGS, "--strict"], capsys)
    assert (code, out) == (1, "")
    assert err.endswith("error: 2 problems found\n")


def test_the_demo_passes_the_lint_with_no_warning(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for today in ("2026-11-23", "2027-03-15", "2026-06-01"):
        code, _, err = run(["check", "-s", str(demo_copy), "--today", today, "--strict"], capsys)
        assert (code, err) == (0, ""), err


def test_host_option_chooses_the_hosts_files(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["build", "-s", str(demo_copy), "--today", "2026-11-23", "--host", "s3"]
    code, _out, err = run(args, capsys)
    assert (code, err) == (0, "")
    public = demo_copy / "public"
    assert (public / "_aws" / "website.json").is_file()
    assert not (public / "_headers").exists()
    code, _out, err = run(["check", "-s", str(demo_copy), "--host", "surge"], capsys)
    assert code == 2
    assert "'surge' is not one of 'netlify', 'cloudflare', 'github-pages', 's3', 'vercel'" in err


# --- serve's listen address ---------------------------------------------------------------


def test_serve_listens_where_bind_says(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--bind is the listen address; an address it cannot use is a usage error (exit 2)."""
    code, out, err = run(["serve", "-s", str(tmp_path), "--bind", "256.0.0.1"], capsys)
    assert code == 2 and not out
    assert "cannot listen on 256.0.0.1:8000" in err
    assert "deprecated" not in err


def test_serve_host_still_works_with_a_deprecation_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The old spelling keeps working, and says that --host names the static host elsewhere."""
    code, _out, err = run(["serve", "-s", str(tmp_path), "--host", "256.0.0.1"], capsys)
    assert code == 2
    assert err.startswith(
        "warning: 'xpromo serve --host' is deprecated: write --bind 256.0.0.1 "
        "(--host names the static host in build and check)\n"
    )
    assert "cannot listen on 256.0.0.1:8000" in err


def test_serve_help_shows_bind_and_not_the_old_spelling(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _err = run(["serve", "--help"], capsys)
    assert code == 0
    assert "--bind" in out and "--host" not in out
