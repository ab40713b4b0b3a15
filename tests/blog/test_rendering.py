"""Article rendering: markdown features, CTA markers, the sanitiser policy and XSS vectors."""

import re
from html.parser import HTMLParser

import pytest

from blog.rendering import (
    CtaBlock,
    Heading,
    reading_minutes,
    render_article,
    split_on_ctas,
)
from blog.sanitising import sanitize_html

ARTICLE = """\
# Ignored page title

Magnesium helps muscles relax. [[shop-now:magnesium-glycinate|Shop magnesium glycinate]]

## Forms of magnesium

[[product:magnesium-glycinate]]

### Citrate vs oxide

[[products:magnesium-citrate,magnesium-oxide]]

| Form | Elemental |
|:-----|----------:|
| Oxide | 60% |

Text with a note[^1] and ~~old~~ claims.

## Shop the range

[[collection:low-fodmap-certified]]

[^1]: NIH Office of Dietary Supplements.
"""


def test_block_ctas_replace_their_paragraph_and_inline_ctas_stay_inside():
    article = render_article(ARTICLE)
    assert article.errors == []
    assert "<p>Magnesium helps muscles relax. <!--cta:0--></p>" in article.html
    for n in (1, 2, 3):
        assert f"\n<!--cta:{n}-->\n" in article.html
        assert f"<p><!--cta:{n}-->" not in article.html
    assert [c.kind for c in article.ctas] == ["shop-now", "product", "products", "collection"]
    assert article.ctas[0] == CtaBlock(
        "shop-now", ("magnesium-glycinate",), "Shop magnesium glycinate", 3
    )


def test_slug_lists_are_ordered_and_unique():
    article = render_article(ARTICLE)
    assert article.product_slugs == ["magnesium-glycinate", "magnesium-citrate", "magnesium-oxide"]
    assert article.collection_slugs == ["low-fodmap-certified"]


def test_headings_get_anchors_for_levels_two_and_three():
    article = render_article(ARTICLE)
    assert article.headings == [
        Heading(2, "Ignored page title", "ignored-page-title"),  # h1 is clamped to h2
        Heading(2, "Forms of magnesium", "forms-of-magnesium"),
        Heading(3, "Citrate vs oxide", "citrate-vs-oxide"),
        Heading(2, "Shop the range", "shop-the-range"),
    ]
    assert '<h2 id="forms-of-magnesium">Forms of magnesium</h2>' in article.html
    assert "<h1" not in article.html


def test_duplicate_headings_get_distinct_anchors():
    anchors = [h.anchor for h in render_article("## Dosage\n\n## Dosage\n").headings]
    assert len(set(anchors)) == 2


def test_tables_strikethrough_and_footnotes_render():
    html = render_article(ARTICLE).html
    assert '<th class="align-left">Form</th>' in html
    assert '<td class="align-right">60%</td>' in html
    assert "<s>old</s>" in html
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup>' in html
    assert '<li id="fn1" class="footnote-item">' in html
    assert "style=" not in html


def test_split_on_ctas_gives_text_chunks_and_indexes_in_order():
    article = render_article(ARTICLE)
    parts = split_on_ctas(article.html)
    assert [p for p in parts if isinstance(p, int)] == [0, 1, 2, 3]
    assert "".join(p if isinstance(p, str) else f"<!--cta:{p}-->" for p in parts) == article.html
    assert "" not in parts


def test_split_on_ctas_without_markers():
    assert split_on_ctas("<p>plain</p>") == ["<p>plain</p>"]
    assert split_on_ctas("") == []


def test_shortcodes_in_code_are_documentation():
    article = render_article("Use `[[product:x]]`.\n\n```\n[[products:a,b]]\n```\n")
    assert article.ctas == [] and article.errors == []
    assert "<code>[[product:x]]</code>" in article.html
    assert "[[products:a,b]]" in article.html


def test_malformed_shortcodes_are_reported_and_never_shown():
    article = render_article("Intro.\n\nBuy [[product:]] and [[recipe:x]] now [[product:abc\n")
    assert [e.line for e in article.errors] == [3, 3, 3]
    assert "[[" not in article.html
    assert article.ctas == []


def test_shortcode_in_image_alt_is_an_error_not_a_marker():
    article = render_article("![see [[shop-now:magnesium-glycinate]]](/img/a.png)\n")
    assert article.ctas == []
    assert "<!--cta:" not in article.html
    assert "link or image" in article.errors[0].message


def test_shortcode_in_link_text_is_an_error_not_a_marker():
    article = render_article("[Buy [[shop-now:magnesium-glycinate]] now](/shop)\n")
    assert article.ctas == []
    assert "<!--cta:" not in article.html
    assert "link or image" in article.errors[0].message


