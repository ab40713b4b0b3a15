"""listings re-render only for what they show: narrower tags for sales and price edits

Revision ID: f8a0c2e4b6d8
Revises: e7d1c3a5b9f2
Create Date: 2026-11-27 21:00:00

A write to a product table still stamps the product's tag and "*" (what a read nobody declared
depends on), but the tags listings depend on are stamped only when the write can change what they
hold, their order or their counts: "listings" (a product's listed columns, a certificate, a diet
tag, a collection entry, a variant added or removed), "stock" (a variant's stock crossing zero),
"price:<band>" and "price@<collection>:<band>" (product.price_from moving: old and new band, of
every product and of the hand-picked collections holding it); the hand-picked collections holding
the product are stamped with "listings" (and a collection entry's position), no longer for a price
or a stock change. A product that may have joined a set also stamps the sets
it may have joined ("+collection:<id>", "+diet:<id>", beside "+"), for "You may also like". A sale
that leaves a product in stock, a review count or a stock level seen only on the product's cards
stamp the product's tag alone. The SQL is frozen
here as storefront/caching/triggers.py and storefront/catalog/versioned.py made it at this
revision; this migration must not change later.
"""
import sqlalchemy as sa
from alembic import op

revision = "f8a0c2e4b6d8"
down_revision = "e7d1c3a5b9f2"
branch_labels = None
depends_on = None

TABLES = ('certification', 'collection_product', 'product', 'product_diet_tag', 'product_image', 'variant')

