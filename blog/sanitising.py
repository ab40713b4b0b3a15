"""The article sanitiser: nh3 allow-lists plus the attribute rules nh3 cannot express.

Used on every rendered article (blog.rendering) and on imported HTML (blog.importer). Anything
not listed here is removed; the elements in DROPPED_WITH_CONTENT go with their content.
"""

from __future__ import annotations

import re

import nh3

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_CLASSES",
    "ALLOWED_TAGS",
    "DROPPED_WITH_CONTENT",
    "URL_SCHEMES",
    "sanitize_html",
]

ALLOWED_TAGS = frozenset(
    {
        "p", "h2", "h3", "h4", "ul", "ol", "li", "a", "strong", "em", "s", "del",
        "blockquote", "code", "pre", "hr", "br", "sup", "section", "img",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
# Removed with their content: never useful as text, and the usual carriers of XSS tricks.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
        "svg", "math", "form", "textarea", "select", "option", "button", "template",
        "noscript", "noembed", "noframes", "title", "xmp", "plaintext",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "li": {"id"},
    "ol": {"start"},
}
# Footnote markup from mdit-py-plugins plus table alignment; every other class is dropped.
ALLOWED_CLASSES = {
    "sup": {"footnote-ref"},
    "hr": {"footnotes-sep"},
    "section": {"footnotes"},
    "ol": {"footnotes-list"},
    "li": {"footnote-item"},
    "a": {"footnote-backref"},
    "th": {"align-left", "align-center", "align-right"},
    "td": {"align-left", "align-center", "align-right"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*|fn(?:ref)?\d+(?::\d+)?")
_IMG_SRC_RE = re.compile(r"(?:https?:)?//|[^:]*(?:[/?#]|$)", re.IGNORECASE)
_A_TAG_RE = re.compile(r'<a((?:\s+[\w:-]+="[^"]*")*)\s*>')
_EXTERNAL_HREF_RE = re.compile(r'\shref="(?:https?:)?//', re.IGNORECASE)


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    """Per-attribute rules nh3's allow-list cannot express."""
    if attr == "id":
        return value if _ID_RE.fullmatch(value) else None
    if tag == "img" and attr == "src":
        # http(s) or relative only: mailto (allowed for links) has no business in an image
        return value if _IMG_SRC_RE.match(value.strip()) else None
    if tag == "ol" and attr == "start":
        return value if value.isdigit() and len(value) < 7 else None
    return value


def _add_rel(match: re.Match[str]) -> str:
    attrs = match.group(1)
    if _EXTERNAL_HREF_RE.search(attrs):
        return f'<a{attrs} rel="noopener nofollow">'
    return match.group(0)


def sanitize_html(html: str) -> str:
    """Keep only the allow-listed tags/attributes; external links get rel="noopener nofollow"."""
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        strip_comments=True,
        link_rel=None,  # rel is ours to set, below, and only on external links
        url_schemes=set(URL_SCHEMES),
        allowed_classes={tag: set(names) for tag, names in ALLOWED_CLASSES.items()},
    )
    # nh3 always double-quotes attributes and escapes '"', '<' and '>' inside them.
    return _A_TAG_RE.sub(_add_rel, clean)
