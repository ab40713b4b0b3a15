"""`flask larder import-article`, `check-ctas` and the demo articles of `seed-demo`."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from blog.importer import import_article
from blog.models import Article, ArticleStatus, Author
from blog.queries import get_article
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


def test_importing_twice_makes_a_second_draft_with_its_own_slug(runner, seed_file):
    runner.invoke(args=["larder", "import-article", str(seed_file)])
    result = runner.invoke(args=["larder", "import-article", str(seed_file)])
    assert result.exit_code == 0
    assert get_article("magnesium-for-back-pain-2") is not None


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
