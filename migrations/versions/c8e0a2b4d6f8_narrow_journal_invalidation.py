"""narrow journal invalidation: the blog's tables stamp dependency tags instead of the catalog version

Revision ID: c8e0a2b4d6f8
Revises: b7d9f1a3c5e7
Create Date: 2026-11-27 17:25:00

A write to an article, an author, a blog tag, an article's topics or product links no longer
bumps the catalog version (which empties every cached page, the shop's included): it stamps the
tags of what it concerns ("article:<id>", "author:<id>", "topic:<id>", "featured:<product id>",
"journal", "journal+") in cache_tag with the change sequence, and only the cached pages that
declared one of them are rendered again. The SQL is frozen here as storefront/caching/triggers.py
and blog/versioned.py made it at this revision; this migration must not change later.
"""
import sqlalchemy as sa
from alembic import op

revision = "c8e0a2b4d6f8"
down_revision = "b7d9f1a3c5e7"
branch_labels = None
depends_on = None

NARROW = ('article', 'article_product_link', 'article_tag', 'author', 'blog_tag')

# The tag function with the journal's tables (the catalog's branches as before).
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

# Per table: the statements making its triggers (PostgreSQL, SQLite), now and before.
PG_TRIGGERS = {'article': ['DROP TRIGGER IF EXISTS larder_tags_article ON "article"',
             'CREATE CONSTRAINT TRIGGER larder_tags_article AFTER INSERT OR UPDATE OR DELETE ON "article" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION larder_stamp_cache_tags()'],
 'article_product_link': ['DROP TRIGGER IF EXISTS larder_tags_article_product_link ON "article_product_link"',
                          'CREATE CONSTRAINT TRIGGER larder_tags_article_product_link AFTER INSERT OR UPDATE OR DELETE ON "article_product_link" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE '
                          'FUNCTION larder_stamp_cache_tags()'],
 'article_tag': ['DROP TRIGGER IF EXISTS larder_tags_article_tag ON "article_tag"',
                 'CREATE CONSTRAINT TRIGGER larder_tags_article_tag AFTER INSERT OR UPDATE OR DELETE ON "article_tag" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION '
                 'larder_stamp_cache_tags()'],
 'author': ['DROP TRIGGER IF EXISTS larder_tags_author ON "author"',
            'CREATE CONSTRAINT TRIGGER larder_tags_author AFTER INSERT OR UPDATE OR DELETE ON "author" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION larder_stamp_cache_tags()'],
 'blog_tag': ['DROP TRIGGER IF EXISTS larder_tags_blog_tag ON "blog_tag"',
              'CREATE CONSTRAINT TRIGGER larder_tags_blog_tag AFTER INSERT OR UPDATE OR DELETE ON "blog_tag" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION larder_stamp_cache_tags()']}

