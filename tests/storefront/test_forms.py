"""storefront.forms.FlaskForm: the CSRF field renders without an id, so a page may hold many forms."""

from __future__ import annotations

import importlib
import pkgutil

import flask_wtf
import pytest

import storefront
from storefront.forms import FlaskForm


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def _subclasses(cls) -> set[type]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(sub) for sub in found)) if found else found


def test_every_form_of_the_app_derives_from_the_app_base_form():
    for module in pkgutil.walk_packages(storefront.__path__, "storefront."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    ours = {c for c in _subclasses(flask_wtf.FlaskForm) if c.__module__.startswith(("storefront.", "blog."))}
    assert len(ours) > 10
    strays = sorted(c.__qualname__ for c in ours if not issubclass(c, FlaskForm))
    assert not strays, f"Forms built on flask_wtf.FlaskForm directly (their CSRF field repeats an id): {strays}"


def test_the_csrf_field_has_no_id_and_keeps_its_name(app, csrf_on):
    class Confirm(FlaskForm):
        pass

    with app.test_request_context():
        plain, prefixed = Confirm().hidden_tag(), Confirm(prefix="refund").hidden_tag()
    assert 'name="csrf_token"' in plain and "id=" not in plain
    assert 'name="refund-csrf_token"' in prefixed and "id=" not in prefixed
