"""site pages (contact, delivery and returns, privacy, FAQ) and collection tile images

Revision ID: a9c3e7f1b5d2
Revises: a3f8c2d9e4b1
Create Date: 2026-11-27 10:30:00

The site_page table is shown on public pages, so it gets the catalog-version triggers the app
installs with create_all. The SQL is frozen as it was written at this revision.
"""
import sqlalchemy as sa
from alembic import op

revision = "a9c3e7f1b5d2"
down_revision = "a3f8c2d9e4b1"
branch_labels = None
depends_on = None

SQLITE_BUMP = (
    "INSERT INTO catalog_version (id, counter, epoch, changed_at) "
    "VALUES (1, 1, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0) "
    "ON CONFLICT(id) DO UPDATE SET counter = counter + 1, "
    "changed_at = (julianday('now') - 2440587.5) * 86400.0;"
)

PG_TRIGGERS = [
    'DROP TRIGGER IF EXISTS larder_version_site_page ON "site_page"',
    'CREATE CONSTRAINT TRIGGER larder_version_site_page AFTER INSERT OR UPDATE OR DELETE ON "site_page" '
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
    "EXECUTE FUNCTION larder_bump_catalog_version()",
]
SQLITE_TRIGGERS = [
    f'CREATE TRIGGER IF NOT EXISTS larder_version_site_page_{event.lower()} AFTER {event} ON "site_page" '
    f"BEGIN {SQLITE_BUMP} END"
    for event in ("INSERT", "UPDATE", "DELETE")
]


def upgrade():
    op.create_table(
        "site_page",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body_source", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_page")),
        sa.UniqueConstraint("slug", name=op.f("uq_site_page_slug")),
    )
    # Plain ADD COLUMN, not batch mode: batch mode may rebuild a SQLite table and drop its triggers.
    op.add_column("collection", sa.Column("image", sa.String(length=255), nullable=True))
    triggers = PG_TRIGGERS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade():
    op.drop_column("collection", "image")  # SQLite 3.35+ drops columns in place
    op.drop_table("site_page")  # its triggers go with it
