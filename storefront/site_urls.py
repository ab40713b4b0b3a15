"""Absolute URLs, always on the site's own address (SITE_URL), never on the request's Host.

Pages are cached in Redis per URL path for every visitor, so a link built from the request's
Host (or X-Forwarded-Host) would let one request with `Host: evil.example` put
`http://evil.example/...` canonical, og:image and JSON-LD URLs in front of everyone after it.
Emails and Stripe's return URLs are built outside the page too; one builder serves them all,
with or without a request. `url_for(..., _external=True)` is not used anywhere (a test checks).
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import current_app, g, request
from werkzeug.routing import MapAdapter

from storefront.state import larder_state


def _site_adapter() -> MapAdapter:
    """The URL map bound to SITE_URL's scheme, host and path; kept while SITE_URL is unchanged."""
    site_url = current_app.config["SITE_URL"]
    state = larder_state()
    cached = state.site_url_adapter
    if cached is not None and cached[0] == site_url:
        return cached[1]
    site = urlsplit(site_url)
    adapter = current_app.url_map.bind(
        site.netloc, script_name=site.path or "/", url_scheme=site.scheme or "https"
    )
    state.site_url_adapter = (site_url, adapter)
    return adapter


def absolute_url_for(endpoint: str, **values) -> str:
    """`url_for(endpoint, **values)` as an absolute URL on SITE_URL.

    The app's URL defaults apply (static files get their fingerprinted names), as with url_for.
    """
    current_app.inject_url_defaults(endpoint, values)
    return _site_adapter().build(endpoint, values, force_external=True)


LOCAL_PATH_MAX = 1000


def local_path(raw: object) -> str | None:
    """`raw` if it is a path on this site (path, query, anchor) safe to redirect to, else None:
    every `next` a form or link carries goes through here, so none can send a visitor elsewhere."""
    if not isinstance(raw, str) or not raw or len(raw) > LOCAL_PATH_MAX:
        return None
    # Browsers drop tabs and newlines inside URLs ("/\t/evil" becomes "//evil") and read "\"
    # as "/": refuse every control character, space and backslash outright.
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in raw) or "\\" in raw:
        return None
    if not raw.startswith("/") or raw.startswith("//"):
        return None
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return None
    return raw


# A fragment rendered once for many pages (a remembered product tile) is rendered with a
# placeholder here instead of the page, and filled with the real one on every use.
THIS_PAGE_PLACEHOLDER = "larder_this_page"


def this_page() -> str:
    """This page's path and query, without `ref` (a return to the page is not another click on
    the article's card that sent the shopper: the tracker counts a product visit with a ref as one).
    Inside a fragment rendered for many pages, its placeholder."""
    placeholder = g.get(THIS_PAGE_PLACEHOLDER)
    if placeholder:
        return placeholder
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "ref"])
    return f"{request.path}{'?' + query if query else ''}"
