"""Turn an outside article (plain text, markdown or HTML) into Larder markdown for editors.

Nothing here publishes: the result is a draft an editor reviews. Plain text has no markup,
so its structure is read from its shape; site chrome (banners, "Related articles", ...)
is dropped and listed in ``skipped_lines`` so the editor can see what went.
"""

from __future__ import annotations

import functools
import html
import re
import tomllib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePath

import nh3
from markdown_it import MarkdownIt

from blog.sanitising import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, DROPPED_WITH_CONTENT, sanitize_html
from blog.shortcodes import markdown_parser

FORMATS = ("text", "markdown", "html")
MAX_HEADING_WORDS = 12
MAX_HEADING_CHARS = 90
DEK_CHARS = 220


class ArticleImportError(ValueError):
    """The input cannot become an article (empty, no title, binary or undecodable)."""


@dataclass
class ImportedArticle:
    """An imported draft: title and dek pulled out, the body as Larder markdown."""

    title: str
    dek: str
    body_markdown: str
    headings: list[str] = field(default_factory=list)
    paragraph_count: int = 0
    source_format: str = "text"
    skipped_lines: list[str] = field(default_factory=list)
    # The file's line number of each body line (markdown only: its body is the file's own
    # lines, less the title block). Empty: the body was rebuilt, its lines are its own.
    file_lines: list[int] = field(default_factory=list)

    def file_line(self, body_line: int) -> int:
        """Where body line N (1-based) sits in the imported file, for messages to the editor."""
        if 1 <= body_line <= len(self.file_lines):
            return self.file_lines[body_line - 1]
        return body_line


# ---------------------------------------------------------------------------- input and format


def _decode(data: str | bytes) -> str:
    """UTF-8 text with normalised newlines; binary input is refused, not guessed at."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ArticleImportError(
                f"the file is not UTF-8 text (undecodable byte at position {exc.start})"
            ) from exc
    text = data.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\t\f")
    if "\x00" in text or controls > max(3, len(text) // 100):
        raise ArticleImportError("the file looks binary (control characters), not an article")
    if not text.strip():
        raise ArticleImportError("the file is empty")
    return text


_HTML_SNIFF_RE = re.compile(r"<(?:!doctype\s+html|html|body|article|p|h[1-6]|div)\b", re.I)
_MD_SNIFF_RE = re.compile(
    r"^(?:#{1,6} \S|\+\+\+$|```|[-*] \S.*\n[-*] \S)|\[[^\]\n]+\]\([^)\s]+\)", re.M
)


def detect_format(filename: str, text: str) -> str:
    """The file extension decides when it is known; otherwise the content is sniffed."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in (".md", ".markdown", ".mdown"):
        return "markdown"
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix == ".txt":
        return "text"
    head = text.lstrip()[:2000]
    if head.startswith("<") and _HTML_SNIFF_RE.search(head):
        return "html"
    if len(_HTML_SNIFF_RE.findall(text)) >= 3:
        return "html"
    if _MD_SNIFF_RE.search(text):
        return "markdown"
    return "text"


def import_article(
    text: str | bytes, filename: str = "", fmt: str | None = None
) -> ImportedArticle:
    """Import one article; raises ArticleImportError with a message fit for the editor."""
    source = _decode(text)
    fmt = fmt or detect_format(filename, source)
    if fmt not in FORMATS:
        raise ArticleImportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    importer = {"text": _import_text, "markdown": _import_markdown, "html": _import_html}[fmt]
    return importer(source)


# ---------------------------------------------------------------------------- shared helpers

