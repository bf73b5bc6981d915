"""Promises about the project itself: quick start, CI, module layering, public API, lint."""

from __future__ import annotations

import ast
import importlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

import xpromo_site
from tests.conftest import REPO

LAYERS = {
    "errors": 0,
    "campaigntypes": 0,
    "source": 2,
    "sources": 0,
    "urls": 0,
    "tracking": 1,
    "colors": 0,
    "ga4": 0,
    "analytics": 0,
    "kit": 0,
    "ics": 0,
    "images": 2,
    "qrcodes": 2,
    "shareimages": 1,
    "models": 1,
    "markdown": 2,
    "pagecheck": 1,
    "structured": 2,
    "trackingspec": 3,
    "partners": 7,  # above hosts: program.host is one of the registered hosts
    "limits": 0,
    "lockup": 0,
    "svg": 1,
    "contrast": 1,
    "tokens": 3,
    "brand": 4,
    "frontmatter": 3,
    "copyimages": 3,
    "crosschecks": 4,
    "content": 5,
    "links": 4,
    "site": 5,
    "naming": 5,
    "themes": 6,
    "hosts": 6,
    "feeds": 6,
    "kitfiles": 5,
    "enablement": 6,
    "render": 7,
    "workers": 0,
    "publish": 8,
    "inputs": 8,
    "build": 9,
    "dev": 10,
    "cli": 11,
    "__main__": 12,
}


def _quick_start() -> list[str]:
    text = (REPO / "README.md").read_text()
    block = re.search(r"## Quick start\n\n```sh\n(.*?)```", text, re.S)
    assert block, "README has a Quick start with one sh block"
    return [line for line in block[1].splitlines() if line.strip()]


def test_quick_start_has_exactly_two_commands() -> None:
    lines = _quick_start()
    assert len(lines) == 2
    assert "xpromo build" in lines[0]
    assert "pytest" in lines[1]


def test_the_docs_install_what_can_be_installed() -> None:
    """Until xpromo is on the package index, no doc tells a newcomer to `pip install xpromo`.

    It may be named as how the install will read once published, on the same line.
    """
    for doc in [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]:
        for number, line in enumerate(doc.read_text().splitlines(), 1):
            if re.search(r"pip install xpromo\b", line):
                assert "once" in line.lower(), f"{doc.relative_to(REPO)}:{number}: {line.strip()}"


def test_the_readme_previews_with_serve() -> None:
    """Directory links open folder listings under file://: the README points to serve."""
    text = (REPO / "README.md").read_text()
    assert "open `public/index.html`" not in text
    assert "run `xpromo serve` and open <http://127.0.0.1:8000/>" in text


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text()
    assert "set -euo pipefail" in ci
    assert _quick_start()[1] in ci.splitlines()


def test_ci_runs_the_suite_again_with_the_clock_a_year_ahead() -> None:
    lines = (REPO / ".ci" / "run").read_text().replace("\\\n", "").splitlines()
    ahead = [line for line in lines if line.lstrip().startswith("FAKETIME_DONT_FAKE_MONOTONIC=1")]
    assert len(ahead) == 1
    assert 'faketime -f "+365d"' in ahead[0]
    assert "python -m pytest" in ahead[0]


CLOCK_READS = re.compile(r"\b(?:date\.today|datetime\.(?:now|today|utcnow)|time\.time)\(")


