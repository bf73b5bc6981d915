"""Netlify: `_headers` and `_redirects` at the output root.

Any status code may be given on a redirect rule, so ended pages are served with 410;
`!` forces a rule over a file at the same path (the ended page, a fallback page). A rule
matches only the path it names, so an ended page's rule is written for `/slug/` and for
`/slug/index.html`. Query strings pass through 200, 301 and 302 rules.
"""

from __future__ import annotations

from .common import Host, HostFiles, HostPlan, Limits, headers_file, redirects_file


def write(host_plan: HostPlan) -> HostFiles:
    # "!" forces a rule over a file at the same path (the ended page, a fallback page)
    lines = [f"{r.source} {r.target} {r.status}!" for r in host_plan.routes]
    files = {"_headers": headers_file(host_plan.rules).encode()}
    if lines:
        files["_redirects"] = redirects_file(lines).encode()
    return HostFiles(files, ())


HOST = Host(
    name="netlify",
    title="Netlify",
    headers="_headers",
    policy_in_meta=False,
    routes_by_rules=True,
    answers_410=True,
    limits=Limits(),
    write=write,
)
