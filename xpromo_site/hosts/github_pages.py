"""GitHub Pages: no header or redirect files at all.

The Content-Security-Policy goes into every page's `<meta http-equiv>` (without
`frame-ancestors`, which a meta policy may not hold), the fallback pages every host gets
are the redirects, and `.nojekyll` stops Jekyll from processing the output.
"""

from __future__ import annotations

from .common import Host, HostFiles, HostPlan, Limits


def write(host_plan: HostPlan) -> HostFiles:
    # headers travel in each page's <meta>; redirects are the fallback pages every host gets
    return HostFiles({".nojekyll": b""}, ())


HOST = Host(
    name="github-pages",
    title="GitHub Pages",
    headers=None,
    policy_in_meta=True,
    routes_by_rules=False,
    answers_410=False,
    limits=Limits(),
    write=write,
)
