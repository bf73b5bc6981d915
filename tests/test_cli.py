"""The command line: exit codes, messages, output safety, dates."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import subprocess_env
from xpromo_site import build as build_module
from xpromo_site.cli import main


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
    assert out.startswith("Built 21 pages (34 files) for 4 partners and 6 campaigns ")
    assert "(3 live, 1 ended, 1 scheduled, 1 draft)" in out
    assert (demo_copy / "public" / "index.html").is_file()


def test_check_writes_nothing(demo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(demo_copy)
    code, out, _ = run(["check", "-s", str(demo_copy), "--today", "2026-11-23"], capsys)
    assert code == 0
    assert out.startswith("Checked 21 pages")
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
    assert sorted(p.name for p in demo_copy.iterdir() if p.name.startswith(".")) == []


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
    assert "(1 live, 0 ended, 4 scheduled, 1 draft)" in out


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
    assert result.stdout.startswith("Checked 21 pages")