_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def _dek_from(paragraph: str) -> str:
    """Leading sentences of the opening paragraph, about one or two lines' worth."""
    sentences = _SENTENCE_END_RE.split(" ".join(paragraph.split()))
    dek = sentences[0]
    for sentence in sentences[1:]:
        if len(dek) + 1 + len(sentence) > DEK_CHARS:
            break
        dek = f"{dek} {sentence}"
    if len(dek) > DEK_CHARS:
        dek = dek[: DEK_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return dek


def _markdown_outline(body: str) -> tuple[list[str], int, str]:
    """Headings (h2-h4 text), top-level paragraph count and first paragraph of markdown."""
    tokens = _md().parse(body)
    headings, paragraphs, first = [], 0, ""
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in ("h2", "h3", "h4"):
            headings.append(tokens[i + 1].content.strip())
        elif token.type == "paragraph_open" and token.level == 0:
            content = tokens[i + 1].content
            if not content.strip():
                continue  # a paragraph that held only CTA shortcodes is not prose
            paragraphs += 1
            first = first or _plain_text(content)
    return headings, paragraphs, first


@functools.cache
def _md() -> MarkdownIt:
    return markdown_parser()


def _plain_text(markdown_inline: str) -> str:
    """Inline markdown as plain text (for a dek): formatting and link targets dropped."""
    rendered = _md().renderInline(markdown_inline)
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", rendered)).split())


_MD_ESCAPE_RE = re.compile(r"([\\`*_\[\]<])|&(?=#?\w+;)")
_MD_LINE_START_RE = re.compile(r"^(\s*)(?:(#{1,6}\s|>|[-+*]\s|[=-]+\s*$)|(\d+)([.)]\s))", re.M)


def _escape_inline(text: str) -> str:
    return _MD_ESCAPE_RE.sub(lambda m: "\\" + m.group(0), text)


def _escape_line_starts(text: str) -> str:
    """Stop a line that merely starts like a heading, quote or list item from becoming one."""

    def fix(m: re.Match[str]) -> str:
        if m.group(2):
            return f"{m.group(1)}\\{m.group(2)}"
        return f"{m.group(1)}{m.group(3)}\\{m.group(4)}"

    return _MD_LINE_START_RE.sub(fix, text)


def _escape_md(text: str) -> str:
    """Escape text so markdown shows it as written (and cannot open a shortcode)."""
    return _escape_line_starts(_escape_inline(text))


# ---------------------------------------------------------------------------- plain text

_CHROME_PATTERNS = [
    r"related (?:articles?|posts?|reading|stories|products)",
    r"(?:go|back|return) to (?:the )?(?:full|main|desktop|mobile) (?:site|version)",
    r"(?:view|visit) (?:the )?(?:full|desktop) (?:site|version)",
    r"back to top|skip to (?:main )?content|table of contents",
    r"share(?: this)?(?: article| post| page)?(?: on \w+)?|tweet|pin it|print(?: this)?",
    r"read more|continue reading|(?:previous|next) (?:article|post|story)",
    r"subscribe(?: to (?:our|the) newsletter)?|sign up for (?:our|the) newsletter",
    r"advertisement|sponsored(?: content)?|all rights reserved\.?",
    r"(?:©|\(c\)|copyright)\s.*",
    r"home|menu|search|cart|log ?in|sign in|my account|accept(?: all)?(?: cookies)?",
    r"(?:tags?|categories|filed under|posted in)\s*:.*",
]
_CHROME_RE = re.compile("|".join(f"(?:{p})" for p in _CHROME_PATTERNS), re.IGNORECASE)
# Promotional banners: short lines selling something rather than saying something.
_PROMO_RE = re.compile(r"\b(?:shop now|free shipping|use code|buy now|order now)\b", re.I)
_RELATED_RE = re.compile(r"related (?:articles?|posts?|reading|stories|products)", re.I)
_LIST_ITEM_RE = re.compile(r"^\s*(?:[-*•‣◦]|(\d+)[.)])\s+(.*)$")
_CLOSING_RE = re.compile(
    r"(?:in )?(?:conclusion|summary|final thoughts|(?:the )?bottom line|key takeaways|"
    r"faqs?|frequently asked questions|references|sources|further reading)\b",
    re.IGNORECASE,
)


@dataclass
class _Block:
    kind: str  # "heading" | "paragraph" | "list"
    text: str
    items: list[tuple[bool, str]] = field(default_factory=list)  # (numbered, text)
    level: int = 2


def _is_chrome(line: str) -> bool:
    words = len(line.split())
    if _CHROME_RE.fullmatch(line.strip()):
        return True
    return words <= MAX_HEADING_WORDS and bool(_PROMO_RE.search(line))


def _heading_shaped(line: str) -> bool:
    """Short, one line, starts like a title, and does not end like a sentence."""
    stripped = line.strip()
    bare = stripped.rstrip("\"'”’)]*")
    return (
        0 < len(stripped) <= MAX_HEADING_CHARS
        and len(stripped.split()) <= MAX_HEADING_WORDS
        and (stripped[0].isupper() or stripped[0].isdigit())
        and bool(bare)
        and bare[-1] not in ".!?:;,…"
        and not _LIST_ITEM_RE.match(stripped)
    )


def _raw_blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.strip():
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _take_title(blocks: list[list[str]], skipped: list[str]) -> tuple[str, list[list[str]]]:
    """Title = a line repeated at the top (what came before it is chrome), else the first line."""
    lead = 0
    while lead < len(blocks) and len(blocks[lead]) == 1 and _heading_shaped(blocks[lead][0]):
        lead += 1
    lines = [b[0] for b in blocks[:lead]]
    keys = [" ".join(line.lower().split()) for line in lines]
    repeated = next((i for i, k in enumerate(keys) if keys.count(k) > 1), None)
    if repeated is not None:
        skipped.extend(lines[:repeated])
        title, rest = lines[repeated], blocks[repeated + 1 :]
    elif lead:
        title, rest = lines[0], blocks[1:]
    else:
        raise ArticleImportError(
            "no title found: the first line should be the article's title on its own line"
        )
    key = " ".join(title.lower().split())
    kept = []
    for block in rest:
        if len(block) == 1 and " ".join(block[0].lower().split()) == key:
            skipped.append(block[0])  # the title repeated by the page template
        else:
            kept.append(block)
    return title, kept


def _drop_chrome(blocks: list[list[str]], skipped: list[str]) -> list[list[str]]:
    """Drop chrome lines, and everything short after a trailing "Related articles"."""
    for i, block in enumerate(blocks):
        if len(block) == 1 and _RELATED_RE.fullmatch(block[0]):
            tail = blocks[i:]
            if all(len(b) == 1 and len(b[0].split()) <= MAX_HEADING_WORDS for b in tail):
                skipped.extend(b[0] for b in tail)
                blocks = blocks[:i]
                break
    kept = []
    for block in blocks:
        if len(block) == 1 and _is_chrome(block[0]):
            skipped.append(block[0])
        else:
            kept.append(block)
    return kept


def _classify(blocks: list[list[str]]) -> list[_Block]:
    out: list[_Block] = []
    for i, lines in enumerate(blocks):
        items = [_LIST_ITEM_RE.match(line) for line in lines]
        if all(items):
            out.append(_Block("list", "", [(bool(m.group(1)), m.group(2)) for m in items if m]))
        elif len(lines) == 1 and _heading_shaped(lines[0]) and _followed_by_prose(blocks, i):
            out.append(_Block("heading", lines[0]))
        else:
            out.append(_Block("paragraph", " ".join(lines)))
    return out


def _followed_by_prose(blocks: list[list[str]], i: int) -> bool:
    """A heading introduces something: a later block that is not itself heading-shaped."""
    return any(not (len(b) == 1 and _heading_shaped(b[0])) for b in blocks[i + 1 :])


def _assign_levels(blocks: list[_Block]) -> None:
    """h2 for sections, h3 for sub-sections under a parent heading.

    A heading is a parent when its section opens with a paragraph ending in ":" (it announces
    what follows), or when, outside any such group, its whole section is one short intro
    paragraph followed straight away by another heading. Headings after a parent are its h3
    sub-sections until the next parent; a closing heading ("Conclusion", "FAQ") is always h2.
    """
    heads = [i for i, b in enumerate(blocks) if b.kind == "heading"]
    group: str | None = None  # None, "colon" or "intro"
    for n, i in enumerate(heads):
        end = heads[n + 1] if n + 1 < len(heads) else len(blocks)
        section = blocks[i + 1 : end]
        colon = bool(section) and section[0].kind == "paragraph" and section[0].text.endswith(":")
        intro = (
            len(section) == 1
            and section[0].kind == "paragraph"
            and end < len(blocks)
            and group != "colon"
        )
        if _CLOSING_RE.match(blocks[i].text):
            blocks[i].level, group = 2, None
        elif colon or intro:
            blocks[i].level, group = 2, "colon" if colon else "intro"
        else:
            blocks[i].level = 3 if group else 2


def _import_text(text: str) -> ImportedArticle:
    skipped: list[str] = []
    raw = _drop_chrome(_raw_blocks(text), skipped)
    title, raw = _take_title(raw, skipped)
    skipped.sort(key=text.find)  # report in the order they appeared
    blocks = _classify(raw)
    _assign_levels(blocks)
    parts: list[str] = []
    for block in blocks:
        if block.kind == "heading":
            parts.append(f"{'#' * block.level} {_escape_md(block.text)}")
        elif block.kind == "list":
            parts.append(
                "\n".join(
                    f"{n}. {_escape_md(t)}" if numbered else f"- {_escape_md(t)}"
                    for n, (numbered, t) in enumerate(block.items, start=1)
                )
            )
        else:
            parts.append(_escape_md(block.text))
    paragraphs = [b.text for b in blocks if b.kind == "paragraph"]
    return ImportedArticle(
        title=title,
        dek=_dek_from(paragraphs[0]) if paragraphs else "",
        body_markdown="\n\n".join(parts) + "\n",
        headings=[b.text for b in blocks if b.kind == "heading"],
        paragraph_count=len(paragraphs),
        source_format="text",
        skipped_lines=skipped,
    )


# ---------------------------------------------------------------------------- markdown

_FRONT_MATTER_RE = re.compile(r"\A\+\+\+\n(.*?)\n\+\+\+\n", re.S)
_ATX_H1_RE = re.compile(r"^ {0,3}# +(.+?)(?: +#+)? *$", re.M)
_SETEXT_H1_RE = re.compile(r"^ {0,3}(\S.*)\n {0,3}=+ *$", re.M)
_FENCE_RE = re.compile(r"^ {0,3}(```|~~~)", re.M)


def _import_markdown(text: str) -> ImportedArticle:
    meta: dict[str, object] = {}
    first_line = 1  # file line of text's first line
    if match := _FRONT_MATTER_RE.match(text):
        try:
            meta = tomllib.loads(match.group(1))
        except tomllib.TOMLDecodeError as exc:
            raise ArticleImportError(f"front matter is not valid TOML: {exc}") from exc
        text = text[match.end() :]
        first_line += match.group(0).count("\n")
    title = str(meta.get("title") or "").strip()
    first_fence = next((m.start() for m in _FENCE_RE.finditer(text)), len(text))
    h1 = _ATX_H1_RE.search(text, 0, first_fence) or _SETEXT_H1_RE.search(text, 0, first_fence)
    lines = [first_line + n for n in range(text.count("\n") + 1)]
    if h1:
        title = title or h1.group(1).strip()
        before, after = text[: h1.start()].rstrip("\n"), text[h1.end() :].lstrip("\n")
        # kept lines before the title, the blank line standing in for it, the lines after
        after_starts = first_line + text.count("\n", 0, len(text) - len(after))
        lines = [first_line + n for n in range(before.count("\n") + 1)]
        lines.append(first_line + text.count("\n", 0, h1.start()))
        lines += [after_starts + n for n in range(after.count("\n") + 1)]
        text = before + "\n\n" + after
    if not title:
        raise ArticleImportError("no title found: start the markdown with a '# Title' line")
    lines = lines[text.count("\n", 0, len(text) - len(text.lstrip())) :]
    body = text.strip() + "\n"
    headings, paragraphs, first = _markdown_outline(body)
    return ImportedArticle(
        title=title,
        dek=str(meta.get("dek") or "").strip() or (_dek_from(first) if first else ""),
        body_markdown=body,
        headings=headings,
        paragraph_count=paragraphs,
        source_format="markdown",
        file_lines=lines,
    )


# ---------------------------------------------------------------------------- HTML

# Page furniture removed with its content before sanitising (the article's own h1 is read first).
_HTML_CHROME = {"nav", "header", "footer", "aside", "head"}
_PRE_PASS_TAGS = ALLOWED_TAGS | {"h1", "h5", "h6", "b", "i", "strike", "div", "span", "article"}


class _TitleScan(HTMLParser):
    """Reads the first <h1>, the <title> and the meta description of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.h1: list[str] | None = None
        self.title: list[str] | None = None
        self.description = ""
        self._into: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h1" and self.h1 is None:
            self.h1 = self._into = []
        elif tag == "title" and self.title is None:
            self.title = self._into = []
        elif tag == "meta":
            values = dict(attrs)
            if (values.get("name") or values.get("property") or "").lower() in (
                "description",
                "og:description",
            ):
                self.description = self.description or (values.get("content") or "").strip()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "title"):
            self._into = None

    def handle_data(self, data: str) -> None:
        if self._into is not None:
            self._into.append(data)


def _import_html(text: str) -> ImportedArticle:
    scan = _TitleScan()
    scan.feed(text)
    scan.close()
    title = " ".join("".join(scan.h1 or []).split())
    if not title and scan.title:
        # "Article title | Site name": keep the article's part
        title = re.split(r"\s+[|–—-]\s+", " ".join("".join(scan.title).split()))[0]
    if not title:
        raise ArticleImportError("no title found: the page has neither an <h1> nor a <title>")
    body_html = nh3.clean(
        text,
        tags=set(_PRE_PASS_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT | _HTML_CHROME),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        link_rel=None,
    )
    drop = functools.partial(_drop_title, title=title)
    body_html = re.sub(r"<h1>(.*?)</h1>", drop, body_html, count=1, flags=re.S)
    for old, new in (("h1", "h2"), ("h5", "h4"), ("h6", "h4"), ("b", "strong"), ("i", "em")):
        body_html = re.sub(rf"<(/?){old}>", rf"<\1{new}>", body_html)
    body_html = re.sub(r"<(/?)strike>", r"<\1s>", body_html)
    body = html_to_markdown(sanitize_html(body_html))
    headings, paragraphs, first = _markdown_outline(body)
    return ImportedArticle(
        title=title,
        dek=scan.description or (_dek_from(first) if first else ""),
        body_markdown=body,
        headings=headings,
        paragraph_count=paragraphs,
        source_format="html",
    )


def _drop_title(match: re.Match[str], title: str) -> str:
    """The page's h1 is the title we already have; any other first h1 stays as content."""
    text = " ".join(html.unescape(re.sub(r"<[^>]*>", "", match.group(1))).split())
    return "" if text == title else match.group(0)


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node | str] = field(default_factory=list)


