"""Two gunicorn instances on two ports, one PostgreSQL database and one Redis, serve one store:
a cart started on one is finished on the other, and rate limits are counted across both.

Needs PostgreSQL (TEST_DATABASE_URL) and Redis (127.0.0.1:6379 or TEST_REDIS_URL); skipped on
SQLite, because a file database is not something two machines can share.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.fixtures.postgres import on_postgresql, postgres_test_unavailable

try:
    import requests
except ImportError:  # checked per test below: a failure where PostgreSQL tests are required
    requests = None

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")

pytestmark = pytest.mark.skipif(
    not on_postgresql(),
    reason="two instances share one PostgreSQL database; set TEST_DATABASE_URL (SQLite is one machine's file)",
)


def _redis_or_skip() -> None:
    import redis

    if requests is None:
        postgres_test_unavailable("the requests package is not installed")
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.ping()
        client.flushdb()
    except redis.RedisError as exc:
        postgres_test_unavailable(f"Redis is not reachable at {REDIS_URL}: {exc}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _own_database() -> str:
    """A database of our own next to the test database (the suite wipes that one per test)."""
    import psycopg

    parts = urlsplit(TEST_DATABASE_URL)
    name = (parts.path.lstrip("/") or "larder") + "_two_instances"
    admin = parts._replace(path="/postgres").geturl().replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parts._replace(path=f"/{name}").geturl()


_INSTANCE_ENV: dict[str, str] = {}  # the instances' environment, for running their queued jobs


@pytest.fixture(scope="module")
def instance_folder(tmp_path_factory) -> Path:
    """The instances' shared instance folder; emails land in its mail/ (MAIL_BACKEND=file)."""
    return tmp_path_factory.mktemp("two-instances")


@pytest.fixture(scope="module")
def instances(instance_folder):
    _redis_or_skip()
    database_url = _own_database()
    instance = instance_folder
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "FLASK_APP": "wsgi:app",
        "LARDER_ENV": "development",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": secrets.token_hex(32),  # shared, as on any load-balanced deployment
        "PAYMENT_GATEWAY": "demo",
        "MAIL_BACKEND": "file",
        "LARDER_INSTANCE_PATH": str(instance),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    env.pop("TEST_DATABASE_URL", None)
    _INSTANCE_ENV.clear()
    _INSTANCE_ENV.update(env)
    subprocess.run(
        [sys.executable, "-c",
         "from storefront import create_app\nfrom storefront.extensions import db\n"
         "app = create_app()\nwith app.app_context():\n    db.create_all()\n"],
        env=env, cwd=ROOT, check=True,
    )
    subprocess.run([str(BIN / "flask"), "larder", "seed-demo"], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    servers = []
    try:
        for _ in range(2):
            port = _free_port()
            log = open(instance / f"gunicorn-{port}.log", "w")  # noqa: SIM115 - closed below
            process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"],
                env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}, cwd=ROOT,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
            servers.append((process, f"http://127.0.0.1:{port}", log))
        for process, base, log in servers:
            _wait_healthy(process, base, log)
        yield [base for _, base, _ in servers]
    finally:
        for process, _, log in servers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
            log.close()


def _wait_healthy(process, base: str, log) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn at {base} exited: {Path(log.name).read_text()[-2000:]}")
        try:
            if requests.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn at {base} did not become healthy")


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_each_instance_is_healthy_on_the_shared_database(instances):
    for base in instances:
        assert requests.get(base + "/healthz", timeout=5).json()["status"] == "ok"