SQLITE_TRIGGERS = {'article': ['CREATE TRIGGER IF NOT EXISTS larder_tags_article_insert AFTER INSERT ON "article" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
             "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO "
             "cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'article:' || NEW.id AS t UNION ALL SELECT 'featured:' || l.product_id AS t FROM "
             "article_product_link l WHERE l.article_id = NEW.id AND l.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM article_product_link l JOIN product p ON p.slug = "
             "l.product_slug WHERE l.article_id = NEW.id UNION ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END",
             'CREATE TRIGGER IF NOT EXISTS larder_tags_article_update AFTER UPDATE ON "article" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
             "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO "
             "cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'article:' || OLD.id AS t UNION ALL SELECT 'featured:' || l.product_id AS t FROM "
             "article_product_link l WHERE l.article_id = OLD.id AND l.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM article_product_link l JOIN product p ON p.slug = "
             "l.product_slug WHERE l.article_id = OLD.id UNION ALL SELECT 'article:' || NEW.id AS t UNION ALL SELECT 'featured:' || l.product_id AS t FROM article_product_link l WHERE l.article_id = "
             "NEW.id AND l.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM article_product_link l JOIN product p ON p.slug = l.product_slug WHERE l.article_id = NEW.id UNION "
             "ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t WHERE NOT (OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.published_at IS NOT DISTINCT FROM "
             'NEW.published_at)) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
             'CREATE TRIGGER IF NOT EXISTS larder_tags_article_delete AFTER DELETE ON "article" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
             "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO "
             "cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'article:' || OLD.id AS t UNION ALL SELECT 'featured:' || l.product_id AS t FROM "
             "article_product_link l WHERE l.article_id = OLD.id AND l.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM article_product_link l JOIN product p ON p.slug = "
             "l.product_slug WHERE l.article_id = OLD.id UNION ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END"],
 'article_product_link': ['CREATE TRIGGER IF NOT EXISTS larder_tags_article_product_link_insert AFTER INSERT ON "article_product_link" BEGIN INSERT INTO catalog_version (id, counter, epoch, '
                          "changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = "
                          "(julianday('now') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'featured:' || "
                          "NEW.product_id AS t WHERE NEW.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM product p WHERE p.slug = NEW.product_slug UNION ALL SELECT 'journal' AS "
                          't) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
                          'CREATE TRIGGER IF NOT EXISTS larder_tags_article_product_link_update AFTER UPDATE ON "article_product_link" BEGIN INSERT INTO catalog_version (id, counter, epoch, '
                          "changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = "
                          "(julianday('now') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'featured:' || "
                          "OLD.product_id AS t WHERE OLD.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM product p WHERE p.slug = OLD.product_slug UNION ALL SELECT 'featured:' "
                          "|| NEW.product_id AS t WHERE NEW.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM product p WHERE p.slug = NEW.product_slug UNION ALL SELECT 'journal' "
                          'AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
                          'CREATE TRIGGER IF NOT EXISTS larder_tags_article_product_link_delete AFTER DELETE ON "article_product_link" BEGIN INSERT INTO catalog_version (id, counter, epoch, '
                          "changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = "
                          "(julianday('now') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'featured:' || "
                          "OLD.product_id AS t WHERE OLD.product_id IS NOT NULL UNION ALL SELECT 'featured:' || p.id AS t FROM product p WHERE p.slug = OLD.product_slug UNION ALL SELECT 'journal' AS "
                          't) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END'],
 'article_tag': ['CREATE TRIGGER IF NOT EXISTS larder_tags_article_tag_insert AFTER INSERT ON "article_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
                 "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT "
                 "INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'article:' || NEW.article_id AS t UNION ALL SELECT 'journal' AS t UNION ALL "
                 "SELECT 'journal+' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END",
                 'CREATE TRIGGER IF NOT EXISTS larder_tags_article_tag_update AFTER UPDATE ON "article_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
                 "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT "
                 "INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'article:' || OLD.article_id AS t UNION ALL SELECT 'article:' || "
                 "NEW.article_id AS t UNION ALL SELECT 'journal' AS t UNION ALL SELECT 'journal+' AS t WHERE NOT (OLD.article_id = NEW.article_id AND OLD.tag_id = NEW.tag_id)) WHERE true ON "
                 'CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
                 'CREATE TRIGGER IF NOT EXISTS larder_tags_article_tag_delete AFTER DELETE ON "article_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
                 "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT "
                 "INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'article:' || OLD.article_id AS t UNION ALL SELECT 'journal' AS t UNION ALL "
                 "SELECT 'journal+' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END"],
 'author': ['CREATE TRIGGER IF NOT EXISTS larder_tags_author_insert AFTER INSERT ON "author" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
            "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO "
            "cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'author:' || NEW.id AS t UNION ALL SELECT 'journal' AS t) WHERE true ON CONFLICT(tag) "
            'DO UPDATE SET seq = excluded.seq; END',
            'CREATE TRIGGER IF NOT EXISTS larder_tags_author_update AFTER UPDATE ON "author" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
            "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO "
            "cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'author:' || OLD.id AS t UNION ALL SELECT 'author:' || NEW.id AS t UNION ALL SELECT "
            "'journal' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END",
            'CREATE TRIGGER IF NOT EXISTS larder_tags_author_delete AFTER DELETE ON "author" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
            "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO "
            "cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'author:' || OLD.id AS t UNION ALL SELECT 'journal' AS t) WHERE true ON CONFLICT(tag) "
            'DO UPDATE SET seq = excluded.seq; END'],
 'blog_tag': ['CREATE TRIGGER IF NOT EXISTS larder_tags_blog_tag_insert AFTER INSERT ON "blog_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
              "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO "
              "cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'topic:' || NEW.id AS t UNION ALL SELECT 'journal' AS t) WHERE true ON "
              'CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
              'CREATE TRIGGER IF NOT EXISTS larder_tags_blog_tag_update AFTER UPDATE ON "blog_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
              "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO "
              "cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'topic:' || OLD.id AS t UNION ALL SELECT 'topic:' || NEW.id AS t UNION ALL SELECT "
              "'journal' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END",
              'CREATE TRIGGER IF NOT EXISTS larder_tags_blog_tag_delete AFTER DELETE ON "blog_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, '
              "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; INSERT INTO "
              "cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT 'topic:' || OLD.id AS t UNION ALL SELECT 'journal' AS t) WHERE true ON "
              'CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END']}

# The tag function as revision b7d9f1a3c5e7 made it.
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

