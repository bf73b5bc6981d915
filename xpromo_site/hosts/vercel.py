"""Vercel: `vercel.json` at the output root, with `headers`, `redirects`, `cleanUrls`
and `trailingSlash`.

Ended campaigns without after_end stay in place (200, `X-Robots-Tag: noindex`), as on
Cloudflare Pages and S3: `redirects` only redirect, and the one place vercel.json takes
an arbitrary status (`routes` with `status: 410`) is the legacy form, which Vercel
refuses in the same file as `headers`, `redirects`, `cleanUrls` or `trailingSlash`
("If `rewrites`, `redirects`, `headers`, `cleanUrls` or `trailingSlash` are used, then
`routes` cannot be present"). The headers every page needs matter more than the 410,
so xpromo writes the documented properties. Limits: 2,048 redirects, 4,096 characters
for a redirect's source or destination.
"""

from __future__ import annotations

from .common import HeaderRule, Host, HostFiles, HostPlan, Limits, json_file, warning

VERCEL_REDIRECTS = 2048
VERCEL_REDIRECT_CHARS = 4096
SCHEMA = "https://openapi.vercel.sh/vercel.json"


def source(pattern: str) -> str:
    """Return a header rule's path as a Vercel source: a trailing * becomes (.*), which
    matches the rest of the path, the folder itself included."""
    return pattern[:-1] + "(.*)" if pattern.endswith("*") else pattern


def _header(rule: HeaderRule) -> dict[str, object]:
    return {
        "source": source(rule.pattern),
        "headers": [{"key": name, "value": value} for name, value in rule.headers],
    }


def write(host_plan: HostPlan) -> HostFiles:
    # redirects are matched before files, so a rule wins over the fallback page there;
    # statusCode keeps the plan's codes (301 after_end, 302 vanity) where permanent
    # would send 308 or 307
    redirects = [
        {"source": r.source, "destination": r.target, "statusCode": r.status}
        for r in host_plan.routes
        if r.status != 410
    ]
    config: dict[str, object] = {
        "$schema": SCHEMA,
        # pages are folders: /slug answers with a redirect to /slug/, where the rules
        # are written; index.html keeps its name (cleanUrls would rename every page)
        "cleanUrls": False,
        "trailingSlash": True,
        "headers": [_header(rule) for rule in host_plan.rules],
    }
    if redirects:
        config["redirects"] = redirects
    warnings = []
    if len(redirects) > VERCEL_REDIRECTS:
        warnings.append(
            warning(
                host_plan,
                f"vercel.json takes at most {VERCEL_REDIRECTS:,} redirects; "
                f"this program needs {len(redirects):,}",
                "remove vanity codes or after_end from old campaigns, or use Bulk Redirects",
            )
        )
    for redirect in redirects:
        for key in ("source", "destination"):
            value = str(redirect[key])
            if len(value) > VERCEL_REDIRECT_CHARS:
                warnings.append(
                    warning(
                        host_plan,
                        f"vercel.json takes a redirect {key} of at most "
                        f"{VERCEL_REDIRECT_CHARS:,} characters: {value[:60]}... has "
                        f"{len(value):,}",
                        "shorten the after_end address",
                    )
                )
    return HostFiles({"vercel.json": json_file(config)}, tuple(warnings))


HOST = Host(
    name="vercel",
    title="Vercel",
    headers="vercel.json",
    policy_in_meta=False,
    routes_by_rules=True,
    answers_410=False,
    limits=Limits(redirects=VERCEL_REDIRECTS, redirect_chars=VERCEL_REDIRECT_CHARS),
    write=write,
)
