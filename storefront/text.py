"""Markdown for catalog copy (descriptions written by staff): rendered, then sanitised."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "br", "h3", "h4", "blockquote", "code"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # Raw HTML off: staff copy is Markdown only; nh3 is the second line of defence.
    return MarkdownIt("commonmark", {"html": False})


def markdown_to_safe_html(source: str | None) -> Markup:
    """Staff-written Markdown as sanitised HTML."""
    html = _parser().render(source or "")
    return Markup(nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                            url_schemes={"http", "https", "mailto"}, link_rel="noopener nofollow"))