def test_no_test_reads_the_wall_clock() -> None:
    """Tests pass a date or compute what they expect from the date the code used."""
    found = []
    for path in sorted((REPO / "tests").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if CLOCK_READS.search(line) and path.name != "test_project.py":
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert found == []


PACKAGE = REPO / "xpromo_site"


def _units() -> dict[str, list[Path]]:
    """The layered units: each top-level module, and each subpackage with all its files."""
    units = {p.stem: [p] for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    for folder in sorted(PACKAGE.iterdir()):
        if (folder / "__init__.py").is_file():
            units[folder.name] = sorted(folder.rglob("*.py"))
    return units


def _imports(unit: str) -> set[str]:
    """Return the units that unit imports ("__init__" for the package itself); a
    subpackage's imports of its own modules are its own business."""
    units = _units()
    found = set()
    for path in units[unit]:
        depth = len(path.relative_to(PACKAGE).parts) - 1  # folders below the package
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom) or node.level == 0:
                continue
            if node.level - 1 < depth:
                continue  # from inside its own subpackage
            if node.module:
                found.add(node.module.split(".")[0])
            else:  # from . import a module, or a name the package itself defines
                found.update(a.name if a.name in units else "__init__" for a in node.names)
    return found


@pytest.mark.parametrize("module", sorted(LAYERS))
def test_imports_point_one_way(module: str) -> None:
    for imported in _imports(module) - {"__init__"}:
        assert imported in LAYERS, f"{module} imports {imported}, which has no layer"
        assert LAYERS[imported] < LAYERS[module], (
            f"{module} (layer {LAYERS[module]}) must not import {imported} "
            f"(layer {LAYERS[imported]})"
        )


def test_every_module_is_layered() -> None:
    assert set(_units()) == set(LAYERS)


def test_the_architecture_table_gives_every_module_its_layer() -> None:
    """docs/ARCHITECTURE.md's module table gives each module and package the layer
    LAYERS gives it, and leaves none out."""
    text = (REPO / "docs" / "ARCHITECTURE.md").read_text()
    rows = re.findall(r"^\| (\d+) \| `(\w+)(?:\.py|/)` \|", text, re.M)
    assert sorted((name, int(layer)) for layer, name in rows) == sorted(LAYERS.items())


def test_every_module_opens_with_a_docstring() -> None:
    for path in PACKAGE.rglob("*.py"):
        assert ast.get_docstring(ast.parse(path.read_text())), path.relative_to(PACKAGE)


PUBLIC_API = {
    "BuildReport": "build",
    "Diagnostic": "errors",
    "FolderError": "errors",
    "LinksReport": "build",
    "Location": "errors",
    "Reporter": "build",
    "Severity": "errors",
    "XpromoError": "errors",
    "check": "build",
    "list_links": "build",
}


def test_public_api_is_explicit_and_sorted() -> None:
    """__all__ names exactly the documented API, each the object its module defines."""
    assert xpromo_site.__all__ == sorted(xpromo_site.__all__)
    assert set(xpromo_site.__all__) == {*PUBLIC_API, "__version__"}
    for name, module in PUBLIC_API.items():
        defined = getattr(importlib.import_module(f"xpromo_site.{module}"), name)
        assert getattr(xpromo_site, name) is defined, name
    namespace: dict[str, object] = {}
    exec("from xpromo_site import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(xpromo_site.__all__)
    with pytest.raises(AttributeError):
        _ = xpromo_site.render_site  # type: ignore[attr-defined]


def test_importing_the_package_does_not_load_the_renderer() -> None:
    code = "import sys, xpromo_site; print('xpromo_site.render' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_python_dash_m_runs_the_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "xpromo_site", "--version"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"xpromo, version {xpromo_site.__version__}"


def _distribution_key(name: str) -> str:
    """A distribution name in its normalised form (PEP 503): Pillow and pillow are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def test_runtime_dependencies_are_exactly_what_the_package_imports() -> None:
    """Every library xpromo_site imports is declared, and every declared one is imported.

    A library imported but only declared by another one breaks when that one stops
    depending on it; a declared one never imported is installed for nothing.
    """
    imported: set[str] = set()
    for path in sorted((REPO / "xpromo_site").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.partition(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"__future__", "xpromo_site"}
    distributions = packages_distributions()
    unknown = sorted(name for name in third_party if name not in distributions)
    assert not unknown, f"imported but installed by no distribution: {unknown}"
    needed = {
        _distribution_key(distribution)
        for name in third_party
        for distribution in distributions[name]
    }
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {
        _distribution_key(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)[0])
        for requirement in pyproject["project"]["dependencies"]
    }
    assert needed == declared, (
        f"imported, not declared: {sorted(needed - declared)}; "
        f"declared, not imported: {sorted(declared - needed)}"
    )


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff comes with the test extra")
@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff_is_clean(command: list[str]) -> None:
    result = subprocess.run(
        ["ruff", *command, "xpromo_site", "tests", "bench"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compact_css_drops_comments_and_indentation_only() -> None:
    from xpromo_site.themes import compact_css

    source = (
        '/* a comment */\n.a {\n  content: "/* not a comment */";\n}\n\n/* x */ .b{color:red}\n'
    )
    assert compact_css(source) == '.a {\ncontent: "/* not a comment */";\n}\n.b{color:red}\n'


def test_the_package_type_checks() -> None:
    """mypy finds nothing in the package (it is in the test extra, so CI always runs it)."""
    pytest.importorskip("mypy")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", os.devnull, "xpromo_site"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# click passes each command one argument per option; build and check keep their keyword
# options as the documented library API (build.Options is what they become inside)
MANY_PARAMETERS = {
    "cli/building.py:build_command",
    "cli/linking.py:links_command",
    "build.py:build",
    "build.py:check",
}


def test_no_function_takes_more_than_six_parameters() -> None:
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            arguments = node.args
            names = [a.arg for a in (*arguments.posonlyargs, *arguments.args)]
            count = len(names) + len(arguments.kwonlyargs)
            count += (arguments.vararg is not None) + (arguments.kwarg is not None)
            count -= bool(names) and names[0] in ("self", "cls")
            if count > 6:
                found.add(f"{path.relative_to(PACKAGE).as_posix()}:{node.name}")
    assert found == MANY_PARAMETERS


def test_no_module_is_over_400_lines() -> None:
    long = {
        path.relative_to(PACKAGE).as_posix(): len(path.read_text().splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert {name: n for name, n in long.items() if n > 400} == {}
