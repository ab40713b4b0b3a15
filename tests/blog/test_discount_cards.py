"""Discount code cards in articles: the shortcode, the card, "Apply" crediting the article, check-ctas."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, text

from blog.shortcodes import CtaBlock, ShortcodeError, parse_shortcode
from storefront.cart.models import Cart
from storefront.clock import now
from storefront.extensions import db
from tests.blog.helpers import make_article
from tests.factories import make_discount, make_product

ARTICLE = "Magnesium, explained.\n\n[[discount:welcome10]]\n\nMore text."


def test_the_shortcode_takes_one_code_in_any_case():
    block = parse_shortcode("[[discount:welcome10]]")
    assert isinstance(block, CtaBlock) and block.kind == "discount" and block.slugs == ("WELCOME10",)
    assert isinstance(parse_shortcode("[[discount:no spaces]]"), ShortcodeError)
    assert isinstance(parse_shortcode("[[discount:]]"), ShortcodeError)


def test_the_card_shows_the_code_what_it_gives_its_conditions_and_apply(client):
    make_discount("WELCOME10", value=10, min_subtotal=2500, per_customer_limit=1)
    make_article("magnesium-guide", ARTICLE)
    page = client.get("/blog/magnesium-guide").get_data(as_text=True)
    card = page.split('class="cta cta-code')[1].split("</aside>")[0]
    assert "WELCOME10" in card and "10% off" in card
    assert "On orders of $25.00 or more." in card and "Once per customer." in card
    assert 'action="/cart/discount"' in card and 'name="ref" value="article:magnesium-guide"' in card
    assert 'name="next" value="/blog/magnesium-guide#cta-1"' in card


def test_apply_puts_the_code_on_the_cart_crediting_the_article_and_comes_back_to_the_card(client):
    make_discount("WELCOME10", value=10)
    make_article("magnesium-guide", ARTICLE)
    response = client.post("/cart/discount", data={"code": "WELCOME10", "ref": "article:magnesium-guide",
                                                   "next": "/blog/magnesium-guide#cta-1"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/blog/magnesium-guide#cta-1")
    cart = db.session.scalar(select(Cart))
    assert (cart.discount_code, cart.discount_source, cart.attribution) == (
        "WELCOME10", "article:magnesium-guide", "article:magnesium-guide")
    page = client.get("/blog/magnesium-guide").get_data(as_text=True)
    card = page.split('class="cta cta-code')[1].split("</aside>")[0]
    assert "Code WELCOME10 saved" in card  # the notice, by the card the reader pressed (the cart is empty yet)

    variant = make_product(price=3000, stock=5).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1})
    assert "−$3.00" in client.get("/cart").get_data(as_text=True)


def test_an_expired_used_up_or_switched_off_code_says_so_without_apply(client):
    make_discount("OLD", ends_at=now() - timedelta(days=1))
    make_discount("GONE", used_up=True, usage_limit=1)
    make_discount("OFF", active=False)
    make_article("codes", "Text.\n\n[[discount:OLD]]\n\n[[discount:GONE]]\n\n[[discount:OFF]]\n\n[[discount:NEVER]]")
    page = client.get("/blog/codes").get_data(as_text=True)
    assert "This code has expired." in page and "This code has been used up." in page
    assert page.count("This code is no longer offered.") == 2  # switched off, and unknown
    assert 'action="/cart/discount"' not in page


def test_check_ctas_reports_code_cards_that_cannot_be_used(runner):
    make_discount("OLD", ends_at=now() - timedelta(days=1))
    make_discount("FINE", value=5)
    make_article("codes", "Text.\n\n[[discount:OLD]]\n\n[[discount:FINE]]")
    result = runner.invoke(args=["larder", "check-ctas"])
    assert result.exit_code == 1
    assert "codes (line 3): discount code 'OLD' has expired" in result.output
    assert "FINE" not in result.output


def test_code_cards_cost_one_query_whatever_their_number(app, count_queries):
    for i in range(6):
        make_discount(f"CODE{i}", value=5 + i)
    make_article("one-card", "Text.\n\n[[discount:CODE0]]")
    make_article("six-cards", "Text.\n\n" + "\n\n".join(f"[[discount:CODE{i}]]" for i in range(6)))

    def queries(url):
        visitor = app.test_client(use_cookies=False)
        assert visitor.get(url).status_code == 200
        db.session.remove()
        with count_queries() as counter:
            assert visitor.get(url).status_code == 200
        return counter.count

    assert queries("/blog/six-cards") == queries("/blog/one-card")


def test_cached_code_cards_follow_a_raw_sql_edit_and_a_code_starting_with_time(client, fragment_store,
                                                                               count_queries, monkeypatch):
    """With the fragment cache the cards are read once per catalog version and time marker
    (blog/cards.py): a raw-SQL edit of the code, or its start time passing with no write at all,
    shows on the next render."""
    import storefront.caching.version as version
    import storefront.discounts.queries as discount_queries

    make_discount("WELCOME10", value=10)
    make_discount("SOON", value=20, starts_at=now() + timedelta(hours=1))
    make_article("codes", "Text.\n\n[[discount:welcome10]]\n\n[[discount:soon]]")
    first = client.get("/blog/codes").get_data(as_text=True)
    assert "10% off" in first and "This code is not valid yet." in first
    db.session.remove()
    with count_queries() as counter:
        again = client.get("/blog/codes/lite").get_data(as_text=True)
    assert "10% off" in again and "This code is not valid yet." in again
    assert [s for s in counter.statements if s.startswith("SELECT discount.id")] == []

    db.session.execute(text("UPDATE discount SET value = 15 WHERE code = 'WELCOME10'"))
    db.session.commit()
    edited = client.get("/blog/codes").get_data(as_text=True)
    assert "15% off" in edited and "10% off" not in edited

    later = now() + timedelta(hours=2)
    monkeypatch.setattr(version, "now", lambda: later)
    monkeypatch.setattr(discount_queries, "now", lambda: later)
    started = client.get("/blog/codes").get_data(as_text=True)
    assert "20% off" in started and "This code is not valid yet." not in started
