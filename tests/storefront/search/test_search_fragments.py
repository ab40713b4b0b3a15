"""With Redis, a search ranks its matches once per catalog version: later requests read the
page's cards by slug and the article group from the fragment cache, and a change is seen at once."""

from __future__ import annotations

import re

from sqlalchemy import text

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


def _ranked(statements: list[str]) -> bool:
    """Whether the matches were sorted for a page (list_products' page ids), not read by slug."""
    return any("AS page_id" in s for s in statements)


def test_a_price_edit_on_the_page_reads_its_cards_again_not_the_ranking(client, app, fragment_store, count_queries):
    products = {n: make_product(f"mag-{n}", title=f"Magnesium {n}", price=1000 + n) for n in range(3)}
    make_product("tea", title="Calm Tea", description="With magnesium.", price=900)
    db.session.commit()
    variant_of = {n: p.variants[0].id for n, p in products.items()}
    assert slugs(client.get("/search?q=magnesium").get_data(as_text=True)) == ["mag-2", "mag-1", "mag-0", "tea"]
    assert slugs(client.get("/search?q=magnesium&sort=price").get_data(as_text=True)) == [
        "tea", "mag-0", "mag-1", "mag-2"
    ]

    # A price edit of a product on the page, by raw SQL: its card shows the new price at once,
    # and the best-match order, which no price decides, is not worked out again.
    db.session.execute(text("UPDATE variant SET price = 2899 WHERE id = :v"), {"v": variant_of[1]})
    db.session.commit()
    db.session.remove()
    with count_queries() as counter:
        html = client.get("/search?q=magnesium").get_data(as_text=True)
    assert "$28.99" in html and "$10.01" not in html
    assert slugs(html) == ["mag-2", "mag-1", "mag-0", "tea"]
    assert not _ranked(counter.statements), counter.statements

    # The price order is decided by prices: it is worked out again, with mag-1 now last.
    with count_queries() as counter:
        html = client.get("/search?q=magnesium&sort=price").get_data(as_text=True)
    assert slugs(html) == ["tea", "mag-0", "mag-2", "mag-1"]
    assert _ranked(counter.statements)

    # A title edit can move a product up the best-match order: ranked again.
    db.session.execute(text("UPDATE product SET title = 'Magnesium Calm Tea' WHERE slug = 'tea'"))
    db.session.commit()
    with count_queries() as counter:
        html = client.get("/search?q=magnesium").get_data(as_text=True)
    assert slugs(html)[0] == "tea"
    assert _ranked(counter.statements)
