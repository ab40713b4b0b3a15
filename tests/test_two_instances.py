"""Two gunicorn instances and two Celery workers on one PostgreSQL database, one Redis and one
S3-compatible bucket (moto's server) serve one store: a cart started on one instance is finished on
the other, rate limits are counted across both, an image uploaded through one is shown by the
other from the bucket (with the sizes a worker made), and a paid order sends one confirmation
although two workers listen.

Needs PostgreSQL (TEST_DATABASE_URL) and Redis (127.0.0.1:6379 or TEST_REDIS_SERVER); skipped on
SQLite, because a file database is not something two machines can share.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import subprocess
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.fixtures.object_store import ObjectStore, moto_s3
from tests.fixtures.postgres import on_postgresql, postgres_test_unavailable
from tests.fixtures.processes import (
    BIN,
    ROOT,
    Process,
    app_env,
    background_process,
    create_schema,
    free_port,
    gunicorn_command,
    wait_until,
    worker_command,
)
from tests.fixtures.redis_server import redis_url

try:
    import requests
except ImportError:  # checked per test below: a failure where PostgreSQL tests are required
    requests = None

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = redis_url(13)
STAFF_EMAIL, STAFF_PASSWORD = "staff@example.com", "two instances, one store"

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




@pytest.fixture(scope="module")
def instance_folder(tmp_path_factory) -> Path:
    """The instances' shared instance folder; emails land in its mail/ (MAIL_BACKEND=file)."""
    return tmp_path_factory.mktemp("two-instances")


@pytest.fixture(scope="module")
def bucket() -> ObjectStore:
    """The S3-compatible server every instance and worker stores its media in."""
    with moto_s3() as store:
        yield store


@pytest.fixture(scope="module")
def database_url() -> str:
    _redis_or_skip()
    return _own_database()


