"""`flask larder import-article`, `check-ctas` and the demo articles of `seed-demo`."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from blog.importer import import_article
from blog.models import Article, ArticleStatus, Author
from blog.queries import get_article
from storefront.admin.models import ArticleRevision
from storefront.extensions import db
from tests.blog.helpers import make_article, shared_seed
from tests.factories import make_product

SEED = shared_seed()


@pytest.fixture
def seed_file():
    if not SEED.exists():
        pytest.skip(f"{SEED} is not available")
    return SEED


def test_importing_the_reference_article_keeps_title_and_every_heading(runner, seed_file, author):
    result = runner.invoke(args=["larder", "import-article", str(seed_file), "--author", author.slug])
    assert result.exit_code == 0, result.output
    article = get_article("magnesium-for-back-pain")
    assert article.title == "Magnesium For Back Pain"
    assert article.status == ArticleStatus.DRAFT
    assert article.author.slug == author.slug
    headings = [h["text"] for h in article.headings]
    assert len(headings) >= 15
    expected = import_article(seed_file.read_text(encoding="utf-8"), seed_file.name).headings
    assert headings == expected  # every heading found, none of its text lost
    assert "Title: Magnesium For Back Pain" in result.output
    assert f"Headings ({len(expected)}):" in result.output
    assert "Paragraphs:" in result.output


def test_site_chrome_of_the_reference_article_is_not_imported_as_body(runner, seed_file):
    runner.invoke(args=["larder", "import-article", str(seed_file)])
    body = get_article("magnesium-for-back-pain").body_source
    for chrome in ("Low FODMAP Certified. Shop Now For Gut Health", "Related articles",
                   "Go to full site"):
        assert chrome not in body


def test_importing_twice_stops_and_says_an_article_with_that_slug_exists(runner, seed_file):
    runner.invoke(args=["larder", "import-article", str(seed_file)])
    result = runner.invoke(args=["larder", "import-article", str(seed_file)])
    assert result.exit_code == 1
    assert ("Error: An article with the slug 'magnesium-for-back-pain' already exists "
            "(“Magnesium For Back Pain”, draft") in result.output
    assert "--update" in result.output and "--as-new" in result.output
    assert db.session.scalar(select(func.count(Article.id))) == 1
    assert get_article("magnesium-for-back-pain-2") is None


def test_import_as_new_makes_a_second_article_and_says_so(runner, seed_file):
    runner.invoke(args=["larder", "import-article", str(seed_file)])
    result = runner.invoke(args=["larder", "import-article", str(seed_file), "--as-new"])
    assert result.exit_code == 0, result.output
    assert ("An article with the slug 'magnesium-for-back-pain' already exists: imported as a "
            "new article 'magnesium-for-back-pain-2'.") in result.output
    assert get_article("magnesium-for-back-pain-2").status == ArticleStatus.DRAFT


def test_import_update_replaces_the_drafts_text_and_keeps_the_old_one(runner, seed_file, tmp_path):
    runner.invoke(args=["larder", "import-article", str(seed_file)])
    first = get_article("magnesium-for-back-pain")
    old_body = first.body_source
    edited = tmp_path / "magnesium-for-back-pain.txt"
    edited.write_text(seed_file.read_text(encoding="utf-8").replace(
        "Back pain is a common problem", "Back pain is a very common problem"), encoding="utf-8")
    result = runner.invoke(args=["larder", "import-article", str(edited), "--update"])
    assert result.exit_code == 0, result.output
    assert "Updated the existing draft article 'magnesium-for-back-pain'" in result.output
    assert db.session.scalar(select(func.count(Article.id))) == 1
    db.session.expire_all()
    article = get_article("magnesium-for-back-pain")
    assert article.id == first.id and article.status == ArticleStatus.DRAFT
    assert "Back pain is a very common problem" in article.body_source
    kept = db.session.scalars(select(ArticleRevision.body_source)).all()
    assert kept == [old_body]


def test_import_update_of_a_published_article_keeps_it_public_with_a_revision(runner, tmp_path, client):
    source = tmp_path / "piece.md"
    source.write_text("# Oat Piece\n\nOats are fine.\n", encoding="utf-8")
    assert runner.invoke(args=["larder", "import-article", str(source), "--publish"]).exit_code == 0
    source.write_text("# Oat Piece\n\nOats are fine in small servings.\n", encoding="utf-8")
    result = runner.invoke(args=["larder", "import-article", str(source), "--update"])
    assert result.exit_code == 0, result.output
    assert "Updated the existing published article 'oat-piece'; it stays public" in result.output
    assert "Oats are fine in small servings." in client.get("/blog/oat-piece").get_data(as_text=True)
    assert db.session.scalars(select(ArticleRevision.body_source)).all() == ["Oats are fine.\n"]


def test_import_update_and_as_new_exclude_each_other(runner, tmp_path):
    source = tmp_path / "piece.md"
    source.write_text("# Oat Piece\n\nOats.\n", encoding="utf-8")
    result = runner.invoke(args=["larder", "import-article", str(source), "--update", "--as-new"])
    assert result.exit_code == 2
    assert "--update and --as-new exclude each other" in result.output


@pytest.mark.parametrize(
    ("head", "line"),
    [
        ("# A Title\n\n", 5),  # the title block: two lines before the body
        ('+++\ntitle = "A Title"\ndek = "Short."\n+++\n\n', 8),  # front matter
        ("A Title\n=======\n\n\n", 7),  # setext title, extra blank lines
    ],
)
def test_import_errors_name_the_files_own_line_numbers(runner, tmp_path, head, line):
    source = tmp_path / "new.md"
    source.write_text(head + "Intro text.\n\n[[product:half-open\n", encoding="utf-8")
    assert source.read_text().split("\n")[line - 1] == "[[product:half-open"
    result = runner.invoke(args=["larder", "import-article", str(source)])
    assert result.exit_code == 1
    assert f"Error: Line {line}: " in result.output
    assert db.session.scalar(select(func.count(Article.id))) == 0


def test_import_refuses_html_that_would_swallow_the_rest_naming_the_file_line(runner, tmp_path):
    source = tmp_path / "new.md"
    source.write_text("# A Title\n\nIntro.\n\n<style>\n\n## Dosage\n\nAt night.\n", encoding="utf-8")
    result = runner.invoke(args=["larder", "import-article", str(source)])
    assert result.exit_code == 1
    assert "Error: Line 5: <style> is not closed" in result.output
    assert db.session.scalar(select(func.count(Article.id))) == 0


def test_import_publish_names_the_file_line_of_an_unknown_cta(runner, tmp_path):
    source = tmp_path / "new.md"
    source.write_text("# A Title\n\nIntro text.\n\n[[product:not-in-catalog]]\n", encoding="utf-8")
    result = runner.invoke(args=["larder", "import-article", str(source), "--publish"])
    assert result.exit_code == 1
    assert "Unknown product 'not-in-catalog' in [[product:not-in-catalog]] on line 5" in result.output


def test_import_publish_refuses_unknown_cta_slugs(runner, tmp_path):
    source = tmp_path / "new.md"
    source.write_text("# A Title\n\nIntro text.\n\n[[product:not-in-catalog]]\n", encoding="utf-8")
    result = runner.invoke(args=["larder", "import-article", str(source), "--publish"])
    assert result.exit_code == 1
    assert "not-in-catalog" in result.output
    assert db.session.scalar(select(func.count(Article.id))) == 0


def test_import_as_draft_keeps_unknown_slugs_as_warnings(runner, tmp_path):
    source = tmp_path / "new.md"
    source.write_text("# A Title\n\nIntro text.\n\n[[product:not-in-catalog]]\n", encoding="utf-8")
    result = runner.invoke(args=["larder", "import-article", str(source)])
    assert result.exit_code == 0
    assert "Warning: Unknown product 'not-in-catalog'" in result.output


def test_import_publish_with_known_slugs_publishes(runner, tmp_path, client):
    make_product("magnesium-glycinate")
    source = tmp_path / "new.md"
    source.write_text("# Fresh Piece\n\nIntro.\n\n[[product:magnesium-glycinate]]\n", encoding="utf-8")
    result = runner.invoke(args=["larder", "import-article", str(source), "--publish"])
    assert result.exit_code == 0, result.output
    assert client.get("/blog/fresh-piece").status_code == 200


def test_import_refuses_bad_input_with_a_clear_error(runner, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    result = runner.invoke(args=["larder", "import-article", str(empty)])
    assert result.exit_code == 1
    assert "Error: the file is empty" in result.output
    missing = runner.invoke(args=["larder", "import-article", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2


def test_check_ctas_passes_when_every_cta_can_sell(runner):
    make_product("fine")
    make_article("good", "[[product:fine]]\n")
    result = runner.invoke(args=["larder", "check-ctas"])
    assert result.exit_code == 0
    assert "All CTAs" in result.output


def test_check_ctas_lists_problems_and_exits_non_zero(runner):
    make_product("empty", stock=0)
    archived = make_product("retired")
    make_article("bad", "Intro\n\n[[products:empty,retired]]\n")
    archived.status = "archived"
    db.session.commit()
    result = runner.invoke(args=["larder", "check-ctas"])
    assert result.exit_code == 1
    assert "bad (line 3): product 'empty' is sold out" in result.output
    assert "bad (line 3): product 'retired' is archived or not on sale" in result.output


def test_seed_demo_adds_articles_once(runner):
    first = runner.invoke(args=["larder", "seed-demo"])
    assert first.exit_code == 0, first.output
    count = db.session.scalar(select(func.count(Article.id)))
    assert count >= 6
    assert db.session.scalar(select(func.count(Author.id))) >= 4
    second = runner.invoke(args=["larder", "seed-demo"])
    assert second.exit_code == 0
    assert db.session.scalar(select(func.count(Article.id))) == count
    assert "0 articles added" in second.output


def test_seeded_demo_has_public_draft_and_scheduled_articles(runner, client):
    runner.invoke(args=["larder", "seed-demo"])
    statuses = dict(db.session.execute(select(Article.slug, Article.status)).all())
    assert statuses["magnesium-for-back-pain"] == ArticleStatus.PUBLISHED
    assert ArticleStatus.DRAFT in statuses.values()
    assert ArticleStatus.SCHEDULED in statuses.values()
    for slug, status in statuses.items():
        expected = 200 if status == ArticleStatus.PUBLISHED else 404
        assert client.get(f"/blog/{slug}").status_code == expected, slug
    magnesium = client.get("/blog/magnesium-for-back-pain").get_data(as_text=True)
    assert "Sold out" in magnesium  # the demo's sold-out CTA degrades, not breaks