PG_TAGS_FUNCTION = """
CREATE OR REPLACE FUNCTION larder_stamp_cache_tags() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    stamp bigint;
BEGIN
    -- An UPDATE of variant's capped columns that no page can show keeps every cached page.
    IF TG_TABLE_NAME = 'variant' AND TG_OP = 'UPDATE' THEN
        IF (to_jsonb(OLD) - 'stock') = (to_jsonb(NEW) - 'stock')
           AND least(greatest(OLD.stock, 0), 99) = least(greatest(NEW.stock, 0), 99) THEN
            RETURN NULL;
        END IF;
    END IF;
    stamp := nullif(current_setting('larder.change_seq', true), '')::bigint;
    IF stamp IS NULL THEN
        INSERT INTO catalog_version (id, counter, epoch, changed_at, seq)
        VALUES (1, 0, md5(random()::text), extract(epoch FROM clock_timestamp()), 1)
        ON CONFLICT (id) DO UPDATE
            SET seq = catalog_version.seq + 1,
                changed_at = extract(epoch FROM clock_timestamp())
        RETURNING seq INTO stamp;
        PERFORM set_config('larder.change_seq', stamp::text, true);
    END IF;
    IF TG_TABLE_NAME = 'article' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || NEW.id AS t UNION ALL SELECT 'featured:' || l.product_id AS t FROM article_product_link l WHERE l.article_id = NEW.id AND l.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM article_product_link l JOIN product p ON p.slug = l.product_slug WHERE l.article_id = NEW.id UNION ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || OLD.id AS t UNION ALL SELECT 'featured:' || l.product_id AS t FROM article_product_link l WHERE l.article_id = OLD.id AND l.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM article_product_link l JOIN product p ON p.slug = l.product_slug WHERE l.article_id = OLD.id UNION ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || OLD.id AS t UNION ALL SELECT 'featured:' || l.product_id AS t FROM article_product_link l WHERE l.article_id = OLD.id AND l.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM article_product_link l JOIN product p ON p.slug = l.product_slug WHERE l.article_id = OLD.id UNION ALL SELECT 'article:' || NEW.id AS t UNION ALL SELECT 'featured:' || l.product_id AS t FROM article_product_link l WHERE l.article_id = NEW.id AND l.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM article_product_link l JOIN product p ON p.slug = l.product_slug WHERE l.article_id = NEW.id UNION ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t WHERE NOT (OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.published_at IS NOT DISTINCT FROM NEW.published_at)) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'article_product_link' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'featured:' || NEW.product_id AS t WHERE NEW.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM product p WHERE p.slug = NEW.product_slug UNION ALL SELECT 'journal' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'featured:' || OLD.product_id AS t WHERE OLD.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM product p WHERE p.slug = OLD.product_slug UNION ALL SELECT 'journal' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'featured:' || OLD.product_id AS t WHERE OLD.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM product p WHERE p.slug = OLD.product_slug UNION ALL SELECT 'featured:' || NEW.product_id AS t WHERE NEW.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM product p WHERE p.slug = NEW.product_slug UNION ALL SELECT 'journal' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'article_tag' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || NEW.article_id AS t UNION ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || OLD.article_id AS t UNION ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || OLD.article_id AS t UNION ALL SELECT 'article:' || NEW.article_id AS t UNION ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t WHERE NOT (OLD.article_id = NEW.article_id AND OLD.tag_id = NEW.tag_id)) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'author' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'author:' || NEW.id AS t UNION ALL SELECT 'journal' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'author:' || OLD.id AS t UNION ALL SELECT 'journal' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'author:' || OLD.id AS t UNION ALL SELECT 'author:' || NEW.id AS t UNION ALL SELECT 'journal' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'blog_tag' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'topic:' || NEW.id AS t UNION ALL SELECT 'journal' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'topic:' || OLD.id AS t UNION ALL SELECT 'journal' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'topic:' || OLD.id AS t UNION ALL SELECT 'topic:' || NEW.id AS t UNION ALL SELECT 'journal' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'certification' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.product_id UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = OLD.product_id UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = OLD.product_id UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.product_id UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'collection_product' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || NEW.collection_id AS t UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || NEW.collection_id AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || OLD.collection_id AS t UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || OLD.collection_id AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT (OLD.collection_id = NEW.collection_id AND OLD.product_id = NEW.product_id) UNION ALL SELECT t FROM (SELECT '+collection:' || OLD.collection_id AS t UNION ALL SELECT '+collection:' || NEW.collection_id AS t) AS steady WHERE NOT (OLD.collection_id = NEW.collection_id AND OLD.product_id = NEW.product_id) UNION ALL SELECT t FROM (SELECT 'listings' AS t) AS steady WHERE NOT (OLD.collection_id = NEW.collection_id AND OLD.product_id = NEW.product_id) UNION ALL SELECT t FROM (SELECT 'collection:' || OLD.collection_id AS t UNION ALL SELECT 'collection:' || NEW.collection_id AS t) AS steady WHERE NOT (OLD.collection_id = NEW.collection_id AND OLD.product_id = NEW.product_id AND OLD.position IS NOT DISTINCT FROM NEW.position)) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'product' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.id UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = OLD.id UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.id) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.id AS t UNION ALL SELECT 'product:' || NEW.id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT (OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.slug IS NOT DISTINCT FROM NEW.slug) UNION ALL SELECT t FROM (SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = OLD.id UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.id) AS steady WHERE NOT (OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.slug IS NOT DISTINCT FROM NEW.slug) UNION ALL SELECT t FROM (SELECT 'listings' AS t) AS steady WHERE NOT (OLD.id IS NOT DISTINCT FROM NEW.id AND OLD.slug IS NOT DISTINCT FROM NEW.slug AND OLD.title IS NOT DISTINCT FROM NEW.title AND OLD.brand IS NOT DISTINCT FROM NEW.brand AND OLD.summary IS NOT DISTINCT FROM NEW.summary AND OLD.description IS NOT DISTINCT FROM NEW.description AND OLD.ingredients IS NOT DISTINCT FROM NEW.ingredients AND OLD.allergens IS NOT DISTINCT FROM NEW.allergens AND OLD.allergen_mask IS NOT DISTINCT FROM NEW.allergen_mask AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.search_keywords IS NOT DISTINCT FROM NEW.search_keywords AND OLD.search_body IS NOT DISTINCT FROM NEW.search_body) UNION ALL SELECT t FROM (SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.id UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id) AS steady WHERE NOT (OLD.id IS NOT DISTINCT FROM NEW.id AND OLD.slug IS NOT DISTINCT FROM NEW.slug AND OLD.title IS NOT DISTINCT FROM NEW.title AND OLD.brand IS NOT DISTINCT FROM NEW.brand AND OLD.summary IS NOT DISTINCT FROM NEW.summary AND OLD.description IS NOT DISTINCT FROM NEW.description AND OLD.ingredients IS NOT DISTINCT FROM NEW.ingredients AND OLD.allergens IS NOT DISTINCT FROM NEW.allergens AND OLD.allergen_mask IS NOT DISTINCT FROM NEW.allergen_mask AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.search_keywords IS NOT DISTINCT FROM NEW.search_keywords AND OLD.search_body IS NOT DISTINCT FROM NEW.search_body) UNION ALL SELECT 'price:' || (CASE WHEN OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 ELSE 52 END) AS t WHERE NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND OLD.price_from IS NOT NULL UNION ALL SELECT 'price@' || collection_id || ':' || (CASE WHEN OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 ELSE 52 END) AS t FROM collection_product WHERE product_id = OLD.id AND NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND OLD.price_from IS NOT NULL UNION ALL SELECT 'price:' || (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) AS t WHERE NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND NEW.price_from IS NOT NULL UNION ALL SELECT 'price@' || collection_id || ':' || (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) AS t FROM collection_product WHERE product_id = NEW.id AND NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND NEW.price_from IS NOT NULL) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'product_diet_tag' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+diet:' || NEW.diet_tag_id AS t UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+diet:' || OLD.diet_tag_id AS t UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT (OLD.product_id = NEW.product_id AND OLD.diet_tag_id = NEW.diet_tag_id) UNION ALL SELECT t FROM (SELECT '+diet:' || OLD.diet_tag_id AS t UNION ALL SELECT '+diet:' || NEW.diet_tag_id AS t) AS steady WHERE NOT (OLD.product_id = NEW.product_id AND OLD.diet_tag_id = NEW.diet_tag_id) UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'product_image' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT (OLD.product_id = NEW.product_id) UNION ALL SELECT t FROM (SELECT 'listings' AS t) AS steady WHERE NOT (OLD.product_id = NEW.product_id) UNION ALL SELECT t FROM (SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS steady WHERE NOT (OLD.product_id = NEW.product_id)) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'variant' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.product_id UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = OLD.product_id UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT (OLD.product_id = NEW.product_id AND NOT (OLD.stock <= 0 AND NEW.stock > 0)) UNION ALL SELECT t FROM (SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = OLD.product_id UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.product_id) AS steady WHERE NOT (OLD.product_id = NEW.product_id AND NOT (OLD.stock <= 0 AND NEW.stock > 0)) UNION ALL SELECT t FROM (SELECT 'listings' AS t) AS steady WHERE NOT (OLD.product_id = NEW.product_id) UNION ALL SELECT t FROM (SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS steady WHERE NOT (OLD.product_id = NEW.product_id) UNION ALL SELECT 'stock' AS t WHERE NOT ((OLD.stock > 0) = (NEW.stock > 0))) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    RETURN NULL;
END
$$
"""

