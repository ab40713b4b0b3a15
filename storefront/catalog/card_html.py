"""Product tiles rendered once per content, not once per page (issue 20).

A listing renders 24 tiles, the home page 8, a product page 4, a search its matches: the same
few thousand popular products over and over, each tile ~70 µs of macro calls, escaping and
money formatting (40% of a rendered listing). A tile's HTML is a pure function of its card
(a frozen dataclass: price, stock, badge, image... read per catalog version), of the macro's
arguments and of the app (templates, URL map, locale), so it is remembered in this worker keyed
by exactly those: an edited price is a different card, hence a different key, and nothing has
to be invalidated. Two parts differ per request and are punched as holes, filled on every use:
the CSRF token and the add form's `next` (this page's URL). A tile that must print a cart
notice (the shopper just added without JavaScript) is rendered in full.

Templates whose files may change while the app runs (debug, auto-reload) get no memo.
"""

from __future__ import annotations

import secrets
from collections.abc import Hashable

from flask import Flask, g, request
from markupsafe import Markup, escape

from storefront.caching.pieces import punched
from storefront.catalog.queries import ProductCard
from storefront.site_urls import this_page
from storefront.state import larder_state, request_state

MACROS = "macros/catalog.html"
MEMO_SIZE = 5_000  # tiles of ~1.5 kB: at most ~8 MB a worker


class TileMemo:
    """One worker's remembered tiles and the placeholders they were rendered with."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.tiles: dict[Hashable, str] = {}
        token = secrets.token_hex(8)
        self.csrf_hole = f"__larder_tile_csrf_{token}__"
        self.next_hole = f"/__larder_tile_next_{token}__"
        self._modules: dict[tuple, object] = {}

    @property
    def enabled(self) -> bool:
        return not self.app.jinja_env.auto_reload

    def macros(self, template: str, context: tuple[tuple[str, Hashable], ...] = ()):
        """The template's macros, as a module made with `context` (the names its macros read from
        the page, such as `lite`): once, unless templates may change (then on every call, or an
        edited template would never show)."""
        module = self._modules.get((template, context)) if self.enabled else None
        if module is None:
            variables = {"url_map_endpoints": self.app.view_functions, **dict(context)}
            module = self.app.jinja_env.get_template(template).make_module(variables)
            if self.enabled:
                self._modules[(template, context)] = module
        return module

    def render(
        self, template: str, name: str, args: tuple, kwargs: dict, context: dict | None = None
    ) -> Markup:
        """`template`'s macro `name` called with `args` and `kwargs` (hashable: they are the key)."""
        frozen_context = tuple(sorted((context or {}).items()))
        macro = getattr(self.macros(template, frozen_context), name)
        if not self.enabled or g.get("larder_cart_notices"):
            return macro(*args, **kwargs)
        key = (
            template,
            name,
            args,
            tuple(sorted(kwargs.items())),
            frozen_context,
            request.script_root,
            request.host,
        )
        html = self.tiles.get(key)
        if html is None:
            html = self._render_with_holes(macro, args, kwargs)
            if len(self.tiles) >= MEMO_SIZE:
                self.tiles.clear()  # start over: cheaper than LRU bookkeeping on every hit
            self.tiles[key] = html
        return Markup(self._fill(html))

    def _render_with_holes(self, macro, args, kwargs) -> str:
        with punched(self.csrf_hole, self.next_hole):
            return str(macro(*args, **kwargs))

    def _fill(self, html: str) -> str:
        # What fills the holes is the same for every tile of the page: worked out once.
        state = request_state()
        filling = state.tile_filling
        if filling is None:
            from flask_wtf.csrf import generate_csrf

            filling = state.tile_filling = (str(escape(generate_csrf())), str(escape(this_page())))
        csrf, page = filling
        return html.replace(self.csrf_hole, csrf).replace(self.next_hole, page)


def remembered_macro(
    template: str, name: str, *args, context: dict | None = None, **kwargs
) -> Markup:
    """A tile macro's HTML, remembered by its arguments: for macros whose output depends on
    nothing else (their arguments, `context`, the app) but the CSRF token and this page's URL."""
    return larder_state().tiles.render(template, name, args, kwargs, context)


def product_card(
    card: ProductCard, ref: str | None = None, heading: str = "h3", eager: bool = False
) -> Markup:
    """The product tile (macros/catalog.html `product_card_markup`), remembered by content."""
    return remembered_macro(MACROS, "product_card_markup", card, ref, heading=heading, eager=eager)


def init_tiles(app: Flask) -> None:
    larder_state(app).tiles = TileMemo(app)
    app.jinja_env.globals["product_card"] = product_card
