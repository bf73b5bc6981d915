"""`xpromo new` and `xpromo schema`: skeletons that build, schemas that match the validator."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, subprocess_env
from tests.test_cli import run
from xpromo_site.build import check
from xpromo_site.dev.editor_schema import schemas
from xpromo_site.errors import XpromoError
from xpromo_site.models import CAMPAIGN_TYPES
from xpromo_site.source.files import split_front_matter
from xpromo_site.source.schema import SLUG_PATTERN, suggest_slug
from xpromo_site.source.yamlsource import load_yaml

TODAY = "2026-11-23"
INVALID = Path(__file__).resolve().parent / "invalid"
MINIMAL = Path(__file__).resolve().parent / "sites" / "minimal"
# invalid cases a JSON Schema cannot see: they need files, other partners, dates or colours
SEMANTIC = {
    # files, other partners, real dates, colours, images
    "campaign-ends-before-starts",
    "campaign-event-end-before-start",
    "campaign-event-on-bundle",
    "campaign-event-start-not-real",
    "campaign-event-timezone-unknown",
    "campaign-image-missing",
    "campaign-image-not-an-image",
    "campaign-image-outside",
    "campaign-image-remote",
    "campaign-link-userinfo-partner",
    "campaign-partner-unknown",
    "campaign-referral-block-on-content",
    "campaign-social-without-channel",
    "campaign-starts-not-real-date",
    "partner-id-duplicate",
    "partner-logo-file-deleted",
    "partner-logo-not-an-image",
    "partner-logo-on-dark-not-found",
    "partner-logo-parent-dir",
    "partner-logo-typo",
    "partner-logo-wrong-folder",
    "program-base-url-query",
    "program-owner-not-slug",
    "program-owner-unknown",
    "program-theme-not-found",
    "program-theme-typo",
    "tracking-codes-unknown-partner",
    "tracking-source-duplicate",
    # tracking rules that span fields, partners or the program's dictionary
    "allowed-medium-default-not-listed",
    "allowed-medium-not-listed",
    "allowed-medium-of-built-in-channel",
    "allowed-medium-of-default-channel",
    "allowed-medium-of-own-channel",
    "allowed-source-not-listed",
    "campaign-channel-unknown",
    "campaign-channel-unknown-far",
    "campaign-channels-bad-token",
    "program-tracking-channel-without-medium",
    "tracking-fixed-param-same-as-subid",
    "tracking-fixed-param-utm",
    "tracking-referral-transform-without-param",
    "tracking-source-same-but-case",
    "tracking-subid-param-same-as-referral",
    "tracking-subid-param-utm",
    "tracking-subid-value-without-param",
    "campaign-after-end-bad",
    "campaign-after-end-self",
    "campaign-after-end-unknown",
    "campaign-form-endpoint-http",
    "campaign-form-partner-without-privacy",
    "campaign-vanity-duplicate",
    "campaign-vanity-not-partner",
    # Markdown bodies, files and their contents, design tokens and contrast
    "campaign-image-data",
    "campaign-image-javascript",
    "campaign-image-svg-entities",
    "campaign-image-symlink-outside",
    "campaign-link-data",
    "campaign-link-file-scheme",
    "campaign-link-javascript",
    "campaign-link-script-obfuscated",
    "campaign-partner-forging-a-log-line",
    "campaign-raw-html-javascript-url",
    "campaign-raw-html-link",
    "partner-logo-jpeg-holds-png",
    "partner-logo-path-too-long",
    "tokens-alias-cycle",
    "tokens-alias-missing",
    "tokens-color-space-without-fallback",
    "tokens-file-not-found",
    "tokens-file-too-large",
    "tokens-json-syntax-error",
    "tokens-mapped-token-not-a-color",
    "tokens-not-an-object",
    "tokens-out-of-gamut",
    "tokens-reference-without-from",
    "tokens-role-ambiguous",
    "tokens-role-missing",
    "tokens-see-through",
    "tokens-component-infinite",
    "tokens-component-overflow",
    "tokens-component-too-many-digits",
    # the Markdown copy below the front matter
    "campaign-copy-too-many-brackets",
    "campaign-copy-too-many-pipes",
    # file names and folders, not file contents
    "campaign-file-name-not-slug",
    "campaign-file-name-too-long",
    "campaign-in-subfolder",
    "campaign-reserved-slug",
    "page-reserved-slug",
    "page-reserved-slug-go",
    "program-analytics-google-without-consent",
    "program-analytics-site-bad",
    "page-same-slug-as-campaign",
}


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(schemas()[name])
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _front_matter(path: Path) -> object:
    front = split_front_matter(path.read_text(), path.name)
    return load_yaml(front.yaml_text, path.name).to_python()


def test_the_demo_validates_against_the_schemas() -> None:
    partners = load_yaml((REPO / "partners.yaml").read_text(), "partners.yaml").to_python()
    assert list(_validator("partners.schema.json").iter_errors(partners)) == []
    for path in sorted((REPO / "content" / "campaigns").glob("*.md")):
        errors = list(_validator("campaign.schema.json").iter_errors(_front_matter(path)))
        assert errors == [], path
    for path in sorted((REPO / "content" / "pages").glob("*.md")):
        assert list(_validator("page.schema.json").iter_errors(_front_matter(path))) == []


def test_the_committed_demo_schemas_are_current() -> None:
    for name, text in schemas().items():
        assert (REPO / "schemas" / name).read_text() == text, f"run `xpromo schema` ({name})"


def _schema_cases() -> dict[str, list[tuple[Path, str]]]:
    """Each invalid case → its YAML files and the schema each should be checked against."""
    cases: dict[str, list[tuple[Path, str]]] = {}
    for case in sorted(p for p in INVALID.iterdir() if p.is_dir()):
        for path in sorted(p for p in case.rglob("*") if p.is_file()):
            rel = path.relative_to(case).as_posix()
            if rel == "partners.yaml":
                cases.setdefault(case.name, []).append((path, "partners.schema.json"))
            elif rel.startswith("content/campaigns/") and rel.endswith(".md"):
                cases.setdefault(case.name, []).append((path, "campaign.schema.json"))
            elif rel.startswith("content/pages/") and rel.endswith(".md"):
                cases.setdefault(case.name, []).append((path, "page.schema.json"))
    return cases


SCHEMA_CASES = _schema_cases()


@pytest.mark.parametrize("case", sorted(SCHEMA_CASES))
def test_invalid_fixtures_fail_the_schemas(case: str) -> None:
    errors = []
    for path, schema in SCHEMA_CASES[case]:
        try:
            data = (
                _front_matter(path)
                if path.suffix == ".md"
                else load_yaml(path.read_text(), path.name).to_python()
            )
        except Exception:
            pytest.skip("not YAML an editor could check against a schema")
        errors += list(_validator(schema).iter_errors(data))
    if case in SEMANTIC:
        assert errors == [], f"{case} is listed as semantic but the schema catches it"
    else:
        assert errors, f"{case}: the schema accepts what the build rejects"


def test_new_program_builds_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "program"
    code, out, _ = run(["new", "program", str(folder), "--today", TODAY], capsys)
    assert code == 0
    assert out.startswith(f"Wrote 12 files into {folder}/.")
    report = check(folder, dt.date.fromisoformat(TODAY), strict=True)
    assert len(report.site.live) == 1
    assert (folder / "schemas" / "partners.schema.json").is_file()
    assert (
        (folder / "partners.yaml")
        .read_text()
        .startswith("# yaml-language-server: $schema=schemas/partners.schema.json\n")
    )
    code, _, err = run(["new", "program", str(folder), "--today", TODAY], capsys)
    assert code == 2
    assert "is not empty; choose a new folder" in err


@pytest.mark.parametrize("kind", CAMPAIGN_TYPES)
def test_new_campaign_of_each_type_builds(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "program"
    run(["new", "program", str(folder), "--today", TODAY], capsys)
    args = ["new", "campaign", "-s", str(folder), "joint-thing", "--partners", "acme,globex"]
    args += ["--today", TODAY]
    code, out, err = run([*args, "--type", kind], capsys)
    assert code == 0, err
    path = folder / "content" / "campaigns" / "joint-thing.md"
    assert out == f"Wrote {path} (a draft: set draft: false to publish it)\n"
    text = path.read_text().replace("draft: true ", "draft: false")
    path.write_text(text)
    # published as written, its placeholder copy is said where it is (an error if strict)
    report = check(folder, dt.date.fromisoformat(TODAY))
    assert {p.campaign.slug for p in report.site.live} == {"launch-webinar", "joint-thing"}
    lines = text.splitlines()
    summary_line = next(n for n, line in enumerate(lines, 1) if line.startswith("summary:"))
    copy_line = next(n for n, line in enumerate(lines, 1) if line.startswith("Write the"))
    assert [(w.location.line, w.location.col, w.message) for w in report.warnings] == [
        (summary_line, 10, "'summary' is still the placeholder that 'xpromo new campaign' wrote"),
        (copy_line, 1, "the copy is still the placeholder that 'xpromo new campaign' wrote"),
    ]
    with pytest.raises(XpromoError):
        check(folder, dt.date.fromisoformat(TODAY), strict=True)
    # written, it builds clean under --strict
    text = text.replace(
        "One or two sentences for the page's lead and its description.", "A joint thing."
    )
    path.write_text(text.replace("Write the campaign's copy here, in Markdown.", "Come along."))
    report = check(folder, dt.date.fromisoformat(TODAY), strict=True)
    assert {p.campaign.slug for p in report.site.live} == {"launch-webinar", "joint-thing"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Big Launch", "--partners", "acme,globex"], "'Big Launch' is not a lowercase slug"),
        (["x", "--partners", "acme,initek"], "unknown partner 'initek'; known partners: acme"),
        (["x", "--partners", "acme"], "needs two or more different partners"),
        (["launch-webinar", "--partners", "acme,globex"], "exists already"),
        (["x", "--partners", "acme,globex", "--type", "gala"], "'gala' is not one of"),
    ],
)
def test_new_campaign_usage_errors(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "program"
    run(["new", "program", str(folder), "--today", TODAY], capsys)
    code, _, err = run(["new", "campaign", "-s", str(folder), *args], capsys)
    assert code == 2
    assert message in err


def test_new_partner_is_added_and_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    import shutil

    shutil.copytree(MINIMAL, site)
    code, _, err = run(["new", "partner", "-s", str(site), "initech", "--name", "Initech"], capsys)
    assert code == 0, err
    report = check(site, dt.date.fromisoformat(TODAY))
    assert [p.id for p in report.site.partners][-1] == "initech"
    assert (site / "assets" / "logos" / "initech.svg").is_file()
    code, _, err = run(["new", "partner", "-s", str(site), "initech"], capsys)
    assert code == 2
    assert "partner 'initech' exists already" in err
    before = (site / "partners.yaml").read_text()
    code, _, err = run(["new", "partner", "-s", str(site), "bad", "--website", "nope"], capsys)
    assert code == 1
    assert "'website' must be an absolute http(s) URL (got 'nope')" in err
    assert (site / "partners.yaml").read_text() == before
    assert not (site / "assets" / "logos" / "bad.svg").exists()


def test_schema_command_writes_the_schemas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["schema", "-o", str(tmp_path)], capsys)
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "campaign.schema.json",
        "page.schema.json",
        "partners.schema.json",
    ]
    assert out.count("Wrote ") == 3


def test_the_field_reference_is_generated_from_the_validators(update_golden: bool) -> None:
    from xpromo_site.dev.editor_schema import reference_markdown

    path = REPO / "docs" / "FIELDS.md"
    if update_golden:
        path.write_text(reference_markdown())
    assert path.read_text() == reference_markdown(), "run pytest --update-golden"
    assert "|  |" not in path.read_text(), "every field needs a one-line meaning (doc=)"


@pytest.mark.parametrize("how", ["option", "environment"])
def test_new_dates_its_campaigns_from_the_day_it_is_given(
    how: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`new` takes its day from --today or SOURCE_DATE_EPOCH, like build: never the clock."""
    day = dt.date(2031, 2, 3)
    if how == "option":
        extra = ["--today", day.isoformat()]
    else:
        extra = []
        epoch = dt.datetime(2031, 2, 3, 12, tzinfo=dt.UTC).timestamp()
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(epoch)))
    folder = tmp_path / "program"
    assert run(["new", "program", str(folder), *extra], capsys)[0] == 0
    args = ["new", "campaign", "-s", str(folder), "later", "--partners", "acme,globex"]
    assert run([*args, "--type", "webinar", *extra], capsys)[0] == 0
    for name in ("launch-webinar", "later"):
        text = (folder / "content" / "campaigns" / f"{name}.md").read_text()
        assert "starts: 2031-02-03 " in text
        assert "ends: 2031-04-04 " in text  # 60 days on
    later = (folder / "content" / "campaigns" / "later.md").read_text()
    assert 'start: "2031-02-24 17:00"' in later  # the webinar three weeks on
    report = check(folder, day, strict=True)
    assert [p.campaign.slug for p in report.site.live] == ["launch-webinar"]


def test_new_refuses_a_date_it_cannot_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["new", "program", str(tmp_path / "p"), "--today", "2031-13-01"], capsys)
    assert code == 2
    assert "'2031-13-01' is not a date written YYYY-MM-DD" in err
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Müller & Söhne", "muller-sohne"),
        ("Café Crème", "cafe-creme"),
        ("Ångström Labs", "angstrom-labs"),
        ("ﬁne Print", "fine-print"),
        ("Plain Name", "plain-name"),
        ("日本", ""),
    ],
)
def test_suggest_slug_folds_accents(text: str, slug: str) -> None:
    assert suggest_slug(text) == slug


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_suggest_slug_is_a_slug_or_empty(text: str) -> None:
    fixed = suggest_slug(text)
    assert fixed == "" or SLUG_PATTERN.fullmatch(fixed)


def test_the_schemas_are_whole_in_a_fresh_process() -> None:
    """`xpromo schema` imports only what it needs: the field docs must come with the specs."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys; from xpromo_site.dev.editor_schema import schemas; "
            "json.dump(schemas(), sys.stdout)",
        ],
        env=subprocess_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    for name, text in json.loads(done.stdout).items():
        assert (REPO / "schemas" / name).read_text() == text, name
