"""price ranges: a listing's price fields depend on their two end bands and on prices leaping bands

Revision ID: b2d4f6a8c0e1
Revises: e6a8c0b2d4f6
Create Date: 2026-11-30 07:00:00

A product whose price_from moves two price bands or more at once (or gets or loses a price) now
also stamps "price-leap". A listing's price range then depends on the edge tags of its two end
bands and on "price-leap", no longer on the edge tags of every band beyond its ends: a price
moving to the next band, beyond both ends, cannot be one of the listing's products. Only the
product table's triggers change. The SQL is frozen here as storefront/caching/triggers.py and
storefront/catalog/versioned.py made it at this revision; this migration must not change later.
"""
import sqlalchemy as sa
from alembic import op

revision = "b2d4f6a8c0e1"
down_revision = "e6a8c0b2d4f6"
branch_labels = None
depends_on = None

PG_TAGS_FUNCTION = ('\n'
 'CREATE OR REPLACE FUNCTION larder_stamp_cache_tags() RETURNS trigger\n'
 'LANGUAGE plpgsql AS $$\n'
 'DECLARE\n'
 '    stamp bigint;\n'
 'BEGIN\n'
 "    -- An UPDATE of variant's capped columns that no page can show keeps every cached page.\n"
 "    IF TG_TABLE_NAME = 'variant' AND TG_OP = 'UPDATE' THEN\n"
 "        IF (to_jsonb(OLD) - 'stock') = (to_jsonb(NEW) - 'stock')\n"
 '           AND least(greatest(OLD.stock, 0), 99) = least(greatest(NEW.stock, 0), 99) THEN\n'
 '            RETURN NULL;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    stamp := nullif(current_setting('larder.change_seq', true), '')::bigint;\n"
 '    IF stamp IS NULL THEN\n'
 '        INSERT INTO catalog_version (id, counter, epoch, changed_at, seq)\n'
 '        VALUES (1, 0, md5(random()::text), extract(epoch FROM clock_timestamp()), 1)\n'
 '        ON CONFLICT (id) DO UPDATE\n'
 '            SET seq = catalog_version.seq + 1,\n'
 '                changed_at = extract(epoch FROM clock_timestamp())\n'
 '        RETURNING seq INTO stamp;\n'
 "        PERFORM set_config('larder.change_seq', stamp::text, true);\n"
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'article' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || NEW.id AS t UNION ALL SELECT 'featured:' || l.product_id AS t FROM article_product_link l WHERE "
 "l.article_id = NEW.id AND l.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM article_product_link l JOIN product p ON p.slug = l.product_slug WHERE l.article_id = NEW.id UNION "
 "ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || OLD.id AS t UNION ALL SELECT 'featured:' || l.product_id AS t FROM article_product_link l WHERE "
 "l.article_id = OLD.id AND l.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM article_product_link l JOIN product p ON p.slug = l.product_slug WHERE l.article_id = OLD.id UNION "
 "ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || OLD.id AS t UNION ALL SELECT 'featured:' || l.product_id AS t FROM article_product_link l WHERE "
 "l.article_id = OLD.id AND l.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM article_product_link l JOIN product p ON p.slug = l.product_slug WHERE l.article_id = OLD.id UNION "
 "ALL SELECT 'article:' || NEW.id AS t UNION ALL SELECT 'featured:' || l.product_id AS t FROM article_product_link l WHERE l.article_id = NEW.id AND l.product_id IS NOT NULL UNION ALL SELECT "
 "'featured:' || p.id AS t FROM article_product_link l JOIN product p ON p.slug = l.product_slug WHERE l.article_id = NEW.id UNION ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t WHERE "
 'NOT (OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.published_at IS NOT DISTINCT FROM NEW.published_at)) AS tags\n'
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'article_product_link' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'featured:' || NEW.product_id AS t WHERE NEW.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t "
 "FROM product p WHERE p.slug = NEW.product_slug UNION ALL SELECT 'journal' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'featured:' || OLD.product_id AS t WHERE OLD.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t "
 "FROM product p WHERE p.slug = OLD.product_slug UNION ALL SELECT 'journal' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'featured:' || OLD.product_id AS t WHERE OLD.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t "
 "FROM product p WHERE p.slug = OLD.product_slug UNION ALL SELECT 'featured:' || NEW.product_id AS t WHERE NEW.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM product p WHERE "
 "p.slug = NEW.product_slug UNION ALL SELECT 'journal' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'article_tag' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || NEW.article_id AS t UNION ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || OLD.article_id AS t UNION ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || OLD.article_id AS t UNION ALL SELECT 'article:' || NEW.article_id AS t UNION ALL SELECT 'journal' "
 "AS t UNION ALL SELECT 'journal+' AS t WHERE NOT (OLD.article_id = NEW.article_id AND OLD.tag_id = NEW.tag_id)) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'author' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'author:' || NEW.id AS t UNION ALL SELECT 'journal' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'author:' || OLD.id AS t UNION ALL SELECT 'journal' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'author:' || OLD.id AS t UNION ALL SELECT 'author:' || NEW.id AS t UNION ALL SELECT 'journal' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'blog_tag' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'topic:' || NEW.id AS t UNION ALL SELECT 'journal' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'topic:' || OLD.id AS t UNION ALL SELECT 'journal' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'topic:' || OLD.id AS t UNION ALL SELECT 'topic:' || NEW.id AS t UNION ALL SELECT 'journal' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'certification' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT "
 "'+collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.product_id "
 "UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT "
 "'+collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = OLD.product_id "
 "UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t "
 "UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM "
 "product_diet_tag WHERE product_id = OLD.product_id UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '+diet:' || "
 "diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.product_id UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE "
 "product_id = OLD.product_id UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'collection_product' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT "
 "'+collection:' || NEW.collection_id AS t UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || NEW.collection_id AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT "
 "'+collection:' || OLD.collection_id AS t UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || OLD.collection_id AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t "
 "UNION ALL SELECT '+' AS t WHERE NOT (OLD.collection_id = NEW.collection_id AND OLD.product_id = NEW.product_id) UNION ALL SELECT t FROM (SELECT '+collection:' || OLD.collection_id AS t UNION ALL "
 "SELECT '+collection:' || NEW.collection_id AS t) AS steady WHERE NOT (OLD.collection_id = NEW.collection_id AND OLD.product_id = NEW.product_id) UNION ALL SELECT t FROM (SELECT 'listings' AS t) AS "
 "steady WHERE NOT (OLD.collection_id = NEW.collection_id AND OLD.product_id = NEW.product_id) UNION ALL SELECT t FROM (SELECT 'collection:' || OLD.collection_id AS t UNION ALL SELECT 'collection:' "
 '|| NEW.collection_id AS t) AS steady WHERE NOT (OLD.collection_id = NEW.collection_id AND OLD.product_id = NEW.product_id AND OLD.position IS NOT DISTINCT FROM NEW.position)) AS tags\n'
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'product' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || "
 "collection_id AS t FROM collection_product WHERE product_id = NEW.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.id UNION ALL SELECT 'listings' AS t "
 "UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || "
 "collection_id AS t FROM collection_product WHERE product_id = OLD.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = OLD.id UNION ALL SELECT 'listings' AS t "
 "UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.id AS t UNION ALL SELECT 'product:' || NEW.id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT "
 "'+' AS t WHERE NOT (OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.slug IS NOT DISTINCT FROM NEW.slug) UNION ALL "
 "SELECT t FROM (SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = "
 "OLD.id UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id "
 '= NEW.id) AS steady WHERE NOT (OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.slug IS NOT DISTINCT FROM NEW.slug) '
 "UNION ALL SELECT t FROM (SELECT 'listings' AS t) AS steady WHERE NOT (OLD.id IS NOT DISTINCT FROM NEW.id AND OLD.slug IS NOT DISTINCT FROM NEW.slug AND OLD.title IS NOT DISTINCT FROM NEW.title AND "
 'OLD.brand IS NOT DISTINCT FROM NEW.brand AND OLD.summary IS NOT DISTINCT FROM NEW.summary AND OLD.description IS NOT DISTINCT FROM NEW.description AND OLD.ingredients IS NOT DISTINCT FROM '
 'NEW.ingredients AND OLD.allergens IS NOT DISTINCT FROM NEW.allergens AND OLD.allergen_mask IS NOT DISTINCT FROM NEW.allergen_mask AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at '
 'IS NOT DISTINCT FROM NEW.created_at AND OLD.search_keywords IS NOT DISTINCT FROM NEW.search_keywords AND OLD.search_body IS NOT DISTINCT FROM NEW.search_body) UNION ALL SELECT t FROM (SELECT '
 "'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.id UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id) AS "
 'steady WHERE NOT (OLD.id IS NOT DISTINCT FROM NEW.id AND OLD.slug IS NOT DISTINCT FROM NEW.slug AND OLD.title IS NOT DISTINCT FROM NEW.title AND OLD.brand IS NOT DISTINCT FROM NEW.brand AND '
 'OLD.summary IS NOT DISTINCT FROM NEW.summary AND OLD.description IS NOT DISTINCT FROM NEW.description AND OLD.ingredients IS NOT DISTINCT FROM NEW.ingredients AND OLD.allergens IS NOT DISTINCT '
 'FROM NEW.allergens AND OLD.allergen_mask IS NOT DISTINCT FROM NEW.allergen_mask AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND '
 "OLD.search_keywords IS NOT DISTINCT FROM NEW.search_keywords AND OLD.search_body IS NOT DISTINCT FROM NEW.search_body) UNION ALL SELECT 'price:' || (CASE WHEN OLD.price_from < 0 THEN 0 WHEN "
 'OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 '
 "ELSE 52 END) AS t WHERE NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND OLD.price_from IS NOT NULL UNION ALL SELECT 'price@' || collection_id || ':' || (CASE WHEN OLD.price_from < 0 "
 'THEN 0 WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - '
 '10000) / 2500 ELSE 52 END) AS t FROM collection_product WHERE product_id = OLD.id AND NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND OLD.price_from IS NOT NULL UNION ALL SELECT '
 "'edge:' || (CASE WHEN OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN "
 'OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 ELSE 52 END) AS t WHERE NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND OLD.price_from IS NOT NULL AND (CASE WHEN '
 'OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + '
 '(OLD.price_from - 10000) / 2500 ELSE 52 END) IS DISTINCT FROM (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN '
 "20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) UNION ALL SELECT 'edge@' || collection_id || ':' || (CASE WHEN OLD.price_from "
 '< 0 THEN 0 WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from '
 '- 10000) / 2500 ELSE 52 END) AS t FROM collection_product WHERE product_id = OLD.id AND NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND OLD.price_from IS NOT NULL AND (CASE WHEN '
 'OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + '
 '(OLD.price_from - 10000) / 2500 ELSE 52 END) IS DISTINCT FROM (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN '
 "20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) UNION ALL SELECT 'price:' || (CASE WHEN NEW.price_from < 0 THEN 0 WHEN "
 'NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 '
 "ELSE 52 END) AS t WHERE NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND NEW.price_from IS NOT NULL UNION ALL SELECT 'price@' || collection_id || ':' || (CASE WHEN NEW.price_from < 0 "
 'THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - '
 '10000) / 2500 ELSE 52 END) AS t FROM collection_product WHERE product_id = NEW.id AND NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND NEW.price_from IS NOT NULL UNION ALL SELECT '
 "'edge:' || (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN "
 'NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) AS t WHERE NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND NEW.price_from IS NOT NULL AND (CASE WHEN '
 'OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + '
 '(OLD.price_from - 10000) / 2500 ELSE 52 END) IS DISTINCT FROM (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN '
 "20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) UNION ALL SELECT 'edge@' || collection_id || ':' || (CASE WHEN NEW.price_from "
 '< 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from '
 '- 10000) / 2500 ELSE 52 END) AS t FROM collection_product WHERE product_id = NEW.id AND NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND NEW.price_from IS NOT NULL AND (CASE WHEN '
 'OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + '
 '(OLD.price_from - 10000) / 2500 ELSE 52 END) IS DISTINCT FROM (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN '
 "20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) UNION ALL SELECT 'price-leap' AS t WHERE NOT (OLD.price_from IS NOT DISTINCT "
 'FROM NEW.price_from) AND (OLD.price_from IS NULL OR NEW.price_from IS NULL OR abs((CASE WHEN OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN '
 'OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 ELSE 52 END) - (CASE WHEN NEW.price_from < 0 THEN 0 WHEN '
 'NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 '
 'ELSE 52 END)) >= 2)) AS tags\n'
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'product_diet_tag' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+diet:' "
 "|| NEW.diet_tag_id AS t UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+diet:' "
 "|| OLD.diet_tag_id AS t UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t "
 "UNION ALL SELECT '+' AS t WHERE NOT (OLD.product_id = NEW.product_id AND OLD.diet_tag_id = NEW.diet_tag_id) UNION ALL SELECT t FROM (SELECT '+diet:' || OLD.diet_tag_id AS t UNION ALL SELECT "
 "'+diet:' || NEW.diet_tag_id AS t) AS steady WHERE NOT (OLD.product_id = NEW.product_id AND OLD.diet_tag_id = NEW.diet_tag_id) UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || "
 "collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS "
 'tags\n'
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'product_image' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT 'listings' "
 "AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT 'listings' "
 "AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t "
 "UNION ALL SELECT '+' AS t WHERE NOT (OLD.product_id = NEW.product_id) UNION ALL SELECT t FROM (SELECT 'listings' AS t) AS steady WHERE NOT (OLD.product_id = NEW.product_id) UNION ALL SELECT t FROM "
 "(SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id "
 '= NEW.product_id) AS steady WHERE NOT (OLD.product_id = NEW.product_id)) AS tags\n'
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'variant' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT "
 "'+collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.product_id "
 "UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT "
 "'+collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = OLD.product_id "
 "UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t "
 "UNION ALL SELECT '+' AS t WHERE NOT (OLD.product_id = NEW.product_id AND NOT (OLD.stock <= 0 AND NEW.stock > 0)) UNION ALL SELECT t FROM (SELECT '+collection:' || collection_id AS t FROM "
 "collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = OLD.product_id UNION ALL SELECT '+collection:' || "
 "collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.product_id) AS steady WHERE "
 "NOT (OLD.product_id = NEW.product_id AND NOT (OLD.stock <= 0 AND NEW.stock > 0)) UNION ALL SELECT t FROM (SELECT 'listings' AS t) AS steady WHERE NOT (OLD.product_id = NEW.product_id) UNION ALL "
 "SELECT t FROM (SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product "
 "WHERE product_id = NEW.product_id) AS steady WHERE NOT (OLD.product_id = NEW.product_id) UNION ALL SELECT 'stock' AS t WHERE NOT ((OLD.stock > 0) = (NEW.stock > 0))) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 '    RETURN NULL;\n'
 'END\n'
 '$$\n')

