"""Stop the sanitiser from silently eating an article.

The sanitiser removes some elements together with their content (``DROPPED_WITH_CONTENT``).
Left open, such an element swallows everything after it: an unclosed ``<style>``,
``<textarea>`` or ``<select>`` took the rest of the article with it, headings included, while
the table of contents (read from the markdown) still listed them. Two checks, both reporting
the source line so the save can be refused instead:

``open_html_errors``
    Before rendering: follow the article's raw HTML (markdown-it's html_block and html_inline
    tokens) with a small HTML tokenizer, and refuse where markdown text would start, or the
    article end, while a dropped element, a raw-text element, a comment or a tag is still open.
    Closed ones are fine: the sanitiser removes them with their content and nothing else.
``lost_text_errors``
    After sanitising: every paragraph, heading, table cell and code block the markdown produced
    must still be on the page, in order, and every heading still a heading. This is the net for
    whatever the tokenizer does not model (HTML parsing has many more ways to nest).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from html.parser import HTMLParser

from markdown_it.token import Token

from blog.shortcodes import ShortcodeError

# Content is text up to the matching end tag (raw text and RCDATA elements, HTML namespace).
RAW_TEXT = frozenset(
    {"script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea", "title"}
)
# Everything after it is its text: there is no end tag.
NEVER_CLOSED = frozenset({"plaintext"})
# Elements with no end tag: never open.
VOID = frozenset({"embed", "frame", "input", "img", "br", "hr", "wbr", "area", "base", "col",
                  "link", "meta", "param", "source", "track"})  # fmt: skip
# Inside these, tags are SVG/MathML: "<style>" is an ordinary element and "/>" closes.
FOREIGN = frozenset({"svg", "math"})
SNIPPET = 60

_NAME_RE = re.compile(r"</?([A-Za-z][^\s/>]*)")
_WS_RE = re.compile(r"\s+")


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"


def _tag_end(s: str, k: int, quote: str) -> tuple[int | None, bool, str]:
    """Follow a tag's attributes from k (inside a quoted value when quote is set).

    (index after its '>', whether it ends in "/>", "") when the tag ends in s; otherwise
    (None, False, the quote still open or "") so the next piece can resume there.
    """
    n = len(s)
    if quote:
        close = s.find(quote, k)
        if close < 0:
            return None, False, quote
        k = close + 1
    while k < n:
        c = s[k]
        if c == ">":
            return k + 1, s[k - 1 : k] == "/", ""  # a slice: at k == 0 there is no "/"
        k += 1
        if c == "=":
            while k < n and s[k] in " \t\n\r\f":
                k += 1
            if k < n and s[k] in "\"'":
                close = s.find(s[k], k + 1)
                if close < 0:
                    return None, False, s[k]
                k = close + 1
    return None, False, ""


class _OpenScan:
    """A running scan of the article's HTML pieces, in document order.

    State kept between pieces: dropped elements still open (name, line, snippet); a raw-text
    element, comment, bogus comment or tag whose end has not come yet. Each piece is read
    once, from where the last one left off (no re-reading: a long article stays linear).
    """

    def __init__(self, dropped: frozenset[str]) -> None:
        self.dropped = dropped
        self.reset()

    def reset(self) -> None:
        self.open: list[tuple[str, int, str]] = []
        self.raw: tuple[str, int, str] | None = None  # element name, line, snippet
        self.comment: tuple[int, str] | None = None
        self.bogus: tuple[int, str] | None = None  # "<!doctype", "<?": up to the next '>'
        # an unfinished tag: name, is an end tag, line, snippet, quote of a value still open
        self.tag: tuple[str, bool, int, str, str] | None = None

    def _foreign(self) -> bool:
        return any(name in FOREIGN for name, _, _ in self.open)

    def feed(self, s: str, line: int) -> None:
        def line_at(pos: int) -> int:
            return line + s.count("\n", 0, pos)

        i, n = 0, len(s)
        tag_start = None  # where the unfinished tag began, when it began in this piece
        while i < n:
            if self.tag is not None:
                name, is_end, tag_line, text, quote = self.tag
                end, self_closing, quote = _tag_end(s, i, quote)
                if end is None:
                    self.tag = (name, is_end, tag_line, text, quote)
                    return
                if tag_start is not None:
                    text = _snippet(s[tag_start:end])
                self.tag, i, tag_start = None, end, None
                self._finish(name, is_end, self_closing, tag_line, text)
                continue
            if self.bogus is not None:
                close = s.find(">", i)
                if close < 0:
                    return
                self.bogus, i = None, close + 1
                continue
            if self.raw is not None:
                name = self.raw[0]
                if name in NEVER_CLOSED:  # "</plaintext>" is more of its text, not an end tag
                    return
                found = re.compile(rf"</{re.escape(name)}(?=[\s/>])", re.I).search(s, i)
                if found is None:
                    return
                self.raw = None
                self.tag = (name, True, line_at(found.start()), f"</{name}", "")
                i = found.end()
                continue
            if self.comment is not None:
                close = s.find("-->", i)
                if close < 0:
                    return
                self.comment, i = None, close + 3
                continue
            j = s.find("<", i)
            if j < 0:
                return
            if s.startswith("<!--", j):
                if s.startswith((">", "->"), j + 4):  # "<!-->" and "<!--->" end at once
                    i = s.index(">", j + 4) + 1
                else:
                    self.comment, i = (line_at(j), "<!--"), j + 4
                continue
            name_match = _NAME_RE.match(s, j)
            if s.startswith(("<!", "<?"), j) or (s.startswith("</", j) and name_match is None):
                # doctype, processing instruction, "</1": a bogus comment up to the next '>'
                self.bogus, i = (line_at(j), _snippet(s[j : j + SNIPPET].split("\n")[0])), j + 2
                continue
            if name_match is None:
                i = j + 1
                continue
            is_end = s[j + 1] == "/"
            name = name_match.group(1).lower()
            self.tag = (name, is_end, line_at(j), _snippet(s[j : j + SNIPPET]), "")
            i, tag_start = name_match.end(), j

    def _finish(self, name: str, is_end: bool, self_closing: bool, line: int, text: str) -> None:
        if is_end:
            self._close(name)
        else:
            self._start(name, self_closing, line, text)

    def _start(self, name: str, self_closing: bool, line: int, text: str) -> None:
        foreign = self._foreign()
        if name in FOREIGN or foreign:
            if not self_closing and name in self.dropped and name not in VOID:
                self.open.append((name, line, _snippet(text)))
            return
        if name in NEVER_CLOSED or name in RAW_TEXT:
            self.raw = (name, line, _snippet(text))
            return
        if name in self.dropped and name not in VOID:
            self.open.append((name, line, _snippet(text)))

    def _close(self, name: str) -> None:
        for k in range(len(self.open) - 1, -1, -1):
            if self.open[k][0] == name:
                del self.open[k:]
                return

    def problem(self) -> ShortcodeError | None:
        """The earliest thing still open, as an error for the editor (then forgotten)."""
        found: list[ShortcodeError] = []
        if self.open:
            name, line, text = self.open[0]
            found.append(ShortcodeError(line, text, f"<{name}> is not closed, so it would "
                                        "remove everything after it from the page"))
        if self.raw is not None:
            name, line, text = self.raw
            message = (
                f"<{name}> cannot be closed and would remove everything after it from the page"
                if name in NEVER_CLOSED
                else f"<{name}> is not closed (no </{name}>), so it would remove everything "
                "after it from the page"
            )
            found.append(ShortcodeError(line, text, message))
        if self.comment is not None:
            line, text = self.comment
            found.append(ShortcodeError(line, text, "the HTML comment is not closed (no -->), "
                                        "so it would remove everything after it from the page"))
        if self.bogus is not None:
            line, text = self.bogus
            found.append(ShortcodeError(line, text, "the markup is not finished (no '>'), so it "
                                        "would swallow what follows"))
        if self.tag is not None:
            _, _, line, text, _ = self.tag
            found.append(ShortcodeError(line, text, "the tag is not finished (a '>' "
                                        "or closing quote is missing), so it would swallow "
                                        "what follows"))
        self.reset()
        return min(found, key=lambda e: e.line) if found else None


def _inline_lines(token: Token, line: int) -> Iterable[tuple[Token, int]]:
    for child in token.children or []:
        yield child, line
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "html_inline":
            line += child.content.count("\n")


def open_html_errors(tokens: Sequence[Token], dropped: frozenset[str]) -> list[ShortcodeError]:
    """Refusals for HTML left open where it would swallow the markdown after it."""
    scan = _OpenScan(dropped)
    errors: list[ShortcodeError] = []

    def checkpoint() -> None:
        if (problem := scan.problem()) is not None:
            errors.append(problem)

    line = 1
    for token in tokens:
        line = token.map[0] + 1 if token.map else line
        if token.type == "html_block":
            scan.feed(token.content, line)
        elif token.type == "inline":
            checkpoint()
            for child, child_line in _inline_lines(token, line):
                if child.type == "html_inline":
                    scan.feed(child.content, child_line)
            checkpoint()
        elif token.type in ("fence", "code_block"):
            checkpoint()
    checkpoint()
    return errors


class _PageText(HTMLParser):
    """All text of sanitised HTML, and each heading's level and own text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.headings: list[tuple[str, list[str]]] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h2", "h3", "h4"):
            self.headings.append((tag, []))
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h2", "h3", "h4") and self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)
        if self._depth:
            self.headings[-1][1].append(data)


