import pytest

from storefront.mail import outbox


@pytest.fixture(autouse=True)
def _empty_outbox(app):
    outbox().clear()
    yield
    outbox().clear()