def test_word_count_and_reading_time():
    article = render_article("## Title here\n\nOne two three four, five.\n\n[[product:abc]]\n")
    assert article.word_count == 7
    assert reading_minutes(0) == 1
    assert reading_minutes(230) == 1
    assert reading_minutes(231) == 2
    assert reading_minutes(1150) == 5


def test_external_links_get_rel_and_internal_links_do_not():
    html = render_article("[shop](/shop) [nih](https://ods.od.nih.gov/) [x](//cdn.example)").html
    assert '<a href="/shop">shop</a>' in html
    assert '<a href="https://ods.od.nih.gov/" rel="noopener nofollow">nih</a>' in html
    assert '<a href="//cdn.example" rel="noopener nofollow">x</a>' in html


def test_user_rel_and_target_are_replaced():
    html = sanitize_html('<a href="https://e.com" rel="opener" target="_blank">e</a>')
    assert html == '<a href="https://e.com" rel="noopener nofollow">e</a>'


def test_images_keep_http_and_relative_sources_only():
    html = sanitize_html(
        '<img src="/a.png" alt="a"><img src="https://x.test/b.png" title="b">'
        '<img src="mailto:x@y.z" alt="m"><img src="data:image/png;base64,AAAA" alt="d">'
    )
    assert '<img src="/a.png" alt="a">' in html
    assert '<img src="https://x.test/b.png" title="b">' in html
    assert "mailto" not in html and "data:" not in html


def test_ids_are_kept_only_when_they_look_like_anchors():
    html = sanitize_html('<h2 id="dosage">D</h2><h3 id="x y" >E</h3><p id="p1">F</p>')
    assert '<h2 id="dosage">' in html
    assert "<h3>E</h3>" in html
    assert "<p>F</p>" in html


XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.test/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<iframe src="https://evil.test"></iframe>',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="width: expression(alert(1))">x</div>',
    "<style>body{background:url('javascript:alert(1)')}</style>",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
    '<math href="javascript:alert(1)">CLICKME</math>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<form><input formaction="javascript:alert(1)" type="submit"></form>',
    '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
    '<details open ontoggle="alert(1)">x</details>',
    '<body onload="alert(1)">',
    '<a href="https://ok.test" onmouseover="alert(1)">x</a>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<!--cta:0-->",
    "<!--<!--cta:-->cta:0-->",
    "[[shop-now:abc]] <!--cta:1-->",
]

SAFE_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "a", "strong", "em", "s", "del", "blockquote",
    "code", "pre", "hr", "br", "sup", "section", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


class _Audit(HTMLParser):
    """Collects everything a browser could execute: unknown tags, handlers, styles, bad URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in SAFE_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "formaction", "action", "srcdoc"):
                self.problems.append(f"attribute {name}")
            if name in ("href", "src"):
                squashed = re.sub(r"[\x00-\x20]", "", value or "").lower()
                if re.match(r"(javascript|vbscript|data|file):", squashed):
                    self.problems.append(f"url {value!r}")

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        if not re.fullmatch(r"cta:\d+", data):
            self.problems.append(f"comment {data!r}")


def _unsafe_bits(html: str) -> list[str]:
    audit = _Audit()
    audit.feed(html)
    audit.close()
    return audit.problems


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_xss_vectors_do_not_survive(vector):
    article = render_article(f"Before.\n\n{vector}\n\nAfter {vector} inline.\n")
    assert _unsafe_bits(article.html) == [], article.html
    # markers only come from real shortcodes, never from the author's text
    assert len(re.findall(r"<!--cta:\d+-->", article.html)) == len(article.ctas)


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_sanitize_html_alone_removes_xss(vector):
    html = sanitize_html(vector)
    assert _unsafe_bits(html) == [], html
    assert "<!--" not in html


def test_audit_helper_catches_what_it_should():
    problems = _unsafe_bits('<a href=" jav&#x09;ascript:x" onclick="y"><svg>')
    assert sorted(problems) == ["attribute onclick", "tag <svg>", "url ' jav\\tascript:x'"]


def test_forged_marker_cannot_point_at_a_real_cta():
    article = render_article("<!--cta:0-->\n\n[[product:abc]]\n\nText <!-- cta:0 --> here.\n")
    assert article.html.count("<!--cta:0-->") == 1
    assert split_on_ctas(article.html).count(0) == 1


def test_markdown_link_with_quotes_cannot_break_out_of_attribute():
    html = render_article('[x](https://e.test/"onmouseover="alert(1))').html
    assert not re.search(r"\son\w+=", html)
