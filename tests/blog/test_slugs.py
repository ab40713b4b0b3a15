"""Article slugs, tag slugs and heading anchors come from the shared slug function."""

from __future__ import annotations

from blog.rendering import render_article
from blog.services import ArticleDraft, import_article_file, save_article


def anchors(source: str) -> list[str]:
    return [h.anchor for h in render_article(source).headings]


def test_latin_heading_anchors_are_unchanged():
    assert anchors("## Forms of magnesium\n\n### Citrate vs. oxide\n\n## Don't skip: 3.5 mg") == [
        "forms-of-magnesium", "citrate-vs-oxide", "don-t-skip-3-5-mg",
    ]


def test_accented_and_non_latin_headings_get_readable_anchors():
    html = render_article("## Crème brûlée\n\n## Магний и сон\n\n## Μαγνήσιο\n").html
    assert '<h2 id="creme-brulee">' in html
    assert '<h2 id="magnii-i-son">' in html
    assert '<h2 id="magnesio">' in html


def test_emoji_heading_gets_a_named_anchor_and_duplicates_stay_distinct():
    found = anchors("## 🍵\n\n## 🍵\n\n## \u200d\n")
    assert found[0] == "teacup-without-handle"
    assert len(set(found)) == 3 and all(found)
    assert found[2] == "section"


def test_long_heading_keeps_its_whole_anchor():
    words = " ".join(["fermentable"] * 20)
    assert anchors(f"## {words}") == ["-".join(["fermentable"] * 20)]


def test_article_slug_from_a_cyrillic_title(app):
    article = save_article(None, ArticleDraft(source="Text.", title="Магний: что нужно знать")).article
    assert article.slug == "magnii-chto-nuzhno-znat"


def test_article_from_an_emoji_title_gets_a_slug(app):
    assert save_article(None, ArticleDraft(source="Text.", title="🍵☕")).article.slug == "teacup-without-handle-hot-beverage"


def test_an_article_imported_as_new_under_a_taken_title_gets_a_suffixed_slug_within_the_column(app):
    title = "Κοιλιακό φούσκωμα " + "και διατροφή " * 13  # under the 200-character title limit
    text = f"# {title}\n\nSome words.\n"
    first = import_article_file(text, "a.md").article
    second = import_article_file(text, "b.md", on_conflict="as-new").article
    assert first.slug.startswith("koiliako-phouskoma-kai-diatrophe")
    assert len(first.slug) <= 120
    assert second.slug == first.slug + "-2"


def test_tags_in_any_script_get_slugs(app):
    article = save_article(None, ArticleDraft(source="Text.", title="Tagged", tags=["Без глютена", "Sans lactose", "🍵"])).article
    assert sorted(t.slug for t in article.tags) == ["bez-gliutena", "sans-lactose", "teacup-without-handle"]
