"""JSON Schemas for editors, generated from the validators themselves (never kept twice).

`schemas()` turns the declarative specs of partners.yaml, campaign front matter and
page front matter into JSON Schema (draft 2020-12), so an editor with a YAML
language server completes keys and flags mistakes while typing. The build's own
validation stays the authority: it also checks what a schema cannot (files exist,
partners are known, colours contrast).
"""

from __future__ import annotations

import json
from typing import Any

from ..frontmatter import CAMPAIGN, PAGE
from ..partners import ROOT
from ..source.fields import (
    Asset,
    Boolean,
    Color,
    ColorOrToken,
    Date,
    DateTime,
    LockupSpec,
    Number,
    OneOf,
    TimeZone,
    Url,
)
from ..source.schema import CONTROL_CHARACTERS, Anything, ListOf, MapOf, Spec, Struct, Text

DIALECT = "https://json-schema.org/draft/2020-12/schema"
DOCUMENTS = {
    "partners.schema.json": (ROOT, "xpromo partners.yaml", "The program and its partners."),
    "campaign.schema.json": (
        CAMPAIGN,
        "xpromo campaign front matter",
        "The YAML header of content/campaigns/<slug>.md.",
    ),
    "page.schema.json": (
        PAGE,
        "xpromo page front matter",
        "The YAML header of content/pages/<slug>.md.",
    ),
}


def _text(spec: Text) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": ["string", "number"], "maxLength": spec.max_length}
    if spec.pattern is not None:
        schema = {
            "type": "string",
            "pattern": f"^(?:{spec.pattern.pattern})$",
            "maxLength": spec.max_length,
        }
    else:
        # editors flag a control character as the build does (lone surrogates aside:
        # an editor's regular expressions may see a pair as two of them)
        schema["minLength"] = 1
        schema["pattern"] = f"^[^{CONTROL_CHARACTERS}]*$"
    return schema


def spec_schema(spec: Spec) -> dict[str, Any]:
    """Return the JSON Schema of one spec. Raises TypeError for a spec it does not know."""
    schema: dict[str, Any]
    if isinstance(spec, Struct):
        properties = {}
        for key, field in spec.fields.items():
            child = spec_schema(field.spec)
            if field.doc:
                child["description"] = field.doc
            if field.default not in (None, {}, []):
                child["default"] = field.default
            properties[key] = child
        schema = {"type": "object", "properties": properties, "additionalProperties": False}
        required = [key for key, field in spec.fields.items() if field.required]
        if required and spec.required_unless is not None:
            schema["anyOf"] = [{"required": required}, {"required": [spec.required_unless]}]
        elif required:
            schema["required"] = required
    elif isinstance(spec, ListOf):
        schema = {"type": "array", "items": spec_schema(spec.item)}
        if spec.min_items:
            schema["minItems"] = spec.min_items
        if spec.max_items is not None:
            schema["maxItems"] = spec.max_items
        if spec.unique:
            schema["uniqueItems"] = True
    elif isinstance(spec, MapOf):
        schema = {
            "type": "object",
            "propertyNames": spec_schema(spec.key),
            "additionalProperties": spec_schema(spec.value),
        }
        schema["propertyNames"].pop("type", None)
    elif isinstance(spec, Anything):
        schema = {"type": "object"}
    elif isinstance(spec, LockupSpec):
        schema = {"anyOf": [spec_schema(spec.mode), spec_schema(spec.struct)]}
    elif isinstance(spec, Number):
        schema = {
            "type": "integer" if spec.integer else "number",
            "minimum": spec.minimum,
            "maximum": spec.maximum,
        }
    elif isinstance(spec, Boolean):
        schema = {"type": "boolean"}
    elif isinstance(spec, OneOf):
        schema = {"enum": list(spec.values)}
    elif isinstance(spec, Date):
        schema = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"}
    elif isinstance(spec, DateTime):
        schema = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2})?$"}
    elif isinstance(spec, ColorOrToken):
        schema = {"type": "string", "pattern": "^(?:#(?:[0-9a-fA-F]{3}){1,2}|\\{[^{}]+\\})$"}
    elif isinstance(spec, Color):
        schema = {"type": "string", "pattern": "^#(?:[0-9a-fA-F]{3}){1,2}$"}
    elif isinstance(spec, Url):
        # the host ends at / ? # or the end; no user@, and nothing a header could split at
        host = "[^\\s/?#;,'\"\\\\@]+"
        schema = {"type": "string", "pattern": f"^[hH][tT][tT][pP][sS]?://{host}(?:[/?#]|$)"}
    elif isinstance(spec, Asset):
        suffixes = "|".join(e.lstrip(".") for e in spec.extensions)
        schema = {"type": "string", "pattern": f"(?i)\\.(?:{suffixes})$"}
    elif isinstance(spec, TimeZone):
        schema = {"type": "string", "pattern": r"^(?:UTC|[A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)+)$"}
    elif isinstance(spec, Text):
        schema = _text(spec)
    else:
        raise TypeError(f"no JSON Schema for {type(spec).__name__}")
    schema.setdefault("description", spec.what)
    return schema


def schemas() -> dict[str, str]:
    """Return file name → JSON text of every editor schema, with stable formatting."""
    result = {}
    for name, (spec, title, description) in DOCUMENTS.items():
        document = {
            "$schema": DIALECT,
            "$id": f"xpromo/{name}",
            "title": title,
            **spec_schema(spec),
        }
        document["description"] = description
        result[name] = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return result


def _type_of(spec: Spec) -> str:
    if isinstance(spec, Struct):
        return "mapping"
    if isinstance(spec, ListOf):
        return f"list of {_type_of(spec.item)}"
    return spec.what


def _rows(spec: Struct, prefix: str) -> list[str]:
    rows = []
    for key, field in spec.fields.items():
        path = f"{prefix}{key}"
        required = "yes" if field.required else "no"
        if field.default not in (None, {}, []):
            required += f", `{json.dumps(field.default)}`"
        doc = field.doc or ""
        rows.append(f"| `{path}` | {_type_of(field.spec)} | {required} | {doc} |")
        child = field.spec
        if isinstance(child, ListOf) and isinstance(child.item, Struct):
            rows += _rows(child.item, f"{path}[].")
        elif isinstance(child, Struct):
            rows += _rows(child, f"{path}.")
        elif isinstance(child, LockupSpec):
            rows += _rows(child.struct, f"{path}.")
    return rows


def reference_markdown() -> str:
    """Return docs/FIELDS.md: every field of every file, from the validators themselves."""
    parts = [
        "# Every field\n\n"
        "Generated from the validators xpromo checks input with\n"
        "(`xpromo_site/dev/editor_schema.py`); do not edit by hand.\n"
        "[REFERENCE.md](REFERENCE.md) explains the fields in prose.\n"
    ]
    for name, (spec, title, description) in DOCUMENTS.items():
        parts.append(
            f"\n## {title}\n\n{description} Editor schema: `schemas/{name}`.\n\n"
            "| key | type | required, default | meaning |\n| --- | --- | --- | --- |\n"
            + "\n".join(_rows(spec, ""))
            + "\n"
        )
    return "".join(parts)
