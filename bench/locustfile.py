"""The mixed-load crowd for `python -m bench.mixed` (Locust, FastHttpUser).

Anonymous visitors browse many products, collections (with facets), searches, articles and their
lite view and the home page; anonymous shoppers and signed-in customers add to cart and check out
with the demo gateway (some of them buying the last units of low-stock variants); one staff
member edits a variant's price and an article through the admin forms every few seconds.

Run by bench.mixed, which writes the data file named by LARDER_MIXED_DATA (product slugs,
variant ids, article slugs, accounts) and reads back the page-cache counts written to
LARDER_MIXED_CACHE_OUT (X-Larder-Cache: hit / miss per page kind, anonymous requests only).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path

import gevent
from locust import FastHttpUser, between, constant_pacing, events, task

from bench import measured_window

DATA = json.loads(Path(os.environ["LARDER_MIXED_DATA"]).read_text()) if "LARDER_MIXED_DATA" in os.environ else {}
CACHE: dict[str, Counter] = defaultdict(Counter)
# URLs already requested (in this run or its warm-up): a miss on one of them is a re-render after
# an invalidation (or expiry), a miss on a new one is a first visit, a miss whatever the cache does.
SEEN: set[str] = set()
if os.environ.get("LARDER_MIXED_SEEN") and Path(os.environ["LARDER_MIXED_SEEN"]).exists():
    SEEN.update(json.loads(Path(os.environ["LARDER_MIXED_SEEN"]).read_text()))
OUTCOMES: Counter = Counter()
# Why a repeat visit was rendered again: the tag families the server names (X-Larder-Stale, set
# by bench/mixed_app.py), or no stored copy under the page's key at all.
STALE: dict[str, Counter] = defaultdict(Counter)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# Popularity: a long tail, as in a real shop (Zipf, s = ZIPF_S): with 5,000 products the first 100
# get about half the product views and every one of them is visited now and then.
ZIPF_S = float(os.environ.get("LARDER_MIXED_ZIPF", "1.0"))


def _zipf_picker(items: list):
    if not items:
        return lambda: None
    weights = list(itertools.accumulate(1 / (rank ** ZIPF_S) for rank in range(1, len(items) + 1)))
    return lambda: random.choices(items, cum_weights=weights)[0]


pick_product = _zipf_picker(DATA.get("products", []))
pick_article = _zipf_picker(DATA.get("articles", []))
pick_search = _zipf_picker(DATA.get("searches", []))
pick_variant = _zipf_picker(DATA.get("variants", []))
# Collections and the facets chosen on them have their favourites too (the crowd's first runs
# picked them uniformly: every filter combination as likely as a collection's plain page).
pick_collection = _zipf_picker(DATA.get("collections", []))
pick_tag = _zipf_picker(DATA.get("tags", []))


@events.reset_stats.add_listener
def _reset(**_kwargs):
    CACHE.clear()
    OUTCOMES.clear()
    STALE.clear()


# One crowd, measured after its warm-up (bench/measured_window.py).
@events.test_start.add_listener
def _schedule_window(environment, **_kwargs):
    measure_after = float(os.environ.get(measured_window.MEASURE_AFTER) or 0)
    if measure_after:
        gevent.spawn_later(measure_after, measured_window.open_window, environment, DATA, os.environ)


@events.quitting.add_listener
def _write(environment, **_kwargs):
    path = os.environ.get("LARDER_MIXED_CACHE_OUT")
    if path:
        with open(path, "w") as out:
            json.dump({"cache": {k: dict(v) for k, v in CACHE.items()}, "outcomes": dict(OUTCOMES),
                       "stale": {k: dict(v) for k, v in STALE.items()}}, out)
    if os.environ.get("LARDER_MIXED_SEEN"):
        Path(os.environ["LARDER_MIXED_SEEN"]).write_text(json.dumps(sorted(SEEN)))


# ---------------------------------------------------------------- forms


class _Forms(HTMLParser):
    """Every <form> of a page: its action and the values a browser would submit."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": {}})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            fields.setdefault(name, []).append(a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            fields[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea][0] += data


def form_with(html: str, field: str) -> dict | None:
    parser = _Forms()
    parser.feed(html)
    return next((f for f in parser.forms if field in f["fields"]), None)


def csrf_of(html: str) -> str | None:
    match = CSRF.search(html)
    return match.group(1) if match else None


# ---------------------------------------------------------------- pages


SUGGESTIONS_SRC = re.compile(r'data-suggestions-src="([^"]+)"')
# A cart line the cart page flags (sold out, or fewer left than asked for), and its Remove form.
PROBLEM_LINE = re.compile(r'<li class="cart-line">(?:(?!</li>).)*?class="errors".*?</li>', re.S)
REMOVE_FORM = re.compile(r'class="cart-remove"[^>]*>.*?name="variant_id" value="(\d+)"', re.S)


# Every request names its page kind to the server, whose access log then gives each kind's time
# inside a worker (bench.mixed reads it): the rest of what Locust measures is waiting for one.
KIND_HEADER = "X-Bench-Kind"


def named(kind: str, **headers) -> dict:
    return {KIND_HEADER: kind, **headers}


def page(user, kind: str, path: str, count_cache: bool = True) -> str | None:
    """GET a page; 200 is a success; the X-Larder-Cache header counted per kind."""
    with user.client.get(path, name=kind, catch_response=True, headers=named(kind)) as response:
        if response.status_code != 200:
            response.failure(f"HTTP {response.status_code}")
            return None
        response.success()
        if count_cache:
            state = response.headers.get("X-Larder-Cache") or "uncached"
            if state == "miss" and path not in SEEN:
                state = "first visit"
            elif state == "miss":
                for family in (response.headers.get("X-Larder-Stale") or "no-stored-copy").split(" "):
                    STALE[kind][family] += 1
            CACHE[kind][state] += 1
        SEEN.add(path)
        return response.text


def fetch_panel(user, kind: str, path: str, tries: int = 40) -> None:
    """What admin.js does with a panel a worker is still filling: a 202 says when to ask again."""
    for _ in range(tries):
        with user.client.get(path, name=kind, catch_response=True, headers=named(kind)) as response:
            if response.status_code == 200:
                response.success()
                return
            if response.status_code != 202:
                response.failure(f"HTTP {response.status_code}")
                return
            response.success()
            OUTCOMES["suggestions: come back later (202)"] += 1
            wait = float(response.headers.get("Retry-After") or 1)
        gevent.sleep(wait)  # Locust users are greenlets


def collection_path() -> str:
    slug = pick_collection()
    roll = random.random()
    if roll < 0.4:
        return f"/collections/{slug}"
    args = []
    if random.random() < 0.6:
        args.append("certified=1")
    args.append(f"tag={pick_tag()}")
    if random.random() < 0.5:
        args.append(f"sort={random.choice(['price', 'price-desc', 'newest'])}")
    if random.random() < 0.2:
        args.append("page=2")
    return f"/collections/{slug}?" + "&".join(args)


class Browsing:
    """Anonymous reading in realistic proportions (task weights)."""

    signed_in = False

    def kind(self, name: str) -> str:
        return f"{name} (signed in)" if self.signed_in else name

    def browse_once(self):
        roll = random.random()
        if roll < 0.38:
            page(self, self.kind("Product"), "/products/" + pick_product())
        elif roll < 0.53:
            page(self, self.kind("Collection"), collection_path())
        elif roll < 0.63:
            page(self, self.kind("Search"), "/search?q=" + pick_search())
        elif roll < 0.74:
            page(self, self.kind("Article"), "/blog/" + pick_article())
        elif roll < 0.79:
            page(self, self.kind("Article lite view"), "/blog/" + pick_article() + "/lite")
        elif roll < 0.88:
            page(self, self.kind("Home"), "/")
        elif roll < 0.93:
            page(self, self.kind("Blog index"), "/blog/")
        else:
            page(self, self.kind("All products"), "/products" + random.choice(["", "?page=2", "?sort=price"]))


class Buying:
    """Add to cart from a product page, then (sometimes) a demo checkout."""

    def add_to_cart(self, low_stock: bool) -> bool:
        slug, variant_id = random.choice(DATA["low_stock"]) if low_stock and DATA["low_stock"] else pick_variant()
        html = page(self, "Product (before add)", f"/products/{slug}", count_cache=not self.signed_in)
        token = csrf_of(html or "")
        if not token:
            return False
        with self.client.post(
            "/cart/add", name="Add to cart", catch_response=True,
            data={"csrf_token": token, "variant_id": str(variant_id), "quantity": "1", "next": f"/products/{slug}"},
            headers=named("Add to cart", Accept="application/json"),
        ) as response:
            if response.status_code == 200:
                response.success()
                OUTCOMES["added"] += 1
                return True
            if response.status_code == 409:  # sold out meanwhile: an answer, not an error
                response.success()
                OUTCOMES["add refused: sold out"] += 1
                return False
            response.failure(f"HTTP {response.status_code}")
            return False

    def remove_problem_lines(self, cart_html: str) -> None:
        """What a shopper sent back to the cart does: remove the lines it says are sold out (or
        short), then try again another time. Without it the crowd's carts only grew, to 100-240
        lines after a 20-minute run, and every later checkout of them was refused."""
        token = csrf_of(cart_html)
        for line in PROBLEM_LINE.findall(cart_html):
            variant = REMOVE_FORM.search(line)
            if not (token and variant):
                continue
            with self.client.post("/cart/remove", name="Cart: remove a line", allow_redirects=False,
                                  data={"csrf_token": token, "variant_id": variant.group(1)}, catch_response=True,
                                  headers=named("Cart: remove a line")) as response:
                if response.status_code in (302, 303):
                    response.success()
                    OUTCOMES["cart: sold-out line removed"] += 1
                else:
                    response.failure(f"HTTP {response.status_code}")

    def check_out(self):
        html = page(self, "Checkout form", "/checkout", count_cache=False)
        form = form_with(html or "", "shipping_method")
        if form is None:
            OUTCOMES["checkout: no form (cart emptied)"] += 1
            return
        fields = {k: v[0] for k, v in form["fields"].items() if v}
        fields.update({"email": f"bench{random.randint(1, 10**6)}@larder.example", "name": "Bench Shopper",
                       "line1": "1 Test Street", "city": "New York", "region": "NY", "postcode": "10001",
                       "country": "US"})
        fields.setdefault("shipping_method", "standard")
        fields.pop("remind_me", None)
        with self.client.post("/checkout", name="Place order", data=fields, allow_redirects=False,
                              catch_response=True, headers=named("Place order")) as response:
            location = response.headers.get("Location") or ""
            if response.status_code == 303 and "/checkout/demo/" in location:
                response.success()
            elif response.status_code in (302, 303):  # back to the cart: sold out in the meantime
                response.success()
                OUTCOMES["checkout refused: stock"] += 1
                self.remove_problem_lines(page(self, "Cart", "/cart", count_cache=False) or "")
                return
            elif response.status_code in (200, 409, 422):  # the form again, with what to fix
                response.success()
                OUTCOMES[f"checkout: form shown again ({response.status_code})"] += 1
                return
            else:
                response.failure(f"HTTP {response.status_code}")
                return
        path = "/checkout/demo/" + location.split("/checkout/demo/", 1)[1]
        html = page(self, "Demo payment page", path, count_cache=False)
        token = csrf_of(html or "")
        if not token:
            return
        with self.client.post(path + "/pay", name="Pay (demo)", data={"csrf_token": token},
                              allow_redirects=False, catch_response=True, headers=named("Pay (demo)")) as response:
            if response.status_code in (302, 303):
                response.success()
                OUTCOMES["orders paid"] += 1
            else:
                response.failure(f"HTTP {response.status_code}")


def login(user, email: str, password: str, kind: str) -> None:
    html = page(user, f"{kind}: sign-in form", "/account/login", count_cache=False)
    token = csrf_of(html or "")
    with user.client.post("/account/login", name=f"{kind}: sign in", allow_redirects=False, catch_response=True,
                          headers=named(f"{kind}: sign in"),
                          data={"csrf_token": token or "", "email": email, "password": password}) as response:
        if response.status_code in (302, 303):
            response.success()
        else:
            response.failure(f"sign-in refused: HTTP {response.status_code}")


# ---------------------------------------------------------------- the crowd


class Visitor(Browsing, FastHttpUser):
    weight = 14
    wait_time = between(0.5, 2.0)

    @task
    def browse(self):
        self.browse_once()


class Shopper(Browsing, Buying, FastHttpUser):
    """Anonymous: browses, adds to cart, checks out about one visit in three."""

    weight = 3
    wait_time = between(0.5, 2.0)

    @task(6)
    def browse(self):
        self.browse_once()

    @task(2)
    def buy(self):
        if self.add_to_cart(low_stock=random.random() < 0.3) and random.random() < 0.5:
            self.check_out()


class Customer(Browsing, Buying, FastHttpUser):
    """Signed in: browses and buys as themselves for a visit of VISIT_TASKS tasks, then leaves; the
    next visit starts in a fresh browser (no cookies) with the sign-in form. Customers so sign in
    all along the run, as in a store, not only when the crowd starts."""

    weight = 2
    wait_time = between(0.5, 2.0)
    signed_in = True
    VISIT_TASKS = (8, 24)

    def on_start(self):
        self.new_visit()

    def new_visit(self):
        self.client.cookiejar.clear()
        login(self, random.choice(DATA["customers"]), DATA["password"], "Customer")
        self.tasks_left = random.randint(*self.VISIT_TASKS)

    def visit_goes_on(self):
        self.tasks_left -= 1
        if self.tasks_left <= 0:
            self.new_visit()

    @task(6)
    def browse(self):
        self.browse_once()
        self.visit_goes_on()

    @task(2)
    def buy(self):
        if self.add_to_cart(low_stock=random.random() < 0.3) and random.random() < 0.5:
            self.check_out()
        self.visit_goes_on()


class Staff(FastHttpUser):
    """One editor at work: a variant's price, then an article, every few seconds, by the admin forms."""

    fixed_count = 1
    wait_time = constant_pacing(float(os.environ.get("LARDER_MIXED_EDIT_SECONDS", "3")))

    def on_start(self):
        login(self, DATA["staff"], DATA["password"], "Staff")
        self.turn = 0

    @task
    def edit(self):
        self.turn += 1
        if self.turn % 2:
            self.edit_price()
        else:
            self.edit_article()

    def _round_trip(self, path: str, field: str, change, kind: str) -> None:
        html = page(self, f"Admin: {kind} form", path, count_cache=False)
        # What admin.js does next: the article editor's suggestions, when the page came without
        # them (not ranked yet), fetched apart while the editor is in use.
        later = SUGGESTIONS_SRC.search(html or "")
        if later:
            fetch_panel(self, f"Admin: {kind} suggestions (fetched by the page)", later.group(1))
        form = form_with(html or "", field)
        if form is None:
            return
        fields = {k: v if len(v) > 1 else (v[0] if v else "") for k, v in form["fields"].items()}
        change(fields)
        with self.client.post(form["action"] or path, name=f"Admin: save {kind}", data=fields,
                              allow_redirects=False, catch_response=True, headers=named(f"Admin: save {kind}")) as response:
            if response.status_code in (302, 303):
                response.success()
                OUTCOMES[f"staff edits: {kind}"] += 1
            else:
                response.failure(f"HTTP {response.status_code}")

    def edit_price(self):
        product_id, variant_id = random.choice(DATA["staff_variants"])

        def change(fields):
            price = float(fields["variant-price"] or "10")
            fields["variant-price"] = f"{max(1.0, price + random.choice([-0.5, 0.5])):.2f}"

        self._round_trip(f"/admin/products/{product_id}/variants/{variant_id}", "variant-price", change, "price")

    def edit_article(self):
        article_id = random.choice(DATA["staff_articles"])

        def change(fields):
            body = fields["body"].rstrip()
            note = "\n\nUpdated by the bench."
            fields["body"] = body[: -len(note.strip())].rstrip() if body.endswith(note.strip()) else body + note
            fields["action"] = "save"

        self._round_trip(f"/admin/articles/{article_id}", "body", change, "article")
