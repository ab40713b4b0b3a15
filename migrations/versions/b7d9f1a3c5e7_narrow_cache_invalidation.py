"""narrow cache invalidation: product tables stamp dependency tags instead of the catalog version

Revision ID: b7d9f1a3c5e7
Revises: d4a6c8e0f2b4
Create Date: 2026-11-27 17:10:00

A write to a product, its variants (visible stock moves), images, certificates, diet-tag links or
collection entries no longer bumps the catalog version (which empties every cached page): it
stamps the tags of what it concerns ("product:<id>", "collection:<id>", "*", "+") in cache_tag
with the change sequence catalog_version.seq, and only the cached pages that declared one of
those tags are rendered again. The SQL is frozen here as storefront/caching/triggers.py and
storefront/catalog/versioned.py made it at this revision; this migration must not change later.
"""
import sqlalchemy as sa
from alembic import op

revision = "b7d9f1a3c5e7"
down_revision = "d4a6c8e0f2b4"
branch_labels = None
depends_on = None

NARROW = ('certification', 'collection_product', 'product', 'product_diet_tag', 'product_image', 'variant')

# The version function without the variant's capped rule (variant no longer bumps the version).
PG_VERSION_FUNCTION = """
CREATE OR REPLACE FUNCTION larder_bump_catalog_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('larder.catalog_bumped', true) = '1' THEN
        RETURN NULL;
    END IF;
    INSERT INTO catalog_version (id, counter, epoch, changed_at)
    VALUES (1, 1, md5(random()::text), extract(epoch FROM clock_timestamp()))
    ON CONFLICT (id) DO UPDATE
        SET counter = catalog_version.counter + 1,
            changed_at = extract(epoch FROM clock_timestamp());
    PERFORM set_config('larder.catalog_bumped', '1', true);
    RETURN NULL;
END
$$
"""

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
PG_TRIGGERS = {
    'certification': [
        'DROP TRIGGER IF EXISTS larder_tags_certification ON "certification"',
        'CREATE CONSTRAINT TRIGGER larder_tags_certification AFTER INSERT OR UPDATE OR DELETE ON "certification" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION larder_stamp_cache_tags()',
    ],
    'collection_product': [
        'DROP TRIGGER IF EXISTS larder_tags_collection_product ON "collection_product"',
        'CREATE CONSTRAINT TRIGGER larder_tags_collection_product AFTER INSERT OR UPDATE OR DELETE ON "collection_product" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION larder_stamp_cache_tags()',
    ],
    'product': [
        'DROP TRIGGER IF EXISTS larder_tags_product ON "product"',
        'CREATE CONSTRAINT TRIGGER larder_tags_product AFTER INSERT OR UPDATE OR DELETE ON "product" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION larder_stamp_cache_tags()',
    ],
    'product_diet_tag': [
        'DROP TRIGGER IF EXISTS larder_tags_product_diet_tag ON "product_diet_tag"',
        'CREATE CONSTRAINT TRIGGER larder_tags_product_diet_tag AFTER INSERT OR UPDATE OR DELETE ON "product_diet_tag" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION larder_stamp_cache_tags()',
    ],
    'product_image': [
        'DROP TRIGGER IF EXISTS larder_tags_product_image ON "product_image"',
        'CREATE CONSTRAINT TRIGGER larder_tags_product_image AFTER INSERT OR UPDATE OR DELETE ON "product_image" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION larder_stamp_cache_tags()',
    ],
    'variant': [
        'DROP TRIGGER IF EXISTS larder_tags_variant ON "variant"',
        'CREATE CONSTRAINT TRIGGER larder_tags_variant AFTER INSERT OR UPDATE OR DELETE ON "variant" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION larder_stamp_cache_tags()',
    ],
}

