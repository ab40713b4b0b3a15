"""PostgreSQL connection settings (storefront/postgres.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from storefront.extensions import db


def test_the_apps_connections_never_jit_compile_a_plan(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("JIT compilation is PostgreSQL's")
    assert db.session.scalar(text("SHOW jit")) == "off"
    db.session.rollback()  # a pool's rollback must not bring it back
    db.session.remove()
    db.engine.dispose()  # and every new connection starts without it
    assert db.session.scalar(text("SHOW jit")) == "off"
