"""The product page as a shopper on a phone meets it: gallery, the price of each option, the
delivery and returns line by the button, and "You may also like"."""

import re

from storefront.catalog.models import ProductImage
from storefront.extensions import db
from storefront.site_settings import save_site_settings
from tests.factories import make_collection, make_product


def _page(client, slug="mag"):
    response = client.get(f"/products/{slug}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _related(html):
    """Slugs of the cards under "You may also like", in order; None without the section."""
    found = re.search(r'<section class="related-products".*?</section>', html, re.S)
    return re.findall(r'class="card-title"><a href="/products/([^"]+)"', found.group(0)) if found else None


def test_each_option_label_carries_its_own_price(client, app):
    make_product("mag", variants=[
        {"price": 1899, "stock": 5, "option": "60 capsules"},
        {"price": 3199, "compare_at_price": 3499, "stock": 5, "option": "120 capsules"},
    ])
    html = _page(client)
    labels = re.findall(r'<label class="variant-option[^"]*">(.*?)</label>', html, re.S)
    assert len(labels) == 2
    assert "60 capsules" in labels[0] and "$18.99" in labels[0] and "$31.99" not in labels[0]
    assert "120 capsules" in labels[1] and "$31.99" in labels[1] and "$34.99" in labels[1]
    shown = re.search(r"<p class=\"product-price\" data-product-price>(.*?)</p>", html, re.S).group(1)
    assert "$18.99" in shown  # the option chosen by default


def test_the_buy_box_comes_before_the_description(client, app):
    make_product("mag", description="A long story about magnesium.")
    html = _page(client)
    assert html.index("Add to cart</button>") < html.index("A long story about magnesium.")
    assert html.index('data-product-price') < html.index("Add to cart</button>")


def test_the_delivery_and_returns_line_sits_by_the_button_and_comes_from_settings(client, app):
    make_product("mag")
    html = _page(client)
    default = "Packed and dispatched within two working days. Unopened items can come back within 30 days."
    assert f'<p class="trust-line">{default}</p>' in html
    assert html.index("Add to cart</button>") < html.index('class="trust-line"') < html.index("</form>", html.index("Add to cart</button>"))
    save_site_settings({"trust_line": "Free delivery over $40 & returns within 14 days."})
    assert '<p class="trust-line">Free delivery over $40 &amp; returns within 14 days.</p>' in _page(client)
    save_site_settings({"trust_line": ""})
    assert 'class="trust-line"' not in _page(client)


def test_the_trust_line_is_edited_in_admin_settings(client, app, auth):
    from tests.factories import make_user

    auth.login(make_user(role="admin"))
    form = client.get("/admin/settings").get_data(as_text=True)
    assert 'name="trust_line"' in form and "Packed and dispatched within two working days." in form
    response = client.post("/admin/settings", data={
        "banner_enabled": "y", "banner_text": "Hello", "banner_link": "/products", "tagline": "Kind food",
        "trust_line": "  Ships tomorrow. Easy returns.  ", "review_max_age_days": "365",
    })
    assert response.status_code == 302
    auth.logout()
    make_product("mag")
    assert '<p class="trust-line">Ships tomorrow. Easy returns.</p>' in _page(client)


def test_every_image_is_in_the_gallery_with_a_thumbnail_link_to_it(client, app):
    product = make_product("mag", title="Magnesium")
    product.images = [
        ProductImage(path="img/products/front.svg", alt="Jar, front", position=0),
        ProductImage(path="uploads/abc.webp", alt="Jar, label", width=1200, height=1200, widths=[320, 640, 1024], position=1),
        ProductImage(path="uploads/old.webp", alt="Capsules", width=900, height=900, position=2),
    ]
    db.session.commit()
    html = _page(client)
    gallery = re.search(r'<section class="gallery".*?</section>', html, re.S).group(0)
    for n in (1, 2, 3):
        assert f'<li id="image-{n}">' in gallery
        assert f'href="#image-{n}"' in gallery
    assert "Show image 2 of 3: Jar, label" in gallery
    assert 'src="/uploads/abc-320w.webp"' in gallery  # the thumbnail uses the smallest copy
    assert 'srcset="/uploads/abc-320w.webp 320w, /uploads/abc-640w.webp 640w, /uploads/abc-1024w.webp 1024w, /uploads/abc.webp 1200w"' in gallery
    # An upload from before sized copies existed, and a vector image: a plain src, no srcset.
    old = re.search(r'<li id="image-3"><img [^>]*>', gallery).group(0)
    assert 'src="/uploads/old.webp"' in old and "srcset" not in old
    front = re.search(r'<li id="image-1"><img [^>]*>', gallery).group(0)
    assert "srcset" not in front and 'alt="Jar, front"' in front


def test_a_single_image_has_no_thumbnails(client, app):
    make_product("mag")
    assert 'class="gallery-thumbs"' not in _page(client)


def test_you_may_also_like_shows_certified_in_stock_kin_only(client, app):
    shelf = make_collection("supplements")
    other = make_collection("teas")
    make_product("mag", certified=True, tags=["vegan"], collection=shelf)
    make_product("zinc", certified=True, collection=shelf)  # same collection
    make_product("oat-bar", certified=True, tags=["vegan"], collection=other)  # shares a tag
    make_product("uncertified", tags=["vegan"], collection=shelf)
    make_product("sold-out", certified=True, stock=0, tags=["vegan"], collection=shelf)
    make_product("archived", certified=True, tags=["vegan"], collection=shelf, status="archived")
    make_product("stranger", certified=True, tags=["keto"], collection=other)  # nothing shared
    related = _related(_page(client))
    assert related is not None and set(related) == {"zinc", "oat-bar"}
    assert related[0] == "zinc"  # the same collection first
    assert "You may also like" in _page(client)


def test_you_may_also_like_shows_at_most_four_never_the_product_itself(client, app):
    shelf = make_collection("supplements")
    make_product("mag", certified=True, tags=["vegan"], collection=shelf)
    for i in range(6):
        make_product(f"kin-{i}", certified=True, tags=["vegan"], collection=shelf)
    related = _related(_page(client))
    assert len(related) == 4 and "mag" not in related
    assert related == ["kin-5", "kin-4", "kin-3", "kin-2"]  # newest first


def test_no_kin_no_section(client, app):
    make_product("mag", certified=True, tags=["vegan"])
    make_product("stranger", certified=True, tags=["keto"])
    html = _page(client)
    assert _related(html) is None and "You may also like" not in html
