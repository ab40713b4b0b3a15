"""A request's Host never reaches a page: absolute URLs come from SITE_URL, and production
answers only its own hosts. One request with a foreign Host must not poison the shared
Redis page cache for the visitors after it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import g
from werkzeug.middleware.proxy_fix import ProxyFix

from storefront import create_app
from storefront.caching.store import PageCache
from storefront.extensions import db
from storefront.state import larder_state
from tests.blog.helpers import make_article
from tests.factories import make_collection, make_product
from tests.fixtures.redis_server import TEST_REDIS_SERVER, redis_url

PAGE_REDIS_URL = redis_url(13)
FOREIGN = "evil.example"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def real_page_cache(app):
    """The page cache on the real Redis (database 13), emptied around the test."""
    import redis

    client = redis.Redis.from_url(PAGE_REDIS_URL, socket_connect_timeout=1)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not running on {TEST_REDIS_SERVER}")
    original = larder_state(app).page_cache
    larder_state(app).page_cache = PageCache(PAGE_REDIS_URL, ttl=60)
    yield client
    larder_state(app).page_cache = original
    client.flushdb()


@pytest.fixture
def behind_a_proxy(app):
    """The app as TRUSTED_PROXY_COUNT=1 deploys it: X-Forwarded-* headers are believed."""
    original = app.wsgi_app
    app.wsgi_app = ProxyFix(original, x_for=1, x_proto=1, x_host=1, x_port=1)
    yield
    app.wsgi_app = original


@pytest.fixture
def pages():
    collection = make_collection("supplements", title="Supplements")
    make_product("magnesium-glycinate", title="Magnesium Glycinate", collection=collection)
    make_article("gut-guide", "Read this.\n\n[[product:magnesium-glycinate]]", title="Gut guide",
                 hero_image_path="img/placeholder.svg")
    db.session.commit()
    return {
        "product": "/products/magnesium-glycinate",
        "collection": "/collections/supplements",
        "article": "/blog/gut-guide",
        "journal": "/blog/",
    }


def _assert_site_urls_only(app, body: str) -> None:
    assert FOREIGN not in body
    # Every absolute URL the page builds is on SITE_URL (links to other sites, e.g. schema.org,
    # are not ours to check).
    site = app.config["SITE_URL"]
    assert f'<link rel="canonical" href="{site}/' in body


@pytest.mark.parametrize("page", ["product", "collection", "article", "journal"])
@pytest.mark.parametrize("attack", ["host", "forwarded-host"])
def test_a_foreign_host_does_not_reach_the_next_visitor(app, real_page_cache, behind_a_proxy, pages, page, attack):
    url = pages[page]
    attacker, visitor = app.test_client(), app.test_client()
    if attack == "host":
        poisoned = attacker.get(url, base_url=f"http://{FOREIGN}")
    else:
        poisoned = attacker.get(url, headers={"X-Forwarded-Host": FOREIGN})
    assert poisoned.status_code == 200
    assert poisoned.headers["X-Larder-Cache"] == "miss"
    _assert_site_urls_only(app, poisoned.get_data(as_text=True))

    g.pop("csrf_token", None)  # the test's app context outlives requests; a server's does not
    served = visitor.get(url)
    assert served.headers["X-Larder-Cache"] == "hit", "the visitor gets the copy the attacker's request stored"
    body = served.get_data(as_text=True)
    _assert_site_urls_only(app, body)
    if page == "product":
        site = app.config["SITE_URL"]
        assert f'<meta property="og:image" content="{site}/static/img/placeholder.' in body
        assert f'"url": "{site}/products/magnesium-glycinate"' in body  # the JSON-LD offers
    if page == "article":
        assert f'"item": "{app.config["SITE_URL"]}/blog/"' in body  # the JSON-LD breadcrumbs


def test_feed_and_sitemap_use_the_site_address(client, pages):
    for url in ("/blog/feed.xml", "/sitemap.xml", "/robots.txt"):
        body = client.get(url, base_url=f"http://{FOREIGN}").get_data(as_text=True)
        assert FOREIGN not in body and client.application.config["SITE_URL"] in body, url


PRODUCTION = {
    "LARDER_ENV": "production",
    "SECRET_KEY": "a-real-secret-from-the-environment",
    "PAYMENT_GATEWAY": "stripe",
    "STRIPE_SECRET_KEY": "sk_test_x",
    "STRIPE_WEBHOOK_SECRET": "whsec_x",
    "SITE_URL": "https://shop.example",
    "EXTRA_HOSTS": "10.0.0.5, .internal.example",
    "TRUSTED_PROXY_COUNT": 1,
}


@pytest.fixture
def production_client(tmp_path):
    app = create_app({**PRODUCTION, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})
    with app.app_context():
        db.create_all()
    yield app.test_client()
    with app.app_context():
        db.engine.dispose()


def test_production_answers_only_its_own_hosts(production_client):
    assert production_client.get("/robots.txt", base_url="https://shop.example").status_code == 200
    assert production_client.get("/robots.txt", base_url="http://10.0.0.5:8000").status_code == 200
    assert production_client.get("/robots.txt", base_url="http://lb.internal.example").status_code == 200
    refused = production_client.get("/robots.txt", base_url=f"https://{FOREIGN}")
    assert refused.status_code == 400 and FOREIGN not in refused.get_data(as_text=True)
    forwarded = production_client.get("/robots.txt", base_url="https://shop.example",
                                      headers={"X-Forwarded-Host": FOREIGN})
    assert forwarded.status_code == 400
    # A form post to a foreign host is refused the same way, not a 500.
    assert production_client.post("/account/login", base_url=f"https://{FOREIGN}").status_code == 400


def test_production_refuses_a_site_url_that_names_no_host(tmp_path):
    with pytest.raises(RuntimeError, match="SITE_URL"):
        create_app({**PRODUCTION, "SITE_URL": "shop.example", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})


EXTERNAL = re.compile(r"_external\s*=")
REQUEST_ADDRESS = re.compile(r"request\.(url_root|host_url|base_url|url)\b")
HELPER = ROOT / "storefront" / "site_urls.py"  # the one builder, which says what it replaces


@pytest.mark.parametrize("folder", ["storefront", "blog", "templates"])
def test_no_url_is_built_from_the_request_host(folder):
    """Absolute URLs go through storefront.site_urls.absolute_url_for (SITE_URL), never
    url_for(..., _external=True) or the request's own address."""
    offenders = []
    for path in sorted((ROOT / folder).rglob("*")):
        if path.suffix not in (".py", ".html", ".xml", ".txt") or not path.is_file() or path == HELPER:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (EXTERNAL, REQUEST_ADDRESS):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(ROOT)}: {pattern.pattern}")
    assert not offenders, offenders
