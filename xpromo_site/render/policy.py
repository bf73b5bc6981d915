"""The pages' verdicts → the Content-Security-Policy, the deferred pages filled in
(hosts that take the policy in a <meta>: GitHub Pages) and the host's own files."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from markupsafe import escape

from ..errors import Diagnostic
from ..hosts import plan, policy_for
from ..pagecheck import PageVerdict, judge, shared
from ..themes import template_path
from .sinks import Sink
from .views import Views


@dataclass(slots=True)
class Noted:
    """What rendering some pages found, for the policy: gathered from every chunk."""

    verdicts: dict[str, PageVerdict] = field(default_factory=dict)  # page file → pagecheck's
    templates: dict[str, str] = field(default_factory=dict)  # page file → its template
    deferred: dict[str, bytes] = field(default_factory=dict)  # page file → compressed HTML

    def merge(self, other: Noted) -> None:
        """Take what a worker's chunk noted (its verdicts' shared parts kept once)."""
        self.verdicts.update((name, shared(v)) for name, v in other.verdicts.items())
        self.templates.update(other.templates)
        self.deferred.update(other.deferred)


def secure(views: Views, noted: Noted, out: Sink) -> tuple[Diagnostic, ...]:
    """Check every page, settle the Content-Security-Policy, write the host's files.

    Returns warnings; raises XpromoError when a page would show a referral or
    affiliate link without the disclosure before it.
    """
    site, theme = views.inputs.site, views.inputs.theme
    paths = {name: template_path(theme, name) for name in set(noted.templates.values())}
    checked = judge({page: (noted.verdicts[page], paths[t]) for page, t in noted.templates.items()})
    csp = policy_for(
        site,
        checked.script_hashes,
        checked.style_hashes,
        own_scripts=views.files.kit_script is not None,
    )
    meta = str(escape(csp.meta())).encode()
    mark = views.csp_mark.encode()
    for name in sorted(noted.deferred):  # policy_in_meta: the policy goes into each page
        out.add(name, zlib.decompress(noted.deferred[name]).replace(mark, meta))
    output = views.host.write(plan(site, csp))
    for path, data in output.files.items():
        out.add(path, data)
    return (*checked.warnings, *output.warnings)
