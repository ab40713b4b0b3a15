"""schema.org JSON-LD for article pages: the Article and its breadcrumb trail."""

from __future__ import annotations

from flask import current_app
from markupsafe import Markup

from blog.models import Article
from storefront.clock import as_utc
from storefront.json_ld import to_script_json
from storefront.site_urls import absolute_url_for
from storefront.templating import image_url


def _person(author) -> dict:
    person = {"@type": "Person", "name": author.name}
    if author.credentials:
        person["honorificSuffix"] = author.credentials
    return person


def article_json_ld(article: Article, canonical: str) -> Markup:
    """An Article (medically reviewed when it has a reviewer) and its BreadcrumbList."""
    store = current_app.config["STORE_NAME"]
    data = {
        "@type": "Article",
        "headline": article.title,
        "description": article.seo_description or article.dek,
        "mainEntityOfPage": canonical,
        "url": canonical,
        "datePublished": as_utc(article.published_at).isoformat() if article.published_at else None,
        "dateModified": as_utc(article.updated_at).isoformat() if article.updated_at else None,
        "wordCount": article.word_count,
        "keywords": ", ".join(t.name for t in article.tags) or None,
        "author": _person(article.author) if article.author else None,
        "publisher": {"@type": "Organization", "name": store},
        "image": image_url(article.hero_image_path, external=True) if article.hero_image_path else None,
        "citation": [r["url"] or r["title"] for r in article.references] or None,
    }
    if article.reviewer is not None:
        data["reviewedBy"] = _person(article.reviewer)
        if article.last_reviewed_at:
            data["lastReviewed"] = as_utc(article.last_reviewed_at).date().isoformat()
    breadcrumbs = {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Home", "item": absolute_url_for("catalog.home")},
            {"@type": "ListItem", "position": 2, "name": "Journal", "item": absolute_url_for("blog.index")},
            {"@type": "ListItem", "position": 3, "name": article.title, "item": canonical},
        ],
    }
    graph = [{k: v for k, v in data.items() if v not in (None, "", [])}, breadcrumbs]
    return to_script_json({"@context": "https://schema.org", "@graph": graph})
