"""`make run`'s Procfile under honcho, as a newcomer gets it (issue 16, must-show 1): the web
server, a worker and beat on an SQLite database with the SQLite broker and nothing else; a demo
order paid in the browser's way puts its confirmation in the mail folder the README names,
written by the worker; Ctrl+C stops all three.

The instance folder is the test's own (LARDER_INSTANCE_PATH), so a `make run` in the same
checkout is not disturbed. `make run` itself also installs, migrates and seeds; here the schema
and one product are made directly, which is quicker and independent of the demo data.
"""

from __future__ import annotations

import os
import re
import signal
import sys
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.fixtures.processes import (
    BIN,
    ROOT,
    app_env,
    background_process,
    free_port,
    processes_unavailable,
    wait_until,
)

requests = pytest.importorskip("requests")

EMAIL = "newcomer@example.com"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _make_shop(instance: Path) -> None:
    """The schema and one product in the instance folder's SQLite database."""
    from storefront import create_app
    from storefront.extensions import db
    from tests.factories import make_product

    app = create_app({"LARDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'larder.db'}",
                      "INSTANCE_PATH": str(instance), "UPLOAD_FOLDER": str(instance / "uploads")})
    with app.app_context():
        db.create_all()
        make_product("ginger-tea", title="Ginger Tea", price=799, stock=10)
        db.session.remove()
        db.engine.dispose()


def _pay_a_demo_order(base: str) -> str:
    """Add to cart, check out and pay with the demo gateway, as a shopper's browser would."""
    shopper = requests.Session()
    product = shopper.get(base + "/products/ginger-tea", timeout=10)
    variant_id = re.search(r'name="variant_id" value="(\d+)"', product.text).group(1)
    shopper.post(base + "/cart/add", data={"csrf_token": _csrf(product.text), "variant_id": variant_id,
                                           "quantity": "1"}, timeout=10)
    checkout = shopper.get(base + "/checkout", timeout=10)
    placed = shopper.post(
        base + "/checkout",
        data={"csrf_token": _csrf(checkout.text), "email": EMAIL, "name": "New Comer", "line1": "1 Main St",
              "city": "Springfield", "region": "NY", "postcode": "12345", "country": "US",
              "shipping_method": "standard"},
        allow_redirects=False, timeout=10,
    )
    assert placed.status_code == 303, placed.text[:2000]
    payment = shopper.get(base + urlsplit(placed.headers["Location"]).path, timeout=10)
    token = urlsplit(payment.url).path.rstrip("/").split("/")[-1]
    paid = shopper.post(base + f"/checkout/demo/{token}/pay", data={"csrf_token": _csrf(payment.text)}, timeout=10)
    assert paid.status_code == 200 and "Your order is confirmed" in paid.text
    return re.search(r"LD-[A-Z0-9]+", paid.text).group(0)


def _mails(folder: Path) -> list:
    return [message_from_bytes(path.read_bytes(), policy=policy.default) for path in sorted(folder.glob("*"))]


def test_make_runs_procfile_sends_a_paid_orders_email_from_the_worker(tmp_path):
    if not (BIN / "honcho").exists():
        processes_unavailable("honcho is not installed (pip install -r requirements.txt)")
    instance = tmp_path / "instance"
    instance.mkdir()
    _make_shop(instance)
    port = free_port()
    env = app_env(LARDER_ENV="development", LARDER_INSTANCE_PATH=str(instance), MAIL_BACKEND="file",
                  PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", HOST="127.0.0.1",
                  SITE_URL=f"http://127.0.0.1:{port}", JOBS_SWEEP_SECONDS="2")
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "MAIL_FILE_DIR"):
        env.pop(name, None)  # nothing installed: the SQLite database and broker, the default mail folder
    command = [str(BIN / "honcho"), "start", "-f", str(ROOT / "Procfile"), "-p", str(port)]

    with background_process("honcho", command, env, tmp_path) as honcho:
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: _answers(base) or not honcho.alive(), timeout=40, what="the web server")
        wait_until(lambda: " ready." in honcho.log() or not honcho.alive(), timeout=40, what="the worker")
        assert honcho.alive(), honcho.log()[-3000:]

        number = _pay_a_demo_order(base)

        mail = instance / "mail"
        wait_until(lambda: mail.exists() and any(m["To"] == EMAIL for m in _mails(mail)), timeout=20,
                   what="the confirmation in instance/mail")
        (message,) = [m for m in _mails(mail) if m["To"] == EMAIL]
        assert number in message["Subject"]
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert "Ginger Tea" in text and f"http://127.0.0.1:{port}/orders/" in text
        sent_by_worker = re.compile(r"worker\.1\s+\|.*larder\.run_job\[.*succeeded.*'done'")
        wait_until(lambda: sent_by_worker.search(honcho.log()), timeout=10, what="the worker's log of the job")
        wait_until(lambda: re.search(r"beat\.1\s+\|.*Sending due task larder\.sweep_outbox", honcho.log()),
                   timeout=15, what="beat's first sweep")
        log = honcho.log()

        children = [int(pid) for pid in re.findall(r"started \(pid=(\d+)\)", log)]
        assert len(children) == 3
        os.kill(honcho.popen.pid, signal.SIGINT)  # Ctrl+C
        honcho.popen.wait(timeout=30)
        wait_until(lambda: not any(_running(pid) for pid in children), timeout=10, what="all three to stop")


def _answers(base: str) -> bool:
    try:
        return requests.get(base + "/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) has stopped too.
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "zombie" in status.read_text())


if sys.platform == "win32":  # pragma: no cover - honcho's process groups are POSIX
    pytestmark = pytest.mark.skip("POSIX only")
