"""S3 and CloudFront: `_aws/website.json` and two CloudFront response headers policies.

The bucket's website configuration holds RoutingRules (at most 50); S3 cannot answer
410, so ended pages stay, marked noindex. The response headers policies are one for
pages and one for content-hashed assets; CloudFront takes a policy of at most 1,783
characters.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .common import (
    IMMUTABLE,
    PERMISSIONS_POLICY,
    REFERRER_POLICY,
    Host,
    HostFiles,
    HostPlan,
    Limits,
    json_file,
    warning,
)

S3_ROUTING_RULES = 50
CLOUDFRONT_CSP_CHARS = 1783


def write(host_plan: HostPlan) -> HostFiles:
    host = urlsplit(host_plan.base_url).hostname or ""
    rules = []
    seen: set[str] = set()
    for route in host_plan.routes:
        if route.status == 410:
            continue  # S3 cannot answer 410: ended pages stay, marked noindex
        if not route.source.endswith("/"):
            # S3 sends /go/code on to /go/code/ itself (the fallback page is there), and
            # a KeyPrefixEquals rule for slug/ covers slug/index.html too
            continue
        prefix = route.source.lstrip("/")
        if route.why == "after_end":
            prefix = prefix.split("/")[0] + "/"  # one rule covers the campaign's variants
        if prefix in seen:
            continue
        seen.add(prefix)
        if "://" in route.target:
            parts = urlsplit(route.target)
            key = parts.path.lstrip("/") + (f"?{parts.query}" if parts.query else "")
            redirect = {
                "HostName": parts.netloc,
                "Protocol": parts.scheme,
                "ReplaceKeyWith": key,
            }
        else:
            redirect = {
                "HostName": host,
                "Protocol": "https",
                "ReplaceKeyWith": route.target.lstrip("/"),
            }
        redirect["HttpRedirectCode"] = str(route.status)
        rules.append({"Condition": {"KeyPrefixEquals": prefix}, "Redirect": redirect})
    website: dict[str, object] = {
        "IndexDocument": {"Suffix": "index.html"},
        "ErrorDocument": {"Key": "404.html"},
    }
    if rules:
        website["RoutingRules"] = rules
    warnings = []
    if len(rules) > S3_ROUTING_RULES:
        warnings.append(
            warning(
                host_plan,
                f"an S3 website configuration takes at most {S3_ROUTING_RULES} routing rules; "
                f"this program needs {len(rules)}",
                "remove vanity codes or after_end from old campaigns",
            )
        )
    csp = host_plan.csp.header()
    if len(csp) > CLOUDFRONT_CSP_CHARS:
        warnings.append(
            warning(
                host_plan,
                f"CloudFront takes a Content-Security-Policy of at most {CLOUDFRONT_CSP_CHARS:,} "
                f"characters; this one has {len(csp):,}",
                "fewer form endpoints or analytics origins make the policy shorter",
            )
        )
    files = {
        "_aws/website.json": json_file(website),
        "_aws/response-headers-policy.json": json_file(
            _cloudfront_policy(host_plan, "pages", None)
        ),
        "_aws/response-headers-policy-assets.json": json_file(
            _cloudfront_policy(host_plan, "assets", IMMUTABLE)
        ),
    }
    return HostFiles(files, tuple(warnings))


def _cloudfront_policy(host_plan: HostPlan, name: str, cache: str | None) -> dict[str, object]:
    """Return a ResponseHeadersPolicyConfig (aws cloudfront create-response-headers-policy)."""
    custom = [{"Header": "Permissions-Policy", "Value": PERMISSIONS_POLICY, "Override": True}]
    if cache is not None:
        custom.append({"Header": "Cache-Control", "Value": cache, "Override": True})
    slug = "".join(c if c.isalnum() else "-" for c in (urlsplit(host_plan.base_url).hostname or ""))
    return {
        "Name": f"xpromo-{slug}-{name}"[:128],
        "Comment": f"Security headers for the xpromo site's {name}",
        "SecurityHeadersConfig": {
            "ContentSecurityPolicy": {
                "Override": True,
                "ContentSecurityPolicy": host_plan.csp.header(),
            },
            "ContentTypeOptions": {"Override": True},
            "FrameOptions": {"Override": True, "FrameOption": "DENY"},
            "ReferrerPolicy": {"Override": True, "ReferrerPolicy": REFERRER_POLICY},
        },
        "CustomHeadersConfig": {"Quantity": len(custom), "Items": custom},
    }


HOST = Host(
    name="s3",
    title="S3 and CloudFront",
    headers="_aws/response-headers-policy.json",
    policy_in_meta=False,
    routes_by_rules=True,
    answers_410=False,
    limits=Limits(redirects=S3_ROUTING_RULES, header_chars=CLOUDFRONT_CSP_CHARS),
    write=write,
)