def _squash(text: str) -> str:
    """Whitespace is layout, not content: compare without it."""
    return _WS_RE.sub("", text)


def page_text(html: str) -> _PageText:
    scan = _PageText()
    scan.feed(html)
    scan.close()
    return scan


class _PageCursor:
    """Walks the sanitised page's text in step with the markdown blocks, in order.

    Text and headings are compared without whitespace; each block must be found after the
    previous one, and a heading's words must still be a heading of the same level.
    """

    def __init__(self, safe_html: str) -> None:
        page = page_text(safe_html)
        self.text = _squash("".join(page.chunks))
        self.headings = [(tag, _squash("".join(parts))) for tag, parts in page.headings]
        self.pos = 0
        self.heading_pos = 0

    def expected(self, token: Token, inline_html: Callable[[Token], str]) -> str | None:
        """The text a block must show on the page (None: the token is not a text block)."""
        if token.type in ("fence", "code_block"):
            return _squash(token.content)
        if token.type != "inline":
            return None
        # Its words as markdown parsed them; rendered and sanitised on its own only when
        # that is not found as it stands (HTML inside, text the sanitiser rewrites).
        expected = _squash("".join(
            c.content for c in token.children or [] if c.type in ("text", "code_inline")
        ))
        if self.text.find(expected, self.pos) < 0:
            expected = _squash("".join(page_text(inline_html(token)).chunks))
        return expected

    def advance(self, expected: str, heading_tag: str | None) -> bool:
        """Move past the block's text; False when it is missing (or no longer a heading)."""
        found = self.text.find(expected, self.pos)
        if found < 0:
            return False
        if heading_tag is not None and expected:
            wanted = (heading_tag, expected)
            if wanted not in self.headings[self.heading_pos :]:
                return False  # the words are there, but no longer as a heading
            self.heading_pos = self.headings.index(wanted, self.heading_pos) + 1
        self.pos = found + len(expected)
        return True


