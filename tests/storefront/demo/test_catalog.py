from sqlalchemy import func, select

from storefront.catalog.models import Certification, Product, Variant
from storefront.extensions import db


def counts():
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Product, Variant, Certification))


def test_seed_demo_loads_a_realistic_catalog_and_is_idempotent(runner, app):
    result = runner.invoke(args=["larder", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Products" in result.output  # progress bar label
    first = counts()
    assert first[0] >= 30
    for slug in ("magnesium-glycinate", "magnesium-citrate", "magnesium-oxide"):
        assert db.session.scalar(select(Product).where(Product.slug == slug)) is not None
    statuses = set(db.session.scalars(select(Product.status)))
    assert "archived" in statuses
    result = runner.invoke(args=["larder", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert counts() == first
