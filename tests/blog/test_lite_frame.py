"""The lite view keeps the seed page's frame: the site banner first, "Related articles" last."""

from __future__ import annotations

from storefront.site_settings import save_site_settings
from tests.blog.helpers import make_article


def test_lite_view_opens_with_the_banner_and_ends_with_related_articles(client):
    save_site_settings({"banner_text": "Low FODMAP Certified. Shop Now For Gut Health"})
    make_article("fibre-basics", "Fibre.", title="Fibre Basics", tags=["Guides"], days_ago=3)
    make_article("oat-notes", "Oats.", title="Oat Notes", tags=["Guides"], days_ago=4)
    make_article("magnesium", "Magnesium text.", title="Magnesium For Back Pain", tags=["Guides"])
    html = client.get("/blog/magnesium/lite").get_data(as_text=True)
    body = html[html.index("<body>"):]
    assert body.index("Low FODMAP Certified. Shop Now For Gut Health") < body.index("Magnesium For Back Pain")
    related = body[body.index("Related articles"):]
    assert body.index("Magnesium text.") < body.index("Related articles")
    assert 'href="/blog/fibre-basics/lite" target="_self">Fibre Basics</a>' in related
    assert 'href="/blog/oat-notes/lite" target="_self">Oat Notes</a>' in related
    assert "Go to full site" in related
    assert "<script" not in html and "<link rel=\"stylesheet\"" not in html


def test_lite_view_without_banner_or_related_articles(client):
    save_site_settings({"banner_enabled": "0"})
    make_article("alone", "Only me.")
    html = client.get("/blog/alone/lite").get_data(as_text=True)
    assert 'class="lite-banner"' not in html and "Related articles" not in html


def test_lite_css_stays_tiny(app):
    from blog.views import LITE_CSS

    assert len(LITE_CSS.encode()) < 2500