_VOID = {"br", "hr", "img"}
_BLOCK_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "pre", "table", "hr"}
_BLOCK_TAGS |= {"section", "thead", "tbody", "tr", "th", "td"}


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if any(n.tag == tag for n in self.stack[1:]):
            while self.stack[-1].tag != tag:
                self.stack.pop()
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def html_to_markdown(html: str) -> str:
    """Markdown for sanitised HTML (the allow-listed tags only); other tags keep their text."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return "\n\n".join(_blocks(builder.root)).strip() + "\n"


def _text_of(node: _Node | str) -> str:
    if isinstance(node, str):
        return node
    return "".join(_text_of(c) for c in node.children)


def _inline(node: _Node | str) -> str:
    if isinstance(node, str):
        return _escape_inline(re.sub(r"\s+", " ", node))
    inner = "".join(_inline(c) for c in node.children)
    tag, attrs = node.tag, node.attrs
    if tag == "br":
        return "\\\n"
    if tag == "img":
        if not attrs.get("src"):
            return ""  # the sanitiser removed an unsafe source
        alt = _escape_inline(attrs.get("alt", ""))
        return f"![{alt}]({_url(attrs.get('src', ''), attrs.get('title'))})"
    if not inner.strip():
        return inner
    lead, core, trail = re.match(r"(\s*)(.*?)(\s*)\Z", inner, re.S).groups()  # type: ignore[union-attr]
    if tag == "strong":
        return f"{lead}**{core}**{trail}"
    if tag == "em":
        return f"{lead}*{core}*{trail}"
    if tag in ("s", "del"):
        return f"{lead}~~{core}~~{trail}"
    if tag == "code":
        code = _text_of(node)
        fence = "`" * (max((len(r) for r in re.findall(r"`+", code)), default=0) + 1)
        pad = " " if code.startswith("`") or code.endswith("`") else ""
        return f"{fence}{pad}{code}{pad}{fence}"
    if tag == "a" and attrs.get("href"):
        return f"{lead}[{core}]({_url(attrs['href'], attrs.get('title'))}){trail}"
    return inner


def _url(url: str, title: str | None) -> str:
    url = f"<{url}>" if re.search(r"[\s()<>]", url) else url
    if title:
        return f'{url} "{title.replace(chr(34), chr(92) + chr(34))}"'
    return url


def _blocks(node: _Node) -> list[str]:
    """Block-level markdown for a node's children; loose inline runs become paragraphs."""
    out: list[str] = []
    run: list[_Node | str] = []

    def flush() -> None:
        text = "".join(_inline(c) for c in run).strip()
        if text:
            out.append(text)
        run.clear()

    for child in node.children:
        if isinstance(child, str) or child.tag not in _BLOCK_TAGS:
            run.append(child)
            continue
        flush()
        out.extend(_block(child))
    flush()
    return out


