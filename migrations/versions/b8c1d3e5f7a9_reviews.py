"""reviews: review and review_vote tables; product.review_count / review_rating_sum kept by triggers

Revision ID: b8c1d3e5f7a9
Revises: d4a6c8e0f2b4
Create Date: 2026-11-27 17:00:00

The trigger SQL is frozen here as written at this revision (storefront/reviews/aggregate.py may
change later; this migration must not). The review table is not a versioned table: only a change
to an approved review rewrites the product row, whose own trigger bumps the catalog version.
"""
import sqlalchemy as sa
from alembic import op

revision = "b8c1d3e5f7a9"
down_revision = "c8e0a2b4d6f8"
branch_labels = None
depends_on = None

SHOWN_COLUMNS = "status, rating, product_id, title, body, author_name"


def _refresh(product_id: str) -> str:
    approved = f"FROM review r WHERE r.product_id = {product_id} AND r.status = 'approved'"
    return (
        f"UPDATE product SET review_count = (SELECT count(*) {approved}), "
        f"review_rating_sum = (SELECT coalesce(sum(r.rating), 0) {approved}) WHERE id = {product_id}"
    )


PG_UPGRADE = [
    f"""
CREATE OR REPLACE FUNCTION larder_review_aggregate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status = 'approved' THEN
            {_refresh('NEW.product_id')};
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF OLD.status = 'approved' THEN
            {_refresh('OLD.product_id')};
        END IF;
    ELSIF OLD.status = 'approved' OR NEW.status = 'approved' THEN
        {_refresh('OLD.product_id')};
        IF NEW.product_id IS DISTINCT FROM OLD.product_id THEN
            {_refresh('NEW.product_id')};
        END IF;
    END IF;
    RETURN NULL;
END
$$
""",
    "DROP TRIGGER IF EXISTS larder_review_aggregate ON review",
    f"CREATE TRIGGER larder_review_aggregate AFTER INSERT OR DELETE OR UPDATE OF {SHOWN_COLUMNS} "
    "ON review FOR EACH ROW EXECUTE FUNCTION larder_review_aggregate()",
]

SQLITE_UPGRADE = [
    "CREATE TRIGGER IF NOT EXISTS larder_review_aggregate_insert AFTER INSERT ON review "
    f"WHEN NEW.status = 'approved' BEGIN {_refresh('NEW.product_id')}; END",
    f"CREATE TRIGGER IF NOT EXISTS larder_review_aggregate_update AFTER UPDATE OF {SHOWN_COLUMNS} ON review "
    "WHEN OLD.status = 'approved' OR NEW.status = 'approved' "
    f"BEGIN {_refresh('OLD.product_id')}; {_refresh('NEW.product_id')}; END",
    "CREATE TRIGGER IF NOT EXISTS larder_review_aggregate_delete AFTER DELETE ON review "
    f"WHEN OLD.status = 'approved' BEGIN {_refresh('OLD.product_id')}; END",
]


def upgrade():
    op.add_column("product", sa.Column("review_count", sa.Integer(), server_default="0", nullable=False))
    op.add_column("product", sa.Column("review_rating_sum", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=60), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("helpful_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moderated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("moderated_by", sa.String(length=254), nullable=True),
        sa.Column("moderation_note", sa.String(length=300), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_review_rating_1_to_5")),
        sa.CheckConstraint("helpful_count >= 0", name=op.f("ck_review_helpful_not_negative")),
        sa.ForeignKeyConstraint(["order_line_id"], ["order_line.id"], name=op.f("fk_review_order_line_id_order_line"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"], name=op.f("fk_review_product_id_product"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_review_user_id_user_account"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review")),
        sa.UniqueConstraint("order_line_id", "product_id", name="uq_review_order_line_product"),
    )
    op.create_index("ix_review_order_line_id", "review", ["order_line_id"])
    op.create_index("ix_review_user_id", "review", ["user_id"])
    op.create_index("ix_review_product_status_created", "review", ["product_id", "status", "created_at"])
    op.create_index("ix_review_product_status_helpful", "review",
                    ["product_id", "status", "helpful_count", "created_at"])
    op.create_index("ix_review_status_created", "review", ["status", "created_at"])
    op.create_table(
        "review_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("voter", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["review_id"], ["review.id"], name=op.f("fk_review_vote_review_id_review"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_vote")),
        sa.UniqueConstraint("review_id", "voter", name="uq_review_vote_voter"),
    )
    dialect = op.get_bind().dialect.name
    for statement in {"postgresql": PG_UPGRADE, "sqlite": SQLITE_UPGRADE}.get(dialect, []):
        op.execute(sa.text(statement))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS larder_review_aggregate() CASCADE")
    op.drop_table("review_vote")
    op.drop_index("ix_review_status_created", table_name="review")
    op.drop_index("ix_review_product_status_helpful", table_name="review")
    op.drop_index("ix_review_product_status_created", table_name="review")
    op.drop_index("ix_review_user_id", table_name="review")
    op.drop_index("ix_review_order_line_id", table_name="review")
    op.drop_table("review")
    # Plain ALTER TABLE (SQLite 3.35+ too): a batch copy of product would trip its other triggers.
    op.execute("ALTER TABLE product DROP COLUMN review_rating_sum")
    op.execute("ALTER TABLE product DROP COLUMN review_count")
