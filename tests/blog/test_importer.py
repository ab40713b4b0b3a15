"""Article import: the plain-text seed keeps every heading and loses the site chrome."""

from pathlib import Path

import pytest

from blog.importer import ArticleImportError, detect_format, import_article
from blog.rendering import render_article
from tests.blog.helpers import shared_seed

ROOT = Path(__file__).resolve().parents[2]
SEED = shared_seed()

SEED_HEADINGS = [
    ("Understanding the Role of Magnesium in the Body", 2),
    ("The Importance of Magnesium in Muscle Function", 3),
    ("Magnesium and Nerve Function", 3),
    ("The Connection Between Magnesium and Back Pain", 2),
    ("The Science Behind Magnesium and Pain Relief", 3),
    ("Different Forms of Magnesium Supplements", 2),
    ("Magnesium Citrate", 3),
    ("Magnesium Oxide", 3),
    ("Magnesium Glycinate", 3),
    ("How to Use Magnesium for Back Pain", 2),
    ("Recommended Dosage of Magnesium for Back Pain", 3),
    ("Potential Side Effects and Precautions", 3),
    ("Other Natural Remedies for Back Pain", 2),
    ("Regular Exercise and Stretching", 3),
    ("Heat and Cold Therapy", 3),
    ("Over-the-Counter Pain Relievers", 3),
]
CHROME = [
    "Low FODMAP Certified. Shop Now For Gut Health",
    "Related articles",
    "Go to full site",
]


@pytest.fixture(scope="module")
def seed():
    assert SEED.exists(), f"seed article missing: {SEED} (shared/ sits beside the repo)"
    return import_article(SEED.read_text(encoding="utf-8"), SEED.name)


def test_seed_title_and_format(seed):
    assert seed.title == "Magnesium For Back Pain"
    assert seed.source_format == "text"


def test_seed_keeps_every_heading_exactly(seed):
    assert len(seed.headings) >= 15
    assert seed.headings == [text for text, _ in SEED_HEADINGS]


def test_every_heading_shaped_line_of_the_seed_is_a_heading(seed):
    lines = SEED.read_text(encoding="utf-8").splitlines()
    shaped = {
        line
        for line in lines
        if line.strip()
        and len(line.split()) <= 12
        and line.rstrip()[-1] not in ".:!?"
        and line not in CHROME
        and line != seed.title
    }
    assert shaped == set(seed.headings)


@pytest.mark.parametrize(("heading", "level"), SEED_HEADINGS)
def test_seed_heading_levels(seed, heading, level):
    assert f"\n{'#' * level} {heading}\n" in seed.body_markdown


@pytest.mark.parametrize("line", CHROME)
def test_seed_chrome_is_dropped_and_reported(seed, line):
    assert line not in seed.body_markdown
    assert line in seed.skipped_lines


def test_seed_title_is_not_repeated_in_the_body(seed):
    assert "Magnesium For Back Pain" not in seed.body_markdown
    assert seed.skipped_lines.count("Magnesium For Back Pain") == 1


def test_seed_paragraph_ending_in_colon_stays_a_paragraph(seed):
    line = "Several factors contribute to this connection:"
    assert any(p.endswith(line) for p in seed.body_markdown.split("\n\n"))
    assert not any(h.endswith(":") for h in seed.headings)


def test_seed_dek_comes_from_the_first_paragraph_which_stays_in_the_body(seed):
    assert seed.dek.startswith("Back pain is a common problem")
    assert len(seed.dek) <= 220
    assert seed.body_markdown.startswith("Back pain is a common problem")
    assert seed.paragraph_count >= 30


def test_seed_body_renders_cleanly(seed):
    article = render_article(seed.body_markdown)
    assert article.errors == []
    assert [h.text for h in article.headings] == [text for text, _ in SEED_HEADINGS]
    assert article.word_count > 1500


def test_text_escapes_markdown_and_shortcode_lookalikes():
    result = import_article("A Title\n\nUse [[product:x]] and *stars* in text.\n")
    assert "\\[\\[product:x\\]\\]" in result.body_markdown
    assert render_article(result.body_markdown).ctas == []


def test_text_lists_and_closing_headings():
    text = (
        "Eating Out Low FODMAP\n\n"
        "Restaurants can be tricky, but a little planning helps a lot.\n\n"
        "Before You Go\n\n"
        "Check the menu online and plan for these questions:\n\n"
        "- Is the stock made with onion?\n- Can the sauce go on the side?\n\n"
        "Ordering\n\nKeep it simple and ask for plain grilled dishes.\n\n"
        "Conclusion\n\nYou can eat out with confidence.\n"
    )
    result = import_article(text, "eating-out.txt")
    assert result.title == "Eating Out Low FODMAP"
    assert result.headings == ["Before You Go", "Ordering", "Conclusion"]
    assert "## Before You Go" in result.body_markdown
    assert "### Ordering" in result.body_markdown
    assert "## Conclusion" in result.body_markdown
    assert "- Is the stock made with onion?" in result.body_markdown


