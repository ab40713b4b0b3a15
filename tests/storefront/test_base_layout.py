"""The header and footer every shop page shares (templates/base.html), as the HTML a phone receives."""

from __future__ import annotations

import re

from storefront.site_settings import save_site_settings


def _header(html: str) -> str:
    return html[html.index('<header class="site-header">'):html.index("</header>")]


def test_menu_and_search_are_disclosures_that_need_no_script(client):
    header = _header(client.get("/").get_data(as_text=True))
    menu, search = re.findall(r"<details class=\"header-disclosure [^\"]+\">.*?</details>", header, re.S)
    assert "<summary" in menu and ">Menu<" in menu and 'aria-label="Main"' in menu
    assert "<summary" in search and 'class="visually-hidden">Search<' in search
    # The search itself is the ordinary GET form the search page reads.
    assert 'action="/search" method="get"' in search and 'id="header-q"' in search and 'name="q"' in search
    assert "<script" not in header


def test_cart_link_with_its_count_stays_outside_the_menu(client):
    header = _header(client.get("/").get_data(as_text=True))
    cart = header[header.rindex("</details>"):]
    assert 'class="cart-link" href="/cart"' in cart
    assert '<span class="cart-count" data-cart-count>0</span>' in cart


def test_banner_shows_the_text_exactly_as_typed_above_the_header(client):
    save_site_settings({"banner_text": "Free delivery over $40 & <fast>", "banner_link": "/products"})
    html = client.get("/").get_data(as_text=True)
    banner = re.search(r'<aside class="top-banner" aria-label="Announcement">\s*<a href="/products">([^<]*)</a>', html)
    assert banner and banner.group(1) == "Free delivery over $40 &amp; &lt;fast&gt;"
    assert html.index('class="top-banner"') < html.index('class="site-header"')


def test_pages_link_the_icons_browsers_and_phones_ask_for(client):
    head = client.get("/").get_data(as_text=True).split("</head>")[0]
    assert '<link rel="icon" href="/favicon.ico" sizes="32x32">' in head
    assert re.search(r'<link rel="icon" href="/static/img/favicon\.[0-9a-f]+\.svg" type="image/svg\+xml">', head)
    touch = re.search(r'<link rel="apple-touch-icon" href="(/static/img/apple-touch-icon\.[0-9a-f]+\.png)">', head)
    assert touch
    response = client.get(touch.group(1))
    assert response.status_code == 200 and response.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_home_hero_picture_loads_first_and_tiles_wait(client):
    from tests.factories import make_collection

    collection = make_collection("teas", title="Teas")
    collection.image = "img/collections/teas.webp"
    from storefront.extensions import db

    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    hero = html[html.index('<section class="hero"'):html.index("</section>")]
    assert "<h1" in hero and 'href="/collections/low-fodmap-certified"' in hero
    img = re.search(r"<img [^>]*>", hero).group(0)
    assert 'fetchpriority="high"' in img and "loading=" not in img
    assert 'width="1200" height="640"' in img and "srcset=" in img
    tile = re.search(r'<li class="collection-tile">.*?</li>', html, re.S).group(0)
    assert 'loading="lazy"' in tile and 'width="720" height="480"' in tile
