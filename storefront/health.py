"""GET /healthz: is this instance able to serve the store? (for load balancers and `make serve`)."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app
from sqlalchemy import text

from storefront.extensions import db, limiter

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


def _redis_status() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "not configured"
    try:
        import redis

        redis.Redis.from_url(url, socket_timeout=0.2, socket_connect_timeout=0.2).ping()
    except Exception:  # noqa: BLE001 - reported, not fatal: without Redis the caches miss and views go to the database
        return "unavailable"
    return "ok"


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """200 when the database answers; 503 otherwise. Redis is reported but optional."""
    headers = {"Cache-Control": "no-store"}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any database failure means "not ready"
        log.error("Health check: database unavailable: %s", exc)
        db.session.rollback()
        return {"status": "unavailable", "database": "unavailable"}, 503, headers
    return {"status": "ok", "database": "ok", "redis": _redis_status()}, 200, headers