def test_markdown_passes_through_and_loses_its_title():
    source = "# Low FODMAP Snacks\n\nSnacking is easy. Really.\n\n## Crackers\n\n[[product:abc]]\n"
    result = import_article(source, "snacks.md")
    assert result.source_format == "markdown"
    assert result.title == "Low FODMAP Snacks"
    assert result.body_markdown == "Snacking is easy. Really.\n\n## Crackers\n\n[[product:abc]]\n"
    assert result.headings == ["Crackers"]
    assert result.paragraph_count == 1
    assert result.dek == "Snacking is easy. Really."


def test_markdown_hash_inside_code_is_not_a_title():
    with pytest.raises(ArticleImportError, match="no title"):
        import_article("Intro.\n\n```\n# not a title\n```\n", "x.md")


def test_markdown_front_matter_supplies_title_and_dek():
    result = import_article('+++\ntitle = "Tea"\ndek = "Warm."\n+++\nBody text.\n', "tea.md")
    assert (result.title, result.dek, result.body_markdown) == ("Tea", "Warm.", "Body text.\n")


HTML_PAGE = """<!doctype html>
<html><head><title>Gut-Friendly Tea | Some Site</title>
<meta name="description" content="Which teas suit a sensitive gut.">
<script>track()</script></head>
<body><header><nav><a href="/">Home</a> Shop</nav></header>
<article><h1>Gut-Friendly <i>Tea</i></h1>
<p>Peppermint tea is <b>popular</b> &amp; soothing. <a href="https://example.org/x" onclick="x()">Read</a>.</p>
<h2>Brewing</h2>
<ol><li>Boil water</li><li>Steep <em>five</em> minutes</li></ol>
<img src="javascript:alert(1)" alt="bad"><img src="/img/tea.png" alt="tea">
<iframe src="https://evil.test"></iframe>
<table><tr><th>Tea</th><th>Serve</th></tr><tr><td>Peppermint</td><td>1 cup</td></tr></table>
<h5>Small print</h5>
</article><footer>Copyright 2024</footer></body></html>"""


def test_html_import_extracts_title_sanitises_and_converts():
    result = import_article(HTML_PAGE, "tea.html")
    assert result.source_format == "html"
    assert result.title == "Gut-Friendly Tea"
    assert result.dek == "Which teas suit a sensitive gut."
    body = result.body_markdown
    assert body.startswith("Peppermint tea is **popular** & soothing.")
    assert "[Read](https://example.org/x)" in body
    assert "## Brewing" in body
    assert "1. Boil water\n2. Steep *five* minutes" in body
    assert "![tea](/img/tea.png)" in body
    assert "| Tea | Serve |\n| --- | --- |\n| Peppermint | 1 cup |" in body
    assert "#### Small print" in body
    for gone in ("javascript", "iframe", "onclick", "track()", "Home", "Copyright", "<"):
        assert gone not in body
    assert result.headings == ["Brewing", "Small print"]


def test_html_second_h1_becomes_a_section_and_dek_is_plain_text():
    page = "<h1>Oats</h1><p><b>Rolled</b> oats, see <a href='/x'>this</a>.</p><h1>Serving</h1>"
    result = import_article(page, "oats.html")
    assert result.title == "Oats"
    assert result.dek == "Rolled oats, see this."
    assert "## Serving" in result.body_markdown


def test_html_list_start_in_other_digits_imports_from_one():
    result = import_article("<h1>Steps</h1><ol start='²'><li>Boil</li><li>Steep</li></ol>", "s.html")
    assert "1. Boil\n2. Steep" in result.body_markdown


def test_html_title_falls_back_to_title_tag():
    result = import_article("<title>Rooibos Basics | Larder</title><p>Caffeine free.</p>", "r.html")
    assert result.title == "Rooibos Basics"
    assert result.body_markdown == "Caffeine free.\n"


@pytest.mark.parametrize(
    ("filename", "text", "expected"),
    [
        ("a.md", "plain", "markdown"),
        ("a.markdown", "plain", "markdown"),
        ("a.html", "plain", "html"),
        ("a.HTM", "plain", "html"),
        ("a.txt", "# looks like markdown", "text"),
        ("", "<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
        ("", "# Title\n\nBody", "markdown"),
        ("", "Title\n\nSee [the guide](https://example.org).", "markdown"),
        ("upload", "Title\n\nJust words.", "text"),
    ],
)
def test_detect_format(filename, text, expected):
    assert detect_format(filename, text) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("", "empty"),
        ("  \n\n\t\n", "empty"),
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8|binary"),
        (b"Title\n\n\xff\xfe broken", "not UTF-8"),
        ("Title\x00\x00\x00\n\nbody", "binary"),
        ("This opening line is a sentence.\n\nAnd so is this one.", "no title"),
        ("<p>No heading anywhere.</p>", "no title"),
    ],
)
def test_bad_input_raises_a_clear_error(data, message):
    filename = "x.html" if isinstance(data, str) and data.startswith("<p>") else "x.txt"
    with pytest.raises(ArticleImportError, match=message):
        import_article(data, filename)


def test_bytes_in_utf8_are_accepted():
    result = import_article("Café Guide\n\nCoffee and a sensitive gut.\n".encode(), "cafe.txt")
    assert result.title == "Café Guide"


def test_unknown_format_is_refused():
    with pytest.raises(ArticleImportError, match="unknown format"):
        import_article("Title\n\nBody.", fmt="docx")


def test_article_import_error_is_a_value_error():
    assert issubclass(ArticleImportError, ValueError)
