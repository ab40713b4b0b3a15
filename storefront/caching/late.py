"""Late parts: a part of a stored page rendered again each time the page is served.

A page whose parts change at different paces would otherwise follow the fastest: the search
page's product group (facets over thousands of matches, the costly part) changes with the
catalog, its article group with every article saved, and a staff member saving an article
every few seconds would empty every stored search. So the article group is a *late part*: the
stored page holds a placeholder and the part's arguments; each response renders the part again
from its own (fragment-cached, tag-checked) data and puts it in. Like an edge-side include.

A part has a *shape*: the facts the rest of the page was built on (the search page's article
count: the jump links and the "did you mean" choice read it). When the part's shape is no longer
the stored one, the stored page is not used: the whole page is rendered again.

The part's reads are kept out of the page's dependency tags (the page does not go stale with
them); the ETag covers the parts' HTML, so a 304 never answers for an old part.

A part rendered from its own data (a stored page, kept pieces) is itself kept in the fragment
cache, its HTML and shape, with the tags of what it read: serving it is one Redis read, not its
data's read and a template's rendering. A part whose links keep the visitor's arguments
(`url_with`) is kept per URL arguments.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g, request
from markupsafe import Markup

from storefront.caching.fragments import cached_fragment, fragment_key, fragment_store
from storefront.caching.holes import punching_holes
from storefront.caching.store import PageCache
from storefront.caching.tags import collecting
from storefront.caching.version import page_state
from storefront.state import larder_state, request_state

# name -> render(value, **args) -> (html, shape); `value` is the part's data when the page
# being rendered has it already (None: the renderer reads it).
Renderer = Callable[..., tuple[str, Any]]


@dataclass(frozen=True)
class LatePart:
    """A part of a page: which renderer, its arguments (JSON) and the shape the page relied on."""

    name: str
    args: dict
    shape: Any

    def placeholder(self) -> str:
        digest = hashlib.sha256(json.dumps([self.name, self.args], sort_keys=True).encode()).hexdigest()[:16]
        return f"{larder_state().page_holes[0][:-2]}_late_{digest}__"


def render_part(template_name: str, **context: Any) -> str:
    """A late part's template rendered with `context` and the app's template globals only: it is
    rendered on every response served, and the context processors (site settings, visitor
    holes...) are the page's business, not the part's."""
    return current_app.jinja_env.get_template(template_name).render(context)


def register_late_part(app: Flask, name: str, render: Renderer, links_keep_arguments: bool = False) -> None:
    """`render(value, **args)` returns the part's HTML and its shape (JSON-serialisable);
    `links_keep_arguments`: its links carry the request's arguments (`url_with`)."""
    larder_state(app).late_parts[name] = render
    if links_keep_arguments:
        larder_state(app).late_parts_per_url.add(name)
    app.jinja_env.globals.setdefault("late_part", late_part)


@contextmanager
def late_reads() -> Iterator[None]:
    """Reads for a late part: their tags stay off the stored page, and off kept pieces
    (storefront.caching.pieces), which do not show them."""
    if not punching_holes() and request_state().piece_holes is None:
        yield
        return
    with collecting():
        yield


def late_part(name: str, args: dict, value: Any = None) -> Markup:
    """The part, rendered now; in a page being stored, its placeholder (remembered for the
    entry and for this response). `value`: the part's data, when the page has read it. In a
    page's pieces kept for every visitor (storefront.caching.pieces), a hole filled per use."""
    recorder = request_state().piece_holes
    if recorder is not None:
        return recorder.late_part(name, args, part_shape(name, args, value))
    with late_reads():
        html, shape = _rendered(name, args, value)
    return _placed(LatePart(name, args, shape), html)


def _rendered(name: str, args: dict, value: Any = None) -> tuple[str, Any]:
    """The part's HTML and shape: from `value` when given, else from the fragment cache (rendered
    from the part's own reads when not kept there, or stale)."""
    state = larder_state()
    render = state.late_parts[name]
    if value is not None or not fragment_store().enabled:
        return render(value, **args)
    parts = _part_key(name, args)
    key = _stored_key(name, args, parts)
    return cached_fragment("late-part", parts, lambda: render(None, **args), dump=list, load=tuple, key=key)


def _part_key(name: str, args: dict) -> list:
    """What a late part's stored HTML is kept under (within the fragment cache's version and
    markers)."""
    url = [request.path, sorted(request.args.items(multi=True))] if name in larder_state().late_parts_per_url else None
    # The due-time markers: a scheduled article going live changes the search's article group.
    return [name, args, url, request.script_root, page_state().markers]


def read_ahead(parts: list[tuple[str, dict]]) -> None:
    """The stored HTML of a page's late parts (name, args), read from the fragment cache in one
    round trip instead of one each: a search page has two (its price fields, its articles)."""
    keys = _stored_keys(parts)
    if len(keys) > 1:
        fragment_store().prefetch(keys)