def _heading_tag(tokens: Sequence[Token], i: int) -> str | None:
    """The heading tag ("h2") when token i is a heading's text, else None."""
    return tokens[i - 1].tag if i and tokens[i - 1].type == "heading_open" else None


def lost_text_errors(
    tokens: Sequence[Token], inline_html: Callable[[Token], str], safe_html: str
) -> list[ShortcodeError]:
    """A refusal naming the first block of markdown text missing from the sanitised page.

    inline_html(token) is an inline token rendered and sanitised on its own: what the block
    shows when nothing around it interferes (a closed dropped element inside it is already gone).
    """
    cursor = _PageCursor(safe_html)
    line = 1
    culprit: tuple[int, str] | None = None  # the last raw HTML before the current block
    for i, token in enumerate(tokens):
        line = token.map[0] + 1 if token.map else line
        if token.type == "html_block":
            culprit = (line, token.content)
            continue
        expected = cursor.expected(token, inline_html)
        if expected is None:
            continue
        own_html = [(n, c.content) for c, n in _inline_lines(token, line) if c.type == "html_inline"]
        if not cursor.advance(expected, _heading_tag(tokens, i)):
            return [_lost(line, token.content, culprit or (own_html[0] if own_html else None))]
        culprit = own_html[-1] if own_html else culprit
    return []


def _lost(line: int, content: str, culprit: tuple[int, str] | None) -> ShortcodeError:
    if culprit is None:
        return ShortcodeError(line, _snippet(content), "this text would not appear on the page")
    culprit_line, html = culprit
    return ShortcodeError(
        culprit_line,
        _snippet(html),
        f"this HTML would hide the text on line {line} from the page (a tag or quote left "
        "open?); close or remove it",
    )
