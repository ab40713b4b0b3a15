"""audit_entry: every staff change with who, when, before and after; stock_adjustment folded into it

Revision ID: d4a6c8e0f2b4
Revises: c7e2a4b6d8f0
Create Date: 2026-11-27 14:00:00

The stock adjustments kept so far become audit entries (action "stock.adjust", the reason as the
note), so there is one log of stock changes, not two. The downgrade puts them back.
"""
import sqlalchemy as sa
from alembic import op

revision = "d4a6c8e0f2b4"
down_revision = "d4f6a8b0c2e4"
branch_labels = None
depends_on = None

audit = sa.table(
    "audit_entry",
    sa.column("at", sa.DateTime(timezone=True)), sa.column("actor_id", sa.Integer()),
    sa.column("actor_email", sa.String()), sa.column("object_type", sa.String()),
    sa.column("object_id", sa.String()), sa.column("object_label", sa.String()),
    sa.column("parent_type", sa.String()), sa.column("parent_id", sa.String()),
    sa.column("action", sa.String()), sa.column("before", sa.JSON()), sa.column("after", sa.JSON()),
    sa.column("note", sa.String()),
)
adjustment = sa.table(
    "stock_adjustment",
    sa.column("id", sa.Integer()), sa.column("variant_id", sa.Integer()), sa.column("sku", sa.String()),
    sa.column("delta", sa.Integer()), sa.column("stock_after", sa.Integer()), sa.column("reason", sa.String()),
    sa.column("user_id", sa.Integer()), sa.column("user_email", sa.String()),
    sa.column("at", sa.DateTime(timezone=True)),
)
variant = sa.table("variant", sa.column("id", sa.Integer()), sa.column("product_id", sa.Integer()))
account = sa.table("user_account", sa.column("id", sa.Integer()))


def upgrade():
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_email", sa.String(length=254), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=False),
        sa.Column("object_label", sa.String(length=200), nullable=False),
        sa.Column("parent_type", sa.String(length=40), nullable=True),
        sa.Column("parent_id", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entry_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_entry_object", ["object_type", "object_id", "id"], unique=False)
        batch_op.create_index("ix_audit_entry_parent", ["parent_type", "parent_id", "id"], unique=False)
        batch_op.create_index("ix_audit_entry_actor", ["actor_id", "id"], unique=False)

    bind = op.get_bind()
    rows = bind.execute(
        sa.select(adjustment, variant.c.product_id)
        .select_from(adjustment.outerjoin(variant, variant.c.id == adjustment.c.variant_id))
        .order_by(adjustment.c.id)
    ).mappings().all()
    if rows:
        op.bulk_insert(audit, [
            {
                "at": r["at"], "actor_id": r["user_id"], "actor_email": r["user_email"] or "",
                "object_type": "variant",
                "object_id": str(r["variant_id"]) if r["variant_id"] is not None else r["sku"],
                "object_label": r["sku"],
                "parent_type": "product" if r["product_id"] is not None else None,
                "parent_id": str(r["product_id"]) if r["product_id"] is not None else None,
                "action": "stock.adjust",
                "before": {"stock": r["stock_after"] - r["delta"]}, "after": {"stock": r["stock_after"]},
                "note": r["reason"] or "",
            }
            for r in rows
        ])

    with op.batch_alter_table("stock_adjustment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_adjustment_variant_id"))
        batch_op.drop_index(batch_op.f("ix_stock_adjustment_at"))
    op.drop_table("stock_adjustment")


def downgrade():
    op.create_table(
        "stock_adjustment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("variant_id", sa.Integer(), nullable=True),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("stock_after", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_email", sa.String(length=254), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_stock_adjustment_user_id_user_account"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["variant_id"], ["variant.id"], name=op.f("fk_stock_adjustment_variant_id_variant"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_adjustment")),
    )
    with op.batch_alter_table("stock_adjustment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stock_adjustment_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_stock_adjustment_variant_id"), ["variant_id"], unique=False)

    bind = op.get_bind()
    variants = set(bind.execute(sa.select(variant.c.id)).scalars())
    accounts = set(bind.execute(sa.select(account.c.id)).scalars())
    rows = bind.execute(
        sa.select(audit).where(audit.c.action == "stock.adjust", audit.c.object_type == "variant")
        .order_by(sa.text("id"))
    ).mappings().all()
    back = []
    for r in rows:
        before = (r["before"] or {}).get("stock")
        after = (r["after"] or {}).get("stock")
        if not isinstance(before, int) or not isinstance(after, int):
            continue
        vid = int(r["object_id"]) if r["object_id"].isdigit() and int(r["object_id"]) in variants else None
        back.append({
            "variant_id": vid, "sku": (r["object_label"] or "")[:64], "delta": after - before, "stock_after": after,
            "reason": r["note"] or "", "user_id": r["actor_id"] if r["actor_id"] in accounts else None,
            "user_email": r["actor_email"] or "", "at": r["at"],
        })
    if back:
        op.bulk_insert(adjustment, back)

    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entry_actor")
        batch_op.drop_index("ix_audit_entry_parent")
        batch_op.drop_index("ix_audit_entry_object")
        batch_op.drop_index(batch_op.f("ix_audit_entry_at"))
    op.drop_table("audit_entry")
