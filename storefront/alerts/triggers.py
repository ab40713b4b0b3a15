"""Database triggers that record "this variant can be bought again" in the outbox.

Triggers, not ORM events or a call in the admin's service, because stock is written by many
hands: the admin's stock form, the CSV import, checkout's raw conditional UPDATE (a released
reservation), psql. Whatever the writer, the row reaches the outbox in the writer's own
transaction, so it commits (or rolls back) with the stock change. The beat sweep
(storefront.jobs.runner.sweep) hands rows written by SQL to the workers; the handler
(services.variant_restocked) then judges "buyable" with the catalog's own rule and alerts each
active subscriber once.

Two moments make a variant buyable again:
- its stock goes from nothing (<= 0) to something (> 0);
- its product goes back on sale (draft or archived -> active) while it has stock.
Only variants somebody is waiting for (an active alert) get a job, so ordinary restocks add no rows.
"""

from __future__ import annotations

from storefront.alerts.models import StockAlert
from storefront.ddl import install, run_after_create, run_before_drop

KIND = "alerts.variant_restocked"
MAX_ATTEMPTS = 8

_WAITED_FOR = "EXISTS (SELECT 1 FROM stock_alert a WHERE a.variant_id = {variant} AND a.status = 'active')"

# SQLAlchemy stores SQLite datetimes as "YYYY-MM-DD HH:MM:SS.ffffff" (UTC). Whole seconds are
# plenty here, and no "%" (create_all's DDL() would read strftime's as its own placeholders).
_SQLITE_NOW = "(datetime('now') || '.000000')"


def _sqlite_insert(select_from: str) -> str:
    return (
        "INSERT INTO outbox_job (kind, payload, status, attempts, max_attempts, run_after, last_error, created_at) "
        f"SELECT '{KIND}', json_object('variant_id', v.id), 'pending', 0, {MAX_ATTEMPTS}, "
        f"{_SQLITE_NOW}, '', {_SQLITE_NOW} {select_from};"
    )


SQLITE_DDL = [
    "CREATE TRIGGER IF NOT EXISTS larder_alerts_variant_restocked AFTER UPDATE OF stock ON variant "
    "WHEN OLD.stock <= 0 AND NEW.stock > 0 BEGIN "
    + _sqlite_insert(f"FROM variant v WHERE v.id = NEW.id AND {_WAITED_FOR.format(variant='v.id')}")
    + " END",
    "CREATE TRIGGER IF NOT EXISTS larder_alerts_product_on_sale AFTER UPDATE OF status ON product "
    "WHEN NEW.status = 'active' AND OLD.status <> 'active' BEGIN "
    + _sqlite_insert(
        f"FROM variant v WHERE v.product_id = NEW.id AND v.stock > 0 AND {_WAITED_FOR.format(variant='v.id')}"
    )
    + " END",
]

_PG_INSERT = (
    "INSERT INTO outbox_job (kind, payload, status, attempts, max_attempts, run_after, last_error, created_at)\n"
    f"        SELECT '{KIND}', json_build_object('variant_id', v.id), 'pending', 0, {MAX_ATTEMPTS}, "
    "now(), '', now()\n"
    "        FROM variant v WHERE {where};"
)

PG_DDL = [
    f"""
CREATE OR REPLACE FUNCTION larder_alerts_variant_restocked() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'variant' THEN
        {_PG_INSERT.format(where="v.id = NEW.id AND " + _WAITED_FOR.format(variant="v.id"))}
    ELSE
        {_PG_INSERT.format(where="v.product_id = NEW.id AND v.stock > 0 AND " + _WAITED_FOR.format(variant="v.id"))}
    END IF;
    RETURN NULL;
END
$$
""",
    "DROP TRIGGER IF EXISTS larder_alerts_variant_restocked ON variant",
    "CREATE TRIGGER larder_alerts_variant_restocked AFTER UPDATE OF stock ON variant FOR EACH ROW "
    "WHEN (OLD.stock <= 0 AND NEW.stock > 0) EXECUTE FUNCTION larder_alerts_variant_restocked()",
    "DROP TRIGGER IF EXISTS larder_alerts_product_on_sale ON product",
    "CREATE TRIGGER larder_alerts_product_on_sale AFTER UPDATE OF status ON product FOR EACH ROW "
    "WHEN (NEW.status = 'active' AND OLD.status IS DISTINCT FROM 'active') "
    "EXECUTE FUNCTION larder_alerts_variant_restocked()",
]

RESTOCK_DDL = {"postgresql": PG_DDL, "sqlite": SQLITE_DDL}

DROP_DDL = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS larder_alerts_variant_restocked ON variant",
        "DROP TRIGGER IF EXISTS larder_alerts_product_on_sale ON product",
        "DROP FUNCTION IF EXISTS larder_alerts_variant_restocked()",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS larder_alerts_variant_restocked",
        "DROP TRIGGER IF EXISTS larder_alerts_product_on_sale",
    ],
}

# stock_alert is created after variant and product (its foreign key), so both tables exist here.
run_after_create(StockAlert.__table__, RESTOCK_DDL)
run_before_drop(StockAlert.__table__, {"postgresql": ["DROP FUNCTION IF EXISTS larder_alerts_variant_restocked() CASCADE"]})


def install_restock_triggers(connection) -> None:
    """The migration's half: the same statements create_all runs."""
    install(connection, RESTOCK_DDL)


def drop_restock_triggers(connection) -> None:
    install(connection, DROP_DDL)