def _stored_keys(parts: list[tuple[str, dict]]) -> list[str]:
    """The fragment keys of these late parts' stored HTML (none without the fragment cache)."""
    store, registered = fragment_store(), larder_state().late_parts
    if not store.enabled:
        return []
    return [_stored_key(name, args) for name, args in parts if name in registered]


def _stored_key(name: str, args: dict, parts: list | None = None) -> str:
    """The fragment key of one late part's stored HTML, worked out once per request: a kept page
    asks for it three times (its read with the page, the read ahead, the part's own read)."""
    memo = request_state().late_part_keys
    ident = json.dumps([name, args], sort_keys=True)
    key = memo.get(ident)
    if key is None:
        parts = parts if parts is not None else _part_key(name, args)
        key = memo[ident] = fragment_key("late-part", parts)
    return key


READ_WITH_LIMIT = 10_000  # entries whose late parts a process remembers (a few MB at most)


def read_with_its_parts(store: PageCache, key: str) -> None:
    """Read the entry `key` of `store` (a stored page, kept pieces) and the late parts it held
    when last read in this process, in one round trip: each is then taken by its next read.
    Without this, an entry with late parts costs two reads in a row, its own and its parts'."""
    parts = larder_state().late_parts_read_with.get(store.prefix + key)
    fragments = fragment_store()
    if parts and fragments.url == store.url:  # else the entry's own read is as quick
        part_keys = _stored_keys(parts)
        if part_keys:
            store.prefetch([key], others=(fragments, part_keys))


def remember_parts_of(store: PageCache, key: str, parts: list[tuple[str, dict]]) -> None:
    """Note the late parts the entry `key` of `store` holds, for `read_with_its_parts`."""
    memo = larder_state().late_parts_read_with
    if len(memo) >= READ_WITH_LIMIT:
        memo.clear()
    memo[store.prefix + key] = [[name, args] for name, args in parts]


def part_shape(name: str, args: dict, value: Any = None) -> Any:
    """The part's shape now, as JSON data (its HTML is not kept: rendered with no pieces being
    recorded, so its links are not holes)."""
    state = request_state()
    saved, state.piece_holes = state.piece_holes, None
    try:
        with collecting():  # the part's reads are not the pieces' dependencies
            _, shape = larder_state().late_parts[name](value, **args)
    finally:
        state.piece_holes = saved
    return _as_json(shape)


def late_part_if_shaped(name: str, args: dict, shape: Any) -> Markup | None:
    """The part as `late_part` gives it, or None when its shape is no longer `shape`: what was
    built around it is out of date."""
    with late_reads():
        html = _html_if_shaped(name, args, shape)
    return None if html is None else _placed(LatePart(name, args, shape), html)


def _html_if_shaped(name: str, args: dict, shape: Any) -> str | None:
    """The part's HTML now, or None when its shape is no longer `shape` (as JSON data)."""
    html, now = _rendered(name, args)
    return html if _as_json(now) == shape else None


def _as_json(value: Any) -> Any:
    """`value` as it reads back from JSON (tuples as lists...), to compare with a stored shape."""
    return json.loads(json.dumps(value))


def _placed(part: LatePart, html: str) -> Markup:
    """The part's HTML; in a page being stored, its placeholder (remembered for the entry and
    for this response)."""
    if not punching_holes():
        return Markup(html)
    g.setdefault("larder_late_parts", []).append((part, html))
    return Markup(part.placeholder())


def rendered_parts() -> list[tuple[LatePart, str]]:
    """The late parts of the page just rendered, with their HTML."""
    return list(g.get("larder_late_parts", []))


def to_entry(parts: list[tuple[LatePart, str]]) -> list[dict]:
    return [{"name": p.name, "args": p.args, "shape": p.shape} for p, _ in parts]


def fill(body: str, parts: list[tuple[LatePart, str]]) -> str:
    for part, html in parts:
        body = body.replace(part.placeholder(), html)
    return body


def render_stored(
    stored: list[dict], read_with: tuple[PageCache, str] | None = None
) -> list[tuple[LatePart, str]] | None:
    """The stored page's parts rendered for this response; None when one's shape changed
    (the page must be rendered whole) or an entry is of an older shape. `read_with`: the page's
    store and key, to read these parts with the page next time (`read_with_its_parts`)."""
    rendered = []
    try:
        calls = [(item["name"], item["args"]) for item in stored]
        if read_with is not None:
            remember_parts_of(*read_with, calls)
        read_ahead(calls)
        for item in stored:
            part = LatePart(item["name"], item["args"], item["shape"])
            html = _html_if_shaped(part.name, part.args, part.shape)
            if html is None:
                return None
            rendered.append((part, html))
    except (KeyError, TypeError, ValueError):
        return None
    return rendered


def digest(parts: list[tuple[LatePart, str]]) -> str:
    """For the ETag: what the parts show."""
    if not parts:
        return ""
    return hashlib.sha256("".join(html for _, html in parts).encode()).hexdigest()[:16]
