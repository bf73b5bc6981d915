"""Located YAML loading and front matter splitting."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from xpromo_site.errors import Location, XpromoError
from xpromo_site.source import yamlsource
from xpromo_site.source.files import read_source, split_front_matter
from xpromo_site.source.yamlsource import load_yaml


def test_every_node_keeps_its_line_and_column() -> None:
    tree = load_yaml("program:\n  name: Northwind\npartners:\n  - id: a\n", "p.yaml")
    program = tree.get("program")
    assert program is not None
    assert program.location == Location("p.yaml", 2, 3)
    name = program.get("name")
    assert name is not None and name.value == "Northwind"
    assert name.location == Location("p.yaml", 2, 9)
    assert tree.key_locations["partners"] == Location("p.yaml", 3, 1)
    first = tree.get("partners").value[0]  # type: ignore[union-attr]
    assert first.get("id").location == Location("p.yaml", 4, 9)  # type: ignore[union-attr]


def test_line_offset_points_into_the_host_file() -> None:
    tree = load_yaml("title: x\n", "c.md", line_offset=1)
    assert tree.get("title").location == Location("c.md", 2, 8)  # type: ignore[union-attr]


def test_scalars_are_typed_and_dates_stay_text() -> None:
    tree = load_yaml("a: 1\nb: true\nc: ~\nd: 2026-12-01\ne: '7'\nf: 1.5\n", "x.yaml")
    kinds = {k: (v.kind, v.value) for k, v in tree.value.items()}
    assert kinds == {
        "a": ("number", 1),
        "b": ("boolean", True),
        "c": ("null", None),
        "d": ("timestamp", "2026-12-01"),
        "e": ("text", "7"),
        "f": ("number", 1.5),
    }


def test_duplicate_keys_are_errors_pointing_at_the_second() -> None:
    with pytest.raises(XpromoError) as caught:
        load_yaml("name: a\nname: b\n", "p.yaml")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.format() == (
        "p.yaml:2:1: error: duplicate key 'name'\n"
        "  hint: 'name' is already set at line 1; keep one of them"
    )


def test_syntax_error_is_located_with_a_hint() -> None:
    with pytest.raises(XpromoError) as caught:
        load_yaml("title: Backup: the webinar\n", "c.md", line_offset=1)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.location == Location("c.md", 2, 14)  # the second colon
    assert "quote text" in (diagnostic.hint or "")


UNCLOSED = [
    ("title: x\npartners: [alpha, beta\nsummary: y\n", (5, 11), "this '[' is never closed", (6, 8)),
    ("cta: {label: Go\nurl: y\n", (4, 6), "this '{' is never closed", (5, 4)),
    ("title: x\nlabel: 'Save my seat\n", (5, 8), "this quoted text is never closed", (6, 1)),
]


@pytest.mark.parametrize("loader", ["as installed", "pure Python"])
@pytest.mark.parametrize(("text", "opened", "message", "gave_up"), UNCLOSED)
def test_an_unclosed_construct_is_named_where_it_opened(
    text: str,
    opened: tuple[int, int],
    message: str,
    gave_up: tuple[int, int],
    loader: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if loader == "pure Python":
        monkeypatch.setattr(yamlsource, "_Loader", yaml.SafeLoader)
    with pytest.raises(XpromoError) as caught:
        load_yaml(text, "c.md", line_offset=3)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.location == Location("c.md", *opened)
    assert diagnostic.message == f"invalid YAML: {message}"
    assert f"gave up at line {gave_up[0]}, column {gave_up[1]}" in (diagnostic.hint or "")


def test_merge_keys_are_resolved() -> None:
    tree = load_yaml("base: &b {x: 1}\nmore:\n  <<: *b\n  y: 2\n", "m.yaml")
    assert tree.get("more").to_python() == {"x": 1, "y": 2}  # type: ignore[union-attr]


def test_alias_bombs_are_stopped() -> None:
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for index in range(1, 9):
        ref = ", ".join([f"*{chr(96 + index)}"] * 10)
        lines.append(f"{chr(97 + index)}: &{chr(97 + index)} [{ref}]")
    with pytest.raises(XpromoError) as caught:
        load_yaml("\n".join(lines) + "\n", "bomb.yaml")
    assert "too many values" in caught.value.diagnostics[0].message


def test_unsupported_tags_are_errors() -> None:
    with pytest.raises(XpromoError) as caught:
        load_yaml("a: !!python/object:os.system x\n", "t.yaml")
    assert "unsupported YAML tag" in caught.value.diagnostics[0].message


def test_empty_document_is_a_null_node() -> None:
    assert load_yaml("", "e.yaml").kind == "null"


def test_front_matter_keeps_body_line_offset() -> None:
    front = split_front_matter("---\ntitle: x\n---\nBody\n", "c.md")
    assert front.yaml_text == "title: x\n"
    assert front.yaml_line_offset == 1
    assert front.body == "Body\n"
    assert front.body_line_offset == 3


def test_front_matter_accepts_a_byte_order_mark_and_dots() -> None:
    front = split_front_matter("\ufeff---\ntitle: x\n...\n", "c.md")
    assert front.yaml_text == "title: x\n"
    assert front.body == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: x\n", "the file does not start with front matter"),
        ("---\ntitle: x\n", "the front matter is not closed"),
        ("", "the file does not start with front matter"),
    ],
)
def test_front_matter_errors(text: str, message: str) -> None:
    with pytest.raises(XpromoError) as caught:
        split_front_matter(text, "c.md")
    assert caught.value.diagnostics[0].message == message
    assert caught.value.diagnostics[0].location == Location("c.md", 1, 1)


DEEP = [
    # (text, column of the collection that opens level 65)
    ("a: " + "[" * 200_000 + "]" * 200_000 + "\n", 67),  # once crashed the C composer
    ("- " * 100_000 + "x\n", 129),
    ("a: " + "{b: " * 10_000 + "1" + "}" * 10_000 + "\n", 256),
]


@pytest.mark.parametrize("loader", ["as installed", "pure Python"])
@pytest.mark.parametrize(("text", "column"), DEEP)
def test_deep_nesting_fails_at_once_with_a_location(
    text: str, column: int, loader: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same message at the same place whichever parser reads it, and whatever limit
    of its own the installed libyaml has (PyYAML 6.0.4's stops at 1,000 levels)."""
    if loader == "pure Python":
        monkeypatch.setattr(yamlsource, "_Loader", yaml.SafeLoader)
    start = time.perf_counter()
    with pytest.raises(XpromoError) as caught:
        load_yaml(text, "deep.yaml")
    assert time.perf_counter() - start < 10.0  # a hang guard, not a benchmark
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.message == "this YAML is nested too deeply (more than 64 levels)"
    assert diagnostic.location == Location("deep.yaml", 1, column)


