"""Every change to what a public page shows re-renders every page showing it, whoever writes it.

The page cache (conditional GET, the Redis page store, the facet and journal-total fragments)
is keyed by the catalog version, which database triggers bump on writes to the tables listed in
the versioned-table registry (storefront.caching.registry); the narrow tables (the catalog's
products and what hangs off them, the journal's articles, authors, tags and links) stamp
dependency tags instead, which the pages showing them declared
(storefront.caching.tags). A table or column left out of that list keeps a stale
page for as long as nothing else changes: a shopper is told "304 Not Modified" and keeps the
old image, price or article on screen.

So the tables are enumerated from the models (db.metadata), never typed here: each is either
shown on public pages, and then every one of its columns and its row inserts and deletes have
a change scenario below or a stated reason why no page shows them; or it is in
NOT_ON_PUBLIC_PAGES with the reason. A new table or column fails the registry tests until
someone decides which it is.

Each scenario runs twice, through the ORM and as raw SQL (checkout, bulk imports and psql
bypass the ORM), and for every page showing the change proves: before it, the page was
answered 304 to its own ETag (so a 200 afterwards is the change's doing); after it, the same
conditional GET is a 200 from a fresh render (not the Redis copy) showing the new value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from blog.models import Article, ArticleProductLink, Author, Tag
from blog.rendering import reading_minutes
from storefront.caching.fragments import FRAGMENT_PREFIX
from storefront.caching.registry import versioned_tables
from storefront.caching.store import PageCache
from storefront.catalog.models import (
    Certification,
    Collection,
    CollectionProduct,
    DietTag,
    Product,
    ProductImage,
    Variant,
)
from storefront.clock import now, today
from storefront.discounts.models import Discount
from storefront.extensions import db
from storefront.pages.models import SitePage
from storefront.pages.services import save_page
from storefront.reviews.models import Review
from storefront.site_settings import SiteSetting, save_site_settings
from storefront.state import larder_state
from tests.blog.helpers import make_article, make_author
from tests.factories import make_collection, make_discount, make_product, make_tag
from tests.storefront.caching.test_pages import FakeRedis

# ---------------------------------------------------------------- tables no public page shows

# Tables whose rows appear on no page an anonymous visitor can be served from the page cache.
# Adding a table here is a claim that no public page (shop, journal, sitemap) reads it.
NOT_ON_PUBLIC_PAGES = {
    "catalog_version": "the version row itself, written by the triggers",
    "cache_tag": "the dependency tags' change sequences, written by the triggers",
    "user_account": "accounts: shown only to their signed-in owner; a public page shows only the header's "
                    "account links, a hole filled per response",
    "outbox_job": "background work for workers; staff see it in the admin only",
    "stock_alert": "back-in-stock subscriptions: mailed to their owner, counted for staff; no public page shows them",
    "article_approval": "medical sign-off records, shown to staff; what readers see of one is on article",
    "article_review_state": "an edit waiting for medical approval: staff only until approved onto article",
    "search_word": "the site search's typo-correction vocabulary, derived from product and article text "
                   "(both versioned): it changes with them, or by `flask larder search reindex`",
    "cart": "a visitor's cart: the cart page is never cached; the header's count is in the session",
    "cart_line": "lines of a cart (see cart)",
    "shop_order": "orders: shown to their buyer (by token) and to staff, never cached",
    "order_line": "lines of an order (see shop_order)",
    "order_event": "an order's status history, for staff",
    "shipment": "an order's parcels: shown to its buyer (by token) and to staff, never cached",
    "shipment_line": "what went in a parcel (see shipment)",
    "payment": "payment attempts of an order, for staff",
    "processed_event": "payment webhooks already handled (idempotency), never shown",
    "unmatched_payment": "payments no order claims, for staff",
    "audit_entry": "the staff audit log (who changed prices, stock, settings...): admin pages only",
    "article_revision": "earlier versions of an article, for staff",
    "article_view": "view counts, written on every article view and shown only in staff reports: "
    "versioning it would empty the page cache on every view",
    "cta_click_daily": "CTA click counts, shown only in staff reports",
    "review": "product reviews: pending, rejected and removed rows show nowhere; every change to an approved "
    "one (approving, removing, editing, deleting) rewrites product.review_count and review_rating_sum by "
    "trigger (storefront/reviews/aggregate.py), and that product write bumps the version (the 'review "
    "approved' scenarios below; tests/storefront/reviews/test_cache.py holds the rest). Versioning the table "
    "itself would empty the cache for every pending review and helpful vote",
    "review_vote": "who found a review helpful (one row per voter): never shown; pages show review.helpful_count",
    "discount_redemption": "the orders that used a code, for staff; a code card shows the discount row's "
    "used_up flag, set on the discount when the last use is taken (so the discount scenarios cover it)",
}

# ---------------------------------------------------------------- columns no public page shows

_IDENTITY = "row identity: the app never changes it; rows coming and going are the insert/delete scenarios"
_LINK = "a link row is only ever inserted or deleted (the insert and delete scenarios), never re-pointed"

# "table.column" (or "table:insert" / "table:delete") -> why no page changes when it changes
# alone. Any other column of a public table needs a scenario below.
NOT_SHOWN = {
    "product.id": _IDENTITY,
    "variant.id": _IDENTITY,
    "variant.product_id": "a variant never moves to another product (no screen or import does it)",
    "variant.weight_grams": "shipping weight: used by checkout, shown on no public page",
    "variant.option_values": "the CSV's option values, kept for export; pages show option_label",
    "product.option_names": "the CSV's option names, kept for export; pages show option labels",
    "product_image.id": _IDENTITY,
    "product_image.product_id": "an image never moves to another product",
    "certification.id": _IDENTITY,
    "certification.product_id": "a certificate never moves to another product",
    "collection.id": _IDENTITY,
    "collection_product.id": _IDENTITY,
    "collection_product.collection_id": _LINK,
    "collection_product.product_id": _LINK,
    # The four sort keys are copies of product columns, written only by database triggers
    # (storefront/catalog/collection_sort_keys.py) when the product changes: the product.status,
    # price_from, created_at and title scenarios change them, and show the pages reading them.
    "collection_product.product_active": "trigger-kept copy of product.status (see above)",
    "collection_product.sort_price": "trigger-kept copy of product.price_from (see above)",
    "collection_product.sort_created": "trigger-kept copy of product.created_at (see above)",
    "collection_product.sort_title": "trigger-kept copy of product.title (see above)",
    "collection_product.diet_tag_bits": "trigger-kept copy of product.diet_tag_bits (see below)",
    "collection_product.certified_from": "trigger-kept copy of product.certified_from (see above)",
    "collection_product.certified_until": "trigger-kept copy of product.certified_until (see above)",
    "collection_product.certified_gaps": "trigger-kept copy of product.certified_gaps (see above)",
    # A product's diet tag bits are written only by the triggers on its tag links
    # (storefront/catalog/diet_tag_bits.py): the "product tagged" and "product untagged" scenarios
    # change them, and storefront/catalog/test_diet_tag_bits.py shows the filtered listings.
    "product.diet_tag_bits": "trigger-kept copy of the product's diet tag links (see above)",
    "diet_tag.bit": "the tag's bit, given by a trigger when the tag is made and never changed",
    "diet_tag.id": _IDENTITY,
    "product_diet_tag.product_id": _LINK,
    "product_diet_tag.diet_tag_id": _LINK,
    "site_setting.key": "settings are saved by key: a new key is an insert, a removed one a delete",
    "article.id": _IDENTITY,
    "article.body_source": "the markdown source: pages show body_html, rendered from it when saved",
    "article.created_at": "when the row was made: pages show published_at and updated_at",
    "article.search_keywords": "tag and author names copied for the site search when the article is saved: "
                               "a change comes with a tag or byline change (each with its scenario)",
    "author.id": _IDENTITY,
    "author:insert": "an author who wrote and reviewed nothing appears on no page",
    "blog_tag.id": _IDENTITY,
    "blog_tag:insert": "an unused tag shows only on its own page, a 404 (never cached) before",
    "article_tag.article_id": _LINK,
    "article_tag.tag_id": _LINK,
    "article_product_link.id": _IDENTITY,
    "article_product_link.position": "order of an article's links: 'Featured in' is ordered by date",
    "site_page.id": _IDENTITY,
    "site_page.body_source": "the markdown source: pages show body_html, rendered from it when saved",
    "discount.id": _IDENTITY,
    "discount.note": "staff's note about the code: admin pages only",
    "discount.usage_limit": "a card shows used_up, which the service setting a limit or taking a use keeps in step",
    "discount.created_at": "when the code was made: admin pages only",
    "discount.updated_at": "when the code was last saved: admin pages only",
}

# The stock rule is the one change that deliberately keeps the cache: a stock change between two
# values of at least VISIBLE_STOCK_CAP (99) shows nowhere. tests/storefront/caching/test_stock_visibility.py
# holds that exception to the rendered pages; the variant.stock scenario below is a visible change.

# ---------------------------------------------------------------- the pages

PAGES = {
    "product": "/products/magnesium-glycinate",
    "zinc": "/products/zinc-picolinate",
    "products": "/products",
    "newest": "/products?sort=newest",
    "collection": "/collections/supplements",
    "certified": "/collections/certified-picks",
    "home": "/",
    "search": "/search?q=magnesium",
    "quercetin": "/search?q=quercetin",
    "article": "/blog/gut-guide",
    "lite": "/blog/gut-guide/lite",
    "journal": "/blog/",
    "tag": "/blog/tag/guides",
    "sitemap": "/sitemap.xml",  # rendered on each request: checked for the value only
    "info": "/pages/faq",  # saved by staff in the world below
    "privacy": "/pages/privacy",  # a standard page still on its default text
    "offer": "/blog/fibre-basics",  # an article with discount code cards
}
# Pages with a card for the magnesium product (the article's CTA is one).
CARDS = ("products", "collection", "certified", "home", "search", "article", "lite")
# Listings with facet counts (a fragment kept per catalog version).
LISTINGS = ("products", "collection", "certified", "search")
# Pages whose header and footer show the site settings.
CHROME = ("product", "products", "home", "journal", "article")


@dataclass(frozen=True)
class Marker:
    """What a page shows after the change (and not before), or showed before and no longer."""

    shows: bool
    text: str  # "{name}" is filled from the world's ids
    regex: bool = False

    def found_in(self, html: str, ids: dict) -> bool:
        wanted = self.text if self.regex else self.text.format(**ids)
        return bool(re.search(wanted, html, re.DOTALL)) if self.regex else wanted in html


def shows(text_: str, regex: bool = False) -> Marker:
    return Marker(True, text_, regex)


def drops(text_: str) -> Marker:
    return Marker(False, text_)


# A search finding nothing shows featured products instead: the product must be a result.
IN_SEARCH_RESULTS = shows(r'id="search-products"[\s\S]*Magnesium Glycinate', regex=True)


def on(pages: tuple[str, ...], marker: Marker) -> dict[str, Marker]:
    return {page: marker for page in pages}


# ---------------------------------------------------------------- the world every scenario changes


class World:
    """Three products, two collections, two articles and their authors; ids by name."""

    def __init__(self, ids: dict) -> None:
        self.ids = ids

    def get(self, model, name: str):
        return db.session.get(model, self.ids[name])


def build_world() -> World:
    vegan = make_tag("vegan", "Vegan")
    shelf = make_collection("supplements", title="Supplements Shelf")
    picks = make_collection("certified-picks", title="Certified Picks", rule="certified")
    magnesium = make_product(
        "magnesium-glycinate",
        title="Magnesium Glycinate",
        brand="Calm Co",
        certified=True,
        tags=["vegan"],
        collection=shelf,
        variants=[{"price": 1999, "stock": 40, "option": "60 capsules"}, {"price": 3499, "stock": 30, "option": "120 capsules"}],
    )
    magnesium.images = [
        ProductImage(path="img/products/front.svg", alt="Magnesium bottle, front", position=0),
        ProductImage(path="img/products/side.svg", alt="Magnesium bottle, side", position=1),
    ]
    magnesium.nutrition = {"serving_size": "2 capsules", "rows": [{"nutrient": "Magnesium", "amount": "200 mg"}]}
    zinc = make_product("zinc-picolinate", title="Zinc Picolinate", price=1299, stock=25, collection=shelf)
    zinc.images = []
    db.session.commit()
    db.session.query(CollectionProduct).filter_by(product_id=zinc.id).update({"position": 1})
    psyllium = make_product("psyllium-husk", title="Psyllium Husk", price=899, stock=15)

    ada = make_author("ada-lovelace", "Ada Lovelace", credentials="RD")
    ben = make_author("ben-ortiz", "Ben Ortiz", role="medical_reviewer", credentials="MD")
    cleo = make_author("cleo-park", "Cleo Park")
    guide = make_article(
        "gut-guide",
        "Start here.\n\n[[product:magnesium-glycinate]]\n\n## Fibre first\n\nMore text.",
        title="Gut Guide",
        dek="How to start.",
        author=ada,
        reviewer=ben,
        tags=["Guides"],
        references=[{"title": "Low FODMAP Trial", "publisher": "Gut Journal", "url": "https://example.org/trial"}],
        hero_image_path="img/hero.svg",
        hero_image_alt="A bowl of oats",
        last_reviewed_at=now() - timedelta(days=1),
    )
    welcome = make_discount("WELCOME10", value=10, min_subtotal=2500, per_customer_limit=1)
    basics = make_article("fibre-basics", "Fibre text.\n\n[[discount:WELCOME10]]\n\n[[discount:SOON5]]",
                          title="Fibre Basics", tags=["Guides", "Recipes"], days_ago=5)
    save_site_settings({"banner_text": "Welcome to the larder", "tagline": "Kind food, tested."})
    faq = save_page(None, "Questions", "Ask away.", slug="faq")
    db.session.commit()

    tags = {t.slug: t.id for t in db.session.query(Tag)}
    ids = {
        "magnesium": magnesium.id,
        "mag_v1": magnesium.variants[0].id,
        "mag_v2": magnesium.variants[1].id,
        "mag_front": magnesium.images[0].id,
        "mag_side": magnesium.images[1].id,
        "cert": magnesium.certifications[0].id,
        "zinc": zinc.id,
        "psyllium": psyllium.id,
        "vegan": vegan.id,
        "shelf": shelf.id,
        "picks": picks.id,
        "ada": ada.id,
        "ben": ben.id,
        "cleo": cleo.id,
        "guide": guide.id,
        "basics": basics.id,
        "guides": tags["guides"],
        "recipes": tags["recipes"],
        "banner_text": "banner_text",  # site_setting's key
        "faq": faq.id,
        "welcome": welcome.id,
        "link": db.session.query(ArticleProductLink).filter_by(article_id=guide.id).one().id,
        "tomorrow": today() + timedelta(days=1),
        "ten_days_ago": now() - timedelta(days=10),
    }
    db.session.expire_all()
    return World(ids)


# ---------------------------------------------------------------- the scenarios


@dataclass(frozen=True)
class Change:
    name: str
    covers: tuple[str, ...]  # "table.column", "table:insert", "table:delete"
    orm: Callable[[World], None]
    sql: str | tuple[str, ...]
    pages: dict[str, Marker] = field(default_factory=dict)


def put(model, row_name: str, /, **values) -> Callable[[World], None]:
    def apply(w: World) -> None:
        row = w.get(model, row_name)
        for column, value in values.items():
            setattr(row, column, value)

    return apply


def delete(model, name: str) -> Callable[[World], None]:
    return lambda w: db.session.delete(w.get(model, name))


def add(make: Callable[[World], object]) -> Callable[[World], None]:
    return lambda w: db.session.add(make(w))


def _tag_zinc(w: World) -> None:
    zinc = w.get(Product, "zinc")  # held: a collection's owner must outlive the append
    zinc.diet_tags.append(w.get(DietTag, "vegan"))


def _untag_magnesium(w: World) -> None:
    magnesium = w.get(Product, "magnesium")
    magnesium.diet_tags.clear()


def _tag_guide(w: World) -> None:
    guide = w.get(Article, "guide")
    guide.tags.append(w.get(Tag, "recipes"))


def _untag_guide(w: World) -> None:
    guide = w.get(Article, "guide")
    guide.tags.clear()


def _set_stock(w: World) -> None:
    for variant in w.get(Product, "magnesium").variants:
        variant.stock = 0


def _point_cta_at_zinc(w: World) -> None:
    w.get(Article, "guide").cta_blocks = [{"kind": "product", "slugs": ["zinc-picolinate"], "label": None, "line": 3}]


def _link(article: str, slug: str, product: str) -> Callable[[World], object]:
    return lambda w: ArticleProductLink(article_id=w.ids[article], product_slug=slug, product_id=w.ids[product])


def _new_article(w: World) -> None:
    make_article("oat-notes", "Oats.", title="Oat Notes", days_ago=10)


FAR = datetime(2099, 1, 1, tzinfo=UTC)
GONE_MAGNESIUM = drops("/products/magnesium-glycinate")
WORDS = 2000

CHANGES = [
    # ---- product
    Change("product title", ("product.title",), put(Product, "magnesium", title="Magnesium Bisglycinate"),
           "UPDATE product SET title = 'Magnesium Bisglycinate' WHERE id = :magnesium",
           on(("product", *CARDS), shows("Magnesium Bisglycinate"))),
    Change("product slug", ("product.slug",), put(Product, "magnesium", slug="magnesium-citrate"),
           "UPDATE product SET slug = 'magnesium-citrate' WHERE id = :magnesium",
           on(("products", "collection", "certified", "home", "search", "sitemap"), shows("/products/magnesium-citrate"))
           | on(("article", "lite"), GONE_MAGNESIUM)),  # the CTA names the old slug: now a fallback
    Change("product brand", ("product.brand",), put(Product, "magnesium", brand="Deep Sleep Labs"),
           "UPDATE product SET brand = 'Deep Sleep Labs' WHERE id = :magnesium",
           on(("product", *CARDS), shows("Deep Sleep Labs"))),
    Change("product summary", ("product.summary",), put(Product, "magnesium", summary="Gentle on the stomach."),
           "UPDATE product SET summary = 'Gentle on the stomach.' WHERE id = :magnesium",
           {"product": shows("Gentle on the stomach.")}),
    Change("product description", ("product.description",), put(Product, "magnesium", description="Take twice daily."),
           "UPDATE product SET description = 'Take twice daily.' WHERE id = :magnesium",
           {"product": shows("Take twice daily.")}),
    Change("product ingredients", ("product.ingredients",), put(Product, "magnesium", ingredients="Cellulose capsule."),
           "UPDATE product SET ingredients = 'Cellulose capsule.' WHERE id = :magnesium",
           {"product": shows("Cellulose capsule.")}),
    Change("product allergens", ("product.allergens",), put(Product, "magnesium", allergens="Contains soy."),
           "UPDATE product SET allergens = 'Contains soy.' WHERE id = :magnesium",
           {"product": shows("Contains soy.")}),
    Change("product allergen bits", ("product.allergen_mask",), put(Product, "magnesium", allergen_mask=4),
           "UPDATE product SET allergen_mask = 4 WHERE id = :magnesium",
           {"product": shows("<dd data-allergens-contains>Milk</dd>")}),
    Change("product nutrition", ("product.nutrition",),
           put(Product, "magnesium", nutrition={"rows": [{"nutrient": "Vitamin B6", "amount": "2 mg"}]}),
           """UPDATE product SET nutrition = '{"rows": [{"nutrient": "Vitamin B6", "amount": "2 mg"}]}' WHERE id = :magnesium""",
           {"product": shows("Vitamin B6")}),
    Change("product status", ("product.status",), put(Product, "magnesium", status="archived"),
           "UPDATE product SET status = 'archived' WHERE id = :magnesium",
           on(("products", "collection", "certified", "home", "search", "sitemap"), GONE_MAGNESIUM)
           | on(("article", "lite"), shows("no longer available"))),
    Change("product seo title", ("product.seo_title",), put(Product, "magnesium", seo_title="Magnesium for Sleep"),
           "UPDATE product SET seo_title = 'Magnesium for Sleep' WHERE id = :magnesium",
           {"product": shows("<title>Magnesium for Sleep")}),
    Change("product seo description", ("product.seo_description",),
           put(Product, "magnesium", seo_description="Calm nights."),
           "UPDATE product SET seo_description = 'Calm nights.' WHERE id = :magnesium",
           {"product": shows('content="Calm nights."')}),
    # Triggers keep price_from from variants (storefront/catalog/price_from.py), the ORM
    # search_keywords and search_body from brand, tags and text (storefront/catalog/denormalise.py):
    # the ORM path changes their sources; raw SQL sets them.
    Change("product price_from", ("product.price_from",), put(Variant, "mag_v1", price=999),
           "UPDATE product SET price_from = 999 WHERE id = :magnesium",
           on(CARDS, shows("$9.99"))),
    # Triggers keep the certificate window from the certificates (storefront/catalog/certificate_window.py);
    # cards read it, the product page the certificates themselves.
    Change("product certificate window", ("product.certified_from", "product.certified_until", "product.certified_gaps"),
           lambda w: put(Certification, "cert", valid_from=w.ids["tomorrow"])(w),
           "UPDATE product SET certified_from = :tomorrow, certified_until = :tomorrow, certified_gaps = true "
           "WHERE id = :magnesium",
           on(CARDS, drops("badge-certified"))),
    Change("product search keywords", ("product.search_keywords",), put(Product, "magnesium", brand="Quercetin Labs"),
           "UPDATE product SET search_keywords = 'quercetin' WHERE id = :magnesium",
           {"quercetin": IN_SEARCH_RESULTS}),
    Change("product search body", ("product.search_body",), put(Product, "magnesium", summary="Rich in quercetin."),
           "UPDATE product SET search_body = 'rich in quercetin' WHERE id = :magnesium",
           {"quercetin": IN_SEARCH_RESULTS}),
    Change("product created_at", ("product.created_at",), put(Product, "magnesium", created_at=FAR),
           "UPDATE product SET created_at = '2099-01-01 00:00:00' WHERE id = :magnesium",
           on(("newest", "home"), shows("Magnesium Glycinate.*Psyllium Husk", regex=True))),
    Change("product updated_at", ("product.updated_at",), put(Product, "magnesium", updated_at=datetime(2030, 5, 6, tzinfo=UTC)),
           "UPDATE product SET updated_at = '2030-05-06 12:00:00' WHERE id = :magnesium",
           {"sitemap": shows("<lastmod>2030-05-06</lastmod>")}),
    Change("product insert", ("product:insert",),
           add(lambda w: Product(slug="oat-bran", title="Oat Bran", created_at=datetime(2000, 1, 1, tzinfo=UTC))),
           "INSERT INTO product (slug, title, brand, summary, description, ingredients, allergens, status, "
           "seo_title, seo_description, price_from, search_keywords, search_body, created_at, updated_at) "
           "VALUES ('oat-bran', 'Oat Bran', '', '', '', '', '', 'active', '', '', 0, '', '', "
           "'2000-01-01 00:00:00', '2000-01-01 00:00:00')",
           on(("products", "home"), shows("Oat Bran")) | {"sitemap": shows("/products/oat-bran")}),
    Change("product delete", ("product:delete",), delete(Product, "psyllium"),
           "DELETE FROM product WHERE id = :psyllium",
           on(("products", "home"), drops("Psyllium Husk")) | {"sitemap": drops("/products/psyllium-husk")}),
    # ---- variant
    Change("variant price", ("variant.price",), put(Variant, "mag_v2", price=3999),
           "UPDATE variant SET price = 3999 WHERE id = :mag_v2",
           {"product": shows("$39.99")}),
    Change("variant compare-at price", ("variant.compare_at_price",), put(Variant, "mag_v1", compare_at_price=2999),
           "UPDATE variant SET compare_at_price = 2999 WHERE id = :mag_v1",
           on(("product", *CARDS), shows("$29.99"))),
    Change("variant stock", ("variant.stock",), _set_stock,
           "UPDATE variant SET stock = 0 WHERE product_id = :magnesium",
           on(("product", *CARDS), shows('stock-out">Sold out'))),
    Change("variant option label", ("variant.option_label",), put(Variant, "mag_v1", option_label="90 capsules"),
           "UPDATE variant SET option_label = '90 capsules' WHERE id = :mag_v1",
           {"product": shows("90 capsules")}),
    Change("variant sku", ("variant.sku",), put(Variant, "mag_v1", sku="MAG-NEW-SKU"),
           "UPDATE variant SET sku = 'MAG-NEW-SKU' WHERE id = :mag_v1",
           {"product": shows("MAG-NEW-SKU")}),
    Change("variant position", ("variant.position",), put(Variant, "mag_v2", position=-1),
           "UPDATE variant SET position = -1 WHERE id = :mag_v2",
           {"product": shows('value="{mag_v2}" checked')}
           | on(("products", "collection", "home"), shows('name="variant_id" value="{mag_v2}"'))),
    Change("variant insert", ("variant:insert",),
           add(lambda w: Variant(product_id=w.ids["magnesium"], sku="MAG-TRAVEL", option_label="Travel pack", price=2999, stock=5, position=9)),
           "INSERT INTO variant (product_id, sku, option_label, price, stock, weight_grams, position) "
           "VALUES (:magnesium, 'MAG-TRAVEL', 'Travel pack', 2999, 5, 0, 9)",
           {"product": shows("Travel pack")}),
    Change("variant delete", ("variant:delete",), delete(Variant, "mag_v2"),
           "DELETE FROM variant WHERE id = :mag_v2",
           {"product": drops("120 capsules")}),
    # ---- product_image
    Change("image path", ("product_image.path",), put(ProductImage, "mag_front", path="img/products/new-shot.svg"),
           "UPDATE product_image SET path = 'img/products/new-shot.svg' WHERE id = :mag_front",
           on(("product", *CARDS), shows("new-shot.svg"))),
    Change("image alt", ("product_image.alt",), put(ProductImage, "mag_front", alt="Amber glass jar"),
           "UPDATE product_image SET alt = 'Amber glass jar' WHERE id = :mag_front",
           {"product": shows('alt="Amber glass jar"')}),
    Change("image width", ("product_image.width",), put(ProductImage, "mag_front", width=640),
           "UPDATE product_image SET width = 640 WHERE id = :mag_front",
           {"product": shows('width="640"')}),
    Change("image height", ("product_image.height",), put(ProductImage, "mag_front", height=480),
           "UPDATE product_image SET height = 480 WHERE id = :mag_front",
           {"product": shows('height="480"')}),
    Change("image sized copies", ("product_image.widths",), put(ProductImage, "mag_front", widths=[320]),
           "UPDATE product_image SET widths = '[320]' WHERE id = :mag_front",
           {"product": shows("front-320w.svg 320w")}),
    Change("image position", ("product_image.position",), put(ProductImage, "mag_side", position=-1),
           "UPDATE product_image SET position = -1 WHERE id = :mag_side",
           on(CARDS, shows("side.svg"))),
    Change("image insert", ("product_image:insert",),
           add(lambda w: ProductImage(product_id=w.ids["magnesium"], path="img/products/back-label.svg", alt="Back", position=2)),
           "INSERT INTO product_image (product_id, path, alt, position) "
           "VALUES (:magnesium, 'img/products/back-label.svg', 'Back', 2)",
           {"product": shows("back-label.svg")}),
    Change("first image of a product", ("product_image:insert",),
           add(lambda w: ProductImage(product_id=w.ids["zinc"], path="img/products/zinc-jar.svg", alt="", position=0)),
           "INSERT INTO product_image (product_id, path, alt, position) VALUES (:zinc, 'img/products/zinc-jar.svg', '', 0)",
           on(("zinc", "products", "collection", "home"), shows("zinc-jar.svg"))),
    Change("image delete", ("product_image:delete",), delete(ProductImage, "mag_side"),
           "DELETE FROM product_image WHERE id = :mag_side",
           {"product": drops("side.svg")}),
    # ---- certification
    Change("certificate body", ("certification.body",), put(Certification, "cert", body="FODMAP Friendly"),
           "UPDATE certification SET body = 'FODMAP Friendly' WHERE id = :cert",
           {"product": shows("FODMAP Friendly")}),
    Change("certificate licence", ("certification.licence_number",), put(Certification, "cert", licence_number="LIC-NEW-7"),
           "UPDATE certification SET licence_number = 'LIC-NEW-7' WHERE id = :cert",
           {"product": shows("LIC-NEW-7")}),
    Change("certificate serving", ("certification.serving_size_tested",),
           put(Certification, "cert", serving_size_tested="3 capsules"),
           "UPDATE certification SET serving_size_tested = '3 capsules' WHERE id = :cert",
           {"product": shows("3 capsules")}),
    Change("certificate structured serving",
           ("certification.serving_quantity", "certification.serving_unit",
            "certification.serving_metric_quantity", "certification.serving_metric_unit"),
           put(Certification, "cert", serving_quantity=4, serving_unit="sachets", serving_metric_quantity=2.5,
               serving_metric_unit="g"),
           "UPDATE certification SET serving_quantity = 4, serving_unit = 'sachets', serving_metric_quantity = 2.5, "
           "serving_metric_unit = 'g' WHERE id = :cert",
           {"product": shows("Certified low FODMAP at 4 sachets (2.5 g)")}),
    Change("certificate listing", ("certification.listing_url",),
           put(Certification, "cert", listing_url="https://example.org/listing-9"),
           "UPDATE certification SET listing_url = 'https://example.org/listing-9' WHERE id = :cert",
           {"product": shows("https://example.org/listing-9")}),
    Change("certificate valid from", ("certification.valid_from",),
           lambda w: put(Certification, "cert", valid_from=w.ids["tomorrow"])(w),
           "UPDATE certification SET valid_from = :tomorrow WHERE id = :cert",
           on(("product", *CARDS), drops("badge-certified"))),
    Change("certificate valid until", ("certification.valid_until",), put(Certification, "cert", valid_until=date(2099, 12, 31)),
           "UPDATE certification SET valid_until = '2099-12-31' WHERE id = :cert",
           {"product": shows('datetime="2099-12-31"')}),
    Change("certificate evidence", ("certification.evidence_url",),
           put(Certification, "cert", evidence_url="https://example.org/new-cert"),
           "UPDATE certification SET evidence_url = 'https://example.org/new-cert' WHERE id = :cert",
           {"product": shows("https://example.org/new-cert")}),
    Change("certificate insert", ("certification:insert",),
           add(lambda w: Certification(product_id=w.ids["zinc"], body="FODMAP Friendly", valid_from=date(2000, 1, 1), valid_until=date(2099, 12, 31))),
           "INSERT INTO certification (product_id, body, licence_number, serving_size_tested, valid_from, valid_until, evidence_url) "
           "VALUES (:zinc, 'FODMAP Friendly', '', '', '2000-01-01', '2099-12-31', '')",
           {"zinc": shows("FODMAP Friendly"), "certified": shows("Zinc Picolinate")}),
    Change("certificate delete", ("certification:delete",), delete(Certification, "cert"),
           "DELETE FROM certification WHERE id = :cert",
           on(("product", *CARDS), drops("badge-certified"))),
    # ---- collection
    Change("collection slug", ("collection.slug",), put(Collection, "shelf", slug="daily-shelf"),
           "UPDATE collection SET slug = 'daily-shelf' WHERE id = :shelf",
           on(("home", "sitemap"), shows("/collections/daily-shelf"))),
    Change("collection title", ("collection.title",), put(Collection, "shelf", title="Daily Shelf"),
           "UPDATE collection SET title = 'Daily Shelf' WHERE id = :shelf",
           on(("home", "collection"), shows("Daily Shelf"))),
    Change("collection description", ("collection.description",), put(Collection, "shelf", description="Picked daily."),
           "UPDATE collection SET description = 'Picked daily.' WHERE id = :shelf",
           on(("home", "collection"), shows("Picked daily."))),
    Change("collection rule", ("collection.rule",), put(Collection, "shelf", rule="certified"),
           "UPDATE collection SET rule = 'certified' WHERE id = :shelf",
           {"collection": drops("Zinc Picolinate")}),
    Change("collection featured", ("collection.featured",), put(Collection, "shelf", featured=False),
           "UPDATE collection SET featured = false WHERE id = :shelf",
           {"home": drops("Supplements Shelf")}),
    Change("collection position", ("collection.position",), put(Collection, "shelf", position=-1),
           "UPDATE collection SET position = -1 WHERE id = :shelf",
           {"home": shows("Supplements Shelf.*Certified Picks", regex=True)}),
    Change("collection image", ("collection.image",), put(Collection, "shelf", image="img/collections/teas.webp"),
           "UPDATE collection SET image = 'img/collections/teas.webp' WHERE id = :shelf",
           {"home": shows("/static/img/collections/teas.")}),
    Change("collection insert", ("collection:insert",),
           add(lambda w: Collection(slug="gift-ideas", title="Gift Ideas", featured=True)),
           "INSERT INTO collection (slug, title, description, featured, position) VALUES ('gift-ideas', 'Gift Ideas', '', true, 0)",
           {"home": shows("Gift Ideas"), "sitemap": shows("/collections/gift-ideas")}),
    Change("collection delete", ("collection:delete",), delete(Collection, "shelf"),
           "DELETE FROM collection WHERE id = :shelf",
           {"home": drops("Supplements Shelf"), "sitemap": drops("/collections/supplements")}),
    # ---- collection_product
    Change("collection entry position", ("collection_product.position",),
           lambda w: db.session.query(CollectionProduct).filter_by(product_id=w.ids["magnesium"]).update({"position": 5}),
           "UPDATE collection_product SET position = 5 WHERE product_id = :magnesium",
           {"collection": shows("Zinc Picolinate.*Magnesium Glycinate", regex=True)}),
    Change("collection entry insert", ("collection_product:insert",),
           add(lambda w: CollectionProduct(collection_id=w.ids["shelf"], product_id=w.ids["psyllium"], position=2)),
           "INSERT INTO collection_product (collection_id, product_id, position) VALUES (:shelf, :psyllium, 2)",
           {"collection": shows("Psyllium Husk")}),
    Change("collection entry delete", ("collection_product:delete",),
           lambda w: db.session.query(CollectionProduct).filter_by(product_id=w.ids["zinc"]).delete(),
           "DELETE FROM collection_product WHERE product_id = :zinc",
           {"collection": drops("Zinc Picolinate")}),
    # ---- diet_tag and product_diet_tag
    Change("diet tag name", ("diet_tag.name",), put(DietTag, "vegan", name="Plant Based"),
           "UPDATE diet_tag SET name = 'Plant Based' WHERE id = :vegan",
           on(("product", *LISTINGS), shows("Plant Based"))),
    Change("diet tag slug", ("diet_tag.slug",), put(DietTag, "vegan", slug="plant-based"),
           "UPDATE diet_tag SET slug = 'plant-based' WHERE id = :vegan",
           on(("product", *LISTINGS), shows("plant-based"))),
    Change("diet tag insert", ("diet_tag:insert",), add(lambda w: DietTag(slug="keto", name="Keto")),
           "INSERT INTO diet_tag (slug, name) VALUES ('keto', 'Keto')",
           on(LISTINGS, shows('data-facet-count="keto"'))),
    Change("diet tag delete", ("diet_tag:delete",), delete(DietTag, "vegan"),
           "DELETE FROM diet_tag WHERE id = :vegan",
           {"product": drops("tag=vegan")} | on(LISTINGS, drops('data-facet-count="vegan"'))),
    Change("product tagged", ("product_diet_tag:insert",), _tag_zinc,
           "INSERT INTO product_diet_tag (product_id, diet_tag_id) VALUES (:zinc, :vegan)",
           {"zinc": shows("tag=vegan")} | on(("products", "collection"), shows('data-facet-count="vegan">(2)'))),
    Change("product untagged", ("product_diet_tag:delete",), _untag_magnesium,
           "DELETE FROM product_diet_tag WHERE product_id = :magnesium",
           {"product": drops("tag=vegan")} | on(LISTINGS, drops('data-facet-count="vegan">(1)'))),
    # ---- product review columns (kept by the reviews room's triggers on review)
    Change("review approved", ("product.review_count", "product.review_rating_sum"),
           add(lambda w: Review(product_id=w.ids["magnesium"], author_name="Ann K.", rating=4, body="Calm nights.",
                                status="approved")),
           "INSERT INTO review (product_id, author_name, rating, title, body, status, source, helpful_count, "
           "created_at, moderation_note) VALUES (:magnesium, 'Ann K.', 4, '', 'Calm nights.', 'approved', "
           "'account', 0, :ten_days_ago, '')",
           on(("product", "products", "collection", "home", "search"), shows("4.0 out of 5, 1 review"))),
    # ---- site_setting
    Change("setting value", ("site_setting.value",), put(SiteSetting, "banner_text", value="Autumn sale"),
           "UPDATE site_setting SET value = 'Autumn sale' WHERE key = 'banner_text'",
           on(CHROME, shows("Autumn sale"))),
    Change("setting insert", ("site_setting:insert",), add(lambda w: SiteSetting(key="banner_link", value="/journal-offer")),
           "INSERT INTO site_setting (key, value) VALUES ('banner_link', '/journal-offer')",
           on(CHROME, shows('href="/journal-offer"'))),
    Change("setting delete", ("site_setting:delete",), delete(SiteSetting, "banner_text"),
           "DELETE FROM site_setting WHERE key = 'banner_text'",
           on(CHROME, drops("Welcome to the larder"))),
    # ---- site_page
    Change("page slug", ("site_page.slug",), put(SitePage, "faq", slug="questions"),
           "UPDATE site_page SET slug = 'questions' WHERE id = :faq",
           {"info": drops("Ask away."), "sitemap": shows("/pages/questions")}),
    Change("page title", ("site_page.title",), put(SitePage, "faq", title="Common questions"),
           "UPDATE site_page SET title = 'Common questions' WHERE id = :faq",
           {"info": shows("Common questions")}),
    Change("page body", ("site_page.body_html",), put(SitePage, "faq", body_html="<p>Fresh answer.</p>"),
           "UPDATE site_page SET body_html = '<p>Fresh answer.</p>' WHERE id = :faq",
           {"info": shows("Fresh answer.")}),
    Change("page updated_at", ("site_page.updated_at",), put(SitePage, "faq", updated_at=datetime(2030, 5, 6, 9, tzinfo=UTC)),
           "UPDATE site_page SET updated_at = '2030-05-06 09:00:00' WHERE id = :faq",
           {"sitemap": shows("/pages/faq</loc><lastmod>2030-05-06</lastmod>")}),
    Change("page insert", ("site_page:insert",),
           add(lambda w: SitePage(slug="privacy", title="Privacy", body_source="", body_html="<p>Our own words.</p>",
                                  updated_at=now())),
           "INSERT INTO site_page (slug, title, body_source, body_html, updated_at) "
           "VALUES ('privacy', 'Privacy', '', '<p>Our own words.</p>', :ten_days_ago)",
           {"privacy": shows("Our own words.")}),
    Change("page delete", ("site_page:delete",), delete(SitePage, "faq"),
           "DELETE FROM site_page WHERE id = :faq",
           {"info": drops("Ask away.")}),
    # ---- article
    Change("article slug", ("article.slug",), put(Article, "guide", slug="gut-handbook"),
           "UPDATE article SET slug = 'gut-handbook' WHERE id = :guide",
           on(("journal", "tag", "product", "sitemap"), shows("/blog/gut-handbook"))),
    Change("article title", ("article.title",), put(Article, "guide", title="Gut Handbook"),
           "UPDATE article SET title = 'Gut Handbook' WHERE id = :guide",
           on(("article", "lite", "journal", "tag", "product"), shows("Gut Handbook"))),
    Change("article dek", ("article.dek",), put(Article, "guide", dek="Where to begin."),
           "UPDATE article SET dek = 'Where to begin.' WHERE id = :guide",
           on(("article", "lite", "journal", "tag"), shows("Where to begin."))),
    Change("article body", ("article.body_html",), put(Article, "guide", body_html="<p>Fresh paragraph.</p>"),
           "UPDATE article SET body_html = '<p>Fresh paragraph.</p>' WHERE id = :guide",
           on(("article", "lite"), shows("Fresh paragraph."))),
    Change("article CTAs", ("article.cta_blocks",), _point_cta_at_zinc,
           """UPDATE article SET cta_blocks = '[{"kind": "product", "slugs": ["zinc-picolinate"], "label": null, "line": 3}]' """
           "WHERE id = :guide",
           on(("article", "lite"), shows("Zinc Picolinate"))),
    Change("article headings", ("article.headings",),
           put(Article, "guide", headings=[{"level": 2, "text": "Fresh heading", "anchor": "fresh-heading"}]),
           """UPDATE article SET headings = '[{"level": 2, "text": "Fresh heading", "anchor": "fresh-heading"}]' WHERE id = :guide""",
           {"article": shows("Fresh heading")}),
    Change("article word count", ("article.word_count",), put(Article, "guide", word_count=WORDS),
           f"UPDATE article SET word_count = {WORDS} WHERE id = :guide",
           on(("article", "lite"), shows(f"{reading_minutes(WORDS)} min read"))),
    Change("article hero image", ("article.hero_image_path",), put(Article, "guide", hero_image_path="img/hero-two.svg"),
           "UPDATE article SET hero_image_path = 'img/hero-two.svg' WHERE id = :guide",
           {"article": shows("hero-two.svg")}),
    Change("article hero alt", ("article.hero_image_alt",), put(Article, "guide", hero_image_alt="A bowl of rice"),
           "UPDATE article SET hero_image_alt = 'A bowl of rice' WHERE id = :guide",
           {"article": shows("A bowl of rice")}),
    Change("article author", ("article.author_id",), lambda w: put(Article, "guide", author_id=w.ids["cleo"])(w),
           "UPDATE article SET author_id = :cleo WHERE id = :guide",
           on(("article", "lite", "journal", "tag"), shows("Cleo Park"))),
    Change("article reviewer", ("article.reviewer_id",), lambda w: put(Article, "guide", reviewer_id=w.ids["cleo"])(w),
           "UPDATE article SET reviewer_id = :cleo WHERE id = :guide",
           on(("article", "lite"), shows("Cleo Park"))),
    Change("article status", ("article.status",), put(Article, "guide", status="draft"),
           "UPDATE article SET status = 'draft' WHERE id = :guide",
           on(("journal", "tag", "product", "sitemap"), drops("/blog/gut-guide"))),
    Change("article published_at", ("article.published_at",),
           put(Article, "guide", published_at=datetime(2024, 1, 2, 9, tzinfo=UTC)),
           "UPDATE article SET published_at = '2024-01-02 09:00:00' WHERE id = :guide",
           on(("article", "lite", "journal", "tag"), shows('datetime="2024-01-02"'))),
    Change("article updated_at", ("article.updated_at",), put(Article, "guide", updated_at=datetime(2030, 5, 6, 9, tzinfo=UTC)),
           "UPDATE article SET updated_at = '2030-05-06 09:00:00' WHERE id = :guide",
           {"article": shows('datetime="2030-05-06"'), "sitemap": shows("<lastmod>2030-05-06</lastmod>")}),
    Change("article last reviewed", ("article.last_reviewed_at",),
           put(Article, "guide", last_reviewed_at=datetime(2029, 3, 4, 9, tzinfo=UTC)),
           "UPDATE article SET last_reviewed_at = '2029-03-04 09:00:00' WHERE id = :guide",
           {"article": shows('datetime="2029-03-04"')}),
    Change("article references", ("article.references",),
           put(Article, "guide", references=[{"title": "Fibre Review", "publisher": "", "url": ""}]),
           """UPDATE article SET "references" = '[{"title": "Fibre Review", "publisher": "", "url": ""}]' WHERE id = :guide""",
           on(("article", "lite"), shows("Fibre Review"))),
    Change("article disclaimer", ("article.has_disclaimer",), put(Article, "guide", has_disclaimer=True),
           "UPDATE article SET has_disclaimer = true WHERE id = :guide",
           on(("article", "lite"), shows("For information, not medical advice.")) | on(("journal", "tag"), shows("Medically reviewed"))),
    Change("article seo title", ("article.seo_title",), put(Article, "guide", seo_title="Gut Guide for Beginners"),
           "UPDATE article SET seo_title = 'Gut Guide for Beginners' WHERE id = :guide",
           on(("article", "lite"), shows("<title>Gut Guide for Beginners"))),
    Change("article seo description", ("article.seo_description",), put(Article, "guide", seo_description="Begin gently."),
           "UPDATE article SET seo_description = 'Begin gently.' WHERE id = :guide",
           on(("article", "lite"), shows('content="Begin gently."'))),
    Change("article canonical", ("article.canonical_url",),
           put(Article, "guide", canonical_url="https://example.org/canonical-gut"),
           "UPDATE article SET canonical_url = 'https://example.org/canonical-gut' WHERE id = :guide",
           on(("article", "lite"), shows("https://example.org/canonical-gut"))),
    # Dated before the newest article: the journal's time marker (the latest article due)
    # stays the same, so only the version can tell the pages about it.
    Change("article insert", ("article:insert",), _new_article,
           'INSERT INTO article (slug, title, dek, body_source, body_html, cta_blocks, headings, word_count, '
           'hero_image_alt, status, published_at, updated_at, created_at, "references", has_disclaimer, '
           "seo_title, seo_description, canonical_url) VALUES ('oat-notes', 'Oat Notes', '', 'Oats.', "
           "'<p>Oats.</p>', '[]', '[]', 1, '', 'published', :ten_days_ago, :ten_days_ago, :ten_days_ago, "
           "'[]', false, '', '', '')",
           on(("journal", "article"), shows("Oat Notes")) | {"sitemap": shows("/blog/oat-notes")}),
    Change("article delete", ("article:delete",), delete(Article, "basics"),
           "DELETE FROM article WHERE id = :basics",
           on(("journal", "tag", "article", "sitemap"), drops("/blog/fibre-basics"))),
    # ---- author
    Change("author name", ("author.name",), put(Author, "ada", name="Ada King"),
           "UPDATE author SET name = 'Ada King' WHERE id = :ada",
           on(("article", "lite", "journal", "tag"), shows("Ada King"))),
    Change("author slug", ("author.slug",), put(Author, "ada", slug="a-lovelace"),
           "UPDATE author SET slug = 'a-lovelace' WHERE id = :ada",
           {"article": shows("about-a-lovelace")}),
    Change("author credentials", ("author.credentials",), put(Author, "ada", credentials="Registered Dietitian"),
           "UPDATE author SET credentials = 'Registered Dietitian' WHERE id = :ada",
           on(("article", "lite"), shows("Registered Dietitian"))),
    Change("author bio", ("author.bio",), put(Author, "ada", bio="Ada studies the gut."),
           "UPDATE author SET bio = 'Ada studies the gut.' WHERE id = :ada",
           {"article": shows("Ada studies the gut.")}),
    Change("author role", ("author.role",), put(Author, "ben", role="writer"),
           "UPDATE author SET role = 'writer' WHERE id = :ben",
           {"article": drops("Medical reviewer")}),
    Change("author delete", ("author:delete",), delete(Author, "ada"),
           "DELETE FROM author WHERE id = :ada",
           on(("article", "lite", "journal", "tag"), drops("Ada Lovelace"))),
    # ---- blog_tag and article_tag
    Change("blog tag name", ("blog_tag.name",), put(Tag, "guides", name="Field Guides"),
           "UPDATE blog_tag SET name = 'Field Guides' WHERE id = :guides",
           on(("article", "tag"), shows("Field Guides"))),
    Change("blog tag slug", ("blog_tag.slug",), put(Tag, "guides", slug="field-guides"),
           "UPDATE blog_tag SET slug = 'field-guides' WHERE id = :guides",
           {"article": shows("/blog/tag/field-guides")}),
    Change("blog tag delete", ("blog_tag:delete",), delete(Tag, "guides"),
           "DELETE FROM blog_tag WHERE id = :guides",
           {"article": drops("/blog/tag/guides")}),
    Change("article tagged", ("article_tag:insert",), _tag_guide,
           "INSERT INTO article_tag (article_id, tag_id) VALUES (:guide, :recipes)",
           {"article": shows("/blog/tag/recipes")}),
    Change("article untagged", ("article_tag:delete",), _untag_guide,
           "DELETE FROM article_tag WHERE article_id = :guide",
           {"article": drops("/blog/tag/guides"), "tag": drops("/blog/gut-guide")}),
    # ---- article_product_link
    Change("product link slug", ("article_product_link.product_slug",), put(ArticleProductLink, "link", product_slug="zinc-picolinate"),
           "UPDATE article_product_link SET product_slug = 'zinc-picolinate' WHERE id = :link",
           {"zinc": shows('href="/blog/gut-guide"')}),
    Change("product link product", ("article_product_link.product_id",),
           lambda w: put(ArticleProductLink, "link", product_id=w.ids["zinc"])(w),
           "UPDATE article_product_link SET product_id = :zinc WHERE id = :link",
           {"zinc": shows('href="/blog/gut-guide"')}),
    Change("product link article", ("article_product_link.article_id",),
           lambda w: put(ArticleProductLink, "link", article_id=w.ids["basics"])(w),
           "UPDATE article_product_link SET article_id = :basics WHERE id = :link",
           {"product": shows('href="/blog/fibre-basics"')}),
    Change("product link insert", ("article_product_link:insert",), add(_link("basics", "zinc-picolinate", "zinc")),
           "INSERT INTO article_product_link (article_id, product_slug, product_id, position) "
           "VALUES (:basics, 'zinc-picolinate', :zinc, 0)",
           {"zinc": shows('href="/blog/fibre-basics"')}),
    Change("product link delete", ("article_product_link:delete",), delete(ArticleProductLink, "link"),
           "DELETE FROM article_product_link WHERE id = :link",
           {"product": drops('href="/blog/gut-guide"')}),
    # ---- discount (an article's code cards)
    Change("discount code", ("discount.code",), put(Discount, "welcome", code="HELLO10"),
           "UPDATE discount SET code = 'HELLO10' WHERE id = :welcome", {"offer": drops("10% off")}),
    Change("discount kind", ("discount.kind",), put(Discount, "welcome", kind="free_delivery"),
           "UPDATE discount SET kind = 'free_delivery' WHERE id = :welcome", {"offer": shows("Free delivery")}),
    Change("discount value", ("discount.value",), put(Discount, "welcome", value=15),
           "UPDATE discount SET value = 15 WHERE id = :welcome", {"offer": shows("15% off")}),
    Change("discount minimum", ("discount.min_subtotal",), put(Discount, "welcome", min_subtotal=3000),
           "UPDATE discount SET min_subtotal = 3000 WHERE id = :welcome", {"offer": shows("On orders of $30.00 or more.")}),
    Change("discount start", ("discount.starts_at",), put(Discount, "welcome", starts_at=datetime(2030, 1, 1, tzinfo=UTC)),
           "UPDATE discount SET starts_at = '2030-01-01 00:00:00' WHERE id = :welcome",
           {"offer": shows("This code is not valid yet.")}),
    Change("discount end", ("discount.ends_at",), put(Discount, "welcome", ends_at=datetime(2020, 1, 1, tzinfo=UTC)),
           "UPDATE discount SET ends_at = '2020-01-01 00:00:00' WHERE id = :welcome",
           {"offer": shows("This code has expired.")}),
    Change("discount per customer", ("discount.per_customer_limit",), put(Discount, "welcome", per_customer_limit=2),
           "UPDATE discount SET per_customer_limit = 2 WHERE id = :welcome", {"offer": shows("Up to 2 times per customer.")}),
    Change("discount products", ("discount.product_slugs",), put(Discount, "welcome", product_slugs=["zinc-picolinate"]),
           """UPDATE discount SET product_slugs = '["zinc-picolinate"]' WHERE id = :welcome""",
           {"offer": shows("On selected products only.")}),
    Change("discount collections", ("discount.collection_slugs",), put(Discount, "welcome", collection_slugs=["supplements"]),
           """UPDATE discount SET collection_slugs = '["supplements"]' WHERE id = :welcome""",
           {"offer": shows("On selected products only.")}),
    Change("discount sale items", ("discount.exclude_sale_items",), put(Discount, "welcome", exclude_sale_items=True),
           "UPDATE discount SET exclude_sale_items = true WHERE id = :welcome", {"offer": shows("Not on sale-priced items.")}),
    Change("discount switched off", ("discount.active",), put(Discount, "welcome", active=False),
           "UPDATE discount SET active = false WHERE id = :welcome", {"offer": drops("10% off")}),
    Change("discount used up", ("discount.used_up",), put(Discount, "welcome", used_up=True),
           "UPDATE discount SET used_up = true WHERE id = :welcome", {"offer": shows("This code has been used up.")}),
    Change("discount insert", ("discount:insert",), add(lambda w: Discount(code="SOON5", kind="fixed", value=500)),
           "INSERT INTO discount (code, note, kind, value, min_subtotal, product_slugs, collection_slugs, "
           "exclude_sale_items, active, used_up, created_at, updated_at) VALUES ('SOON5', '', 'fixed', 500, 0, "
           "'[]', '[]', false, true, false, :ten_days_ago, :ten_days_ago)",
           {"offer": shows("$5.00 off")}),
    Change("discount delete", ("discount:delete",), delete(Discount, "welcome"),
           "DELETE FROM discount WHERE id = :welcome", {"offer": drops("10% off")}),
]


# ---------------------------------------------------------------- the registry tests


def _public_tables() -> list:
    return [t for t in db.metadata.sorted_tables if t.name not in NOT_ON_PUBLIC_PAGES]


def _covered() -> set[str]:
    return {item for change in CHANGES for item in change.covers}


def test_every_table_is_versioned_or_listed_as_shown_on_no_public_page(app):
    VERSIONED_TABLES = set(versioned_tables(app))  # noqa: N806 - as each package registered them
    problems = []
    scenario_tables = {item.split(".")[0].split(":")[0] for item in _covered()}
    for table in db.metadata.sorted_tables:
        name = table.name
        versioned, private = name in VERSIONED_TABLES, name in NOT_ON_PUBLIC_PAGES
        if not versioned and not private:
            problems.append(
                f"table {name} is neither versioned (storefront.caching.registry) nor listed "
                "in NOT_ON_PUBLIC_PAGES: does a public page show it?"
            )
        elif versioned and private:
            problems.append(f"table {name} is versioned but listed in NOT_ON_PUBLIC_PAGES")
        elif versioned and name not in scenario_tables:
            problems.append(f"no scenario for table {name}")
    known = {t.name for t in db.metadata.sorted_tables}
    problems += [f"NOT_ON_PUBLIC_PAGES names {n}, which no model defines" for n in NOT_ON_PUBLIC_PAGES if n not in known]
    problems += [f"VERSIONED_TABLES names {n}, which no model defines" for n in VERSIONED_TABLES if n not in known]
    assert not problems, "\n".join(problems)


def test_every_column_and_row_change_of_a_shown_table_has_a_scenario_or_a_reason(app):
    covered = _covered()
    problems = []
    expected = set()
    for table in _public_tables():
        columns = [f"{table.name}.{column.name}" for column in table.columns]
        for item in [*columns, f"{table.name}:insert", f"{table.name}:delete"]:
            expected.add(item)
            if item in covered and item in NOT_SHOWN:
                problems.append(f"{item} has a scenario and is also listed in NOT_SHOWN")
            elif item not in covered and item not in NOT_SHOWN:
                problems.append(f"no scenario for {item} (add one, or say in NOT_SHOWN why no page shows it)")
    problems += [f"{item} is not a column or row change of a shown table" for item in (covered | set(NOT_SHOWN)) - expected]
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- the change scenarios


@pytest.fixture
def caches(app):
    """Both Redis stores on, in memory: pages and fragments (facet counts, journal totals)."""
    originals = larder_state(app).page_cache, larder_state(app).fragment_cache
    pages, fragments = PageCache("redis://fake", ttl=60), PageCache("redis://fake", ttl=60, prefix=FRAGMENT_PREFIX)
    pages._client = fragments._client = FakeRedis()  # one server, as their one URL says
    larder_state(app).page_cache, larder_state(app).fragment_cache = pages, fragments
    yield
    larder_state(app).page_cache, larder_state(app).fragment_cache = originals


def _run_sql(statements: str | tuple[str, ...], ids: dict) -> None:
    for statement in (statements,) if isinstance(statements, str) else statements:
        names = set(re.findall(r"(?<!:):(\w+)", statement))
        db.session.execute(text(statement), {k: v for k, v in ids.items() if k in names})


def _describe(marker: Marker, ids: dict) -> str:
    return f"{'show' if marker.shows else 'no longer show'} {marker.text.format(**ids) if not marker.regex else marker.text!r}"


@pytest.mark.parametrize("how", ["orm", "sql"])
@pytest.mark.parametrize("change", CHANGES, ids=[c.name for c in CHANGES])
def test_a_change_re_renders_every_page_showing_it(app, client, caches, change, how):
    world = build_world()
    ids = world.ids
    etags = {}
    for page, marker in change.pages.items():
        url = PAGES[page]
        response = client.get(url)
        assert response.status_code == 200, f"{url} before the change: {response.status_code}"
        html = response.get_data(as_text=True)
        assert marker.found_in(html, ids) is not marker.shows, f"{url} already fails to {_describe(marker, ids)}"
        if page != "sitemap":
            etags[page] = response.headers["ETag"]
            assert client.get(url, headers={"If-None-Match": etags[page]}).status_code == 304, (
                f"{url} is not answered 304 before any change: this scenario proves nothing"
            )

    if how == "orm":
        change.orm(world)
    else:
        _run_sql(change.sql, ids)
    db.session.commit()
    db.session.expire_all()

    for page, marker in change.pages.items():
        url = PAGES[page]
        headers = {"If-None-Match": etags[page]} if page in etags else {}
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (
            f"{url} answered {response.status_code} to its old ETag after the {change.name} changed ({how}): "
            f"a stale page: does a change to {', '.join(change.covers)} bump the catalog version "
            "(VERSIONED_TABLES and the triggers in storefront/caching/triggers.py), or, for a narrow "
            "table, stamp a tag this page declared (storefront/catalog/versioned.py and queries.py)?"
        )
        if page in etags:
            assert response.headers.get("X-Larder-Cache") == "miss", f"{url} came from the Redis page store"
        html = response.get_data(as_text=True)
        assert marker.found_in(html, ids) is marker.shows, f"{url} does not {_describe(marker, ids)} after the {change.name} changed ({how})"