OLD_PG_TRIGGERS = {'article': ['DROP TRIGGER IF EXISTS larder_version_article ON "article"',
             'CREATE CONSTRAINT TRIGGER larder_version_article AFTER INSERT OR UPDATE OR DELETE ON "article" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION '
             'larder_bump_catalog_version()'],
 'article_product_link': ['DROP TRIGGER IF EXISTS larder_version_article_product_link ON "article_product_link"',
                          'CREATE CONSTRAINT TRIGGER larder_version_article_product_link AFTER INSERT OR UPDATE OR DELETE ON "article_product_link" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE '
                          'FUNCTION larder_bump_catalog_version()'],
 'article_tag': ['DROP TRIGGER IF EXISTS larder_version_article_tag ON "article_tag"',
                 'CREATE CONSTRAINT TRIGGER larder_version_article_tag AFTER INSERT OR UPDATE OR DELETE ON "article_tag" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION '
                 'larder_bump_catalog_version()'],
 'author': ['DROP TRIGGER IF EXISTS larder_version_author ON "author"',
            'CREATE CONSTRAINT TRIGGER larder_version_author AFTER INSERT OR UPDATE OR DELETE ON "author" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION larder_bump_catalog_version()'],
 'blog_tag': ['DROP TRIGGER IF EXISTS larder_version_blog_tag ON "blog_tag"',
              'CREATE CONSTRAINT TRIGGER larder_version_blog_tag AFTER INSERT OR UPDATE OR DELETE ON "blog_tag" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION '
              'larder_bump_catalog_version()']}

OLD_SQLITE_TRIGGERS = {'article': ['CREATE TRIGGER IF NOT EXISTS larder_version_article_insert AFTER INSERT ON "article" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, '
             "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; END",
             'CREATE TRIGGER IF NOT EXISTS larder_version_article_update AFTER UPDATE ON "article" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, '
             "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; END",
             'CREATE TRIGGER IF NOT EXISTS larder_version_article_delete AFTER DELETE ON "article" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, '
             "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; END"],
 'article_product_link': ['CREATE TRIGGER IF NOT EXISTS larder_version_article_product_link_insert AFTER INSERT ON "article_product_link" BEGIN INSERT INTO catalog_version (id, counter, epoch, '
                          "changed_at) VALUES (1, 1, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = "
                          "(julianday('now') - 2440587.5) * 86400.0; END",
                          'CREATE TRIGGER IF NOT EXISTS larder_version_article_product_link_update AFTER UPDATE ON "article_product_link" BEGIN INSERT INTO catalog_version (id, counter, epoch, '
                          "changed_at) VALUES (1, 1, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = "
                          "(julianday('now') - 2440587.5) * 86400.0; END",
                          'CREATE TRIGGER IF NOT EXISTS larder_version_article_product_link_delete AFTER DELETE ON "article_product_link" BEGIN INSERT INTO catalog_version (id, counter, epoch, '
                          "changed_at) VALUES (1, 1, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = "
                          "(julianday('now') - 2440587.5) * 86400.0; END"],
 'article_tag': ['CREATE TRIGGER IF NOT EXISTS larder_version_article_tag_insert AFTER INSERT ON "article_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, '
                 "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; END",
                 'CREATE TRIGGER IF NOT EXISTS larder_version_article_tag_update AFTER UPDATE ON "article_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, '
                 "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; END",
                 'CREATE TRIGGER IF NOT EXISTS larder_version_article_tag_delete AFTER DELETE ON "article_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, '
                 "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; "
                 'END'],
 'author': ['CREATE TRIGGER IF NOT EXISTS larder_version_author_insert AFTER INSERT ON "author" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, '
            "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; END",
            'CREATE TRIGGER IF NOT EXISTS larder_version_author_update AFTER UPDATE ON "author" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, '
            "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; END",
            'CREATE TRIGGER IF NOT EXISTS larder_version_author_delete AFTER DELETE ON "author" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, '
            "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; END"],
 'blog_tag': ['CREATE TRIGGER IF NOT EXISTS larder_version_blog_tag_insert AFTER INSERT ON "blog_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, '
              "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; END",
              'CREATE TRIGGER IF NOT EXISTS larder_version_blog_tag_update AFTER UPDATE ON "blog_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, '
              "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; END",
              'CREATE TRIGGER IF NOT EXISTS larder_version_blog_tag_delete AFTER DELETE ON "blog_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, '
              "lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday('now') - 2440587.5) * 86400.0; END"]}


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(sa.text(PG_TAGS_FUNCTION))
        for table in NARROW:
            op.execute(f'DROP TRIGGER IF EXISTS larder_version_{table} ON "{table}"')
            for statement in PG_TRIGGERS[table]:
                op.execute(statement)
    elif dialect == "sqlite":
        for table in NARROW:
            for kind in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS larder_version_{table}_{kind}")
            for statement in SQLITE_TRIGGERS[table]:
                op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table in NARROW:
            op.execute(f'DROP TRIGGER IF EXISTS larder_tags_{table} ON "{table}"')
        op.execute(sa.text(OLD_PG_TAGS_FUNCTION))
        for table in NARROW:
            for statement in OLD_PG_TRIGGERS[table]:
                op.execute(statement)
    elif dialect == "sqlite":
        for table in NARROW:
            for kind in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS larder_tags_{table}_{kind}")
            for statement in OLD_SQLITE_TRIGGERS[table]:
                op.execute(statement)
