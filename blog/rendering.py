"""Article markdown -> sanitised HTML with CTA markers, rendered once when an article is saved.

Pipeline: drop forged markers from the source -> markdown-it (shortcodes become random-nonce
placeholders before inline parsing) -> nh3 allow-list -> placeholders become ``<!--cta:N-->``.
Markers are inserted after sanitising, so the sanitiser cannot eat them and the author cannot
forge them. At request time ``split_on_ctas`` cuts the stored HTML around the markers.
"""

from __future__ import annotations

import functools
import math
import re
import secrets
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin

from blog.html_guard import lost_text_errors, open_html_errors
from blog.shortcodes import CtaBlock, ShortcodeError, markdown_parser, placeholder_re
from storefront.slugs import slugify

__all__ = [
    "CtaBlock",
    "Heading",
    "RenderedArticle",
    "ShortcodeError",
    "reading_minutes",
    "render_article",
    "sanitize_html",
    "split_on_ctas",
]

WORDS_PER_MINUTE = 230

MARKER_RE = re.compile(r"<!--cta:(\d+)-->")
# Whatever the author typed that looks like a marker, or starts like one, is removed.
_FORGED_MARKER_RE = re.compile(r"<!--\s*cta:(?:[^<>\n]{0,20}?-->)?", re.IGNORECASE)

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
_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


@dataclass(frozen=True)
class Heading:
    """A level-2/3 heading for the table of contents."""

    level: int
    text: str
    anchor: str


@dataclass
class RenderedArticle:
    """The stored result of rendering: safe HTML with markers, plus what the page needs."""

    html: str
    ctas: list[CtaBlock] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    errors: list[ShortcodeError] = field(default_factory=list)
    word_count: int = 0

    @property
    def product_slugs(self) -> list[str]:
        """Product slugs of product, products and shop-now CTAs, first mention first."""
        kinds = ("product", "products", "shop-now")
        return _unique(s for c in self.ctas if c.kind in kinds for s in c.slugs)

    @property
    def collection_slugs(self) -> list[str]:
        """Collection slugs, first mention first."""
        return _unique(s for c in self.ctas if c.kind == "collection" for s in c.slugs)


def _unique(items: Any) -> list[str]:
    return list(dict.fromkeys(items))


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


def heading_anchor(text: str) -> str:
    """A heading's id: the heading's slug, whole (shortening would change links already shared)."""
    return slugify(text, max_length=0, fallback="section")


