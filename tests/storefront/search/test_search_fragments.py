"""With Redis, a search ranks its matches once per catalog version: later requests read the
page's cards by slug and the article group from the fragment cache, and a change is seen at once."""

from __future__ import annotations

import re

from storefront.extensions import db
from tests.blog.helpers import make_article, make_author
from tests.factories import make_product


def slugs(html: str) -> list[str]:
    return re.findall(r'class="card-title"><a href="/products/([^"?]+)"', html)


def test_ranking_runs_once_and_a_change_is_seen(client, app, fragment_store, count_queries):
    for n in range(3):
        make_product(f"mag-{n}", title=f"Magnesium {n}")
    make_product("tea", title="Calm Tea", description="With magnesium.")
    make_article("mag-note", "Magnesium, briefly.", title="Magnesium note", author=make_author().slug)
    first = client.get("/search?q=magnesium").get_data(as_text=True)
    db.session.remove()
    with count_queries() as counter:
        again = client.get("/search?q=magnesium").get_data(as_text=True)
    assert slugs(again) == slugs(first) == ["mag-2", "mag-1", "mag-0", "tea"]
    assert "Magnesium note" in again
    assert not [s for s in counter.statements if "ts_rank" in s or "bm25" in s], counter.statements
    assert len(counter.statements) <= 5

    make_product("mag-new", title="Magnesium New")
    assert slugs(client.get("/search?q=magnesium").get_data(as_text=True))[0] == "mag-new"
    assert "Magnesium note" in client.get("/search?q=magnesium&sort=price").get_data(as_text=True)