SQLITE_TRIGGERS = {
    'certification': [
        'CREATE TRIGGER IF NOT EXISTS larder_tags_certification_insert AFTER INSERT ON "certification" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT \'product:\' || NEW.product_id AS t UNION ALL SELECT \'collection:\' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT \'*\' AS t UNION ALL SELECT \'+\' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
        'CREATE TRIGGER IF NOT EXISTS larder_tags_certification_update AFTER UPDATE ON "certification" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT \'product:\' || OLD.product_id AS t UNION ALL SELECT \'collection:\' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT \'product:\' || NEW.product_id AS t UNION ALL SELECT \'collection:\' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT \'*\' AS t UNION ALL SELECT \'+\' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
        'CREATE TRIGGER IF NOT EXISTS larder_tags_certification_delete AFTER DELETE ON "certification" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT \'product:\' || OLD.product_id AS t UNION ALL SELECT \'collection:\' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT \'*\' AS t UNION ALL SELECT \'+\' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
    ],
    'collection_product': [
        'CREATE TRIGGER IF NOT EXISTS larder_tags_collection_product_insert AFTER INSERT ON "collection_product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT \'product:\' || NEW.product_id AS t UNION ALL SELECT \'collection:\' || NEW.collection_id AS t UNION ALL SELECT \'*\' AS t UNION ALL SELECT \'+\' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
        'CREATE TRIGGER IF NOT EXISTS larder_tags_collection_product_update AFTER UPDATE ON "collection_product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT \'product:\' || OLD.product_id AS t UNION ALL SELECT \'collection:\' || OLD.collection_id AS t UNION ALL SELECT \'product:\' || NEW.product_id AS t UNION ALL SELECT \'collection:\' || NEW.collection_id AS t UNION ALL SELECT \'*\' AS t UNION ALL SELECT \'+\' AS t WHERE NOT (OLD.collection_id = NEW.collection_id AND OLD.product_id = NEW.product_id)) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
        'CREATE TRIGGER IF NOT EXISTS larder_tags_collection_product_delete AFTER DELETE ON "collection_product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT \'product:\' || OLD.product_id AS t UNION ALL SELECT \'collection:\' || OLD.collection_id AS t UNION ALL SELECT \'*\' AS t UNION ALL SELECT \'+\' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
    ],
    'product': [
        'CREATE TRIGGER IF NOT EXISTS larder_tags_product_insert AFTER INSERT ON "product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT \'product:\' || NEW.id AS t UNION ALL SELECT \'collection:\' || collection_id AS t FROM collection_product WHERE product_id = NEW.id UNION ALL SELECT \'*\' AS t UNION ALL SELECT \'+\' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
        'CREATE TRIGGER IF NOT EXISTS larder_tags_product_update AFTER UPDATE ON "product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT \'product:\' || OLD.id AS t UNION ALL SELECT \'collection:\' || collection_id AS t FROM collection_product WHERE product_id = OLD.id UNION ALL SELECT \'product:\' || NEW.id AS t UNION ALL SELECT \'collection:\' || collection_id AS t FROM collection_product WHERE product_id = NEW.id UNION ALL SELECT \'*\' AS t UNION ALL SELECT \'+\' AS t WHERE NOT (OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.slug IS NOT DISTINCT FROM NEW.slug)) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
        'CREATE TRIGGER IF NOT EXISTS larder_tags_product_delete AFTER DELETE ON "product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT \'product:\' || OLD.id AS t UNION ALL SELECT \'collection:\' || collection_id AS t FROM collection_product WHERE product_id = OLD.id UNION ALL SELECT \'*\' AS t UNION ALL SELECT \'+\' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
    ],
    'product_diet_tag': [
        'CREATE TRIGGER IF NOT EXISTS larder_tags_product_diet_tag_insert AFTER INSERT ON "product_diet_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT \'product:\' || NEW.product_id AS t UNION ALL SELECT \'collection:\' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT \'*\' AS t UNION ALL SELECT \'+\' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
        'CREATE TRIGGER IF NOT EXISTS larder_tags_product_diet_tag_update AFTER UPDATE ON "product_diet_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT \'product:\' || OLD.product_id AS t UNION ALL SELECT \'collection:\' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT \'product:\' || NEW.product_id AS t UNION ALL SELECT \'collection:\' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT \'*\' AS t UNION ALL SELECT \'+\' AS t WHERE NOT (OLD.product_id = NEW.product_id AND OLD.diet_tag_id = NEW.diet_tag_id)) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
        'CREATE TRIGGER IF NOT EXISTS larder_tags_product_diet_tag_delete AFTER DELETE ON "product_diet_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT \'product:\' || OLD.product_id AS t UNION ALL SELECT \'collection:\' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT \'*\' AS t UNION ALL SELECT \'+\' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
    ],
    'product_image': [
        'CREATE TRIGGER IF NOT EXISTS larder_tags_product_image_insert AFTER INSERT ON "product_image" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT \'product:\' || NEW.product_id AS t UNION ALL SELECT \'collection:\' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT \'*\' AS t UNION ALL SELECT \'+\' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
        'CREATE TRIGGER IF NOT EXISTS larder_tags_product_image_update AFTER UPDATE ON "product_image" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT \'product:\' || OLD.product_id AS t UNION ALL SELECT \'collection:\' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT \'product:\' || NEW.product_id AS t UNION ALL SELECT \'collection:\' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT \'*\' AS t UNION ALL SELECT \'+\' AS t WHERE NOT (OLD.product_id = NEW.product_id)) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
        'CREATE TRIGGER IF NOT EXISTS larder_tags_product_image_delete AFTER DELETE ON "product_image" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT \'product:\' || OLD.product_id AS t UNION ALL SELECT \'collection:\' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT \'*\' AS t UNION ALL SELECT \'+\' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
    ],
    'variant': [
        'CREATE TRIGGER IF NOT EXISTS larder_tags_variant_insert AFTER INSERT ON "variant" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT \'product:\' || NEW.product_id AS t UNION ALL SELECT \'collection:\' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT \'*\' AS t UNION ALL SELECT \'+\' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
        'CREATE TRIGGER IF NOT EXISTS larder_tags_variant_update AFTER UPDATE ON "variant" WHEN NOT (OLD."id" IS NEW."id" AND OLD."product_id" IS NEW."product_id" AND OLD."sku" IS NEW."sku" AND OLD."option_label" IS NEW."option_label" AND OLD."price" IS NEW."price" AND OLD."compare_at_price" IS NEW."compare_at_price" AND OLD."weight_grams" IS NEW."weight_grams" AND OLD."position" IS NEW."position" AND OLD."option_values" IS NEW."option_values" AND min(max(OLD.stock, 0), 99) = min(max(NEW.stock, 0), 99)) BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT \'product:\' || OLD.product_id AS t UNION ALL SELECT \'collection:\' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT \'product:\' || NEW.product_id AS t UNION ALL SELECT \'collection:\' || collection_id AS t FROM collection_product WHERE product_id = NEW.product_id UNION ALL SELECT \'*\' AS t UNION ALL SELECT \'+\' AS t WHERE NOT (OLD.product_id = NEW.product_id AND NOT (OLD.stock <= 0 AND NEW.stock > 0))) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
        'CREATE TRIGGER IF NOT EXISTS larder_tags_variant_delete AFTER DELETE ON "variant" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) VALUES (1, 0, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0, 1) ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) FROM (SELECT \'product:\' || OLD.product_id AS t UNION ALL SELECT \'collection:\' || collection_id AS t FROM collection_product WHERE product_id = OLD.product_id UNION ALL SELECT \'*\' AS t UNION ALL SELECT \'+\' AS t) WHERE true ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END',
    ],
}