def _tidy_rule(state: StateCore) -> None:
    """Clamp headings to h2-h4 (the page owns h1) and turn table alignment styles into classes."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(max(int(token.tag[1]), 2), 4)
            token.tag = f"h{level}"
        elif token.type in ("th_open", "td_open"):
            style = str(token.attrGet("style") or "")
            if style.startswith("text-align:"):
                token.attrs.pop("style", None)
                token.attrSet("class", "align-" + style.split(":", 1)[1])


@functools.cache
def _parser() -> MarkdownIt:
    md = markdown_parser().use(anchors_plugin, min_level=2, max_level=3, slug_func=heading_anchor)
    md.core.ruler.after("block", "larder_tidy", _tidy_rule)
    return md


def _headings(tokens: list[Token]) -> list[Heading]:
    headings: list[Heading] = []
    for i, token in enumerate(tokens):
        anchor = token.attrGet("id") if token.type == "heading_open" else None
        if not anchor or token.tag not in ("h2", "h3"):
            continue
        children = tokens[i + 1].children or []
        text = "".join(
            " " if c.type in ("softbreak", "hardbreak") else c.content
            for c in children
            if c.type in ("text", "code_inline", "softbreak", "hardbreak")
        )
        headings.append(Heading(level=int(token.tag[1]), text=text.strip(), anchor=str(anchor)))
    return headings


class _MisplacedScan(HTMLParser):
    """Finds placeholders in attribute values (alt text, titles) or inside link text."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.pattern = pattern
        self.indexes: set[int] = set()
        self.link_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for _, value in attrs:
            self.indexes.update(int(m) for m in self.pattern.findall(value or ""))
        self.link_depth += tag == "a"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for _, value in attrs:
            self.indexes.update(int(m) for m in self.pattern.findall(value or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.link_depth:
            self.link_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.link_depth:  # a button inside a link is not clickable as either
            self.indexes.update(int(m) for m in self.pattern.findall(data))


class _TextScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def _place_markers(
    html: str, nonce: str, found: list[CtaBlock]
) -> tuple[str, list[CtaBlock], list[ShortcodeError]]:
    """Swap placeholders for markers numbered in page order; report CTAs that cannot stay."""
    pattern = placeholder_re(nonce)
    misplaced = _MisplacedScan(pattern)
    misplaced.feed(html)
    misplaced.close()
    html = pattern.sub(lambda m: "" if int(m.group(1)) in misplaced.indexes else m.group(0), html)
    # A block CTA alone in its paragraph replaces the whole <p>; the template renders a card.
    block_p = re.compile(rf"<p>\s*((?:{pattern.pattern}\s*)+)</p>")
    html = block_p.sub(lambda m: "\n".join(p.group(0) for p in pattern.finditer(m.group(1))), html)
    ctas: list[CtaBlock] = []
    placed: set[int] = set()

    def to_marker(match: re.Match[str]) -> str:
        placed.add(int(match.group(1)))
        ctas.append(found[int(match.group(1))])
        return f"<!--cta:{len(ctas) - 1}-->"

    html = pattern.sub(to_marker, html)
    errors = [
        ShortcodeError(
            found[i].line, _describe(found[i]), "shortcodes cannot sit in link or image text"
        )
        for i in sorted(misplaced.indexes)
    ]
    errors += [
        ShortcodeError(found[i].line, _describe(found[i]), "removed together with disallowed HTML")
        for i in range(len(found))
        if i not in placed and i not in misplaced.indexes
    ]
    return html, ctas, errors


def _describe(cta: CtaBlock) -> str:
    label = f"|{cta.label}" if cta.label else ""
    return f"[[{cta.kind}:{','.join(cta.slugs)}{label}]]"


def _strip_forged_markers(source: str) -> str:
    """Remove marker look-alikes until none is left (one pass could splice a new one)."""
    while (stripped := _FORGED_MARKER_RE.sub("", source)) != source:
        source = stripped
    return source


def render_article(source: str) -> RenderedArticle:
    """Render article markdown to stored HTML: sanitised, with one marker per valid CTA."""
    nonce = secrets.token_hex(8)
    env: dict[str, Any] = {"cta_nonce": nonce}
    md = _parser()
    tokens = md.parse(_strip_forged_markers(source), env)
    headings = _headings(tokens)
    # HTML left open would take the rest of the article with it when sanitised: refuse it.
    html_errors = open_html_errors(tokens, DROPPED_WITH_CONTENT)
    safe = MARKER_RE.sub("", sanitize_html(md.renderer.render(tokens, md.options, env)))
    if not html_errors:  # the net for anything the scan does not model: no text may go missing
        html_errors = lost_text_errors(
            tokens,
            lambda t: sanitize_html(md.renderer.renderInline(t.children or [], md.options, env)),
            safe,
        )
    html, ctas, late_errors = _place_markers(safe, nonce, env.get("ctas", []))
    text = _TextScan()
    text.feed(html)
    text.close()
    errors = sorted([*env.get("cta_errors", []), *late_errors, *html_errors], key=lambda e: e.line)
    return RenderedArticle(
        html=html,
        ctas=ctas,
        headings=headings,
        errors=errors,
        word_count=len(_WORD_RE.findall(" ".join(text.chunks))),
    )


def split_on_ctas(html: str) -> list[str | int]:
    """Stored HTML as text chunks and CTA indexes, in page order (empty chunks omitted)."""
    parts: list[str | int] = []
    for i, part in enumerate(MARKER_RE.split(html)):
        if i % 2:
            parts.append(int(part))
        elif part:
            parts.append(part)
    return parts


def reading_minutes(word_count: int) -> int:
    """Reading time at 230 words a minute, never less than one minute."""
    return max(1, math.ceil(word_count / WORDS_PER_MINUTE))
