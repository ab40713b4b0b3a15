"""HTML the sanitiser drops with its content never takes the rest of the article with it:
the rest reaches the page, or the save is refused naming the line (never a silent loss)."""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from blog.sanitising import DROPPED_WITH_CONTENT
from blog.services import (
    ArticleDraft,
    ArticleValidationError,
    delete_article,
    publish_article,
    save_article,
)

WORDS = ["magnesium", "fibre", "oats", "sleep", "ginger", "rice", "broth", "kiwi", "walnut", "tea"]
PAYLOAD = "secret payload <img src=x onerror=alert(1)>"
# Mutation-XSS shapes around <math><style>: foreign content parses <style> differently.
MATH_STYLE = [
    ("<math><style>", "</style></math>"),
    ("<math><mtext><table><mglyph><style>", "</style></mglyph></table></mtext></math>"),
    ("<svg><style>", "</style></svg>"),
]
_slugs = itertools.count()


class _Blocks(HTMLParser):
    """(tag, text) of each heading and paragraph on the page, and every tag name seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[str]] = []
        self.tags: set[str] = set()
        self.attrs: set[str] = set()
        self._open: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)
        if tag in ("h2", "h3", "h4", "p"):
            block = [tag, ""]
            self.blocks.append(block)
            self._open.append(block)

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag:
            self._open.pop()

    def handle_data(self, data):
        for block in self._open:
            block[1] += data


def _squash(text: str) -> str:
    return " ".join(text.split())


def _article_body(html: str) -> str:
    return html[html.index('class="prose article-body"'):html.index('class="lite-link')]


@st.composite
def fragments(draw) -> tuple[str, str]:
    """(fragment, what it is) for one element the sanitiser drops, closed or not."""
    name = draw(st.sampled_from(sorted(DROPPED_WITH_CONTENT) + ["math-style"]))
    if name == "math-style":
        opening, closing = draw(st.sampled_from(MATH_STYLE))
    else:
        opening, closing = f"<{name}>", f"</{name}>"
    inner = draw(st.sampled_from([PAYLOAD, "\n" + PAYLOAD + "\n", ""]))
    closed = draw(st.booleans())
    return opening + inner + (closing if closed else ""), name


sentences = st.lists(st.sampled_from(WORDS), min_size=2, max_size=6).map(" ".join)
blocks = st.lists(
    st.tuples(st.sampled_from(["##", "###", "p"]), sentences), min_size=2, max_size=7
)


@st.composite
def articles(draw):
    """Markdown of headings and paragraphs with one hostile fragment, as its own block or at
    the end of a paragraph; returns (source, fragment line, expected blocks, fragment name)."""
    parts = draw(blocks)
    fragment, name = draw(fragments())
    at = draw(st.integers(min_value=0, max_value=len(parts)))
    inline = draw(st.booleans())
    lines: list[str] = []
    expected: list[tuple[str, str]] = []
    fragment_line = 0
    for i, (kind, words) in enumerate([*parts, ("end", "")]):
        if i == at:
            if inline:
                text = f"Lead words n{i}"
                fragment_line = len(lines) + 1
                lines += [f"{text} {fragment}", ""]
                expected.append(("lead", text))
            else:
                fragment_line = len(lines) + 1
                lines += [fragment, ""]
        if kind == "end":
            break
        text = f"{words} n{i}"  # every block's text is unique
        if kind == "p":
            lines += [text, ""]
            expected.append(("p", text))
        else:
            lines += [f"{kind} {text}", ""]
            expected.append(("h2" if kind == "##" else "h3", text))
    return "\n".join(lines), fragment_line, expected, name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(article=articles())
def test_no_heading_or_paragraph_outside_a_hostile_fragment_is_silently_lost(client, article):
    source, fragment_line, expected, name = article
    slug = f"hostile-{next(_slugs)}"
    try:
        saved = save_article(None, ArticleDraft(source=source, title="Hostile", slug=slug)).article
    except ArticleValidationError as refused:
        assert any(m.startswith(f"Line {fragment_line}: ") for m in refused.messages), (
            source, refused.messages)
        assert client.get(f"/blog/{slug}").status_code == 404
        return
    publish_article(saved)
    try:
        page = _Blocks()
        page.feed(_article_body(client.get(f"/blog/{slug}").get_data(as_text=True)))
        shown = [(tag, _squash(text)) for tag, text in page.blocks]
        for kind, text in expected:
            if kind == "lead":  # the paragraph holding the fragment keeps its own words
                assert any(tag == "p" and t.startswith(text) for tag, t in shown), (source, shown)
            else:
                assert (kind, text) in shown, (source, shown)
        # the table of contents lists exactly the headings still on the page
        toc = [h["text"] for h in saved.headings]
        assert toc == [text for kind, text in expected if kind in ("h2", "h3")], source
        dropped = {"math", "style", "svg"} if name == "math-style" else {name}
        assert not dropped & page.tags - {"frameset"}, source  # frameset is ignored in a body
        assert not any(a.startswith("on") or a == "style" for a in page.attrs), source
    finally:
        delete_article(saved)


@pytest.mark.parametrize(
    ("fragment", "named"),
    [
        ("<style>", "<style> is not closed"),
        ("<textarea>", "<textarea> is not closed"),
        ("<select>", "<select> is not closed"),
        ("<math><style>", "<math> is not closed"),
        ("<!-- note to self", "comment is not closed"),
        ('<div title="half', "tag is not finished"),
    ],
)
def test_unclosed_fragment_is_refused_naming_its_line(client, fragment, named):
    source = f"Intro.\n\n## Why\n\n{fragment}\n\n## After\n\nThe rest of the article.\n"
    with pytest.raises(ArticleValidationError) as refused:
        save_article(None, ArticleDraft(source=source, title="Open tag", slug="open-tag"))
    assert refused.value.messages[0].startswith("Line 5: ")
    assert named in refused.value.messages[0]
    assert client.get("/blog/open-tag").status_code == 404


def test_closed_fragment_goes_and_everything_else_stays(client):
    source = ("Intro.\n\n<style>body { display: none }</style>\n\n## After the style\n\n"
              "Text with <textarea>typed</textarea> inside.\n\n<select><option>x</option></select>\n\n"
              "The end.\n")
    article = save_article(None, ArticleDraft(source=source, title="Closed", slug="closed")).article
    publish_article(article)
    body = _article_body(client.get("/blog/closed").get_data(as_text=True))
    assert "After the style</h2>" in body
    assert "Text with  inside." in body and "The end." in body
    assert not re.search(r"<(style|textarea|select|option)\b", body)
    assert "display: none" not in body and "typed" not in body


def test_a_lost_block_the_scan_misses_is_still_refused(monkeypatch):
    """The after-sanitising check alone: with the open-HTML scan switched off, an unclosed
    <select> is still caught because the text after it is missing from the sanitised page."""
    import blog.rendering

    monkeypatch.setattr(blog.rendering, "open_html_errors", lambda tokens, dropped: [])
    rendered = blog.rendering.render_article("Intro.\n\n<select>\n\n## After\n\nMore.\n")
    assert [(e.line, e.text) for e in rendered.errors] == [(3, "<select>")]
    assert "would hide the text on line 5" in rendered.errors[0].message


# ---------------------------------------------------------------- how the scan reads HTML
# The refusal the editor sees: (line, the markup quoted, the start of the explanation). These
# run render_article directly: the same errors save_article turns into "Line N: ..." messages.

_REST = "so it would remove everything after it from the page"
_NOT_CLOSED = f"is not closed, {_REST}"
_UNFINISHED_TAG = "the tag is not finished (a '>' or closing quote is missing), so it would swallow what follows"
_OPEN_COMMENT = f"the HTML comment is not closed (no -->), {_REST}"
_NEVER_CLOSED = "<plaintext> cannot be closed and would remove everything after it from the page"


def _refusals(source: str) -> list[tuple[int, str, str]]:
    from blog.rendering import render_article

    return [(e.line, e.text, e.message) for e in render_article(source).errors]


def _shown(source: str) -> str:
    from blog.rendering import render_article

    rendered = render_article(source)
    assert rendered.errors == [], rendered.errors
    return rendered.html


@pytest.mark.parametrize(
    "fragment",
    [
        # a quoted value may hold '>' and '<!--': neither ends the tag nor opens a comment
        '<div title="a > <!-- b">x</div>',
        "<div title='a > <!-- b'>x</div>",
        '<div title = "a > <!-- b">x</div>',
        '<div title=\n"a > <!-- b">x</div>',
        '<div title="" class="a > <!-- b">x</div>',
        # raw text: inside <style>/<textarea> a '<!--' is text, not a comment
        "<style>/* <!-- */</style>",
        "<textarea>a <!-- b</textarea>",
        "<object><style>/* <!-- */</style></object>",
        # SVG/MathML: <style> is an ordinary element there and "/>" closes an element
        "<svg><style></svg>",
        "<svg><style/></svg>",
        "<svg><svg/></svg>",
        "<math><math/></math>",
        # an end tag closes what was opened inside it too
        "<object><button></object>",
        # a tag, or a quoted value, left open at the end of one HTML block goes on in the next
        '<div title="a\n\n<p>b > <!-- c">x</div>',
        "<div class=a\n\n<p>x</p></div>",
        # an end tag's attributes are read as a tag's: a quoted "<!--" there is no comment
        '<div><textarea>a</textarea title="<!--"></div>',
        # end tags match in any letter case
        "<style>a</STYLE>",
        # "<!-->", "<!--->" and "<!---->" are whole (empty) comments
        "<!---->",
        # "<?...>" and "</1...>" are bogus comments up to the next '>': a "<!--" inside is text
        '<?php echo "<!--" ?>',
        "<div></div></1 <!-- x>",
        "<!-->",
        "<!--->",
    ],
)
def test_closed_markup_is_accepted_and_the_text_after_it_shown(fragment):
    html = _shown(f"Intro.\n\n{fragment}\n\n## After it\n\nThe rest.\n")
    assert '<h2 id="after-it">After it</h2>' in html
    assert "<p>The rest.</p>" in html


@pytest.mark.parametrize(
    ("fragment", "refusal"),
    [
        # no quote: the tag runs to the end of the block (also when it stops at "=")
        ("<div class=half", (3, "<div class=half", _UNFINISHED_TAG)),
        ("<div title=", (3, "<div title=", _UNFINISHED_TAG)),
        # a quote in the middle of an unquoted value is just a character: the '>' ends the tag
        ('<div title=X"y > <!-- X">x</div>', (3, "<!--", _OPEN_COMMENT)),
        # the last quote of the block is not the end of the first value
        ('<div title="x"><textarea>"', (3, "<textarea>",
                                        f"<textarea> is not closed (no </textarea>), {_REST}")),
        ("<plaintext>", (3, "<plaintext>", _NEVER_CLOSED)),
        # "</plaintext>" does not end it: the browser shows the rest as plain text
        ("<plaintext>x</plaintext>", (3, "<plaintext>", _NEVER_CLOSED)),
        ("<xmp>", (3, "<xmp>", f"<xmp> is not closed (no </xmp>), {_REST}")),
        ("<!doctype html", (3, "<!doctype html",
                            "the markup is not finished (no '>'), so it would swallow what follows")),
        # the element opened first is named, quoted exactly, with its whitespace folded
        ('<select   name="x"\n  id="y">', (3, '<select name="x" id="y">', f"<select> {_NOT_CLOSED}")),
        ("<object><select>", (3, "<object>", f"<object> {_NOT_CLOSED}")),
        # a finished doctype or processing instruction, or a closed raw element, hides nothing
        ("<div></div><?php x ?><select>", (3, "<select>", f"<select> {_NOT_CLOSED}")),
        ("<div></div><!doctype html><select>", (3, "<select>", f"<select> {_NOT_CLOSED}")),
        ("<textarea></textarea><textarea>x", (3, "<textarea>",
                                             f"<textarea> is not closed (no </textarea>), {_REST}")),
        # a doctype, "<!>" or a stray "<" ends where it should, and the markup after it counts
        ("<!doctype html><select>", (3, "<select>", f"<select> {_NOT_CLOSED}")),
        ("<div></div><!><select>", (3, "<select>", f"<select> {_NOT_CLOSED}")),
        ("</div>x < 3 <select>", (3, "<select>", f"<select> {_NOT_CLOSED}")),
        ("<div></div><<select>", (3, "<select>", f"<select> {_NOT_CLOSED}")),
        # a quoted value carried into the next HTML block ends at its first quote; what follows counts
        ('<div title="a\n\n<p>b"> <!-- c ">x</div>', (5, "<!--", _OPEN_COMMENT)),
        ('<div title="a\n\n<p>b=" > <!-- c ">x</div>', (5, "<!--", _OPEN_COMMENT)),
        # two things open at once: the one that began first is named
        ("<select>\n<!-- note", (3, "<select>", f"<select> {_NOT_CLOSED}")),
        # a comment ends at its first "-->", and only one that starts after it counts
        ("<!-- a --><select> -->", (3, "<select>", f"<select> {_NOT_CLOSED}")),
        ('<div title="-->"><!-- x', (3, "<!--", _OPEN_COMMENT)),
        ("<div></div><!--><select>", (3, "<select>", f"<select> {_NOT_CLOSED}")),
        # an end tag left unfinished is named on its own line
        ("<style>\na\n</style", (5, "</style", _UNFINISHED_TAG)),
        # the line of the markup inside a block of several lines
        ("<div>\n<p>ok</p>\n<select>", (5, "<select>", f"<select> {_NOT_CLOSED}")),
    ],
)
def test_unfinished_markup_is_refused_quoting_it_on_its_line(fragment, refusal):
    found = _refusals(f"Intro.\n\n{fragment}\n\n## After it\n\nThe rest.\n")
    assert found == [refusal]


@settings(max_examples=60, deadline=None)
@given(width=st.integers(min_value=0, max_value=80))
@example(width=43)  # the tag is exactly 60 characters: quoted whole
@example(width=44)  # 61: cut
def test_the_quoted_markup_is_cut_at_sixty_characters(width):
    tag = f'<select title="{"a" * width}">'
    [(line, text, _)] = _refusals(f"Intro.\n\n{tag}\n\nThe rest.\n")
    assert line == 3
    assert text == (tag if len(tag) <= 60 else tag[:59] + "…")


@pytest.mark.parametrize(
    "paragraph",
    [
        "One\ntwo <textarea>",  # a soft line break
        "One  \ntwo <textarea>",  # hard line breaks, two spaces or a backslash
        "One\\\ntwo <textarea>",
        'One <span\ntitle="x">two</span> <textarea>',  # inline HTML spanning lines
    ],
)
def test_markup_inside_a_paragraph_is_named_on_its_own_line(paragraph):
    assert _refusals(f"Intro.\n\n{paragraph}\n\n## After it\n") == [
        (4, "<textarea>", f"<textarea> is not closed (no </textarea>), {_REST}")
    ]


@pytest.mark.parametrize("code", ["```\ncode\n```", "    code"])
def test_markup_left_open_over_a_code_block_is_refused_even_if_closed_after_it(code):
    # the code block would vanish inside the <select>; a later </select> does not save it
    assert _refusals(f"<select>\n\n{code}\n\n</select>\n") == [
        (1, "<select>", f"<select> {_NOT_CLOSED}")
    ]


# ---------------------------------------------------------------- the net after sanitising
# lost_text_errors on its own: the markdown an editor wrote, the page the sanitiser produced,
# and the refusal (line, quoted text, message) the editor is shown.

_HIDES = ("this HTML would hide the text on line {} from the page (a tag or quote left open?); "
          "close or remove it")
_MISSING = "this text would not appear on the page"


def _net(source: str, page: str) -> list[tuple[int, str, str]]:
    from markdown_it import MarkdownIt

    from blog.html_guard import lost_text_errors
    from blog.sanitising import sanitize_html

    md = MarkdownIt("commonmark")

    def inline_html(token):
        return sanitize_html(md.renderer.renderInline(token.children or [], md.options, {}))

    return [(e.line, e.text, e.message) for e in lost_text_errors(md.parse(source), inline_html, page)]


@pytest.mark.parametrize(
    ("source", "page", "refusal"),
    [
        # a block must be found after the one before it, not anywhere on the page
        ("Same words.\n\n<select>\n\nSame words.\n", "<p>Same words.</p>", (3, "<select>", _HIDES.format(5))),
        # a heading whose words remain, but no longer as a heading of its level
        ("## Dosage\n\nText.\n", "<p>Dosage</p><p>Text.</p>", (1, "Dosage", _MISSING)),
        ("## A\n\n## A\n\n## A\n", "<h2>A</h2><h2>A</h2><p>A</p>", (5, "A", _MISSING)),
        ("## A\n\n## B\n\n## A\n\n## B\n", "<h2>A</h2><h2>B</h2><h2>A</h2><p>B</p>", (7, "B", _MISSING)),
        # code blocks are text the reader needs too
        ("Intro.\n\n<select>\n\n```\ncode here\n```\n", "<p>Intro.</p>", (3, "<select>", _HIDES.format(5))),
        ("Intro.\n\n<select>\n\n    indented code\n", "<p>Intro.</p>", (3, "<select>", _HIDES.format(5))),
        # the HTML blamed: the last raw HTML before the lost block, even inside a paragraph...
        ("Lead <select>\n\nNext paragraph.\n", "<p>Lead </p>", (1, "<select>", _HIDES.format(3))),
        # ...else the block's own first piece of HTML, else the block itself
        ("Lead <b>bold</b> and <i>more</i> words.\n", "<p>Lead</p>", (1, "<b>", _HIDES.format(1))),
        ("Intro.\n\nA paragraph the page lost.\n", "<p>Intro.</p>", (3, "A paragraph the page lost.", _MISSING)),
    ],
)
def test_the_net_refuses_the_first_lost_block_naming_what_hid_it(source, page, refusal):
    assert _net(source, page) == [refusal]


def test_a_plain_article_is_accepted_and_sanitised_once(monkeypatch):
    """Every heading level, inline markup, code, entities and line breaks are found on the page
    as they stand: no false refusal, and no block is sanitised a second time on its own (that
    is kept for blocks with HTML inside; doing it for every block made long articles slow)."""
    import blog.rendering

    calls = []
    sanitize = blog.rendering.sanitize_html
    monkeypatch.setattr(blog.rendering, "sanitize_html", lambda html: calls.append(html) or sanitize(html))
    source = ("Intro with *emphasis*, `code`, Fish & chips, \"quotes\" and a soft\nline break.\n\n"
              "## Magnesium *and* sleep\n\n### Forms of `magnesium`\n\n#### Glycinate\n\n"
              "```\nfenced code\n```\n\n    indented code\n\nSame words.\n\nSame words.\n")
    rendered = blog.rendering.render_article(source)
    assert rendered.errors == []
    assert "<h4>Glycinate</h4>" in rendered.html
    assert len(calls) == 1, calls