def _block(node: _Node) -> list[str]:
    tag = node.tag
    if tag == "p":
        text = "".join(_inline(c) for c in node.children).strip()
        return [_escape_line_starts(text)] if text else []
    if tag in ("h2", "h3", "h4"):
        text = " ".join(_text_of(node).split())
        return [f"{'#' * int(tag[1])} {_escape_md(text)}"] if text else []
    if tag == "hr":
        return ["---"]
    if tag == "pre":
        code = _text_of(node).strip("\n")
        fence = "`" * max(3, max((len(r) + 1 for r in re.findall(r"`{3,}", code)), default=3))
        return [f"{fence}\n{code}\n{fence}"]
    if tag == "blockquote":
        inner = "\n\n".join(_blocks(node))
        return ["\n".join(f"> {line}".rstrip() for line in inner.split("\n"))] if inner else []
    if tag in ("ul", "ol"):
        return [_list(node)]
    if tag == "table":
        return [_table(node)]
    return _blocks(node)  # section, li or table parts outside their parents: just the content


def _list(node: _Node) -> str:
    items: list[str] = []
    start_attr = node.attrs.get("start", "")
    start = int(start_attr) if start_attr.isascii() and start_attr.isdigit() else 1
    for n, item in enumerate((c for c in node.children if isinstance(c, _Node)), start=start):
        marker = f"{n}. " if node.tag == "ol" else "- "
        # paragraphs inside an item stay apart; text plus a nested list stays tight
        loose = any(isinstance(c, _Node) and c.tag == "p" for c in item.children)
        body = ("\n\n" if loose else "\n").join(_blocks(item))
        lines = body.split("\n") or [""]
        indent = " " * len(marker)
        items.append(
            marker + lines[0] + "".join(f"\n{indent}{ln}" if ln else "\n" for ln in lines[1:])
        )
    return "\n".join(items)


def _table(node: _Node) -> str:
    rows: list[list[tuple[str, str]]] = []

    def walk(n: _Node) -> None:
        for child in n.children:
            if not isinstance(child, _Node):
                continue
            if child.tag == "tr":
                cells = [c for c in child.children if isinstance(c, _Node)]
                rows.append(
                    [
                        (
                            "".join(_inline(x) for x in c.children).strip().replace("|", "\\|"),
                            c.attrs.get("class", ""),
                        )
                        for c in cells
                    ]
                )
            else:
                walk(child)

    walk(node)
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [("", "")] * (width - len(r)) for r in rows]
    align = {"align-left": ":--", "align-center": ":-:", "align-right": "--:"}
    lines = ["| " + " | ".join(text for text, _ in rows[0]) + " |"]
    lines.append("| " + " | ".join(align.get(cls, "---") for _, cls in rows[0]) + " |")
    lines += ["| " + " | ".join(text for text, _ in row) + " |" for row in rows[1:]]
    return "\n".join(lines)
