"""caching: indexes for the certificate-day time marker (pages change on the days certificates start or lapse, not every midnight)

Revision ID: e6a8c0b2d4f6
Revises: d4f6a8c0e2b4
Create Date: 2026-11-30 03:40:00

The page-state statement reads, on every cacheable request, the latest start day up to today and
the latest last day before today of any certificate (storefront.catalog.certificate_days): one
index probe each.
"""
from alembic import op

revision = "e6a8c0b2d4f6"
down_revision = "d4f6a8c0e2b4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_certification_valid_from", "certification", ["valid_from"])
    op.create_index("ix_certification_valid_until", "certification", ["valid_until"])


def downgrade():
    op.drop_index("ix_certification_valid_until", table_name="certification")
    op.drop_index("ix_certification_valid_from", table_name="certification")
