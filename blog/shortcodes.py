"""CTA shortcodes in article markdown: find them outside code, validate them, report errors.

Syntax (one shortcode never spans lines)::

    [[product:magnesium-glycinate]]                     one product card (block)
    [[products:magnesium-glycinate,magnesium-citrate]]  a row of cards (block)
    [[collection:low-fodmap-certified]]                 a collection strip (block)
    [[shop-now:magnesium-glycinate|Shop magnesium]]     inline "Shop now" button, label optional
    [[discount:WELCOME10]]                              a discount code card with "Apply" (block)

A backslash before the brackets (``\\[[``) or a code span / code block keeps the text literal.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

BLOCK_KINDS = frozenset({"product", "products", "collection", "discount"})
INLINE_KINDS = frozenset({"shop-now"})
KINDS = BLOCK_KINDS | INLINE_KINDS
MAX_ROW = 8
MAX_LABEL = 60

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{1,39}")
# Characters that would be markdown/HTML markup: labels are plain text rendered by the template.
_LABEL_MARKUP_RE = re.compile(r"[<>*_`\[\]\\|~{}]|&#?\w+;")
_OPEN, _CLOSE = "[[", "]]"


@dataclass(frozen=True)
class CtaBlock:
    """One valid shortcode: what to show, where it was written."""

    kind: str  # "product" | "products" | "collection" | "shop-now"
    slugs: tuple[str, ...]
    label: str | None
    line: int

    @property
    def is_block(self) -> bool:
        """Block CTAs (cards, rows, strips) must stand alone in their paragraph."""
        return self.kind in BLOCK_KINDS

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as stored beside the rendered HTML (Article.cta_blocks)."""
        return {
            "kind": self.kind,
            "slugs": list(self.slugs),
            "label": self.label,
            "line": self.line,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CtaBlock:
        """Inverse of to_dict; a missing line (older rows) reads as 0."""
        return cls(data["kind"], tuple(data["slugs"]), data.get("label"), data.get("line", 0))


@dataclass(frozen=True)
class ShortcodeError:
    """A malformed or misplaced shortcode, reported to the editor and never shown to readers."""

    line: int
    text: str
    message: str


@dataclass(frozen=True)
class Found:
    """A shortcode occurrence at text[start:end], either valid (cta) or not (error)."""

    start: int
    end: int
    result: CtaBlock | ShortcodeError


def _bad_slug(slug: str) -> str | None:
    if not slug:
        return "missing slug"
    if not SLUG_RE.fullmatch(slug):
        return f"bad slug {slug!r}: use lowercase letters, digits and single hyphens"
    return None


def _label_error(kind: str, label: str) -> str | None:
    """What is wrong with a shortcode's "|label", if anything (only shop-now takes one)."""
    if kind != "shop-now":
        return f"only shop-now takes a label; [[{kind}:…]] shows the product's own title"
    if not label:
        return "empty label after '|': drop the '|' or write a label"
    if _LABEL_MARKUP_RE.search(label):
        return "label must be plain text (no markup, brackets or entities)"
    if len(label) > MAX_LABEL:
        return f"label too long ({len(label)} > {MAX_LABEL} characters)"
    return None


def parse_shortcode(text: str, line: int = 1) -> CtaBlock | ShortcodeError:
    """Validate one complete shortcode such as ``[[product:x]]``; anything off is an error."""

    def error(message: str) -> ShortcodeError:
        return ShortcodeError(line=line, text=text, message=message)

    if not (text.startswith(_OPEN) and text.endswith(_CLOSE)) or len(text) < 4:
        return error("unclosed shortcode: expected [[kind:slug]] on one line")
    inner = text[2:-2]
    kind, colon, body = inner.partition(":")
    kind = kind.strip()
    if not colon:
        return error("expected [[kind:slug]], e.g. [[product:magnesium-glycinate]]")
    if kind not in KINDS:
        return error(
            f"unknown shortcode kind {kind!r}: use product, products, collection, shop-now or discount"
        )
    target, bar, raw_label = body.partition("|")
    label: str | None = None
    if bar:
        label = raw_label.strip()
        if message := _label_error(kind, label):
            return error(message)
    if kind == "discount":
        code = target.strip()
        if not CODE_RE.fullmatch(code):
            return error(f"bad discount code {code!r}: letters, digits, '-' or '_', 2 to 40 characters")
        return CtaBlock(kind=kind, slugs=(code.upper(),), label=None, line=line)
    if kind == "products":
        slugs = tuple(part.strip() for part in target.split(","))
        if any(not s for s in slugs):
            return error("empty item in products list")
        if len(slugs) > MAX_ROW:
            return error(f"too many products in one row ({len(slugs)} > {MAX_ROW})")
        if len(set(slugs)) != len(slugs):
            return error("the same product is listed twice in one row")
    else:
        slugs = (target.strip(),)
        if "," in target:
            return error(f"[[{kind}:…]] takes one slug; use [[products:a,b]] for a row of cards")
    for slug in slugs:
        if message := _bad_slug(slug):
            return error(message)
    return CtaBlock(kind=kind, slugs=slugs, label=label, line=line)


def _code_spans(text: str) -> list[tuple[int, int]]:
    """CommonMark code spans: a backtick run closed by the next run of the same length."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2  # an escaped backtick does not open a span
            continue
        if ch != "`":
            i += 1
            continue
        run_end = i
        while run_end < n and text[run_end] == "`":
            run_end += 1
        width = run_end - i
        j = run_end
        close = -1
        while j < n:
            if text[j] != "`":
                j += 1
                continue
            k = j
            while k < n and text[k] == "`":
                k += 1
            if k - j == width:
                close = k
                break
            j = k
        if close == -1:
            i = run_end  # unmatched run is literal text
        else:
            spans.append((i, close))
            i = close
    return spans


def scan_text(text: str, first_line: int = 1, *, skip_code_spans: bool = True) -> list[Found]:
    """Find every ``[[`` shortcode in a chunk of markdown text, outside code spans."""
    spans = _code_spans(text) if skip_code_spans else []
    found: list[Found] = []
    pos = 0
    while (start := text.find(_OPEN, pos)) != -1:
        code = next((s for s in spans if s[0] <= start < s[1]), None)
        if code:
            pos = code[1]
            continue
        if start > 0 and text[start - 1] == "\\":
            pos = start + 2  # \[[ is the documented escape
            continue
        line_end = text.find("\n", start)
        line_end = len(text) if line_end == -1 else line_end
        close = text.find(_CLOSE, start + 2, line_end)
        reopen = text.find(_OPEN, start + 2, line_end)
        line = first_line + text.count("\n", 0, start)
        if close != -1 and (reopen == -1 or close < reopen):
            end = close + 2
            result = parse_shortcode(text[start:end], line)
        else:
            end = reopen if reopen != -1 else line_end
            snippet = text[start:end].rstrip()
            result = ShortcodeError(
                line, snippet, "unclosed shortcode: expected ']]' on the same line"
            )
        found.append(Found(start, end, result))
        pos = end
    return found


def placeholder(nonce: str, index: int) -> str:
    """Plain alphanumeric stand-in that survives markdown and sanitising untouched."""
    return f"LARDERCTA{nonce}X{index}Y"


def placeholder_re(nonce: str) -> re.Pattern[str]:
    """Pattern matching the placeholders of one render (group 1 is the CTA index)."""
    return re.compile(rf"LARDERCTA{re.escape(nonce)}X(\d+)Y")


def _misplaced(found: list[Found], content: str, parent: Token | None) -> str | None:
    """Why the shortcodes of one inline token cannot stay where they are, if they cannot."""
    if parent is not None and parent.type == "heading_open":
        return "shortcodes are not allowed in headings"
    if not any(isinstance(f.result, CtaBlock) and f.result.is_block for f in found):
        return None
    rest, pos = [], 0
    for f in found:
        rest.append(content[pos : f.start])
        pos = f.end
    rest.append(content[pos:])
    alone = not "".join(rest).strip() and all(
        isinstance(f.result, ShortcodeError) or f.result.is_block for f in found
    )
    if parent is None or parent.type != "paragraph_open" or not alone:
        return "product, products, collection and discount shortcodes must stand alone on their own line"
    return None


def _rewrite(token: Token, parent: Token | None, env: MutableMapping[str, Any]) -> None:
    """Replace the shortcodes in one token's source text by placeholders (errors by nothing)."""
    first_line = (token.map[0] if token.map else 0) + 1
    raw_html = token.type == "html_block"
    found = scan_text(token.content, first_line, skip_code_spans=not raw_html)
    if not found:
        return
    ctas: list[CtaBlock] = env.setdefault("ctas", [])
    errors: list[ShortcodeError] = env.setdefault("cta_errors", [])
    nonce: str = env.get("cta_nonce", "")
    misplaced = "shortcodes cannot be used inside raw HTML" if raw_html else None
    misplaced = misplaced or _misplaced(found, token.content, parent)
    out, pos = [], 0
    for f in found:
        out.append(token.content[pos : f.start])
        pos = f.end
        result = f.result
        if isinstance(result, CtaBlock) and misplaced:
            result = ShortcodeError(result.line, token.content[f.start : f.end], misplaced)
        if isinstance(result, ShortcodeError):
            errors.append(result)
            continue
        ctas.append(result)
        out.append(placeholder(nonce, len(ctas) - 1) if nonce else "")
    out.append(token.content[pos:])
    token.content = "".join(out)


def _cta_rule(state: StateCore) -> None:
    """Core rule run before inline parsing, so code spans and code blocks stay literal."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type in ("inline", "html_block"):
            _rewrite(token, tokens[i - 1] if i else None, state.env)


def cta_plugin(md: MarkdownIt) -> None:
    """markdown-it plugin: collect CTAs into env["ctas"] and errors into env["cta_errors"].

    Set env["cta_nonce"] to leave placeholders in the output; without it shortcodes are dropped.
    """
    md.core.ruler.before("inline", "larder_cta", _cta_rule)


def markdown_parser() -> MarkdownIt:
    """The Larder markdown dialect: CommonMark + tables + strikethrough + footnotes + CTAs."""
    return (
        MarkdownIt("commonmark")
        .enable(["table", "strikethrough"])
        .use(footnote_plugin)
        .use(cta_plugin)
    )


@functools.cache
def _parser() -> MarkdownIt:
    return markdown_parser()


def parse_shortcodes(source: str) -> tuple[list[CtaBlock], list[ShortcodeError]]:
    """Every CTA and every shortcode error in an article's markdown, in source order."""
    env: dict[str, Any] = {}
    _parser().parse(source, env)
    by_line = attrgetter("line")
    return sorted(env.get("ctas", []), key=by_line), sorted(env.get("cta_errors", []), key=by_line)