OLD_PG_TAGS_FUNCTION = """
CREATE OR REPLACE FUNCTION larder_stamp_cache_tags() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    stamp bigint;
BEGIN
    -- An UPDATE of variant's capped columns that no page can show keeps every cached page.
    IF TG_TABLE_NAME = 'variant' AND TG_OP = 'UPDATE' THEN
        IF (to_jsonb(OLD) - 'stock') = (to_jsonb(NEW) - 'stock')
           AND least(greatest(OLD.stock, 0), 99) = least(greatest(NEW.stock, 0), 99) THEN
            RETURN NULL;
        END IF;
    END IF;
    stamp := nullif(current_setting('larder.change_seq', true), '')::bigint;
    IF stamp IS NULL THEN
        INSERT INTO catalog_version (id, counter, epoch, changed_at, seq)
        VALUES (1, 0, md5(random()::text), extract(epoch FROM clock_timestamp()), 1)
        ON CONFLICT (id) DO UPDATE
            SET seq = catalog_version.seq + 1,
                changed_at = extract(epoch FROM clock_timestamp())
        RETURNING seq INTO stamp;
        PERFORM set_config('larder.change_seq', stamp::text, true);
    END IF;
    IF TG_TABLE_NAME = 'article' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || NEW.id AS t UNION ALL SELECT 'featured:' || l.product_id AS t FROM article_product_link l WHERE l.article_id = NEW.id AND l.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM article_product_link l JOIN product p ON p.slug = l.product_slug WHERE l.article_id = NEW.id UNION ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || OLD.id AS t UNION ALL SELECT 'featured:' || l.product_id AS t FROM article_product_link l WHERE l.article_id = OLD.id AND l.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM article_product_link l JOIN product p ON p.slug = l.product_slug WHERE l.article_id = OLD.id UNION ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || OLD.id AS t UNION ALL SELECT 'featured:' || l.product_id AS t FROM article_product_link l WHERE l.article_id = OLD.id AND l.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM article_product_link l JOIN product p ON p.slug = l.product_slug WHERE l.article_id = OLD.id UNION ALL SELECT 'article:' || NEW.id AS t UNION ALL SELECT 'featured:' || l.product_id AS t FROM article_product_link l WHERE l.article_id = NEW.id AND l.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM article_product_link l JOIN product p ON p.slug = l.product_slug WHERE l.article_id = NEW.id UNION ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t WHERE NOT (OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.published_at IS NOT DISTINCT FROM NEW.published_at)) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'article_product_link' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'featured:' || NEW.product_id AS t WHERE NEW.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM product p WHERE p.slug = NEW.product_slug UNION ALL SELECT 'journal' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'featured:' || OLD.product_id AS t WHERE OLD.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM product p WHERE p.slug = OLD.product_slug UNION ALL SELECT 'journal' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'featured:' || OLD.product_id AS t WHERE OLD.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM product p WHERE p.slug = OLD.product_slug UNION ALL SELECT 'featured:' || NEW.product_id AS t WHERE NEW.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM product p WHERE p.slug = NEW.product_slug UNION ALL SELECT 'journal' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'article_tag' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || NEW.article_id AS t UNION ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || OLD.article_id AS t UNION ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || OLD.article_id AS t UNION ALL SELECT 'article:' || NEW.article_id AS t UNION ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t WHERE NOT (OLD.article_id = NEW.article_id AND OLD.tag_id = NEW.tag_id)) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'author' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'author:' || NEW.id AS t UNION ALL SELECT 'journal' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'author:' || OLD.id AS t UNION ALL SELECT 'journal' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'author:' || OLD.id AS t UNION ALL SELECT 'author:' || NEW.id AS t UNION ALL SELECT 'journal' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'blog_tag' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'topic:' || NEW.id AS t UNION ALL SELECT 'journal' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'topic:' || OLD.id AS t UNION ALL SELECT 'journal' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'topic:' || OLD.id AS t UNION ALL SELECT 'topic:' || NEW.id AS t UNION ALL SELECT 'journal' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'certification' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'collection_product' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT 'collection:' || NEW.collection_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'collection:' || OLD.collection_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'collection:' || OLD.collection_id AS t UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT 'collection:' || NEW.collection_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT (OLD.collection_id = NEW.collection_id AND OLD.product_id = NEW.product_id)) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'product' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.id UNION ALL SELECT 'product:' || NEW.id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT (OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.slug IS NOT DISTINCT FROM NEW.slug)) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'product_diet_tag' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT (OLD.product_id = NEW.product_id AND OLD.diet_tag_id = NEW.diet_tag_id)) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'product_image' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT (OLD.product_id = NEW.product_id)) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'variant' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        ELSE
            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT (OLD.product_id = NEW.product_id AND NOT (OLD.stock <= 0 AND NEW.stock > 0))) AS tags
            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;
        END IF;
    END IF;
    RETURN NULL;
END
$$
"""

