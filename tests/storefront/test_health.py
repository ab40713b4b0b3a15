"""GET /healthz tells a load balancer whether this instance can reach its database."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from storefront.extensions import db


def test_healthy_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.headers["Cache-Control"] == "no-store"


def test_unavailable_when_the_database_fails(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "unavailable"}


def test_redis_is_reported_but_optional(app, client):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.config["REDIS_URL"] = None
    assert response.status_code == 200
    assert response.json["redis"] == "unavailable"
