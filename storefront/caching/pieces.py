"""A page's own HTML in pieces, rendered once per content version for every visitor (issue 20).

The product page and the article (and its lite view) show the same HTML to every visitor of
every URL of theirs (`?ref=`, campaign tags, review sorts), but for a few values of the request:
the CSRF token, the way back a form carries (`next`, this page) and what the page passes on (an
article's `ref`). Their templates' blocks are rendered with placeholders ("holes") for those,
kept in the fragment cache (storefront.caching.fragments: under the catalog version and time
markers, with the dependency tags their reads declared, so never stale) and filled on every use.

A link to this page with some arguments changed (`url_with`: the reviews' "More reviews", a
listing's pages and filter chips) is a hole too: it carries the request's other arguments (`ref`,
campaign tags), so each request fills it with its own. So is a late part (storefront.caching.late:
a listing's price fields), rendered on every use from its own data, as in a stored page; only late
part's shape (what the rest of the pieces were built on: the search page's article count) is kept
with its hole, and pieces whose parts changed shape are rendered again.

`kept_pieces` is the whole round: the key, the keeping, a visitor rendered for alone, the holes
filled; each page module gives it the key's parts and how to render.

Holes are random per rendering and kept with the pieces, so no text on a page can fake one. A
visitor with a flashed message (a notice printed at a form) gets pieces rendered for them alone.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

from flask import current_app, g, request, session
from markupsafe import Markup, escape

from storefront.caching.fragments import cached_fragment, fragment_key, fragment_store
from storefront.caching.late import (
    late_part_if_shaped,
    read_ahead,
    read_with_its_parts,
    remember_parts_of,
)
from storefront.site_urls import THIS_PAGE_PLACEHOLDER, this_page
from storefront.state import request_state
from storefront.templating import url_with

CSRF, NEXT = "csrf", "next"  # the holes every piece may have
URL_WITH, LATE = "url-with ", "late "  # holes named this + the JSON of the call's arguments
_HOLE_NAMES = ("csrf_token", THIS_PAGE_PLACEHOLDER)  # what `punched` sets on g


class NothingToKeep(Exception):
    """Raised by a page's render function when there is no such page (a 404): nothing is kept."""


class _ShapeChanged(Exception):
    """A late part in kept pieces no longer has the shape they were built around."""


@dataclass(frozen=True)
class Kept:
    """A page's pieces for this request, holes filled, and the rest of what its render kept."""

    pieces: dict[str, Markup]
    data: dict[str, Any]


def kept_pieces(
    name: str,
    parts: list,
    render: Callable[[dict[str, str] | None], dict[str, Any]],
    extra_holes: Iterable[str] = (),
    values: Callable[[], dict[str, str]] | None = None,
) -> Kept | None:
    """The pieces named `name` for `parts` (the request's host and script root added), kept in
    the fragment cache; None when `render` raises NothingToKeep.

    `render(holes)` returns `{"pieces": render_blocks(...), **anything JSON}`: with holes (the
    CSRF token's, this page's and `extra_holes`) for every visitor, with None for this visitor
    alone (a flashed message, or no fragment cache). `values()` gives this request's text for the extra holes."""
    key = [*parts, request.host, request.script_root]
    extra = values() if values else None
    store = fragment_store()
    stored_key = fragment_key(name, key) if store.enabled else ""

    def for_everyone() -> dict:
        holes = new_holes(*extra_holes)
        return {**render(holes), "holes": holes}

    def kept(stored: dict) -> Kept:
        late = _late_holes(stored["holes"])
        if stored_key:
            remember_parts_of(store, stored_key, [(part, args) for part, args, _ in late.values()])
        pieces = filled(stored["pieces"], stored["holes"], extra, late)
        return Kept(pieces, {k: v for k, v in stored.items() if k not in ("pieces", "holes")})

    try:
        if not for_this_visitor_only() and store.enabled:
            read_with_its_parts(store, stored_key)
            # Once as kept; if a late part changed shape since, once rendered again and kept.
            for refresh in (False, True):
                try:
                    stored = cached_fragment(
                        name, key, for_everyone, dict, dict, refresh=refresh, key=stored_key
                    )
                    return kept(stored)
                except _ShapeChanged:
                    continue
        # Nothing would be kept, or a part changed shape again since: this visitor's own, no holes.
        return kept({**render(None), "holes": {}})
    except NothingToKeep:
        return None


def for_this_visitor_only() -> bool:
    """A flashed message waits: a notice may be printed in the pieces, which must not be kept."""
    return "_flashes" in session


def new_holes(*extra: str) -> dict[str, str]:
    """Placeholders for the CSRF token, this page, and `extra` values of the page's own."""
    token = secrets.token_hex(8)
    return {name: f"larder-{name}-hole-{token}" for name in (CSRF, NEXT, *extra)}