def test_a_parser_that_refuses_nesting_itself_gives_xpromos_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A libyaml whose scanner stops before xpromo counts 65 levels: same message, place."""

    def refusing_parse(text: str, Loader: type) -> Iterator[yaml.Event]:
        if Loader is yaml.SafeLoader:
            yield from real_parse(text, Loader=Loader)
            return
        mark = yaml.Mark("<unicode string>", 0, 0, 1002, None, None)
        raise yaml.scanner.ScannerError(
            "while increasing flow level", mark, "exceeded maximum nesting depth", mark
        )
        yield  # a generator, like yaml.parse

    real_parse = yaml.parse
    monkeypatch.setattr(yamlsource.yaml, "parse", refusing_parse)
    with pytest.raises(XpromoError) as caught:
        load_yaml(DEEP[0][0], "deep.yaml", 4)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.message == "this YAML is nested too deeply (more than 64 levels)"
    assert diagnostic.location == Location("deep.yaml", 5, 67)


def test_a_billion_laughs_fails_fast_and_points_at_the_bomb() -> None:
    lines = ["name: ok", 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for index in range(1, 10):
        lines.append(f"l{index}: &l{index} [" + ", ".join([f"*l{index - 1}"] * 9) + "]")
    start = time.perf_counter()
    with pytest.raises(XpromoError) as caught:
        load_yaml("\n".join(lines) + "\n", "bomb.yaml", 3)
    assert time.perf_counter() - start < 0.2  # counted, never expanded
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.location.line > 3 + 2
    assert diagnostic.message == "this YAML expands to too many values (more than 100,000)"


def test_a_self_referencing_alias_is_refused() -> None:
    with pytest.raises(XpromoError):
        load_yaml("a: &a [*a]\n", "loop.yaml")


def test_oversized_sources_are_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_bytes(b"x" * 2_000_001)
    with pytest.raises(XpromoError) as caught:
        read_source(path, "content/campaigns/big.md")
    (diagnostic,) = caught.value.diagnostics
    assert str(diagnostic.location) == "content/campaigns/big.md:1:1"
    assert diagnostic.message == "the file is too large (2.1 MB; at most 1 MB)"
