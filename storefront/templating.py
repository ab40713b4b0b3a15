"""Jinja filters and globals shared by every page."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date
from flask import Flask, current_app, has_request_context, request, session, url_for
from markupsafe import Markup

from storefront.media import media_store
from storefront.money import currency_symbol, format_money, major_units
from storefront.site_settings import get_site_settings
from storefront.site_urls import absolute_url_for
from storefront.state import request_state
from storefront.text import markdown_to_safe_html


def image_url(path: str | None, external: bool = False) -> str:
    """URL of a product image stored under static/ or in the media store (uploads folder or S3
    bucket); `external` gives it absolute, on SITE_URL (og:image, JSON-LD) or the bucket's."""
    # Not external: the app's remembering url_for (cached_url_for), as templates use it.
    build = absolute_url_for if external else current_app.jinja_env.globals.get("url_for", url_for)
    if not path:
        return build("static", filename="img/placeholder.svg")
    if path.startswith("uploads/"):
        return media_store().url(path.removeprefix("uploads/"), external=external)
    return build("static", filename=path)


def human_date(value: date | datetime | None, style: str = "long") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, format=style, locale=current_app.config["STORE_LOCALE"])


def url_with(**changes) -> str:
    """The current URL with some query arguments replaced (None removes them)."""
    recorder = request_state().piece_holes
    if recorder is not None:  # in pieces kept for every visitor: a hole, filled per request
        return recorder.url_with(changes)
    # Remembered per request URL and changes (issue 20: a listing's pages and filter chips
    # built 6-10 of these per request, ~80 µs each in werkzeug's URL building, a fifth of a
    # listing's time). The link depends on nothing else: the endpoint, the path's values and
    # the query string are the request's, and where it is mounted and the host asked for.
    key = (
        request.script_root,
        request.host,
        request.endpoint,
        request.query_string,
        *sorted((request.view_args or {}).items()),
        None,  # the changes follow
        *sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in changes.items()),
    )
    return _remembered(current_app.extensions["larder_urls_with"], key, lambda: _url_with(changes))


def _remembered(cache: dict, key: tuple, build) -> str:
    """`cache[key]`, built once; `build()` alone when the key holds an unhashable value (a list
    or dict). The cache is emptied when full: what it holds is rebuilt on demand."""
    try:
        found = cache.get(key)
    except TypeError:
        return build()
    if found is None:
        if len(cache) >= URL_CACHE_SIZE:
            cache.clear()
        found = cache[key] = build()
    return found


def _url_with(changes: dict) -> str:
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value if isinstance(value, list) else [value]
    view_args = request.view_args or {}
    # Query keys that would collide with url_for's own arguments (endpoint, _external,
    # _scheme...) or the path's values are dropped, never passed on (they raised a 500).
    args = {k: v for k, v in args.items() if k != "endpoint" and not k.startswith("_") and k not in view_args}
    return url_for(request.endpoint, **view_args, **args)


def page_title(title: str) -> Markup:
    """The <title> text: the page's own title, then the store name, unless the title names the
    store already (an SEO title such as "Magnesium Glycinate | Larder" must not end "· Larder")."""
    store = current_app.config["STORE_NAME"]
    title = Markup(title.strip()) if isinstance(title, Markup) else Markup.escape(title.strip())
    if not title or re.search(rf"\b{re.escape(store)}\b", title.unescape(), re.IGNORECASE):
        return title or Markup.escape(store)
    return Markup(" · ").join([title, store])


URL_CACHE_SIZE = 20_000
MARKDOWN_CACHE_SIZE = 2_048
MARKDOWN_CACHED_LENGTH = 20_000
_markdown_by_source = lru_cache(maxsize=MARKDOWN_CACHE_SIZE)(markdown_to_safe_html)


def markdown(source: str | None) -> Markup:
    """The `markdown` filter: markdown_to_safe_html, remembered by its source text (issue 20: a
    product page rendered its description, parser and sanitiser, on every request, ~0.5 ms).
    The HTML depends on nothing but the text, so an edited description is a new key; very long
    texts are rendered each time rather than kept."""
    if source is None or len(source) > MARKDOWN_CACHED_LENGTH:
        return markdown_to_safe_html(source)
    return _markdown_by_source(source)



def cached_url_for(cache: dict):
    """`url_for` for templates, remembering what it built (issue 20: a page calls it 50-70 times,
    ~15 µs each, for the same few dozen static files and pages). The URL of an endpoint and its
    values depends only on the app (fixed: its URL map and url_defaults such as the static files'
    fingerprints) and on where the request is mounted and which host it asked for. Relative
    endpoints (".x"), special arguments (_external, _anchor...), unhashable values or no
    request (emails) go to url_for itself."""

    def url_for_cached(endpoint: str, **values) -> str:
        if endpoint[:1] == "." or not has_request_context() or any(k[:1] == "_" for k in values):
            return url_for(endpoint, **values)
        key = (request.script_root, request.host, endpoint, *sorted(values.items()))  # keys differ: values never compared
        return _remembered(cache, key, lambda: url_for(endpoint, **values))

    return url_for_cached


def init_templating(app: Flask) -> None:
    app.jinja_env.globals["url_for"] = cached_url_for({})
    app.extensions["larder_urls_with"] = {}
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["major_units"] = major_units
    app.jinja_env.globals["currency_symbol"] = currency_symbol
    app.jinja_env.filters["human_date"] = human_date
    app.jinja_env.filters["markdown"] = markdown
    app.jinja_env.filters["page_title"] = page_title
    app.jinja_env.globals["image_url"] = image_url
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["absolute_url_for"] = absolute_url_for
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _site_context() -> dict:
        return {
            "site": get_site_settings(),
            "store_name": current_app.config["STORE_NAME"],
            "cart_count": session.get("cart_count", 0),
            "payment_gateway": current_app.config["PAYMENT_GATEWAY"],
            "url_map_endpoints": current_app.view_functions,
        }
