"""Configuration classes; every secret and endpoint comes from the environment."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

DEFAULT_SECRET_KEY = "dev-only-insecure-secret-key"
# A day: the page and fragment keys hold the date, so an entry is unreachable after midnight anyway.
DEFAULT_PAGE_CACHE_TTL = 24 * 3600


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for every PostgreSQL URL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise RuntimeError(f"{name} must be a whole number, not {raw!r}") from None


class Config:
    LARDER_ENV = "development"
    INSTANCE_PATH = _env("LARDER_INSTANCE_PATH")  # None -> instance/ beside the code
    SECRET_KEY = _env("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL")  # None -> SQLite in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    STORE_NAME = _env("STORE_NAME", "Larder")
    STORE_CURRENCY = _env("STORE_CURRENCY", "USD")
    STORE_LOCALE = _env("STORE_LOCALE", "en_US")
    PRODUCTS_PER_PAGE = 24
    PAYMENT_GATEWAY = _env("PAYMENT_GATEWAY", "demo")
    STRIPE_SECRET_KEY = _env("STRIPE_SECRET_KEY")
    STRIPE_WEBHOOK_SECRET = _env("STRIPE_WEBHOOK_SECRET")
    STRIPE_API_BASE = _env("STRIPE_API_BASE")  # only for tests against localstripe
    MAIL_BACKEND = _env("MAIL_BACKEND", "console")
    MAIL_DEFAULT_SENDER = _env("MAIL_DEFAULT_SENDER", "Larder <orders@larder.example>")
    SMTP_HOST = _env("SMTP_HOST")
    SMTP_PORT = int(_env("SMTP_PORT", "587") or 587)
    SMTP_USERNAME = _env("SMTP_USERNAME")
    SMTP_PASSWORD = _env("SMTP_PASSWORD")
    REDIS_URL = _env("REDIS_URL")
    # Background work (storefront/jobs): the broker is CELERY_BROKER_URL, else REDIS_URL, else an
    # SQLite file in the instance folder (nothing to install for `make run`).
    CELERY_BROKER_URL = _env("CELERY_BROKER_URL")
    JOBS_EAGER = False  # tests: run each job in-process right after the commit that records it
    JOBS_SWEEP_SECONDS = _env_int("JOBS_SWEEP_SECONDS", 30)  # how often beat hands over stragglers
    JOBS_REHAND_SECONDS = _env_int("JOBS_REHAND_SECONDS", 60)  # a pending job quiet this long is re-sent
    JOBS_LEASE_SECONDS = _env_int("JOBS_LEASE_SECONDS", 600)  # a running job past this is presumed dead
    JOBS_RETRY_BASE_SECONDS = _env_int("JOBS_RETRY_BASE_SECONDS", 30)  # first retry; doubles each time
    JOBS_RETRY_MAX_SECONDS = _env_int("JOBS_RETRY_MAX_SECONDS", 3600)
    JOBS_PUBLISH_TIMEOUT_SECONDS = _env_int("JOBS_PUBLISH_TIMEOUT_SECONDS", 2)
    MAIL_FILE_DIR = _env("MAIL_FILE_DIR")  # MAIL_BACKEND=file: one .log file per message; None -> instance/mail
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", _env("REDIS_URL", "memory://"))
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: limits fall back to each process's memory instead of failing the request.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session: no lost carts at checkout
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    UPLOAD_FOLDER = _env("UPLOAD_FOLDER")  # None -> instance/uploads
    # Uploaded images (storefront/media): an S3-compatible bucket when MEDIA_S3_BUCKET is set,
    # else UPLOAD_FOLDER. Credentials: boto3's own chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
    # AWS_PROFILE, an instance role), never a Larder setting.
    MEDIA_S3_BUCKET = _env("MEDIA_S3_BUCKET")
    MEDIA_S3_ENDPOINT_URL = _env("MEDIA_S3_ENDPOINT_URL")  # MinIO, moto, R2...; None -> AWS
    MEDIA_S3_REGION = _env("MEDIA_S3_REGION")
    MEDIA_PUBLIC_URL = _env("MEDIA_PUBLIC_URL")  # the CDN or bucket address pages link; None -> the bucket's
    # Every absolute link (canonical, og:, JSON-LD, feed, sitemap, emails, Stripe return URLs)
    # is built from SITE_URL, never from the request's Host (storefront/site_urls.py).
    SITE_URL = _env("SITE_URL", "http://127.0.0.1:5000")
    # Production answers only SITE_URL's host and these (comma-separated; ".example.com" takes
    # every subdomain), e.g. the address a load balancer's health check uses.
    EXTRA_HOSTS = _env("EXTRA_HOSTS")
    # Operational knobs: each from the environment, with the default used when unset.
    SHIPPING_METHODS = _env("SHIPPING_METHODS")  # "code|label|rate;..."; unset: checkout's defaults
    STRIPE_CHECKOUT_EXPIRY_MINUTES = _env_int("STRIPE_CHECKOUT_EXPIRY_MINUTES", 60)
    ABANDONED_CHECKOUT_DELAY_MINUTES = _env_int("ABANDONED_CHECKOUT_DELAY_MINUTES", 60)  # 0: no reminders
    STRIPE_MAX_NETWORK_RETRIES = _env_int("STRIPE_MAX_NETWORK_RETRIES", 2)
    LOGIN_RATE_LIMIT = _env("LOGIN_RATE_LIMIT", "10 per minute")
    REGISTER_RATE_LIMIT = _env("REGISTER_RATE_LIMIT", "10 per hour")
    CHECKOUT_RATE_LIMIT = _env("CHECKOUT_RATE_LIMIT", "20 per minute")
    # Reviews (storefront/reviews): posting limits, and the "How was it?" email's delay and link life.
    REVIEW_RATE_LIMIT = _env("REVIEW_RATE_LIMIT", "5 per minute;20 per day")
    REVIEW_VOTE_RATE_LIMIT = _env("REVIEW_VOTE_RATE_LIMIT", "30 per minute")
    REVIEW_REQUEST_DELAY_DAYS = _env_int("REVIEW_REQUEST_DELAY_DAYS", 7)  # after the order is fulfilled
    REVIEW_LINK_MAX_AGE_DAYS = _env_int("REVIEW_LINK_MAX_AGE_DAYS", 90)
    PAGE_CACHE = _env("LARDER_PAGE_CACHE", "on")  # the Redis page cache, when REDIS_URL is set
    # How long a stored page or fragment may live. Only memory bounds it: every entry is checked
    # against its dependency tags on each read and keyed by catalog version and day, so it is
    # never served stale however old. Give the cache's Redis a maxmemory with volatile-lru.
    PAGE_CACHE_TTL = _env_int("PAGE_CACHE_TTL", DEFAULT_PAGE_CACHE_TTL)
    FRAGMENT_CACHE = _env("LARDER_FRAGMENT_CACHE", "on")  # facet counts in Redis, when REDIS_URL is set
    VIEW_FLUSH_INTERVAL = _env_int("VIEW_FLUSH_INTERVAL", 60)  # seconds between view-count flushes
    # Seconds a process tallies article views before sending them to Redis in one round trip
    # (0: every view is its own round trip, 13% of an article's render).
    VIEW_PUSH_SECONDS = _env_int("VIEW_PUSH_SECONDS", 1)
    TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 0)  # ProxyFix behind a load balancer
    CERT_WARNING_DAYS = _env_int("CERT_WARNING_DAYS", 60)
    MAX_IMAGE_BYTES = _env_int("MAX_IMAGE_BYTES", 5 * 1024 * 1024)

    @classmethod
    def complete(cls, config: dict) -> None:
        """Settings derived from others once overrides are in; production overrides this."""

    @classmethod
    def validate(cls, config: dict) -> None:
        """Development accepts anything; production overrides this."""


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    LARDER_ENV = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_BACKEND = "memory"
    JOBS_EAGER = True
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL", "sqlite://")
    SERVER_NAME = None


class ProductionConfig(Config):
    LARDER_ENV = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    MAIL_BACKEND = _env("MAIL_BACKEND", "smtp")
    PAYMENT_GATEWAY = _env("PAYMENT_GATEWAY", "stripe")
    # No default: the development address would put 127.0.0.1 links in every email and feed.
    SITE_URL = _env("SITE_URL")

    @classmethod
    def complete(cls, config: dict) -> None:
        # Requests for any other host get a 400 (Flask's TRUSTED_HOSTS), X-Forwarded-Host
        # behind a trusted proxy included.
        if config.get("TRUSTED_HOSTS") is None:
            config["TRUSTED_HOSTS"] = trusted_hosts(config.get("SITE_URL"), config.get("EXTRA_HOSTS"))

    @classmethod
    def validate(cls, config: dict) -> None:
        """Refuse to start with a default secret, the demo gateway or no real database."""
        problems = []
        if not site_host(config.get("SITE_URL")):
            problems.append("SITE_URL must be the site's absolute address, e.g. https://shop.example.com")
        if not config.get("SECRET_KEY") or config["SECRET_KEY"] == DEFAULT_SECRET_KEY:
            problems.append("SECRET_KEY must be set to a secret value")
        if config.get("PAYMENT_GATEWAY") == "demo":
            problems.append("the demo payment gateway cannot run in production")
        if config.get("PAYMENT_GATEWAY") == "stripe" and not (
            config.get("STRIPE_SECRET_KEY") and config.get("STRIPE_WEBHOOK_SECRET")
        ):
            problems.append("STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET must be set")
        if not config.get("SQLALCHEMY_DATABASE_URI"):
            problems.append("DATABASE_URL must be set")
        if problems:
            raise RuntimeError("Refusing to start in production: " + "; ".join(problems))


def site_host(site_url: str | None) -> str | None:
    """The host name of an absolute http(s) SITE_URL, else None."""
    parts = urlsplit(site_url or "")
    return parts.hostname if parts.scheme in ("http", "https") else None


def trusted_hosts(site_url: str | None, extra: str | list[str] | None) -> list[str]:
    """SITE_URL's host plus the extra hosts (a comma-separated string or a list)."""
    if isinstance(extra, str):
        extra = extra.split(",")
    hosts = [site_host(site_url)] + [h.strip().lower() for h in extra or ()]
    return [h for h in dict.fromkeys(hosts) if h]


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None) -> type[Config]:
    """The config class for LARDER_ENV (development when unset)."""
    name = name or _env("LARDER_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"Unknown LARDER_ENV {name!r}; use one of {sorted(CONFIGS)}") from None
