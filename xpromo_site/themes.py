"""Theme lookup (a site's themes/<name>/ over the built-in theme) and template rendering.

Template problems become located XpromoErrors: a syntax error or an undefined
variable points at the template file and line, not at xpromo's code.
"""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from .errors import Diagnostic, Location, XpromoError
from .models import CAMPAIGN_TYPE_LABELS

BUILTIN_THEME = Path(__file__).parent / "themes" / "default"


@dataclass(frozen=True)
class Theme:
    """A ready Jinja environment and the static files of the theme (name → bytes)."""

    environment: jinja2.Environment
    static: Mapping[str, bytes]
    root: Path  # the site root, to show template paths relative to it
    # templates loaded during this build: Jinja would check each file's mtime on every page
    loaded: dict[str, jinja2.Template] = field(default_factory=dict, compare=False)


def _static_files(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


_DICT_NAMES = frozenset(dir(dict))


class _Environment(jinja2.Environment):
    """Jinja's environment, reading `view.name` on a plain dict as the key first.

    That is the answer Jinja's own lookup gives (an attribute, else the key) for every
    name a dict has no attribute of, without raising and catching an AttributeError
    for each of the thousands of lookups a large program's pages make.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_NAMES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def _drop_changed(environment: jinja2.Environment) -> None:
    """Forget compiled templates whose file changed since they were compiled."""
    cache = environment.cache
    if cache is None:
        return
    for key, template in list(cache.items()):
        if not template.is_up_to_date:
            del cache[key]


@functools.lru_cache(maxsize=16)
def _environment(site_templates: str | None) -> jinja2.Environment:
    """Return the Jinja environment for a site's template folder over the built-in one.

    Environments are kept between builds in one process (the preview server, tests),
    so templates compile once. Each build starts by forgetting the templates whose
    files changed (load_theme); within a build Jinja does not look at the files again,
    which it would otherwise do for every extends and import on every page.
    """
    builtin_templates = jinja2.FileSystemLoader(str(BUILTIN_THEME / "templates"))
    loaders: list[jinja2.BaseLoader] = []
    if site_templates is not None:
        loaders.append(jinja2.FileSystemLoader(site_templates))
    loaders.append(jinja2.PrefixLoader({"default": builtin_templates}))
    loaders.append(builtin_templates)
    environment = _Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    environment.globals["type_labels"] = CAMPAIGN_TYPE_LABELS
    return environment


def load_theme(root: Path, name: str) -> Theme:
    """Return the Theme for program.theme: the site's folder over the built-in one.

    Built-in templates stay reachable as "default/<name>" so an override can extend the
    template it replaces.
    """
    static = _static_files(BUILTIN_THEME / "static")
    site_templates = None
    if name != "default":
        site_theme = root / "themes" / name
        site_templates = str((site_theme / "templates").resolve())
        static.update(_static_files(site_theme / "static"))
    environment = _environment(site_templates)
    _drop_changed(environment)
    return Theme(environment, static, root)


def template_path(theme: Theme, name: str) -> str:
    """Return where the named template comes from: the site's file, or the built-in name."""
    try:
        filename = theme.environment.get_template(name).filename
    except jinja2.TemplateError:
        return name
    shown = _display(filename, theme.root)
    return name if Path(shown).is_absolute() else shown


def compact_css(css: str) -> str:
    """Return css without comments, indentation or blank lines, for delivery.

    Strings are kept as written (a "/*" inside quotes is not a comment); nothing else
    changes, so the result means exactly what the source means.
    """
    out: list[str] = []
    index, length = 0, len(css)
    while index < length:
        char = css[index]
        if char in "\"'":
            end = index + 1
            while end < length and css[end] != char:
                end += 2 if css[end] == "\\" else 1
            out.append(css[index : end + 1])
            index = end + 1
        elif css.startswith("/*", index):
            end = css.find("*/", index + 2)
            index = length if end < 0 else end + 2
        else:
            out.append(char)
            index += 1
    lines = (line.strip() for line in "".join(out).splitlines())
    return "\n".join(line for line in lines if line) + "\n"


def _display(filename: str | None, root: Path) -> str:
    if not filename:
        return "<template>"
    path = Path(filename)
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def render_template(theme: Theme, name: str, context: Mapping[str, Any]) -> str:
    """Render the named template; raise XpromoError located in the template on failure."""
    try:
        template = theme.loaded.get(name)
        if template is None:
            template = theme.loaded[name] = theme.environment.get_template(name)
        return template.render(context)
    except jinja2.TemplateSyntaxError as error:
        location = Location(_display(error.filename, theme.root), error.lineno or 1, 1)
        raise XpromoError(
            [
                Diagnostic(
                    location,
                    f"template error: {error.message}",
                    "check the tag on this line of the template",
                )
            ]
        ) from None
    except jinja2.TemplateNotFound as error:
        raise XpromoError(
            [
                Diagnostic(
                    Location(_display(None, theme.root)),
                    f"template not found: {error.name}",
                    "templates live in themes/<name>/templates/",
                )
            ]
        ) from None
    except jinja2.UndefinedError as error:
        raise XpromoError(
            [
                Diagnostic(
                    _template_frame(theme, name),
                    f"template error: {error.message} (rendering {name})",
                    "see docs/THEMES.md for the variables each template gets",
                )
            ]
        ) from None


def _template_frame(theme: Theme, name: str) -> Location:
    """Find the innermost template line in the current exception's traceback."""
    location = Location(name)
    for frame, line in traceback.walk_tb(sys.exc_info()[2]):
        filename = frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".svg", ".txt", ".j2")):
            location = Location(_display(filename, theme.root), line, 1)
    return location