def render_blocks(
    template_name: str, context: dict, holes: dict[str, str] | None, names: Iterable[str] | None = None
) -> dict[str, str]:
    """Every block of `template_name` (or those in `names`) rendered alone with `context` (plus
    the app's context processors'), the CSRF token, this page, links to it and late parts as
    `holes` when given (those made while rendering are added to it). The template's blocks must
    import their own macros: its top level is not run, nor a parent template's blocks."""
    names = set(names) if names is not None else None
    template = current_app.jinja_env.get_template(template_name)
    current_app.update_template_context(context)
    state = request_state()
    saved_filling, state.tile_filling = state.tile_filling, None  # tiles inside fill from these holes
    try:
        with recording(holes), punched(holes[CSRF], holes[NEXT]) if holes else nullcontext():
            rendered = template.new_context(context)
            return {
                name: "".join(block(rendered))
                for name, block in template.blocks.items()
                if names is None or name in names
            }
    finally:
        state.tile_filling = saved_filling


@contextmanager
def recording(holes: dict[str, str] | None) -> Iterator[None]:
    """Inside, with `holes`, `url_with` and `late_part` make holes (added to `holes`) instead of
    links and parts: for what is computed for the pieces before they are rendered (a listing's
    filter chips); render_blocks records too."""
    state = request_state()
    saved, state.piece_holes = state.piece_holes, (_Recorder(holes) if holes else None)
    try:
        yield
    finally:
        state.piece_holes = saved


@contextmanager
def punched(csrf_hole: str, next_hole: str) -> Iterator[None]:
    """Inside, `csrf_token()` prints `csrf_hole` and this page is `next_hole`; after, whatever
    was there before is put back (a tile rendered inside a page's pieces leaves the page's holes
    in place for what follows it)."""
    saved = {name: g.get(name) for name in _HOLE_NAMES if name in g}
    g.csrf_token = csrf_hole  # generate_csrf() returns g.csrf_token when set
    setattr(g, THIS_PAGE_PLACEHOLDER, next_hole)
    try:
        yield
    finally:
        for name in _HOLE_NAMES:
            if name in saved:
                setattr(g, name, saved[name])
            else:
                g.pop(name, None)


def filled(
    pieces: dict[str, str], holes: dict[str, str], values: dict[str, str] | None = None,
    late: dict[str, list] | None = None,
) -> dict[str, Markup]:
    """The pieces as Markup with this request's CSRF token, this page and `values` (name ->
    text, escaped here) in their holes. Raises _ShapeChanged when a late part's shape moved
    (the pieces were built around the old one). `late`: _late_holes(holes), when read already."""
    if holes:
        from flask_wtf.csrf import generate_csrf

        texts = {CSRF: generate_csrf(), NEXT: this_page(), **(values or {}), **_calls(holes, late)}
        replacements = [(holes[name], str(escape(text))) for name, text in texts.items() if name in holes]
        pieces = {name: _replace(html, replacements) for name, html in pieces.items()}
    return {name: Markup(html) for name, html in pieces.items()}


def _calls(holes: dict[str, str], late: dict[str, list] | None = None) -> dict[str, str]:
    """This request's links and late parts for the holes made by `_Recorder` (a late part comes
    as Markup: `filled` leaves it unescaped)."""
    texts = {}
    late = _late_holes(holes) if late is None else late
    read_ahead([(part, args) for part, args, _ in late.values()])
    for name in holes:
        if name.startswith(URL_WITH):
            texts[name] = url_with(**json.loads(name[len(URL_WITH):]))
        elif name in late:
            part, args, shape = late[name]
            html = late_part_if_shaped(part, args, shape)
            if html is None:
                raise _ShapeChanged(part)
            texts[name] = html
    return texts


def _late_holes(holes: dict[str, str]) -> dict[str, list]:
    """The holes for late parts, each with its call: [part name, args, shape]."""
    return {name: json.loads(name[len(LATE):]) for name in holes if name.startswith(LATE)}


class _Recorder:
    """While pieces are rendered with holes, `url_with` and `late_part` ask this for a hole per
    distinct call (added to `holes`, so it is kept with the pieces)."""

    def __init__(self, holes: dict[str, str]) -> None:
        self.holes = holes
        self.token = holes[CSRF].rsplit("-", 1)[-1]

    def url_with(self, changes: dict) -> str:
        return self._hole(URL_WITH + json.dumps(changes, sort_keys=True))

    def late_part(self, name: str, args: dict, shape: Any) -> Markup:
        return Markup(self._hole(LATE + json.dumps([name, args, shape], sort_keys=True)))

    def _hole(self, name: str) -> str:
        return self.holes.setdefault(name, f"larder-call-hole-{len(self.holes)}-{self.token}")


def _replace(html: str, replacements: Iterable[tuple[str, str]]) -> str:
    for hole, value in replacements:
        if hole in html:
            html = html.replace(hole, value)
    return html
