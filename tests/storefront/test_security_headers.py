"""Every response carries the security headers; only the article lite view may be framed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import make_response

from storefront import create_app
from tests.factories import make_product

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_pages_forbid_framing_and_inline_scripts(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_error_pages_carry_the_headers_too(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_response_marked_frameable_may_be_framed_and_loses_the_marker(tmp_path):
    app = create_app({"LARDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/f.db"})

    @app.get("/_test/frameable")
    def _frameable():
        response = make_response("embeddable")
        response.headers["X-Larder-Frameable"] = "1"
        return response

    response = app.test_client().get("/_test/frameable")
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers
    assert "X-Larder-Frameable" not in response.headers


def test_article_lite_view_is_frameable_and_the_article_is_not(client, runner):
    if "blog.lite" not in client.application.view_functions:
        pytest.skip("the blog's lite view is not installed")
    make_product("magnesium-glycinate")
    result = runner.invoke(args=["larder", "seed-demo"])
    assert result.exit_code == 0, result.output
    lite = client.get("/blog/magnesium-for-back-pain/lite")
    full = client.get("/blog/magnesium-for-back-pain")
    assert lite.status_code == full.status_code == 200
    assert "frame-ancestors *" in lite.headers["Content-Security-Policy"]
    assert "X-Larder-Frameable" not in lite.headers
    assert "frame-ancestors 'none'" in full.headers["Content-Security-Policy"]


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://shop.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_hsts_behind_a_trusted_proxy(tmp_path):
    app = create_app(
        {"LARDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db",
         "TRUSTED_PROXY_COUNT": 1}
    )
    response = app.test_client().get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers


def test_production_cookies_are_secure_and_httponly(tmp_path, monkeypatch):
    app = create_app(
        {"LARDER_ENV": "production", "SECRET_KEY": "x" * 40, "PAYMENT_GATEWAY": "stripe",
         "STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_WEBHOOK_SECRET": "whsec_x",
         "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db", "SITE_URL": "https://shop.example.com"}
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"\sstyle\s*=", re.I)


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")))
def test_templates_need_no_unsafe_inline(template):
    """The CSP blocks inline scripts, event handlers and style attributes: templates have none."""
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(source), "inline <script> (JSON-LD data blocks are fine)"
    assert not INLINE_HANDLER.search(source), "inline on...= event handler"
    assert not INLINE_STYLE.search(source), "inline style attribute"


def test_an_id_too_large_for_the_database_is_a_404(app):
    rules = [r for r in app.url_map.iter_rules() if "int" in r.rule and "GET" in r.methods]
    assert rules, "some route takes an <int:...> id"
    rule = rules[0]
    url = "/" + "/".join(
        "99999999999999999999" if part.startswith("<int") else ("x" if part.startswith("<") else part)
        for part in rule.rule.strip("/").split("/")
    )
    assert app.test_client().get(url).status_code == 404