OLD_PG_TAGS_FUNCTION = ('\n'
 'CREATE OR REPLACE FUNCTION larder_stamp_cache_tags() RETURNS trigger\n'
 'LANGUAGE plpgsql AS $$\n'
 'DECLARE\n'
 '    stamp bigint;\n'
 'BEGIN\n'
 "    -- An UPDATE of variant's capped columns that no page can show keeps every cached page.\n"
 "    IF TG_TABLE_NAME = 'variant' AND TG_OP = 'UPDATE' THEN\n"
 "        IF (to_jsonb(OLD) - 'stock') = (to_jsonb(NEW) - 'stock')\n"
 '           AND least(greatest(OLD.stock, 0), 99) = least(greatest(NEW.stock, 0), 99) THEN\n'
 '            RETURN NULL;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    stamp := nullif(current_setting('larder.change_seq', true), '')::bigint;\n"
 '    IF stamp IS NULL THEN\n'
 '        INSERT INTO catalog_version (id, counter, epoch, changed_at, seq)\n'
 '        VALUES (1, 0, md5(random()::text), extract(epoch FROM clock_timestamp()), 1)\n'
 '        ON CONFLICT (id) DO UPDATE\n'
 '            SET seq = catalog_version.seq + 1,\n'
 '                changed_at = extract(epoch FROM clock_timestamp())\n'
 '        RETURNING seq INTO stamp;\n'
 "        PERFORM set_config('larder.change_seq', stamp::text, true);\n"
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'article' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || NEW.id AS t UNION ALL SELECT 'featured:' || l.product_id AS t FROM article_product_link l WHERE "
 "l.article_id = NEW.id AND l.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM article_product_link l JOIN product p ON p.slug = l.product_slug WHERE l.article_id = NEW.id UNION "
 "ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || OLD.id AS t UNION ALL SELECT 'featured:' || l.product_id AS t FROM article_product_link l WHERE "
 "l.article_id = OLD.id AND l.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM article_product_link l JOIN product p ON p.slug = l.product_slug WHERE l.article_id = OLD.id UNION "
 "ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || OLD.id AS t UNION ALL SELECT 'featured:' || l.product_id AS t FROM article_product_link l WHERE "
 "l.article_id = OLD.id AND l.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM article_product_link l JOIN product p ON p.slug = l.product_slug WHERE l.article_id = OLD.id UNION "
 "ALL SELECT 'article:' || NEW.id AS t UNION ALL SELECT 'featured:' || l.product_id AS t FROM article_product_link l WHERE l.article_id = NEW.id AND l.product_id IS NOT NULL UNION ALL SELECT "
 "'featured:' || p.id AS t FROM article_product_link l JOIN product p ON p.slug = l.product_slug WHERE l.article_id = NEW.id UNION ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t WHERE "
 'NOT (OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.published_at IS NOT DISTINCT FROM NEW.published_at)) AS tags\n'
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'article_product_link' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'featured:' || NEW.product_id AS t WHERE NEW.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t "
 "FROM product p WHERE p.slug = NEW.product_slug UNION ALL SELECT 'journal' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'featured:' || OLD.product_id AS t WHERE OLD.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t "
 "FROM product p WHERE p.slug = OLD.product_slug UNION ALL SELECT 'journal' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'featured:' || OLD.product_id AS t WHERE OLD.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t "
 "FROM product p WHERE p.slug = OLD.product_slug UNION ALL SELECT 'featured:' || NEW.product_id AS t WHERE NEW.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM product p WHERE "
 "p.slug = NEW.product_slug UNION ALL SELECT 'journal' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'article_tag' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || NEW.article_id AS t UNION ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || OLD.article_id AS t UNION ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'article:' || OLD.article_id AS t UNION ALL SELECT 'article:' || NEW.article_id AS t UNION ALL SELECT 'journal' "
 "AS t UNION ALL SELECT 'journal+' AS t WHERE NOT (OLD.article_id = NEW.article_id AND OLD.tag_id = NEW.tag_id)) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'author' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'author:' || NEW.id AS t UNION ALL SELECT 'journal' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'author:' || OLD.id AS t UNION ALL SELECT 'journal' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'author:' || OLD.id AS t UNION ALL SELECT 'author:' || NEW.id AS t UNION ALL SELECT 'journal' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'blog_tag' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'topic:' || NEW.id AS t UNION ALL SELECT 'journal' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'topic:' || OLD.id AS t UNION ALL SELECT 'journal' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'topic:' || OLD.id AS t UNION ALL SELECT 'topic:' || NEW.id AS t UNION ALL SELECT 'journal' AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'certification' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT "
 "'+collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.product_id "
 "UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT "
 "'+collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = OLD.product_id "
 "UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t "
 "UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM "
 "product_diet_tag WHERE product_id = OLD.product_id UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '+diet:' || "
 "diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.product_id UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE "
 "product_id = OLD.product_id UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'collection_product' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT "
 "'+collection:' || NEW.collection_id AS t UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || NEW.collection_id AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT "
 "'+collection:' || OLD.collection_id AS t UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || OLD.collection_id AS t) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t "
 "UNION ALL SELECT '+' AS t WHERE NOT (OLD.collection_id = NEW.collection_id AND OLD.product_id = NEW.product_id) UNION ALL SELECT t FROM (SELECT '+collection:' || OLD.collection_id AS t UNION ALL "
 "SELECT '+collection:' || NEW.collection_id AS t) AS steady WHERE NOT (OLD.collection_id = NEW.collection_id AND OLD.product_id = NEW.product_id) UNION ALL SELECT t FROM (SELECT 'listings' AS t) AS "
 "steady WHERE NOT (OLD.collection_id = NEW.collection_id AND OLD.product_id = NEW.product_id) UNION ALL SELECT t FROM (SELECT 'collection:' || OLD.collection_id AS t UNION ALL SELECT 'collection:' "
 '|| NEW.collection_id AS t) AS steady WHERE NOT (OLD.collection_id = NEW.collection_id AND OLD.product_id = NEW.product_id AND OLD.position IS NOT DISTINCT FROM NEW.position)) AS tags\n'
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'product' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || "
 "collection_id AS t FROM collection_product WHERE product_id = NEW.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.id UNION ALL SELECT 'listings' AS t "
 "UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || "
 "collection_id AS t FROM collection_product WHERE product_id = OLD.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = OLD.id UNION ALL SELECT 'listings' AS t "
 "UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.id AS t UNION ALL SELECT 'product:' || NEW.id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT "
 "'+' AS t WHERE NOT (OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.slug IS NOT DISTINCT FROM NEW.slug) UNION ALL "
 "SELECT t FROM (SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = "
 "OLD.id UNION ALL SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id "
 '= NEW.id) AS steady WHERE NOT (OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.slug IS NOT DISTINCT FROM NEW.slug) '
 "UNION ALL SELECT t FROM (SELECT 'listings' AS t) AS steady WHERE NOT (OLD.id IS NOT DISTINCT FROM NEW.id AND OLD.slug IS NOT DISTINCT FROM NEW.slug AND OLD.title IS NOT DISTINCT FROM NEW.title AND "
 'OLD.brand IS NOT DISTINCT FROM NEW.brand AND OLD.summary IS NOT DISTINCT FROM NEW.summary AND OLD.description IS NOT DISTINCT FROM NEW.description AND OLD.ingredients IS NOT DISTINCT FROM '
 'NEW.ingredients AND OLD.allergens IS NOT DISTINCT FROM NEW.allergens AND OLD.allergen_mask IS NOT DISTINCT FROM NEW.allergen_mask AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at '
 'IS NOT DISTINCT FROM NEW.created_at AND OLD.search_keywords IS NOT DISTINCT FROM NEW.search_keywords AND OLD.search_body IS NOT DISTINCT FROM NEW.search_body) UNION ALL SELECT t FROM (SELECT '
 "'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.id UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id) AS "
 'steady WHERE NOT (OLD.id IS NOT DISTINCT FROM NEW.id AND OLD.slug IS NOT DISTINCT FROM NEW.slug AND OLD.title IS NOT DISTINCT FROM NEW.title AND OLD.brand IS NOT DISTINCT FROM NEW.brand AND '
 'OLD.summary IS NOT DISTINCT FROM NEW.summary AND OLD.description IS NOT DISTINCT FROM NEW.description AND OLD.ingredients IS NOT DISTINCT FROM NEW.ingredients AND OLD.allergens IS NOT DISTINCT '
 'FROM NEW.allergens AND OLD.allergen_mask IS NOT DISTINCT FROM NEW.allergen_mask AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND '
 "OLD.search_keywords IS NOT DISTINCT FROM NEW.search_keywords AND OLD.search_body IS NOT DISTINCT FROM NEW.search_body) UNION ALL SELECT 'price:' || (CASE WHEN OLD.price_from < 0 THEN 0 WHEN "
 'OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 '
 "ELSE 52 END) AS t WHERE NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND OLD.price_from IS NOT NULL UNION ALL SELECT 'price@' || collection_id || ':' || (CASE WHEN OLD.price_from < 0 "
 'THEN 0 WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - '
 '10000) / 2500 ELSE 52 END) AS t FROM collection_product WHERE product_id = OLD.id AND NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND OLD.price_from IS NOT NULL UNION ALL SELECT '
 "'edge:' || (CASE WHEN OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN "
 'OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 ELSE 52 END) AS t WHERE NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND OLD.price_from IS NOT NULL AND (CASE WHEN '
 'OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + '
 '(OLD.price_from - 10000) / 2500 ELSE 52 END) IS DISTINCT FROM (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN '
 "20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) UNION ALL SELECT 'edge@' || collection_id || ':' || (CASE WHEN OLD.price_from "
 '< 0 THEN 0 WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from '
 '- 10000) / 2500 ELSE 52 END) AS t FROM collection_product WHERE product_id = OLD.id AND NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND OLD.price_from IS NOT NULL AND (CASE WHEN '
 'OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + '
 '(OLD.price_from - 10000) / 2500 ELSE 52 END) IS DISTINCT FROM (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN '
 "20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) UNION ALL SELECT 'price:' || (CASE WHEN NEW.price_from < 0 THEN 0 WHEN "
 'NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 '
 "ELSE 52 END) AS t WHERE NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND NEW.price_from IS NOT NULL UNION ALL SELECT 'price@' || collection_id || ':' || (CASE WHEN NEW.price_from < 0 "
 'THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - '
 '10000) / 2500 ELSE 52 END) AS t FROM collection_product WHERE product_id = NEW.id AND NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND NEW.price_from IS NOT NULL UNION ALL SELECT '
 "'edge:' || (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN "
 'NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) AS t WHERE NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND NEW.price_from IS NOT NULL AND (CASE WHEN '
 'OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + '
 '(OLD.price_from - 10000) / 2500 ELSE 52 END) IS DISTINCT FROM (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN '
 "20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) UNION ALL SELECT 'edge@' || collection_id || ':' || (CASE WHEN NEW.price_from "
 '< 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from '
 '- 10000) / 2500 ELSE 52 END) AS t FROM collection_product WHERE product_id = NEW.id AND NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND NEW.price_from IS NOT NULL AND (CASE WHEN '
 'OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + '
 '(OLD.price_from - 10000) / 2500 ELSE 52 END) IS DISTINCT FROM (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN '
 '20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END)) AS tags\n'
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'product_diet_tag' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+diet:' "
 "|| NEW.diet_tag_id AS t UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+diet:' "
 "|| OLD.diet_tag_id AS t UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t "
 "UNION ALL SELECT '+' AS t WHERE NOT (OLD.product_id = NEW.product_id AND OLD.diet_tag_id = NEW.diet_tag_id) UNION ALL SELECT t FROM (SELECT '+diet:' || OLD.diet_tag_id AS t UNION ALL SELECT "
 "'+diet:' || NEW.diet_tag_id AS t) AS steady WHERE NOT (OLD.product_id = NEW.product_id AND OLD.diet_tag_id = NEW.diet_tag_id) UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || "
 "collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS "
 'tags\n'
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'product_image' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT 'listings' "
 "AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT 'listings' "
 "AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t "
 "UNION ALL SELECT '+' AS t WHERE NOT (OLD.product_id = NEW.product_id) UNION ALL SELECT t FROM (SELECT 'listings' AS t) AS steady WHERE NOT (OLD.product_id = NEW.product_id) UNION ALL SELECT t FROM "
 "(SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id "
 '= NEW.product_id) AS steady WHERE NOT (OLD.product_id = NEW.product_id)) AS tags\n'
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 "    IF TG_TABLE_NAME = 'variant' THEN\n"
 "        IF TG_OP = 'INSERT' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT "
 "'+collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.product_id "
 "UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 "        ELSIF TG_OP = 'DELETE' THEN\n"
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT "
 "'+collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = OLD.product_id "
 "UNION ALL SELECT 'listings' AS t UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        ELSE\n'
 "            INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM (SELECT 'product:' || OLD.product_id AS t UNION ALL SELECT 'product:' || NEW.product_id AS t UNION ALL SELECT '*' AS t "
 "UNION ALL SELECT '+' AS t WHERE NOT (OLD.product_id = NEW.product_id AND NOT (OLD.stock <= 0 AND NEW.stock > 0)) UNION ALL SELECT t FROM (SELECT '+collection:' || collection_id AS t FROM "
 "collection_product WHERE product_id = OLD.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = OLD.product_id UNION ALL SELECT '+collection:' || "
 "collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.product_id) AS steady WHERE "
 "NOT (OLD.product_id = NEW.product_id AND NOT (OLD.stock <= 0 AND NEW.stock > 0)) UNION ALL SELECT t FROM (SELECT 'listings' AS t) AS steady WHERE NOT (OLD.product_id = NEW.product_id) UNION ALL "
 "SELECT t FROM (SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product "
 "WHERE product_id = NEW.product_id) AS steady WHERE NOT (OLD.product_id = NEW.product_id) UNION ALL SELECT 'stock' AS t WHERE NOT ((OLD.stock > 0) = (NEW.stock > 0))) AS tags\n"
 '            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n'
 '        END IF;\n'
 '    END IF;\n'
 '    RETURN NULL;\n'
 'END\n'
 '$$\n')

