"""CTA shortcodes: valid forms parse, malformed ones are errors with line and text, code is left alone."""

import pytest

from blog.shortcodes import CtaBlock, ShortcodeError, parse_shortcode, parse_shortcodes, scan_text


@pytest.mark.parametrize(
    ("text", "kind", "slugs", "label"),
    [
        ("[[product:magnesium-glycinate]]", "product", ("magnesium-glycinate",), None),
        (
            "[[products:magnesium-glycinate,magnesium-citrate]]",
            "products",
            ("magnesium-glycinate", "magnesium-citrate"),
            None,
        ),
        ("[[products:a, b ,c]]", "products", ("a", "b", "c"), None),
        ("[[collection:low-fodmap-certified]]", "collection", ("low-fodmap-certified",), None),
        ("[[shop-now:magnesium-glycinate]]", "shop-now", ("magnesium-glycinate",), None),
        (
            "[[shop-now:magnesium-glycinate|Shop magnesium]]",
            "shop-now",
            ("magnesium-glycinate",),
            "Shop magnesium",
        ),
        (
            "[[shop-now:tea|Salt & pepper, 20% off!]]",
            "shop-now",
            ("tea",),
            "Salt & pepper, 20% off!",
        ),
        ("[[product:b12]]", "product", ("b12",), None),
    ],
)
def test_valid_shortcodes_parse(text, kind, slugs, label):
    assert parse_shortcode(text, line=7) == CtaBlock(kind=kind, slugs=slugs, label=label, line=7)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[[product:]]", "missing slug"),
        ("[[product: ]]", "missing slug"),
        ("[[recipe:soup]]", "unknown shortcode kind"),
        ("[[Product:soup]]", "unknown shortcode kind"),
        ("[[product]]", "expected [[kind:slug]]"),
        ("[[product:Magnesium]]", "bad slug"),
        ("[[product:magnesium_glycinate]]", "bad slug"),
        ("[[product:-magnesium]]", "bad slug"),
        ("[[product:magnesium--glycinate]]", "bad slug"),
        ("[[product:a b]]", "bad slug"),
        ("[[product:a,b]]", "takes one slug"),
        ("[[collection:a,b]]", "takes one slug"),
        ("[[products:a,,b]]", "empty item"),
        ("[[products:a,b,]]", "empty item"),
        ("[[products:]]", "empty item"),
        ("[[products:a,b,c,d,e,f,g,h,i]]", "too many products"),
        ("[[products:a,b,a]]", "listed twice"),
        ("[[shop-now:a|]]", "empty label"),
        ("[[shop-now:a|<b>Buy</b>]]", "plain text"),
        ("[[shop-now:a|Buy *now*]]", "plain text"),
        ("[[shop-now:a|Buy `now`]]", "plain text"),
        ("[[shop-now:a|Buy &lt;now&gt;]]", "plain text"),
        ("[[shop-now:a|" + "x" * 61 + "]]", "too long"),
        ("[[product:a|Label]]", "only shop-now takes a label"),
    ],
)
def test_malformed_shortcodes_are_errors(text, fragment):
    result = parse_shortcode(text, line=3)
    assert isinstance(result, ShortcodeError)
    assert result.line == 3
    assert result.text == text
    assert fragment in result.message


def test_eight_products_is_the_row_limit():
    result = parse_shortcode("[[products:a,b,c,d,e,f,g,h]]")
    assert isinstance(result, CtaBlock)
    assert len(result.slugs) == 8


def test_unclosed_shortcode_reports_line_and_text():
    found = scan_text("First line\nBuy [[product:magnesium-glycinate today\nNext", first_line=10)
    assert len(found) == 1
    error = found[0].result
    assert isinstance(error, ShortcodeError)
    assert error.line == 11
    assert error.text == "[[product:magnesium-glycinate today"
    assert "unclosed" in error.message