@pytest.fixture(scope="module")
def instances(instance_folder, bucket, database_url):
    """Two web servers and two workers, as on two machines: nothing shared but the services."""
    env = app_env(
        LARDER_ENV="development",
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        CELERY_BROKER_URL=REDIS_URL,
        SECRET_KEY=secrets.token_hex(32),  # shared, as on any load-balanced deployment
        PAYMENT_GATEWAY="demo",
        MAIL_BACKEND="file",
        LARDER_INSTANCE_PATH=str(instance_folder),
        WEB_CONCURRENCY="1",
        GUNICORN_LOG_LEVEL="warning",
        **bucket.env(),
    )
    create_schema(env)
    subprocess.run([str(BIN / "flask"), "larder", "seed-demo"], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([str(BIN / "flask"), "larder", "create-user", "--email", STAFF_EMAIL, "--role", "admin",
                    "--password", STAFF_PASSWORD], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    with ExitStack() as stack:
        servers = []
        for _ in range(2):
            port = free_port()
            server = stack.enter_context(background_process(
                f"gunicorn-{port}", gunicorn_command(), {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                instance_folder,
            ))
            servers.append((server, f"http://127.0.0.1:{port}"))
        workers = [
            stack.enter_context(background_process(name, worker_command("-n", f"{name}@%h"), env, instance_folder))
            for name in ("worker-1", "worker-2")
        ]
        for server, base in servers:
            _wait_healthy(server, base)
        for worker in workers:
            wait_until(lambda w=worker: _ready(w), timeout=60, what=f"{worker.name} to be ready")
        yield [base for _, base in servers]


def _ready(worker: Process) -> bool:
    if not worker.alive():
        raise RuntimeError(f"{worker.name} exited: {worker.log()[-2000:]}")
    return " ready." in worker.log()


def _wait_healthy(server: Process, base: str) -> None:
    def healthy() -> bool:
        if not server.alive():
            raise RuntimeError(f"gunicorn at {base} exited: {server.log()[-2000:]}")
        try:
            return requests.get(base + "/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    wait_until(healthy, timeout=60, interval=0.3, what=f"gunicorn at {base} to be healthy")


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_each_instance_is_healthy_on_the_shared_database(instances):
    for base in instances:
        assert requests.get(base + "/healthz", timeout=5).json()["status"] == "ok"


def _buy(shopper, a: str, b: str) -> tuple[str, str]:
    """Add to the cart on A, check out on B, pay with the demo gateway on A: (order token, page)."""
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
    return token, paid.text


def test_a_cart_started_on_one_instance_is_finished_on_the_other(instances):
    a, b = instances
    shopper = requests.Session()
    token, paid = _buy(shopper, a, b)
    assert "Your order is confirmed" in paid

    confirmation = shopper.get(b + f"/checkout/success/{token}", timeout=10)
    assert "Your order is confirmed" in confirmation.text


def _confirmations(instance_folder: Path, number: str) -> int:
    """How many confirmation emails for order `number` the file backend wrote (any file, any count)."""
    subject = f"Subject: Your Larder order {number}"
    return sum(path.read_text(errors="replace").count(subject) for path in (instance_folder / "mail").glob("*"))


def _job_statuses(database_url: str, kind: str) -> list[str]:
    import psycopg

    with psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return [row[0] for row in conn.execute("SELECT status FROM outbox_job WHERE kind = %s", (kind,))]


def test_a_paid_order_sends_one_confirmation_although_two_workers_listen(instances, instance_folder, database_url):
    a, b = instances
    shopper = requests.Session()
    token, paid = _buy(shopper, b, a)
    number = re.search(r"data-order-number>([^<]+)<", paid).group(1)
    # The pay button pressed again, landing on the other server (a double click behind a balancer).
    again = shopper.post(a + f"/checkout/demo/{token}/pay",
                         data={"csrf_token": _csrf(shopper.get(a + "/products/magnesium-glycinate", timeout=10).text)},
                         timeout=10)
    assert again.status_code == 200 and number in again.text

    wait_until(lambda: _confirmations(instance_folder, number) >= 1, timeout=60,
               what=f"the confirmation of {number}, sent by a worker")
    wait_until(lambda: "pending" not in _job_statuses(database_url, "orders.confirmation")
               and "running" not in _job_statuses(database_url, "orders.confirmation"),
               timeout=30, what="every confirmation job to finish")
    assert _confirmations(instance_folder, number) == 1


def _staff_session(base: str):
    """A staff member signed in on `base` (the account `flask larder create-user` made)."""
    staff = requests.Session()
    page = staff.get(base + "/account/login", timeout=10)
    signed_in = staff.post(
        base + "/account/login",
        data={"csrf_token": _csrf(page.text), "email": STAFF_EMAIL, "password": STAFF_PASSWORD},
        timeout=10,
    )
    assert signed_in.status_code == 200, signed_in.text[-2000:]
    return staff


def _photo(size: tuple[int, int]) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 120, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


def _upload_image(staff, base: str, product_id: str) -> None:
    edit = staff.get(base + f"/admin/products/{product_id}", timeout=10)
    assert edit.status_code == 200, edit.text[-2000:]
    token = re.search(r'name="(?:[\w-]+-)?csrf_token"[^>]*value="([^"]+)"', edit.text).group(1)
    uploaded = staff.post(
        base + f"/admin/products/{product_id}/images",
        data={"image-csrf_token": token, "image-alt": "The jar, from the side"},
        files={"image-image": ("jar.png", _photo((1200, 900)), "image/png")},
        allow_redirects=False, timeout=30,
    )
    assert uploaded.status_code == 302, uploaded.text[-3000:]


def _product_id(database_url: str, slug: str) -> str:
    import psycopg

    with psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return str(conn.execute("SELECT id FROM product WHERE slug = %s", (slug,)).fetchone()[0])


def test_an_image_uploaded_on_one_instance_is_shown_by_the_other_from_the_bucket(instances, bucket, database_url):
    from PIL import Image

    a, b = instances
    _upload_image(_staff_session(a), a, _product_id(database_url, "magnesium-glycinate"))
    pattern = re.compile(
        rf'<img src="({re.escape(bucket.public_url)}/uploads/(\w+)\.webp)" srcset="([^"]+)"[^>]*alt="The jar, from the side"'
    )

    def shown_with_sizes() -> re.Match | None:
        return pattern.search(requests.get(b + "/products/magnesium-glycinate", timeout=10).text)

    # B's page links the bucket's object at once, and its sized copies once a worker made them.
    wait_until(shown_with_sizes, timeout=60, what="server B's page to offer the worker-made sizes")
    src, name, srcset = shown_with_sizes().groups()
    candidates = dict(reversed(c.split(" ")) for c in srcset.split(", "))
    assert candidates == {
        "320w": f"{bucket.public_url}/uploads/{name}-320w.webp",
        "640w": f"{bucket.public_url}/uploads/{name}-640w.webp",
        "1024w": f"{bucket.public_url}/uploads/{name}-1024w.webp",
        "1200w": src,
    }
    for width, url in candidates.items():
        answer = requests.get(url, timeout=10)
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert answer.headers["Content-Type"] == "image/webp"
        assert answer.content == bucket.store().read(urlsplit(url).path.rsplit("/", 1)[-1])
        with Image.open(io.BytesIO(answer.content)) as image:
            assert (image.format, image.width) == ("WEBP", int(width.removesuffix("w")))
    assert _job_statuses(database_url, "catalog.image_sizes") == ["done"]


def _mailed_registration_path(instance_folder: Path, email: str) -> str:
    """The registration link a worker mailed to `email`. Emails are written by Flask-Mailman's file
    backend: one *.log file per send, each message followed by a line of 79 dashes."""
    from email import message_from_bytes, policy

    from storefront.mail import text_part

    def mailed() -> str | None:
        for path in sorted((instance_folder / "mail").glob("*.log"), reverse=True):
            for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                message = message_from_bytes(raw, policy=policy.default)
                if raw.strip() and message["To"] == email:
                    return re.search(r"https?://\S+?(/account/register/\S+)", text_part(message)).group(1)
        return None

    wait_until(lambda: mailed() is not None, timeout=30, what=f"the workers to mail {email}")
    return mailed()


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