def test_a_cart_started_on_one_instance_is_finished_on_the_other(instances):
    a, b = instances
    shopper = requests.Session()

    product = shopper.get(a + "/products/magnesium-glycinate", timeout=10)
    assert product.status_code == 200
    variant_id = re.search(r'name="variant_id" value="(\d+)"[^>]*checked', product.text).group(1)
    added = shopper.post(
        a + "/cart/add",
        data={"csrf_token": _csrf(product.text), "variant_id": variant_id, "quantity": "2",
              "ref": "article:magnesium-for-back-pain"},
        timeout=10,
    )
    assert added.status_code == 200 and urlsplit(added.url).path == "/cart"

    cart = shopper.get(b + "/cart", timeout=10)
    assert "Magnesium Glycinate" in cart.text

    checkout = shopper.get(b + "/checkout", timeout=10)
    assert checkout.status_code == 200
    method = re.search(r'name="shipping_method" value="([^"]+)"', checkout.text).group(1)
    placed = shopper.post(
        b + "/checkout",
        data={"csrf_token": _csrf(checkout.text), "email": "shopper@example.com", "name": "Sam Shopper",
              "line1": "1 Main St", "city": "Springfield", "region": "NY", "postcode": "12345", "country": "US",
              "shipping_method": method},
        allow_redirects=False, timeout=10,
    )
    assert placed.status_code == 303, placed.text[:2000]
    payment_page = shopper.get(b + urlsplit(placed.headers["Location"]).path, timeout=10)
    token = urlsplit(payment_page.url).path.rstrip("/").split("/")[-1]

    paid = shopper.post(
        a + f"/checkout/demo/{token}/pay", data={"csrf_token": _csrf(payment_page.text)}, timeout=10
    )
    assert paid.status_code == 200
    assert "Your order is confirmed" in paid.text

    confirmation = shopper.get(b + f"/checkout/success/{token}", timeout=10)
    assert "Your order is confirmed" in confirmation.text


def _mailed_registration_path(instance_folder: Path, email: str) -> str:
    """Emails are queued (outbox) and written by Flask-Mailman's file backend: one *.log file per
    send, each message followed by a line of 79 dashes, HTML and text parts."""
    from email import message_from_bytes, policy

    from storefront.mail import text_part

    _run_queued_jobs()
    for path in sorted((instance_folder / "mail").glob("*.log"), reverse=True):
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            message = message_from_bytes(raw, policy=policy.default)
            if raw.strip() and message["To"] == email:
                return re.search(r"https?://\S+?(/account/register/\S+)", text_part(message)).group(1)
    raise AssertionError(f"no registration email to {email}")


def _run_queued_jobs() -> None:
    """No worker runs beside these web servers: do the recorded jobs (the emails) once, here."""
    subprocess.run(
        [sys.executable, "-c",
         "from storefront import create_app, jobs\napp = create_app()\n"
         "with app.app_context():\n    jobs.run_due_jobs()\n"],
        env=_INSTANCE_ENV, cwd=ROOT, check=True, timeout=120,
    )


def test_a_signed_in_session_works_on_both_instances(instances, instance_folder):
    a, b = instances
    visitor = requests.Session()
    page = visitor.get(a + "/account/register", timeout=10)
    if page.status_code == 404:
        pytest.skip("registration is not installed")
    email = f"two-{secrets.token_hex(4)}@example.com"
    started = visitor.post(
        a + "/account/register",
        data={"csrf_token": _csrf(page.text), "email": email, "name": "Two Instances"},
        timeout=10,
    )
    assert started.status_code == 200 and "Check your email" in started.text
    # The emailed link is opened on the other instance, the password chosen on the first.
    path = _mailed_registration_path(instance_folder, email)
    finish = visitor.get(b + path, timeout=10)
    registered = visitor.post(
        a + path,
        data={"csrf_token": _csrf(finish.text), "password": "correct horse battery staple",
              "confirm": "correct horse battery staple"},
        timeout=10,
    )
    assert registered.status_code == 200, registered.text[-3000:]
    assert "Your account is ready" in registered.text, re.sub(r"\s+", " ", registered.text)[-3000:]
    account = visitor.get(b + "/account", timeout=10, allow_redirects=False)
    assert account.status_code == 200, "the session cookie from instance A is honoured by B"


def test_login_rate_limit_is_counted_across_both_instances(instances):
    """Limits live in Redis: alternating instances does not double the allowance."""
    a, b = instances
    attacker = requests.Session()
    page = attacker.get(a + "/account/login", timeout=10)
    token = _csrf(page.text)
    statuses = []
    for attempt in range(30):
        base = (a, b)[attempt % 2]
        response = attacker.post(
            base + "/account/login",
            data={"csrf_token": token, "email": "nobody@example.com", "password": "wrong"},
            timeout=10,
        )
        statuses.append(response.status_code)
        if response.status_code == 429:
            break
    assert 429 in statuses, statuses
    assert statuses.index(429) <= 10, f"more than one instance's allowance: {statuses}"
    assert "Too many" in response.text