SQLITE_TRIGGERS = {'certification': ['CREATE TRIGGER IF NOT EXISTS larder_tags_certification_insert AFTER INSERT ON "certification" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, '
                   "0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; "
                   "INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION "
                   "ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t "
                   "FROM product_diet_tag WHERE product_id = NEW.product_id UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE "
                   'product_id = NEW.product_id) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
                   'CREATE TRIGGER IF NOT EXISTS larder_tags_certification_update AFTER UPDATE ON "certification" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, '
                   "0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; "
                   "INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'product:' || "
                   "NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = "
                   "OLD.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = OLD.product_id UNION ALL SELECT '+collection:' || collection_id AS t FROM "
                   "collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.product_id UNION ALL SELECT "
                   "'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT 'collection:' || collection_id AS "
                   't FROM collection_product WHERE product_id = NEW.product_id) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
                   'CREATE TRIGGER IF NOT EXISTS larder_tags_certification_delete AFTER DELETE ON "certification" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, '
                   "0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; "
                   "INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT '*' AS t UNION "
                   "ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t "
                   "FROM product_diet_tag WHERE product_id = OLD.product_id UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE "
                   'product_id = OLD.product_id) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END'],
 'collection_product': ['CREATE TRIGGER IF NOT EXISTS larder_tags_collection_product_insert AFTER INSERT ON "collection_product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, '
                        "seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - "
                        "2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || NEW.product_id AS t UNION "
                        "ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || NEW.collection_id AS t UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || "
                        'NEW.collection_id AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
                        'CREATE TRIGGER IF NOT EXISTS larder_tags_collection_product_update AFTER UPDATE ON "collection_product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, '
                        "seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - "
                        "2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.product_id AS t UNION "
                        "ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT (OLD.collection_id = NEW.collection_id AND OLD.product_id = "
                        "NEW.product_id) UNION ALL SELECT t FROM (SELECT '+collection:' || OLD.collection_id AS t UNION ALL SELECT '+collection:' || NEW.collection_id AS t) AS steady WHERE NOT "
                        "(OLD.collection_id = NEW.collection_id AND OLD.product_id = NEW.product_id) UNION ALL SELECT t FROM (SELECT 'listings' AS t) AS steady WHERE NOT (OLD.collection_id = "
                        "NEW.collection_id AND OLD.product_id = NEW.product_id) UNION ALL SELECT t FROM (SELECT 'collection:' || OLD.collection_id AS t UNION ALL SELECT 'collection:' || "
                        'NEW.collection_id AS t) AS steady WHERE NOT (OLD.collection_id = NEW.collection_id AND OLD.product_id = NEW.product_id AND OLD.position IS NOT DISTINCT FROM NEW.position)) '
                        'WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
                        'CREATE TRIGGER IF NOT EXISTS larder_tags_collection_product_delete AFTER DELETE ON "collection_product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, '
                        "seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - "
                        "2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.product_id AS t UNION "
                        "ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || OLD.collection_id AS t UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || "
                        'OLD.collection_id AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END'],
 'product': ['CREATE TRIGGER IF NOT EXISTS larder_tags_product_insert AFTER INSERT ON "product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
             "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO "
             "cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || NEW.id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION "
             "ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = "
             "NEW.id UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id) WHERE true ON CONFLICT(tag) DO UPDATE "
             'SET seq = excluded.seq; END',
             'CREATE TRIGGER IF NOT EXISTS larder_tags_product_update AFTER UPDATE ON "product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
             "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO "
             "cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.id AS t UNION ALL SELECT 'product:' || NEW.id AS t UNION ALL "
             "SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT (OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.slug "
             "IS NOT DISTINCT FROM NEW.slug) UNION ALL SELECT t FROM (SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.id UNION ALL SELECT '+diet:' || "
             "diet_tag_id AS t FROM product_diet_tag WHERE product_id = OLD.id UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id UNION ALL "
             "SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.id) AS steady WHERE NOT (OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status AND "
             "OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.slug IS NOT DISTINCT FROM NEW.slug) UNION ALL SELECT t FROM (SELECT 'listings' AS t) AS steady WHERE NOT (OLD.id IS NOT "
             'DISTINCT FROM NEW.id AND OLD.slug IS NOT DISTINCT FROM NEW.slug AND OLD.title IS NOT DISTINCT FROM NEW.title AND OLD.brand IS NOT DISTINCT FROM NEW.brand AND OLD.summary IS NOT '
             'DISTINCT FROM NEW.summary AND OLD.description IS NOT DISTINCT FROM NEW.description AND OLD.ingredients IS NOT DISTINCT FROM NEW.ingredients AND OLD.allergens IS NOT DISTINCT FROM '
             'NEW.allergens AND OLD.allergen_mask IS NOT DISTINCT FROM NEW.allergen_mask AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND '
             "OLD.search_keywords IS NOT DISTINCT FROM NEW.search_keywords AND OLD.search_body IS NOT DISTINCT FROM NEW.search_body) UNION ALL SELECT t FROM (SELECT 'collection:' || collection_id AS "
             "t FROM collection_product WHERE product_id = OLD.id UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id) AS steady WHERE NOT (OLD.id "
             'IS NOT DISTINCT FROM NEW.id AND OLD.slug IS NOT DISTINCT FROM NEW.slug AND OLD.title IS NOT DISTINCT FROM NEW.title AND OLD.brand IS NOT DISTINCT FROM NEW.brand AND OLD.summary IS NOT '
             'DISTINCT FROM NEW.summary AND OLD.description IS NOT DISTINCT FROM NEW.description AND OLD.ingredients IS NOT DISTINCT FROM NEW.ingredients AND OLD.allergens IS NOT DISTINCT FROM '
             'NEW.allergens AND OLD.allergen_mask IS NOT DISTINCT FROM NEW.allergen_mask AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND '
             "OLD.search_keywords IS NOT DISTINCT FROM NEW.search_keywords AND OLD.search_body IS NOT DISTINCT FROM NEW.search_body) UNION ALL SELECT 'price:' || (CASE WHEN OLD.price_from < 0 THEN 0 "
             'WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from '
             "- 10000) / 2500 ELSE 52 END) AS t WHERE NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND OLD.price_from IS NOT NULL UNION ALL SELECT 'price@' || collection_id || ':' || "
             '(CASE WHEN OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN '
             'OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 ELSE 52 END) AS t FROM collection_product WHERE product_id = OLD.id AND NOT (OLD.price_from IS NOT DISTINCT FROM '
             "NEW.price_from) AND OLD.price_from IS NOT NULL UNION ALL SELECT 'price:' || (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN "
             'NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) AS t WHERE NOT (OLD.price_from IS NOT '
             "DISTINCT FROM NEW.price_from) AND NEW.price_from IS NOT NULL UNION ALL SELECT 'price@' || collection_id || ':' || (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 "
             '+ (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) AS t '
             'FROM collection_product WHERE product_id = NEW.id AND NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND NEW.price_from IS NOT NULL) WHERE true ON CONFLICT(tag) DO UPDATE SET '
             'seq = excluded.seq; END',
             'CREATE TRIGGER IF NOT EXISTS larder_tags_product_delete AFTER DELETE ON "product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
             "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO "
             "cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION "
             "ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = "
             "OLD.id UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.id) WHERE true ON CONFLICT(tag) DO UPDATE "
             'SET seq = excluded.seq; END'],
 'product_diet_tag': ['CREATE TRIGGER IF NOT EXISTS larder_tags_product_diet_tag_insert AFTER INSERT ON "product_diet_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) '
                      "VALUES (1, 0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) "
                      "* 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT "
                      "'*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+diet:' || NEW.diet_tag_id AS t UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM "
                      'collection_product WHERE product_id = NEW.product_id) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
                      'CREATE TRIGGER IF NOT EXISTS larder_tags_product_diet_tag_update AFTER UPDATE ON "product_diet_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) '
                      "VALUES (1, 0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) "
                      "* 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT "
                      "'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT (OLD.product_id = NEW.product_id AND OLD.diet_tag_id = NEW.diet_tag_id) UNION "
                      "ALL SELECT t FROM (SELECT '+diet:' || OLD.diet_tag_id AS t UNION ALL SELECT '+diet:' || NEW.diet_tag_id AS t) AS steady WHERE NOT (OLD.product_id = NEW.product_id AND "
                      "OLD.diet_tag_id = NEW.diet_tag_id) UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = "
                      "OLD.product_id UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = "
                      'excluded.seq; END',
                      'CREATE TRIGGER IF NOT EXISTS larder_tags_product_diet_tag_delete AFTER DELETE ON "product_diet_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) '
                      "VALUES (1, 0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) "
                      "* 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT "
                      "'*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+diet:' || OLD.diet_tag_id AS t UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM "
                      'collection_product WHERE product_id = OLD.product_id) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END'],
 'product_image': ['CREATE TRIGGER IF NOT EXISTS larder_tags_product_image_insert AFTER INSERT ON "product_image" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, '
                   "0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; "
                   "INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION "
                   "ALL SELECT '+' AS t UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) WHERE true ON "
                   'CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
                   'CREATE TRIGGER IF NOT EXISTS larder_tags_product_image_update AFTER UPDATE ON "product_image" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, '
                   "0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; "
                   "INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'product:' || "
                   "NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT (OLD.product_id = NEW.product_id) UNION ALL SELECT t FROM (SELECT 'listings' AS t) AS steady "
                   "WHERE NOT (OLD.product_id = NEW.product_id) UNION ALL SELECT t FROM (SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION "
                   "ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS steady WHERE NOT (OLD.product_id = NEW.product_id)) WHERE true ON "
                   'CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
                   'CREATE TRIGGER IF NOT EXISTS larder_tags_product_image_delete AFTER DELETE ON "product_image" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, '
                   "0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; "
                   "INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT '*' AS t UNION "
                   "ALL SELECT '+' AS t UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id) WHERE true ON "
                   'CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END'],
 'variant': ['CREATE TRIGGER IF NOT EXISTS larder_tags_variant_insert AFTER INSERT ON "variant" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
             "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO "
             "cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS "
             "t UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag "
             "WHERE product_id = NEW.product_id UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) WHERE "
             'true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
             'CREATE TRIGGER IF NOT EXISTS larder_tags_variant_update AFTER UPDATE ON "variant" WHEN NOT (OLD."id" IS NEW."id" AND OLD."product_id" IS NEW."product_id" AND OLD."sku" IS NEW."sku" AND '
             'OLD."option_label" IS NEW."option_label" AND OLD."price" IS NEW."price" AND OLD."compare_at_price" IS NEW."compare_at_price" AND OLD."weight_grams" IS NEW."weight_grams" AND '
             'OLD."position" IS NEW."position" AND OLD."option_values" IS NEW."option_values" AND min(max(OLD.stock, 0), 99) = min(max(NEW.stock, 0), 99)) BEGIN INSERT INTO catalog_version (id, '
             "counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = "
             "(julianday('now') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.product_id "
             "AS t UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT (OLD.product_id = NEW.product_id AND NOT (OLD.stock <= 0 AND "
             "NEW.stock > 0)) UNION ALL SELECT t FROM (SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '+diet:' || diet_tag_id "
             "AS t FROM product_diet_tag WHERE product_id = OLD.product_id UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL "
             "SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.product_id) AS steady WHERE NOT (OLD.product_id = NEW.product_id AND NOT (OLD.stock <= 0 AND NEW.stock "
             "> 0)) UNION ALL SELECT t FROM (SELECT 'listings' AS t) AS steady WHERE NOT (OLD.product_id = NEW.product_id) UNION ALL SELECT t FROM (SELECT 'collection:' || collection_id AS t FROM "
             "collection_product WHERE product_id = OLD.product_id UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS steady WHERE NOT "
             "(OLD.product_id = NEW.product_id) UNION ALL SELECT 'stock' AS t WHERE NOT ((OLD.stock > 0) = (NEW.stock > 0))) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END",
             'CREATE TRIGGER IF NOT EXISTS larder_tags_variant_delete AFTER DELETE ON "variant" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
             "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO "
             "cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS "
             "t UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag "
             "WHERE product_id = OLD.product_id UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id) WHERE "
             'true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END']}

