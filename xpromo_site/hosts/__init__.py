"""The static hosts xpromo writes files for: one registry, one module per host.

`plan.py` turns a Site and its Content-Security-Policy into a `HostPlan`: header rules
(security headers on every page, long caching for content-hashed files, `noindex` for
ended pages) and routes (ended campaigns answer 410 Gone or redirect to `after_end`,
vanity paths `/go/<code>` redirect to a partner's variant). Each host module
(netlify.py, cloudflare.py, github_pages.py, s3.py, vercel.py) holds a `Host`: what the host can
do (headers from a file or the policy in a <meta> per page, redirects by its own rules
or only the fallback pages, 410 or not, its limits) and the function that writes its
files from the plan. `REGISTRY` below is the one list of them: the `program.host`
schema and the `--host` choice both read `HOSTS` from it.
"""

from __future__ import annotations

from . import cloudflare, github_pages, netlify, s3, vercel
from .common import (
    HASHED_FOLDERS,
    IMMUTABLE,
    META_FORBIDDEN,
    PERMISSIONS_POLICY,
    REFERRER_POLICY,
    ContentSecurityPolicy,
    HeaderRule,
    Host,
    HostFiles,
    HostPlan,
    Limits,
    Route,
    content_security_policy,
    headers_file,
    redirects_file,
)
from .plan import origin, plan, policy_for, routes

__all__ = [
    "HASHED_FOLDERS",
    "HOSTS",
    "IMMUTABLE",
    "META_FORBIDDEN",
    "PERMISSIONS_POLICY",
    "REFERRER_POLICY",
    "REGISTRY",
    "ContentSecurityPolicy",
    "HeaderRule",
    "Host",
    "HostFiles",
    "HostPlan",
    "Limits",
    "Route",
    "content_security_policy",
    "headers_file",
    "host_files",
    "host_named",
    "origin",
    "plan",
    "policy_for",
    "redirects_file",
    "routes",
]

# in the order the docs and `--help` list them; the first is program.host's default
REGISTRY: dict[str, Host] = {
    host.name: host
    for host in (
        netlify.HOST,
        cloudflare.HOST,
        github_pages.HOST,
        s3.HOST,
        vercel.HOST,
    )
}
HOSTS = tuple(REGISTRY)


def host_named(name: str) -> Host:
    """Return the registered host called name.

    Raises ValueError for an unknown host (the schema only lets known ones through).
    """
    if name not in REGISTRY:
        raise ValueError(f"unknown host {name!r}")
    return REGISTRY[name]


def host_files(host_plan: HostPlan, host: str) -> HostFiles:
    """Return the files host needs and warnings about what it would reject.

    Raises ValueError for an unknown host (the schema only lets known ones through).
    """
    return host_named(host).write(host_plan)