SQLITE_PRODUCT_TRIGGERS = ['CREATE TRIGGER IF NOT EXISTS larder_tags_product_insert AFTER INSERT ON "product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), '
 "(julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, "
 "(SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || NEW.id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || collection_id AS t FROM "
 "collection_product WHERE product_id = NEW.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.id UNION ALL SELECT 'listings' AS t UNION ALL SELECT "
 "'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END",
 'CREATE TRIGGER IF NOT EXISTS larder_tags_product_update AFTER UPDATE ON "product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), '
 "(julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, "
 "(SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.id AS t UNION ALL SELECT 'product:' || NEW.id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT "
 '(OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.slug IS NOT DISTINCT FROM NEW.slug) UNION ALL SELECT t FROM (SELECT '
 "'+collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = OLD.id UNION ALL "
 "SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.id) AS "
 'steady WHERE NOT (OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.slug IS NOT DISTINCT FROM NEW.slug) UNION ALL SELECT '
 "t FROM (SELECT 'listings' AS t) AS steady WHERE NOT (OLD.id IS NOT DISTINCT FROM NEW.id AND OLD.slug IS NOT DISTINCT FROM NEW.slug AND OLD.title IS NOT DISTINCT FROM NEW.title AND OLD.brand IS NOT "
 'DISTINCT FROM NEW.brand AND OLD.summary IS NOT DISTINCT FROM NEW.summary AND OLD.description IS NOT DISTINCT FROM NEW.description AND OLD.ingredients IS NOT DISTINCT FROM NEW.ingredients AND '
 'OLD.allergens IS NOT DISTINCT FROM NEW.allergens AND OLD.allergen_mask IS NOT DISTINCT FROM NEW.allergen_mask AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM '
 "NEW.created_at AND OLD.search_keywords IS NOT DISTINCT FROM NEW.search_keywords AND OLD.search_body IS NOT DISTINCT FROM NEW.search_body) UNION ALL SELECT t FROM (SELECT 'collection:' || "
 "collection_id AS t FROM collection_product WHERE product_id = OLD.id UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id) AS steady WHERE NOT "
 '(OLD.id IS NOT DISTINCT FROM NEW.id AND OLD.slug IS NOT DISTINCT FROM NEW.slug AND OLD.title IS NOT DISTINCT FROM NEW.title AND OLD.brand IS NOT DISTINCT FROM NEW.brand AND OLD.summary IS NOT '
 'DISTINCT FROM NEW.summary AND OLD.description IS NOT DISTINCT FROM NEW.description AND OLD.ingredients IS NOT DISTINCT FROM NEW.ingredients AND OLD.allergens IS NOT DISTINCT FROM NEW.allergens AND '
 'OLD.allergen_mask IS NOT DISTINCT FROM NEW.allergen_mask AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.search_keywords IS NOT '
 "DISTINCT FROM NEW.search_keywords AND OLD.search_body IS NOT DISTINCT FROM NEW.search_body) UNION ALL SELECT 'price:' || (CASE WHEN OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 THEN 0 + "
 '(OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 ELSE 52 END) AS t WHERE NOT '
 "(OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND OLD.price_from IS NOT NULL UNION ALL SELECT 'price@' || collection_id || ':' || (CASE WHEN OLD.price_from < 0 THEN 0 WHEN OLD.price_from < "
 '2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 ELSE 52 END) AS t '
 "FROM collection_product WHERE product_id = OLD.id AND NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND OLD.price_from IS NOT NULL UNION ALL SELECT 'edge:' || (CASE WHEN OLD.price_from "
 '< 0 THEN 0 WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from '
 '- 10000) / 2500 ELSE 52 END) AS t WHERE NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND OLD.price_from IS NOT NULL AND (CASE WHEN OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 '
 'THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 ELSE 52 END) IS '
 'DISTINCT FROM (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN '
 "NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) UNION ALL SELECT 'edge@' || collection_id || ':' || (CASE WHEN OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 "
 'THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 ELSE 52 END) AS t FROM '
 'collection_product WHERE product_id = OLD.id AND NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND OLD.price_from IS NOT NULL AND (CASE WHEN OLD.price_from < 0 THEN 0 WHEN '
 'OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 '
 'ELSE 52 END) IS DISTINCT FROM (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / '
 "500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) UNION ALL SELECT 'price:' || (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + "
 '(NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) AS t WHERE NOT '
 "(OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND NEW.price_from IS NOT NULL UNION ALL SELECT 'price@' || collection_id || ':' || (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < "
 '2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) AS t '
 "FROM collection_product WHERE product_id = NEW.id AND NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND NEW.price_from IS NOT NULL UNION ALL SELECT 'edge:' || (CASE WHEN NEW.price_from "
 '< 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from '
 '- 10000) / 2500 ELSE 52 END) AS t WHERE NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND NEW.price_from IS NOT NULL AND (CASE WHEN OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 '
 'THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 ELSE 52 END) IS '
 'DISTINCT FROM (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN '
 "NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) UNION ALL SELECT 'edge@' || collection_id || ':' || (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 "
 'THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) AS t FROM '
 'collection_product WHERE product_id = NEW.id AND NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND NEW.price_from IS NOT NULL AND (CASE WHEN OLD.price_from < 0 THEN 0 WHEN '
 'OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 '
 'ELSE 52 END) IS DISTINCT FROM (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / '
 "500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) UNION ALL SELECT 'price-leap' AS t WHERE NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND "
 '(OLD.price_from IS NULL OR NEW.price_from IS NULL OR abs((CASE WHEN OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + '
 '(OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 ELSE 52 END) - (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + '
 '(NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END)) >= 2)) WHERE true '
 'ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
 'CREATE TRIGGER IF NOT EXISTS larder_tags_product_delete AFTER DELETE ON "product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), '
 "(julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, "
 "(SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || collection_id AS t FROM "
 "collection_product WHERE product_id = OLD.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = OLD.id UNION ALL SELECT 'listings' AS t UNION ALL SELECT "
 "'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.id) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END"]

