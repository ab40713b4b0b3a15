"""`flask larder search reindex` refills what bulk loads leave out: article keywords and the vocabulary."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select

from blog.models import Article
from storefront.clock import now
from storefront.extensions import db
from storefront.search.models import SearchWord
from storefront.search.vocabulary import correct, rebuild
from tests.blog.helpers import make_author
from tests.factories import make_product


def test_reindex_fills_keywords_and_vocabulary_with_progress(app, runner, client):
    make_product("p", title="Turmeric Latte")
    author = make_author("ravi-shah", "Ravi Shah")
    db.session.execute(insert(Article), [{
        "slug": "bulk-one", "title": "Fennel facts", "dek": "", "body_source": "Chamomile notes.",
        "body_html": "<p>Chamomile notes.</p>", "cta_blocks": [], "headings": [], "word_count": 2,
        "author_id": author.id, "status": "published", "published_at": now() - timedelta(days=1), "references": [],
    }])
    db.session.execute(SearchWord.__table__.delete())
    db.session.commit()
    assert correct(["chamomle"]) is None

    result = runner.invoke(args=["larder", "search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Articles: 1 given fresh keywords." in result.output
    assert "Reading products and articles" in result.output and "Vocabulary:" in result.output
    assert db.session.scalar(select(Article.search_keywords).where(Article.slug == "bulk-one")) == "Ravi Shah"
    assert correct(["chamomle"]) == ["chamomile"]
    assert correct(["tumeric"]) == ["turmeric"]
    assert "bulk-one" in client.get("/search?q=ravi+shah").get_data(as_text=True)


def test_seed_bulk_leaves_the_vocabulary_complete(app, runner):
    assert runner.invoke(args=["larder", "seed-demo"]).exit_code == 0
    result = runner.invoke(args=["larder", "seed-bulk", "--products", "60", "--articles", "3"])
    assert result.exit_code == 0, result.output
    assert "Search vocabulary:" in result.output
    after_seed = set(db.session.scalars(select(SearchWord.word)))
    assert rebuild() == len(after_seed)  # nothing a full rebuild would add
    assert set(db.session.scalars(select(SearchWord.word))) == after_seed