OLD_PG_VERSION_FUNCTION = """
CREATE OR REPLACE FUNCTION larder_bump_catalog_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('larder.catalog_bumped', true) = '1' THEN
        RETURN NULL;
    END IF;
    -- An UPDATE of variant's capped columns that no page can show keeps every cached page.
    IF TG_TABLE_NAME = 'variant' AND TG_OP = 'UPDATE' THEN
        IF (to_jsonb(OLD) - 'stock') = (to_jsonb(NEW) - 'stock')
           AND least(greatest(OLD.stock, 0), 99) = least(greatest(NEW.stock, 0), 99) THEN
            RETURN NULL;
        END IF;
    END IF;
    INSERT INTO catalog_version (id, counter, epoch, changed_at)
    VALUES (1, 1, md5(random()::text), extract(epoch FROM clock_timestamp()))
    ON CONFLICT (id) DO UPDATE
        SET counter = catalog_version.counter + 1,
            changed_at = extract(epoch FROM clock_timestamp());
    PERFORM set_config('larder.catalog_bumped', '1', true);
    RETURN NULL;
END
$$
"""

OLD_PG_TRIGGERS = {
    'certification': [
        'DROP TRIGGER IF EXISTS larder_version_certification ON "certification"',
        'CREATE CONSTRAINT TRIGGER larder_version_certification AFTER INSERT OR UPDATE OR DELETE ON "certification" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION larder_bump_catalog_version()',
    ],
    'collection_product': [
        'DROP TRIGGER IF EXISTS larder_version_collection_product ON "collection_product"',
        'CREATE CONSTRAINT TRIGGER larder_version_collection_product AFTER INSERT OR UPDATE OR DELETE ON "collection_product" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION larder_bump_catalog_version()',
    ],
    'product': [
        'DROP TRIGGER IF EXISTS larder_version_product ON "product"',
        'CREATE CONSTRAINT TRIGGER larder_version_product AFTER INSERT OR UPDATE OR DELETE ON "product" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION larder_bump_catalog_version()',
    ],
    'product_diet_tag': [
        'DROP TRIGGER IF EXISTS larder_version_product_diet_tag ON "product_diet_tag"',
        'CREATE CONSTRAINT TRIGGER larder_version_product_diet_tag AFTER INSERT OR UPDATE OR DELETE ON "product_diet_tag" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION larder_bump_catalog_version()',
    ],
    'product_image': [
        'DROP TRIGGER IF EXISTS larder_version_product_image ON "product_image"',
        'CREATE CONSTRAINT TRIGGER larder_version_product_image AFTER INSERT OR UPDATE OR DELETE ON "product_image" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION larder_bump_catalog_version()',
    ],
    'variant': [
        'DROP TRIGGER IF EXISTS larder_version_variant ON "variant"',
        'CREATE CONSTRAINT TRIGGER larder_version_variant AFTER INSERT OR UPDATE OR DELETE ON "variant" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION larder_bump_catalog_version()',
    ],
}

