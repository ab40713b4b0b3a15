"""stock alerts: a reader waiting for a sold-out variant, and triggers that queue the alert when it is back

Revision ID: c7a1e5b9d3f2
Revises: b1d4e6f8a0c2
Create Date: 2026-11-27 14:00:00

The trigger SQL is frozen here as it was written at this revision (storefront/alerts/triggers.py
may change later; this migration must not).
"""
import sqlalchemy as sa
from alembic import op

revision = "c7a1e5b9d3f2"
down_revision = "c7e2a4b6d8f0"
branch_labels = None
depends_on = None

PG_UPGRADE = [
    "\nCREATE OR REPLACE FUNCTION larder_alerts_variant_restocked() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n    IF TG_TABLE_NAME = 'variant' THEN\n        INSERT INTO outbox_job (kind, payload, status, attempts, max_attempts, run_after, last_error, created_at)\n        SELECT 'alerts.variant_restocked', json_build_object('variant_id', v.id), 'pending', 0, 8, now(), '', now()\n        FROM variant v WHERE v.id = NEW.id AND EXISTS (SELECT 1 FROM stock_alert a WHERE a.variant_id = v.id AND a.status = 'active');\n    ELSE\n        INSERT INTO outbox_job (kind, payload, status, attempts, max_attempts, run_after, last_error, created_at)\n        SELECT 'alerts.variant_restocked', json_build_object('variant_id', v.id), 'pending', 0, 8, now(), '', now()\n        FROM variant v WHERE v.product_id = NEW.id AND v.stock > 0 AND EXISTS (SELECT 1 FROM stock_alert a WHERE a.variant_id = v.id AND a.status = 'active');\n    END IF;\n    RETURN NULL;\nEND\n$$\n",
    'DROP TRIGGER IF EXISTS larder_alerts_variant_restocked ON variant',
    'CREATE TRIGGER larder_alerts_variant_restocked AFTER UPDATE OF stock ON variant FOR EACH ROW WHEN (OLD.stock <= 0 AND NEW.stock > 0) EXECUTE FUNCTION larder_alerts_variant_restocked()',
    'DROP TRIGGER IF EXISTS larder_alerts_product_on_sale ON product',
    "CREATE TRIGGER larder_alerts_product_on_sale AFTER UPDATE OF status ON product FOR EACH ROW WHEN (NEW.status = 'active' AND OLD.status IS DISTINCT FROM 'active') EXECUTE FUNCTION larder_alerts_variant_restocked()",
]

SQLITE_UPGRADE = [
    "CREATE TRIGGER IF NOT EXISTS larder_alerts_variant_restocked AFTER UPDATE OF stock ON variant WHEN OLD.stock <= 0 AND NEW.stock > 0 BEGIN INSERT INTO outbox_job (kind, payload, status, attempts, max_attempts, run_after, last_error, created_at) SELECT 'alerts.variant_restocked', json_object('variant_id', v.id), 'pending', 0, 8, (datetime('now') || '.000000'), '', (datetime('now') || '.000000') FROM variant v WHERE v.id = NEW.id AND EXISTS (SELECT 1 FROM stock_alert a WHERE a.variant_id = v.id AND a.status = 'active'); END",
    "CREATE TRIGGER IF NOT EXISTS larder_alerts_product_on_sale AFTER UPDATE OF status ON product WHEN NEW.status = 'active' AND OLD.status <> 'active' BEGIN INSERT INTO outbox_job (kind, payload, status, attempts, max_attempts, run_after, last_error, created_at) SELECT 'alerts.variant_restocked', json_object('variant_id', v.id), 'pending', 0, 8, (datetime('now') || '.000000'), '', (datetime('now') || '.000000') FROM variant v WHERE v.product_id = NEW.id AND v.stock > 0 AND EXISTS (SELECT 1 FROM stock_alert a WHERE a.variant_id = v.id AND a.status = 'active'); END",
]


def upgrade():
    op.create_table(
        "stock_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("variant_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("attribution", sa.String(length=160), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unsubscribed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["variant_id"], ["variant.id"], name=op.f("fk_stock_alert_variant_id_variant"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_alert")),
        sa.UniqueConstraint("email", "variant_id", name="uq_stock_alert_email_variant"),
    )
    with op.batch_alter_table("stock_alert", schema=None) as batch_op:
        batch_op.create_index("ix_stock_alert_variant_status", ["variant_id", "status"], unique=False)
    statements = PG_UPGRADE if op.get_bind().dialect.name == "postgresql" else SQLITE_UPGRADE
    for statement in statements:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS larder_alerts_variant_restocked() CASCADE")
    else:
        op.execute("DROP TRIGGER IF EXISTS larder_alerts_variant_restocked")
        op.execute("DROP TRIGGER IF EXISTS larder_alerts_product_on_sale")
    with op.batch_alter_table("stock_alert", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_alert_variant_status")
    op.drop_table("stock_alert")
