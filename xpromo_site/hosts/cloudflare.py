"""Cloudflare Pages: `_headers` and `_redirects` in Netlify's syntax, with Pages' limits.

Redirects only take 301, 302, 303, 307 or 308, so ended pages stay (200,
`X-Robots-Tag: noindex`). Limits: 2,000 static and 100 dynamic redirects, 1,000
characters a redirect, 100 header rules, 2,000 characters a header line. Both spellings
of an ended page get the redirect too, in one step (Pages would otherwise send
`/slug/index.html` on to `/slug/` first).
"""

from __future__ import annotations

from .common import Host, HostFiles, HostPlan, Limits, headers_file, redirects_file, warning

CLOUDFLARE_STATIC_REDIRECTS = 2000
CLOUDFLARE_DYNAMIC_REDIRECTS = 100
CLOUDFLARE_REDIRECT_CHARS = 1000
CLOUDFLARE_HEADER_RULES = 100
CLOUDFLARE_HEADER_LINE_CHARS = 2000
CLOUDFLARE_REDIRECT_CODES = (301, 302, 303, 307, 308)


def write(host_plan: HostPlan) -> HostFiles:
    usable = [r for r in host_plan.routes if r.status in CLOUDFLARE_REDIRECT_CODES]
    lines = [f"{r.source} {r.target} {r.status}" for r in usable]
    warnings = []
    static = sum(1 for r in usable if not r.is_dynamic)
    dynamic = len(usable) - static
    if static > CLOUDFLARE_STATIC_REDIRECTS:
        warnings.append(
            warning(
                host_plan,
                f"Cloudflare Pages takes at most {CLOUDFLARE_STATIC_REDIRECTS:,} static "
                f"redirects; this program needs {static:,}",
                "remove vanity codes or after_end from old campaigns, or use Bulk Redirects",
            )
        )
    if dynamic > CLOUDFLARE_DYNAMIC_REDIRECTS:
        warnings.append(
            warning(
                host_plan,
                f"Cloudflare Pages takes at most {CLOUDFLARE_DYNAMIC_REDIRECTS} dynamic "
                f"redirects; this program needs {dynamic}",
                "remove redirects with * or :placeholders",
            )
        )
    for line in lines:
        if len(line) > CLOUDFLARE_REDIRECT_CHARS:
            warnings.append(
                warning(
                    host_plan,
                    f"Cloudflare Pages ignores redirects longer than {CLOUDFLARE_REDIRECT_CHARS:,}"
                    f" characters: {line[:60]}... has {len(line):,}",
                    "shorten the after_end address",
                )
            )
    if len(host_plan.rules) > CLOUDFLARE_HEADER_RULES:
        warnings.append(
            warning(
                host_plan,
                f"Cloudflare Pages takes at most {CLOUDFLARE_HEADER_RULES} header rules; "
                f"this program needs {len(host_plan.rules)} (one per ended campaign)",
                "give ended campaigns an after_end address, or remove old campaign files",
            )
        )
    for rule in host_plan.rules:
        for name, value in rule.headers:
            if len(f"  {name}: {value}") > CLOUDFLARE_HEADER_LINE_CHARS:
                warnings.append(
                    warning(
                        host_plan,
                        f"Cloudflare Pages ignores header lines longer than "
                        f"{CLOUDFLARE_HEADER_LINE_CHARS:,} characters: {name} on {rule.pattern}",
                        "fewer form endpoints or analytics origins make the policy shorter",
                    )
                )
    files = {"_headers": headers_file(host_plan.rules).encode()}
    if lines:
        files["_redirects"] = redirects_file(lines).encode()
    return HostFiles(files, tuple(warnings))


HOST = Host(
    name="cloudflare",
    title="Cloudflare Pages",
    headers="_headers",
    policy_in_meta=False,
    routes_by_rules=True,
    answers_410=False,
    limits=Limits(
        redirects=CLOUDFLARE_STATIC_REDIRECTS,
        dynamic_redirects=CLOUDFLARE_DYNAMIC_REDIRECTS,
        redirect_chars=CLOUDFLARE_REDIRECT_CHARS,
        header_rules=CLOUDFLARE_HEADER_RULES,
        header_chars=CLOUDFLARE_HEADER_LINE_CHARS,
    ),
    write=write,
)