OLD_SQLITE_TRIGGERS = {
    'certification': [
        'CREATE TRIGGER IF NOT EXISTS larder_version_certification_insert AFTER INSERT ON "certification" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; END',
        'CREATE TRIGGER IF NOT EXISTS larder_version_certification_update AFTER UPDATE ON "certification" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; END',
        'CREATE TRIGGER IF NOT EXISTS larder_version_certification_delete AFTER DELETE ON "certification" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; END',
    ],
    'collection_product': [
        'CREATE TRIGGER IF NOT EXISTS larder_version_collection_product_insert AFTER INSERT ON "collection_product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; END',
        'CREATE TRIGGER IF NOT EXISTS larder_version_collection_product_update AFTER UPDATE ON "collection_product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; END',
        'CREATE TRIGGER IF NOT EXISTS larder_version_collection_product_delete AFTER DELETE ON "collection_product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; END',
    ],
    'product': [
        'CREATE TRIGGER IF NOT EXISTS larder_version_product_insert AFTER INSERT ON "product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; END',
        'CREATE TRIGGER IF NOT EXISTS larder_version_product_update AFTER UPDATE ON "product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; END',
        'CREATE TRIGGER IF NOT EXISTS larder_version_product_delete AFTER DELETE ON "product" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; END',
    ],
    'product_diet_tag': [
        'CREATE TRIGGER IF NOT EXISTS larder_version_product_diet_tag_insert AFTER INSERT ON "product_diet_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; END',
        'CREATE TRIGGER IF NOT EXISTS larder_version_product_diet_tag_update AFTER UPDATE ON "product_diet_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; END',
        'CREATE TRIGGER IF NOT EXISTS larder_version_product_diet_tag_delete AFTER DELETE ON "product_diet_tag" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; END',
    ],
    'product_image': [
        'CREATE TRIGGER IF NOT EXISTS larder_version_product_image_insert AFTER INSERT ON "product_image" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; END',
        'CREATE TRIGGER IF NOT EXISTS larder_version_product_image_update AFTER UPDATE ON "product_image" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; END',
        'CREATE TRIGGER IF NOT EXISTS larder_version_product_image_delete AFTER DELETE ON "product_image" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; END',
    ],
    'variant': [
        'CREATE TRIGGER IF NOT EXISTS larder_version_variant_insert AFTER INSERT ON "variant" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; END',
        'CREATE TRIGGER IF NOT EXISTS larder_version_variant_update AFTER UPDATE ON "variant" WHEN NOT (OLD."id" IS NEW."id" AND OLD."product_id" IS NEW."product_id" AND OLD."sku" IS NEW."sku" AND OLD."option_label" IS NEW."option_label" AND OLD."price" IS NEW."price" AND OLD."compare_at_price" IS NEW."compare_at_price" AND OLD."weight_grams" IS NEW."weight_grams" AND OLD."position" IS NEW."position" AND OLD."option_values" IS NEW."option_values" AND min(max(OLD.stock, 0), 99) = min(max(NEW.stock, 0), 99)) BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; END',
        'CREATE TRIGGER IF NOT EXISTS larder_version_variant_delete AFTER DELETE ON "variant" BEGIN INSERT INTO catalog_version (id, counter, epoch, changed_at) VALUES (1, 1, lower(hex(randomblob(8))), (julianday(\'now\') - 2440587.5) * 86400.0) ON CONFLICT(id) DO UPDATE SET counter = counter + 1, changed_at = (julianday(\'now\') - 2440587.5) * 86400.0; END',
    ],
}


def upgrade():
    op.create_table(
        "cache_tag",
        sa.Column("tag", sa.String(length=120), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tag"),
    )
    op.add_column("catalog_version", sa.Column("seq", sa.BigInteger(), server_default="0", nullable=False))
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(sa.text(PG_VERSION_FUNCTION))
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
        op.execute("DROP FUNCTION IF EXISTS larder_stamp_cache_tags()")
        op.execute(sa.text(OLD_PG_VERSION_FUNCTION))
        for table in NARROW:
            for statement in OLD_PG_TRIGGERS[table]:
                op.execute(statement)
    elif dialect == "sqlite":
        for table in NARROW:
            for kind in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS larder_tags_{table}_{kind}")
            for statement in OLD_SQLITE_TRIGGERS[table]:
                op.execute(statement)
    # Not a batch rebuild on SQLite: every version trigger names catalog_version.
    op.execute("ALTER TABLE catalog_version DROP COLUMN seq")
    op.drop_table("cache_tag")
