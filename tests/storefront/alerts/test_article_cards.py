"""A sold-out card in an article carries its own Notify-me form, at no query per card."""

from __future__ import annotations

import re

from tests.blog.helpers import make_article
from tests.factories import make_product
from tests.storefront.alerts.helpers import alerts_for, post_form


def test_a_sold_out_card_has_a_labelled_form_that_carries_the_article_and_the_card(client):
    seeds = make_product("pumpkin-seeds", title="Pumpkin Seeds", stock=0)
    make_product("rice-crackers", title="Rice Crackers", certified=True)
    make_article("shop", "Intro.\n\n[[product:rice-crackers]]\n\n[[product:pumpkin-seeds]]\n")
    html = client.get("/blog/shop").get_data(as_text=True)
    form = re.search(r'<div class="notify-box" id="(cta-\d+)">.*?</form>', html, re.S)
    assert form, "no Notify-me form on the sold-out card"
    anchor, body = form.group(1), form.group(0)
    assert anchor == "cta-2"
    assert f'<label for="{anchor}-email">' in body and f'id="{anchor}-email"' in body
    assert f'name="variant_id" value="{seeds.variants[0].id}"' in body
    assert 'name="ref" value="article:shop"' in body
    assert f'name="next" value="/blog/shop#{anchor}"' in body
    assert html.count('class="notify-box"') == 1  # the card in stock has none


def test_the_reader_comes_back_to_the_card_with_the_note(client):
    seeds = make_product("pumpkin-seeds", title="Pumpkin Seeds", stock=0)
    make_article("shop", "[[product:pumpkin-seeds]]\n")
    response = post_form(client, seeds.variants[0].id, ref="article:shop", next_url="/blog/shop#cta-1")
    assert response.headers["Location"].endswith("/blog/shop#cta-1")
    html = client.get("/blog/shop").get_data(as_text=True)
    box = re.search(r'<div class="notify-box" id="cta-1">.*?</form>', html, re.S).group(0)
    assert "Check your inbox" in box
    [alert] = alerts_for(seeds.variants[0].id)
    assert alert.attribution == "article:shop"


def test_the_lite_view_links_to_the_product_page_form_instead(client):
    make_product("pumpkin-seeds", title="Pumpkin Seeds", stock=0)
    make_article("shop", "[[product:pumpkin-seeds]]\n")
    html = client.get("/blog/shop/lite").get_data(as_text=True)
    assert "notify-box" not in html
    assert "/products/pumpkin-seeds?ref=article:shop#notify" in html


def test_many_sold_out_cards_cost_no_more_queries_than_one(client, count_queries):
    for i in range(12):
        make_product(f"gone-{i}", stock=0)
    make_article("one", "[[product:gone-0]]\n")
    make_article("many", "\n\n".join(f"[[product:gone-{i}]]" for i in range(12)) + "\n")
    client.get("/blog/one")
    counts = {}
    for slug in ("one", "many"):
        with count_queries() as counter:
            html = client.get(f"/blog/{slug}").get_data(as_text=True)
        counts[slug] = counter.count
        assert html.count('class="notify-box"') == (1 if slug == "one" else 12)
    assert counts["one"] == counts["many"]
