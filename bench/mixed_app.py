"""The WSGI app of the mixed-load bench: the production app, then three bench-only settings.

Production validation runs first (real SECRET_KEY, Stripe keys set, PostgreSQL), then:
- the demo payment gateway, so checkouts really place and pay orders (and move stock) with no
  network; production refuses it at start-up, hence the switch after create_app();
- session cookies without the Secure flag: the bench speaks plain HTTP on 127.0.0.1, as a
  server behind a TLS-terminating proxy sees it;
- no rate limits: every shopper of the crowd comes from 127.0.0.1;
- PAGE_CACHE_EXPLAIN: a stored page rendered again says which tags were stamped since (X-Larder-Stale).
"""

from storefront import create_app

app = create_app({"RATELIMIT_ENABLED": False})
app.config.update(
    PAYMENT_GATEWAY="demo", SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False,
    PAGE_CACHE_EXPLAIN=True,  # X-Larder-Stale on a re-render: the report says which writes caused it
)