OLD_SQLITE_PRODUCT_TRIGGERS = ['CREATE TRIGGER IF NOT EXISTS larder_tags_product_insert AFTER INSERT ON "product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), '
 "(julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, "
 "(SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || NEW.id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || collection_id AS t FROM "
 "collection_product WHERE product_id = NEW.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.id UNION ALL SELECT 'listings' AS t UNION ALL SELECT "
 "'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END",
 'CREATE TRIGGER IF NOT EXISTS larder_tags_product_update AFTER UPDATE ON "product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), '
 "(julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, "
 "(SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.id AS t UNION ALL SELECT 'product:' || NEW.id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t WHERE NOT "
 '(OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.slug IS NOT DISTINCT FROM NEW.slug) UNION ALL SELECT t FROM (SELECT '
 "'+collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = OLD.id UNION ALL "
 "SELECT '+collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = NEW.id) AS "
 'steady WHERE NOT (OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.slug IS NOT DISTINCT FROM NEW.slug) UNION ALL SELECT '
 "t FROM (SELECT 'listings' AS t) AS steady WHERE NOT (OLD.id IS NOT DISTINCT FROM NEW.id AND OLD.slug IS NOT DISTINCT FROM NEW.slug AND OLD.title IS NOT DISTINCT FROM NEW.title AND OLD.brand IS NOT "
 'DISTINCT FROM NEW.brand AND OLD.summary IS NOT DISTINCT FROM NEW.summary AND OLD.description IS NOT DISTINCT FROM NEW.description AND OLD.ingredients IS NOT DISTINCT FROM NEW.ingredients AND '
 'OLD.allergens IS NOT DISTINCT FROM NEW.allergens AND OLD.allergen_mask IS NOT DISTINCT FROM NEW.allergen_mask AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM '
 "NEW.created_at AND OLD.search_keywords IS NOT DISTINCT FROM NEW.search_keywords AND OLD.search_body IS NOT DISTINCT FROM NEW.search_body) UNION ALL SELECT t FROM (SELECT 'collection:' || "
 "collection_id AS t FROM collection_product WHERE product_id = OLD.id UNION ALL SELECT 'collection:' || collection_id AS t FROM collection_product WHERE product_id = NEW.id) AS steady WHERE NOT "
 '(OLD.id IS NOT DISTINCT FROM NEW.id AND OLD.slug IS NOT DISTINCT FROM NEW.slug AND OLD.title IS NOT DISTINCT FROM NEW.title AND OLD.brand IS NOT DISTINCT FROM NEW.brand AND OLD.summary IS NOT '
 'DISTINCT FROM NEW.summary AND OLD.description IS NOT DISTINCT FROM NEW.description AND OLD.ingredients IS NOT DISTINCT FROM NEW.ingredients AND OLD.allergens IS NOT DISTINCT FROM NEW.allergens AND '
 'OLD.allergen_mask IS NOT DISTINCT FROM NEW.allergen_mask AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.search_keywords IS NOT '
 "DISTINCT FROM NEW.search_keywords AND OLD.search_body IS NOT DISTINCT FROM NEW.search_body) UNION ALL SELECT 'price:' || (CASE WHEN OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 THEN 0 + "
 '(OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 ELSE 52 END) AS t WHERE NOT '
 "(OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND OLD.price_from IS NOT NULL UNION ALL SELECT 'price@' || collection_id || ':' || (CASE WHEN OLD.price_from < 0 THEN 0 WHEN OLD.price_from < "
 '2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 ELSE 52 END) AS t '
 "FROM collection_product WHERE product_id = OLD.id AND NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND OLD.price_from IS NOT NULL UNION ALL SELECT 'edge:' || (CASE WHEN OLD.price_from "
 '< 0 THEN 0 WHEN OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from '
 '- 10000) / 2500 ELSE 52 END) AS t WHERE NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND OLD.price_from IS NOT NULL AND (CASE WHEN OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 '
 'THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 ELSE 52 END) IS '
 'DISTINCT FROM (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN '
 "NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) UNION ALL SELECT 'edge@' || collection_id || ':' || (CASE WHEN OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 "
 'THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 ELSE 52 END) AS t FROM '
 'collection_product WHERE product_id = OLD.id AND NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND OLD.price_from IS NOT NULL AND (CASE WHEN OLD.price_from < 0 THEN 0 WHEN '
 'OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 '
 'ELSE 52 END) IS DISTINCT FROM (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / '
 "500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) UNION ALL SELECT 'price:' || (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + "
 '(NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) AS t WHERE NOT '
 "(OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND NEW.price_from IS NOT NULL UNION ALL SELECT 'price@' || collection_id || ':' || (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < "
 '2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) AS t '
 "FROM collection_product WHERE product_id = NEW.id AND NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND NEW.price_from IS NOT NULL UNION ALL SELECT 'edge:' || (CASE WHEN NEW.price_from "
 '< 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from '
 '- 10000) / 2500 ELSE 52 END) AS t WHERE NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND NEW.price_from IS NOT NULL AND (CASE WHEN OLD.price_from < 0 THEN 0 WHEN OLD.price_from < 2000 '
 'THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 ELSE 52 END) IS '
 'DISTINCT FROM (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN '
 "NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) UNION ALL SELECT 'edge@' || collection_id || ':' || (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 "
 'THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / 500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END) AS t FROM '
 'collection_product WHERE product_id = NEW.id AND NOT (OLD.price_from IS NOT DISTINCT FROM NEW.price_from) AND NEW.price_from IS NOT NULL AND (CASE WHEN OLD.price_from < 0 THEN 0 WHEN '
 'OLD.price_from < 2000 THEN 0 + (OLD.price_from - 0) / 100 WHEN OLD.price_from < 10000 THEN 20 + (OLD.price_from - 2000) / 500 WHEN OLD.price_from < 50000 THEN 36 + (OLD.price_from - 10000) / 2500 '
 'ELSE 52 END) IS DISTINCT FROM (CASE WHEN NEW.price_from < 0 THEN 0 WHEN NEW.price_from < 2000 THEN 0 + (NEW.price_from - 0) / 100 WHEN NEW.price_from < 10000 THEN 20 + (NEW.price_from - 2000) / '
 '500 WHEN NEW.price_from < 50000 THEN 36 + (NEW.price_from - 10000) / 2500 ELSE 52 END)) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
 'CREATE TRIGGER IF NOT EXISTS larder_tags_product_delete AFTER DELETE ON "product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), '
 "(julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, "
 "(SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'product:' || OLD.id AS t UNION ALL SELECT '*' AS t UNION ALL SELECT '+' AS t UNION ALL SELECT '+collection:' || collection_id AS t FROM "
 "collection_product WHERE product_id = OLD.id UNION ALL SELECT '+diet:' || diet_tag_id AS t FROM product_diet_tag WHERE product_id = OLD.id UNION ALL SELECT 'listings' AS t UNION ALL SELECT "
 "'collection:' || collection_id AS t FROM collection_product WHERE product_id = OLD.id) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END"]



def _sqlite_product_triggers(statements):
    for kind in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS larder_tags_product_{kind}")
    for statement in statements:
        op.execute(statement)


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(sa.text(PG_TAGS_FUNCTION))
    elif dialect == "sqlite":
        _sqlite_product_triggers(SQLITE_PRODUCT_TRIGGERS)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(sa.text(OLD_PG_TAGS_FUNCTION))
    elif dialect == "sqlite":
        _sqlite_product_triggers(OLD_SQLITE_PRODUCT_TRIGGERS)
