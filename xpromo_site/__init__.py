"""xpromo: co-branded cross-promotion sites with tracked links, from partners.yaml and Markdown.

The public API is what ``__all__`` lists: ``check`` (validate and render a program,
writing nothing), ``list_links`` (every tracked link, without rendering), their reports,
the progress ``Reporter`` protocol, and the error types: ``XpromoError`` holds located
``Diagnostic`` objects (a ``Location`` and a ``Severity``), ``FolderError`` says which
folder the system refused to write (read-only, full disk); building and publishing is
``xpromo_site.build.build`` (the package attribute ``build`` is that module). Every other
module is internal and may change between releases.

The build functions are imported on first use, so ``import xpromo_site`` stays cheap
(the command answers "Up to date" before loading the renderer).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import Diagnostic, FolderError, Location, Severity, XpromoError

if TYPE_CHECKING:
    from .build import BuildReport, LinksReport, Reporter, check, list_links

__version__ = "0.1.0"
__all__ = [
    "BuildReport",
    "Diagnostic",
    "FolderError",
    "LinksReport",
    "Location",
    "Reporter",
    "Severity",
    "XpromoError",
    "__version__",
    "check",
    "list_links",
]

_FROM_BUILD = frozenset({"BuildReport", "LinksReport", "Reporter", "check", "list_links"})


def __getattr__(name: str) -> Any:
    """Import the build API when it is first asked for."""
    if name in _FROM_BUILD:
        from . import build as _build

        return getattr(_build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
