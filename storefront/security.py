"""Security headers on every response, and the cookie and proxy settings production needs.

The Content-Security-Policy allows scripts and styles only from our own origin: no inline
scripts, no inline styles (JSON-LD `<script type="application/ld+json">` is a data block,
which CSP does not execute or block). Pages may not be framed by anyone, except a response
that marks itself with `X-Larder-Frameable: 1` (the article lite view, for partners' embeds);
the marker is removed before the response leaves. HSTS is only sent over HTTPS, where it means
something; behind a load balancer set TRUSTED_PROXY_COUNT so `X-Forwarded-Proto` and the
client address are believed.
"""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter as WerkzeugIntegerConverter

from storefront.slugs import SlugConverter

FRAMEABLE_MARKER = "X-Larder-Frameable"
HSTS = "max-age=63072000; includeSubDomains"

BASE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    # Checkout posts to us, and we redirect to the payment page: browsers check redirects too.
    "form-action": "'self' https://checkout.stripe.com",
}


def content_security_policy(frameable: bool) -> str:
    policy = dict(BASE_POLICY)
    policy["frame-ancestors"] = "*" if frameable else "'none'"
    return "; ".join(f"{name} {value}" for name, value in policy.items())


def _security_headers(response: Response) -> Response:
    frameable = response.headers.pop(FRAMEABLE_MARKER, None) == "1"
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(frameable))
    if not frameable:
        headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


class IntegerConverter(WerkzeugIntegerConverter):
    """`<int:id>` that only matches ids a database integer column can hold.

    A hostile `/admin/products/1/variants/99999999999999999999` is a 404, not a database
    "integer out of range" error (a 500) in whichever view receives it.
    """

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=2**31 - 1 if max is None else max, signed=signed)


def init_url_converters(app: Flask) -> None:
    """Before any blueprint: converters are bound when a rule is added."""
    # Same class name as Werkzeug's, so code that inspects converters by name still works.
    app.url_map.converters["int"] = IntegerConverter
    app.url_map.converters["slug"] = SlugConverter


def _trusted_proxy_count(app: Flask) -> int:
    raw = app.config.get("TRUSTED_PROXY_COUNT", 0)
    try:
        return max(0, int(raw or 0))
    except ValueError:
        raise RuntimeError(f"TRUSTED_PROXY_COUNT must be a whole number, not {raw!r}") from None


def init_security(app: Flask) -> None:
    if app.config.get("LARDER_ENV") == "production":
        app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
        app.config["SESSION_COOKIE_HTTPONLY"] = True
        app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    proxies = _trusted_proxy_count(app)
    if proxies:
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    app.after_request(_security_headers)
