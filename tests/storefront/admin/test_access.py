"""Every /admin route, enumerated from the URL map: log-in first, then the right role."""

from __future__ import annotations

import re

import pytest
from flask import url_for

from storefront import create_app
from storefront.admin.access import ADMIN_ONLY


def _admin_rules():
    app = create_app({"LARDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    rules = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin."):
            continue
        roles = getattr(app.view_functions[rule.endpoint], "staff_roles", ADMIN_ONLY)
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            rules.append(pytest.param(rule.endpoint, method, tuple(roles), id=f"{method} {rule.rule}"))
    return rules


ADMIN_RULES = _admin_rules()
# Medical approval: the reviewer role alone (admins included only if they hold it).
REVIEWER_ONLY_RULES = [p for p in ADMIN_RULES if p.values[2] == ("reviewer",)]
ADMIN_ONLY_RULES = [p for p in ADMIN_RULES if "editor" not in p.values[2] and p not in REVIEWER_ONLY_RULES]
EDITOR_RULES = [p for p in ADMIN_RULES if "editor" in p.values[2]]
ADMIN_REACHABLE_RULES = [p for p in ADMIN_RULES if p not in REVIEWER_ONLY_RULES]


@pytest.fixture
def admin_url(app, product, collection, tag):
    """Build a URL for an admin endpoint, filling its parameters with ids of real rows."""
    from blog.services import ArticleDraft, save_article
    from storefront.admin.models import ArticleRevision
    from storefront.extensions import db

    article = save_article(None, ArticleDraft(source="[[product:magnesium-glycinate]]", title="Linked")).article
    save_article(article, ArticleDraft(source="Changed.\n\n[[product:magnesium-glycinate]]", title="Linked"))
    from tests.factories import make_paid_order, make_user

    ids = {
        "user_id": make_user("someone@example.com").id,  # a customer page, never the signed-in user's
        "order_id": make_paid_order().id,
        "article_id": article.id,
        "revision_id": db.session.scalars(db.select(ArticleRevision.id)).first(),
        "product_id": product.id,
        "variant_id": product.variants[0].id,
        "image_id": product.images[0].id,
        "cert_id": product.certifications[0].id,
        "collection_id": collection.id,
        "tag_id": tag.id,
        "page_slug": "contact",  # a standard page: editable before it is first saved
        # An object's audit history: an article's, the one kind editors may read (see below).
        "object_type": "article",
        "object_id": article.id,
    }

    def build(endpoint: str) -> str:
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        values = {arg: ids.get(arg, 1) for arg in rule.arguments}
        with app.test_request_context():
            return url_for(endpoint, **values)

    return build


def _send(client, method: str, url: str):
    return client.get(url) if method == "GET" else client.post(url, data={})


def test_every_admin_route_is_listed():
    assert len(ADMIN_RULES) >= 20
    assert any(p.values[0] == "admin.dashboard" for p in ADMIN_RULES)


@pytest.mark.parametrize(("endpoint", "method", "roles"), ADMIN_RULES)
def test_anonymous_visitor_is_sent_to_log_in(client, admin_url, app, endpoint, method, roles):
    response = _send(client, method, admin_url(endpoint))
    assert response.status_code == 302
    with app.test_request_context():
        login = url_for("accounts.login")
    assert response.headers["Location"].startswith(login)


@pytest.mark.parametrize(("endpoint", "method", "roles"), ADMIN_RULES)
def test_customer_is_refused(client, auth, customer_user, admin_url, endpoint, method, roles):
    auth.login(customer_user)
    assert _send(client, method, admin_url(endpoint)).status_code == 403


@pytest.mark.parametrize(("endpoint", "method", "roles"), ADMIN_ONLY_RULES)
def test_editor_is_refused_admin_only_routes(as_editor, admin_url, endpoint, method, roles):
    assert _send(as_editor, method, admin_url(endpoint)).status_code == 403


@pytest.mark.parametrize(("endpoint", "method", "roles"), EDITOR_RULES)
def test_editor_may_use_editorial_routes(as_editor, admin_url, endpoint, method, roles):
    response = _send(as_editor, method, admin_url(endpoint))
    assert response.status_code not in (401, 403, 500)
    assert "/login" not in response.headers.get("Location", "")


@pytest.mark.parametrize(("endpoint", "method", "roles"), ADMIN_REACHABLE_RULES)
def test_admin_reaches_every_route_without_a_server_error(as_admin, admin_url, endpoint, method, roles):
    response = _send(as_admin, method, admin_url(endpoint))
    assert response.status_code not in (401, 403)
    assert response.status_code < 500


def test_there_are_reviewer_only_routes():
    assert {p.values[0] for p in REVIEWER_ONLY_RULES} == {"admin.article_approve"}


@pytest.mark.parametrize(("endpoint", "method", "roles"), REVIEWER_ONLY_RULES)
def test_admin_and_editor_are_refused_medical_approval(client, auth, admin_user, editor_user, admin_url,
                                                       endpoint, method, roles):
    for user in (admin_user, editor_user):
        auth.login(user)
        assert _send(client, method, admin_url(endpoint)).status_code == 403
        auth.logout()


@pytest.mark.parametrize(("endpoint", "method", "roles"), REVIEWER_ONLY_RULES + EDITOR_RULES)
def test_reviewer_may_use_editorial_and_review_routes(as_reviewer, admin_url, endpoint, method, roles):
    response = _send(as_reviewer, method, admin_url(endpoint))
    assert response.status_code not in (401, 403)
    assert response.status_code < 500
    assert "/login" not in response.headers.get("Location", "")


@pytest.mark.parametrize(("endpoint", "method", "roles"), ADMIN_ONLY_RULES)
def test_reviewer_is_refused_admin_only_routes(as_reviewer, admin_url, endpoint, method, roles):
    assert _send(as_reviewer, method, admin_url(endpoint)).status_code == 403


def test_deactivated_admin_is_refused(client, auth, admin_user):
    from storefront.extensions import db

    admin_user.active = False
    db.session.commit()
    auth.login(admin_user)
    assert client.get("/admin/products").status_code in (302, 403)


def test_admin_post_without_csrf_token_is_refused(app, as_admin, product):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = as_admin.post(f"/admin/products/{product.id}/delete")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400


def test_staff_header_link_reaches_the_dashboard(as_editor):
    page = as_editor.get("/admin/").get_data(as_text=True)
    assert "Dashboard" in page
    assert 'href="/admin/products"' not in page  # editors are not shown admin-only sections


GET_RULES = [p for p in ADMIN_RULES if p.values[1] == "GET"]


@pytest.mark.parametrize(("endpoint", "method", "roles"), GET_RULES)
def test_every_post_form_on_admin_pages_carries_a_csrf_token(app, as_admin, admin_url, endpoint, method, roles):
    import re

    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = as_admin.get(admin_url(endpoint))
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    forms = re.findall(r'<form[^>]*method="post"[^>]*>(.*?)</form>', response.get_data(as_text=True), re.S)
    # Prefixed forms (several on one page) name it "<prefix>-csrf_token"; Flask-WTF accepts both.
    assert all(re.search(r'name="(?:[\w]+-)?csrf_token"', form) for form in forms)


def test_a_form_posted_with_its_page_token_passes_csrf(app, as_admin, product):
    import re

    variant = product.variants[0]
    url = f"/admin/products/{product.id}/variants/{variant.id}"
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = as_admin.get(url).get_data(as_text=True)
        token = re.search(r'name="stock-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = as_admin.post(url + "/stock", data={"stock-csrf_token": token, "stock-delta": "2",
                                                      "stock-reason": "Found a box"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 302


# ---- issue 17: the customer pages (admins only) and the staff area's own layout

CUSTOMER_ROUTES = [p for p in ADMIN_RULES if p.values[0].startswith("admin.customer")]


def test_every_customer_route_is_enumerated_and_admin_only():
    assert {p.values[0] for p in CUSTOMER_ROUTES} == {
        "admin.customers", "admin.customer", "admin.customer_role", "admin.customer_deactivate",
        "admin.customer_reactivate"}
    assert all(p in ADMIN_ONLY_RULES for p in CUSTOMER_ROUTES)


@pytest.mark.parametrize(("endpoint", "method", "roles"), [p for p in CUSTOMER_ROUTES if p.values[1] == "GET"])
def test_admin_opens_the_customer_pages(as_admin, admin_url, endpoint, method, roles):
    assert as_admin.get(admin_url(endpoint)).status_code == 200


def test_admin_pages_have_no_shop_chrome_and_their_own_header(app, as_admin):
    from storefront.site_settings import save_site_settings

    save_site_settings({"banner_enabled": "1", "banner_text": "Free shipping over $50"})
    assert "Free shipping over $50" in as_admin.get("/").get_data(as_text=True)  # the shop shows it
    page = as_admin.get("/admin/customers").get_data(as_text=True)
    assert 'class="cart-link"' not in page and "/cart" not in page
    assert 'class="top-banner"' not in page and "Free shipping" not in page and "header-search" not in page and 'role="search" action="/search' not in page
    assert 'class="site-footer"' not in page
    assert '<a class="skip-link" href="#main">' in page and '<main id="main"' in page
    assert '<nav class="admin-sidenav" aria-label="Staff area">' in page
    assert '<a href="/admin/customers" aria-current="page">Customers</a>' in page
    assert ">View shop</a>" in page and "admin@example.com" in page
    assert re.search(r'<form class="admin-signout" method="post" action="/account/logout">\s*'
                     r'<input type="hidden" name="csrf_token"', page)
    assert "css/admin." in page and '<meta name="robots" content="noindex, nofollow">' in page


def test_a_section_is_marked_current_on_its_sub_pages(as_admin, admin_url):
    page = as_admin.get(admin_url("admin.customer")).get_data(as_text=True)
    assert '<a href="/admin/customers" aria-current="true">Customers</a>' in page


def test_editor_navigation_offers_only_editorial_sections(as_editor):
    page = as_editor.get("/admin/").get_data(as_text=True)
    nav = page.split('aria-label="Staff area"')[1].split("</nav>")[0]
    for label in ("Dashboard", "Articles", "Review due", "Pages"):
        assert f">{label}</a>" in nav
    for admin_only in ("/admin/customers", "/admin/orders", "/admin/settings", "/admin/jobs", "/admin/products"):
        assert admin_only not in nav


def test_admin_navigation_lists_every_section_and_no_dead_links(as_admin):
    page = as_admin.get("/admin/").get_data(as_text=True)
    nav = page.split('aria-label="Staff area"')[1].split("</nav>")[0]
    labels = re.findall(r"<a [^>]*>([^<]+)", nav)
    for label in ("Dashboard", "Orders", "Products", "Collections", "Discounts", "Articles", "Pages", "Customers",
                  "Jobs", "Settings"):
        assert label in labels  # Discounts: there since the discounts room registered admin.discounts
    for href in re.findall(r'href="([^"#]+)"', nav):
        assert as_admin.get(href).status_code == 200, href


def test_the_order_fulfilment_routes_are_covered_by_the_checks_above():
    """#17's order routes are in the URL map these tests walk, and left to admins only."""
    covered = {(p.values[0], p.values[1]) for p in ADMIN_ONLY_RULES}
    assert {("admin.orders_export", "GET"), ("admin.orders_bulk", "POST"),
            ("admin.order_packing_slip", "GET"), ("admin.order_fulfil", "POST"),
            ("admin.order_refund", "POST")} <= covered


@pytest.mark.parametrize(("object_type", "object_id"), [("product", 1), ("variant", 1), ("order", 1), ("user", 1),
                                                        ("settings", "site"), ("certification", 1)])
def test_editor_may_not_read_other_histories_than_articles(as_editor, object_type, object_id):
    """Editors see articles' publishing history only: prices, refunds and roles are admins' business."""
    assert as_editor.get(f"/admin/audit/{object_type}/{object_id}").status_code == 403
    assert as_editor.get("/admin/audit").status_code == 403


def test_editor_reads_an_articles_history(as_editor, admin_url):
    page = as_editor.get(admin_url("admin.audit_history"))
    assert page.status_code == 200
    assert "History" in page.get_data(as_text=True)
