"""Every state-changing route refuses a request without a CSRF token, including routes added later.

The URL map is enumerated at test time, so a new POST/PUT/PATCH/DELETE route anywhere in the app
is covered without touching this file. The exemptions (EXEMPT) are authenticated another way:
the Stripe webhook by its signature (tests/storefront/payments/test_stripe.py proves bad
signatures are refused), one-click unsubscribes by the signed token in their URL.
"""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import FloatConverter, Rule, UUIDConverter
from werkzeug.routing.converters import NumberConverter

from tests.factories import make_product, make_user

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# Each exemption is authenticated another way, and its own tests refuse a forged request.
EXEMPT = {
    "payments.stripe_webhook",  # Stripe's signature (tests/storefront/payments/test_stripe.py)
    # RFC 8058 one-click unsubscribes: mail clients POST without our token (or cookies); the signed
    # token in the URL is the proof. tests/storefront/checkout/test_abandoned_checkout.py and
    # tests/storefront/alerts/test_opt_in_and_unsubscribe.py refuse forged ones.
    "checkout.stop_reminders",
    "alerts.unsubscribe",
}


def _state_changing_routes(app) -> list[tuple[str, str, Rule]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXEMPT or rule.endpoint == "static":
            continue
        for method in sorted(STATE_CHANGING & (rule.methods or set())):
            routes.append((rule.endpoint, method, rule))
    return routes


def _url(rule: Rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]  # by kind, so custom subclasses are covered too
        if isinstance(converter, FloatConverter):
            values[name] = 1.0
        elif isinstance(converter, NumberConverter):
            values[name] = 1
        elif isinstance(converter, UUIDConverter):
            values[name] = "00000000-0000-0000-0000-000000000000"
        else:
            values[name] = "sample"
    return rule.build(values, append_unknown=False)[1]


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_the_app_has_state_changing_routes_to_check(app):
    endpoints = {endpoint for endpoint, _, _ in _state_changing_routes(app)}
    assert {"cart.add", "checkout.start", "accounts.login", "accounts.logout"} <= endpoints


def test_every_state_changing_route_refuses_a_request_without_csrf_token(app, client, auth, csrf_on):
    # Signed in as an admin, so a refusal cannot be a log-in redirect or a 403 in disguise.
    auth.login(make_user("csrf-admin@example.com", role="admin"))
    unprotected = []
    for endpoint, method, rule in _state_changing_routes(app):
        response = client.open(_url(rule), method=method, data={"anything": "1"})
        if response.status_code != 400 or b"form expired" not in response.data:
            unprotected.append(f"{method} {rule.rule} ({endpoint}) -> {response.status_code}")
    assert not unprotected, "Routes that accept a request without a CSRF token:\n" + "\n".join(unprotected)


def test_a_wrong_token_is_refused_too(client, csrf_on):
    variant = make_product().variants[0]
    client.get("/cart")
    response = client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1, "csrf_token": "forged"})
    assert response.status_code == 400


def test_the_same_request_with_the_page_token_is_accepted(client, csrf_on):
    """Proves the check above fails for the missing token, not for some other reason."""
    product = make_product("token-check")
    page = client.get(f"/products/{product.slug}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/cart/add", data={"variant_id": product.variants[0].id, "quantity": 1, "csrf_token": token})
    assert response.status_code == 302
