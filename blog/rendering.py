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

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin

from blog.html_guard import lost_text_errors, open_html_errors
from blog.sanitising import DROPPED_WITH_CONTENT, sanitize_html
from blog.shortcodes import CtaBlock, ShortcodeError, markdown_parser, placeholder_re
from storefront.slugs import slugify

__all__ = [
    "CtaBlock",
    "Heading",
    "RenderedArticle",
    "ShortcodeError",
    "reading_minutes",
    "render_article",
    "split_on_ctas",
]

WORDS_PER_MINUTE = 230

MARKER_RE = re.compile(r"<!--cta:(\d+)-->")
# Whatever the author typed that looks like a marker, or starts like one, is removed.
_FORGED_MARKER_RE = re.compile(r"<!--\s*cta:(?:[^<>\n]{0,20}?-->)?", re.IGNORECASE)

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