def test_shortcode_cannot_span_lines():
    found = scan_text("[[product:a\n]]")
    assert isinstance(found[0].result, ShortcodeError)


def test_second_opening_before_close_makes_the_first_unclosed():
    found = scan_text("[[product:a [[product:b]]")
    assert [type(f.result) for f in found] == [ShortcodeError, CtaBlock]


def test_code_spans_are_skipped():
    found = scan_text("Write `[[product:x]]` or ``[[product:`y`]]`` like [[shop-now:z]]")
    assert [f.result.slugs for f in found if isinstance(f.result, CtaBlock)] == [("z",)]
    assert not [f for f in found if isinstance(f.result, ShortcodeError)]


def test_backslash_escape_keeps_brackets_literal():
    assert scan_text(r"Type \[[product:x]] to add a card") == []


def test_parse_shortcodes_in_a_document():
    source = "\n".join(
        [
            "# Title",  # 1
            "",
            "Intro with [[shop-now:magnesium-glycinate|Shop magnesium]] inline.",  # 3
            "",
            "[[product:magnesium-glycinate]]",  # 5
            "",
            "[[products:magnesium-glycinate,magnesium-citrate]]",  # 7
            "",
            "[[collection:low-fodmap-certified]]",  # 9
        ]
    )
    ctas, errors = parse_shortcodes(source)
    assert errors == []
    assert [(c.kind, c.line) for c in ctas] == [
        ("shop-now", 3),
        ("product", 5),
        ("products", 7),
        ("collection", 9),
    ]


def test_fenced_and_indented_code_is_left_alone():
    source = "Docs:\n\n```markdown\n[[product:]]\n[[products:a,,b]]\n```\n\n    [[oops:x]]\n"
    assert parse_shortcodes(source) == ([], [])


def test_malformed_shortcodes_in_a_document_report_their_lines():
    source = "Fine paragraph.\n\nSecond line [[product:]] and\n[[recipe:soup]] here.\n"
    _, errors = parse_shortcodes(source)
    assert [(e.line, e.text) for e in errors] == [(3, "[[product:]]"), (4, "[[recipe:soup]]")]


@pytest.mark.parametrize(
    "source",
    [
        "Buy [[product:magnesium-glycinate]] today.",
        "## Heading [[shop-now:magnesium-glycinate]]",
        "## [[product:magnesium-glycinate]]",
        "| a |\n|---|\n| [[product:magnesium-glycinate]] |",
        "[[product:a]] [[shop-now:b]]",
    ],
)
def test_misplaced_shortcodes_are_errors(source):
    ctas, errors = parse_shortcodes(source)
    assert ctas == []
    assert errors and all(e.line >= 1 for e in errors)


def test_block_shortcodes_on_consecutive_lines_share_a_paragraph():
    ctas, errors = parse_shortcodes("[[product:a]]\n[[collection:b]]\n")
    assert errors == []
    assert [c.kind for c in ctas] == ["product", "collection"]


def test_shortcodes_in_lists_blockquotes_and_footnotes_are_found():
    source = "- [[product:a]]\n\n> [[shop-now:b]]\n\nNote[^1]\n\n[^1]: See [[shop-now:c]].\n"
    ctas, errors = parse_shortcodes(source)
    assert errors == []
    assert [c.slugs[0] for c in ctas] == ["a", "b", "c"]


def test_shortcode_in_raw_html_block_is_an_error():
    _, errors = parse_shortcodes("<div>\n[[product:a]]\n</div>\n")
    assert len(errors) == 1
    assert "raw HTML" in errors[0].message


def test_cta_round_trips_through_a_json_ready_dict():
    cta = CtaBlock("shop-now", ("magnesium-glycinate",), "Shop magnesium", 4)
    data = cta.to_dict()
    assert data == {
        "kind": "shop-now",
        "slugs": ["magnesium-glycinate"],
        "label": "Shop magnesium",
        "line": 4,
    }
    assert CtaBlock.from_dict(data) == cta