OLD_SQLITE_TRIGGERS = {'certification': ['CREATE TRIGGER IF NOT EXISTS larder_tags_certification_insert AFTER INSERT ON "certification" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, '
                   "0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; "
                   "INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT 'collection:' "
                   "|| collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq "
                   '= excluded.seq; END',
                   'CREATE TRIGGER IF NOT EXISTS larder_tags_certification_update AFTER UPDATE ON "certification" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, '
                   "0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; "
                   "INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'collection:' "
                   "|| collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT 'collection:' || collection_id "
                   "AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; "
                   'END',
                   'CREATE TRIGGER IF NOT EXISTS larder_tags_certification_delete AFTER DELETE ON "certification" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, '
                   "0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; "
                   "INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'collection:' "
                   "|| collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq "
                   '= excluded.seq; END'],
 'collection_product': ['CREATE TRIGGER IF NOT EXISTS larder_tags_collection_product_insert AFTER INSERT ON "collection_product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, '
                        "seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - "
                        "2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || NEW.product_id AS t UNION "
                        "ALL SELECT 'collection:' || NEW.collection_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END",
                        'CREATE TRIGGER IF NOT EXISTS larder_tags_collection_product_update AFTER UPDATE ON "collection_product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, '
                        "seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - "
                        "2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.product_id AS t UNION "
                        "ALL SELECT 'collection:' || OLD.collection_id AS t UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT 'collection:' || NEW.collection_id AS t UNION ALL "
                        "SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT (OLD.collection_id = NEW.collection_id AND OLD.product_id = NEW.product_id)) WHERE true ON CONFLICT(tag) DO UPDATE SET "
                        'seq = excluded.seq; END',
                        'CREATE TRIGGER IF NOT EXISTS larder_tags_collection_product_delete AFTER DELETE ON "collection_product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, '
                        "seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - "
                        "2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.product_id AS t UNION "
                        "ALL SELECT 'collection:' || OLD.collection_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END"],
 'product': ['CREATE TRIGGER IF NOT EXISTS larder_tags_product_insert AFTER INSERT ON "product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
             "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO "
             "cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || NEW.id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM "
             "collection_product WHERE product_id = NEW.id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END",
             'CREATE TRIGGER IF NOT EXISTS larder_tags_product_update AFTER UPDATE ON "product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
             "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO "
             "cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM "
             "collection_product WHERE product_id = OLD.id UNION ALL SELECT 'product:' || NEW.id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = "
             "NEW.id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT (OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM "
             'NEW.created_at AND OLD.slug IS NOT DISTINCT FROM NEW.slug)) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
             'CREATE TRIGGER IF NOT EXISTS larder_tags_product_delete AFTER DELETE ON "product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
             "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO "
             "cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.id AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM "
             "collection_product WHERE product_id = OLD.id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END"],
 'product_diet_tag': ['CREATE TRIGGER IF NOT EXISTS larder_tags_product_diet_tag_insert AFTER INSERT ON "product_diet_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) '
                      "VALUES (1, 0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) "
                      "* 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT "
                      "'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) WHERE true ON CONFLICT(tag) "
                      'DO UPDATE SET seq = excluded.seq; END',
                      'CREATE TRIGGER IF NOT EXISTS larder_tags_product_diet_tag_update AFTER UPDATE ON "product_diet_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) '
                      "VALUES (1, 0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) "
                      "* 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT "
                      "'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT 'collection:' "
                      "|| collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT (OLD.product_id = NEW.product_id "
                      'AND OLD.diet_tag_id = NEW.diet_tag_id)) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
                      'CREATE TRIGGER IF NOT EXISTS larder_tags_product_diet_tag_delete AFTER DELETE ON "product_diet_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) '
                      "VALUES (1, 0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) "
                      "* 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT "
                      "'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) WHERE true ON CONFLICT(tag) "
                      'DO UPDATE SET seq = excluded.seq; END'],
 'product_image': ['CREATE TRIGGER IF NOT EXISTS larder_tags_product_image_insert AFTER INSERT ON "product_image" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, '
                   "0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; "
                   "INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT 'collection:' "
                   "|| collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq "
                   '= excluded.seq; END',
                   'CREATE TRIGGER IF NOT EXISTS larder_tags_product_image_update AFTER UPDATE ON "product_image" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, '
                   "0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; "
                   "INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'collection:' "
                   "|| collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT 'collection:' || collection_id "
                   "AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT (OLD.product_id = NEW.product_id)) WHERE true ON "
                   'CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
                   'CREATE TRIGGER IF NOT EXISTS larder_tags_product_image_delete AFTER DELETE ON "product_image" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, '
                   "0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; "
                   "INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'collection:' "
                   "|| collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq "
                   '= excluded.seq; END'],
 'variant': ['CREATE TRIGGER IF NOT EXISTS larder_tags_variant_insert AFTER INSERT ON "variant" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
             "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO "
             "cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT 'collection:' || collection_id AS "
             "t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END",
             'CREATE TRIGGER IF NOT EXISTS larder_tags_variant_update AFTER UPDATE ON "variant" WHEN NOT (OLD."id" IS NEW."id" AND OLD."product_id" IS NEW."product_id" AND OLD."sku" IS NEW."sku" AND '
             'OLD."option_label" IS NEW."option_label" AND OLD."price" IS NEW."price" AND OLD."compare_at_price" IS NEW."compare_at_price" AND OLD."weight_grams" IS NEW."weight_grams" AND '
             'OLD."position" IS NEW."position" AND OLD."option_values" IS NEW."option_values" AND min(max(OLD.stock, 0), 99) = min(max(NEW.stock, 0), 99)) BEGIN INSERT INTO catalog_version (id, '
             "counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = "
             "(julianday('now') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.product_id "
             "AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT "
             "'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT (OLD.product_id = "
             'NEW.product_id AND NOT (OLD.stock <= 0 AND NEW.stock > 0))) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
             'CREATE TRIGGER IF NOT EXISTS larder_tags_variant_delete AFTER DELETE ON "variant" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
             "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO "
             "cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'collection:' || collection_id AS "
             "t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END"]}


def _sqlite_triggers(statements):
    for table in TABLES:
        for kind in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS larder_tags_{table}_{kind}")
        for statement in statements[table]:
            op.execute(statement)


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(sa.text(PG_TAGS_FUNCTION))
    elif dialect == "sqlite":
        _sqlite_triggers(SQLITE_TRIGGERS)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(sa.text(OLD_PG_TAGS_FUNCTION))
    elif dialect == "sqlite":
        _sqlite_triggers(OLD_SQLITE_TRIGGERS)
