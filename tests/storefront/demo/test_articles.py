"""Demo articles and authors are valid data: front matter, shortcodes, slugs and references."""

import json
import re
import tomllib
from pathlib import Path

import pytest

from blog.rendering import render_article

ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "storefront" / "demo"
ARTICLE_FILES = sorted((DEMO / "articles").glob("*.md"))
FRONT_MATTER_RE = re.compile(r"\A\+\+\+\n(.*?)\n\+\+\+\n(.*)\Z", re.S)
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
STATUSES = {"draft", "scheduled", "published"}
REQUIRED = {
    "slug": str,
    "title": str,
    "dek": str,
    "author": str,
    "tags": list,
    "published_days_ago": int,
    "status": str,
    "seo_title": str,
    "seo_description": str,
    "references": list,
}


def _split(path: Path) -> tuple[dict, str]:
    match = FRONT_MATTER_RE.match(path.read_text(encoding="utf-8"))
    assert match, f"{path.name}: front matter must sit between +++ lines at the top"
    return tomllib.loads(match.group(1)), match.group(2)


ARTICLES = {path.name: _split(path) for path in ARTICLE_FILES}
AUTHORS = {
    a["slug"]: a for a in tomllib.loads((DEMO / "authors.toml").read_text("utf-8"))["authors"]
}


def _catalog() -> dict:
    return json.loads((DEMO / "catalog.json").read_text(encoding="utf-8"))


def _published():
    return [(meta, body) for meta, body in ARTICLES.values() if meta["status"] == "published"]


def test_there_are_enough_demo_articles():
    assert len(ARTICLE_FILES) >= 6


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_front_matter_has_the_required_fields(name):
    meta, _ = ARTICLES[name]
    for key, kind in REQUIRED.items():
        assert isinstance(meta.get(key), kind), f"{name}: {key} missing or not {kind.__name__}"
    assert meta["slug"] + ".md" == name
    assert SLUG_RE.fullmatch(meta["slug"])
    assert meta["status"] in STATUSES
    assert len(meta["seo_title"]) <= 60
    assert 50 <= len(meta["seo_description"]) <= 160


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_dates_make_sense(name):
    meta, _ = ARTICLES[name]
    published = meta["published_days_ago"]
    for key in ("updated_days_ago", "reviewed_days_ago"):
        if key in meta:
            assert isinstance(meta[key], int)
            if published >= 0 and key == "updated_days_ago":
                assert meta[key] <= published, f"{name}: updated before it was published"
    if meta["status"] == "scheduled":
        assert published < 0
    if meta["status"] == "published":
        assert published >= 0


def test_slugs_are_unique():
    slugs = [meta["slug"] for meta, _ in ARTICLES.values()]
    assert len(slugs) == len(set(slugs))


def test_one_draft_and_one_scheduled_article():
    statuses = [meta["status"] for meta, _ in ARTICLES.values()]
    assert statuses.count("draft") >= 1
    assert statuses.count("scheduled") >= 1
    scheduled = [m for m, _ in ARTICLES.values() if m["status"] == "scheduled"]
    assert any(m["published_days_ago"] == -5 for m in scheduled)


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_authors_and_reviewers_exist_with_the_right_role(name):
    meta, _ = ARTICLES[name]
    assert AUTHORS[meta["author"]]["role"] == "writer"
    if "reviewer" in meta:
        assert AUTHORS[meta["reviewer"]]["role"] == "medical_reviewer"


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_health_articles_are_medically_reviewed(name):
    meta, _ = ARTICLES[name]
    if "health" in meta["tags"]:
        assert "reviewer" in meta, f"{name}: health content needs a medical reviewer"
        assert "reviewed_days_ago" in meta


def test_authors_file_has_writers_and_reviewers():
    roles = [a["role"] for a in AUTHORS.values()]
    assert roles.count("writer") >= 2
    assert roles.count("medical_reviewer") >= 2
    for author in AUTHORS.values():
        assert SLUG_RE.fullmatch(author["slug"])
        assert author["name"] and author["credentials"] and author["bio"]


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_references_are_complete(name):
    meta, _ = ARTICLES[name]
    assert meta["references"], f"{name}: cite at least one source"
    for ref in meta["references"]:
        assert ref["title"] and ref["publisher"]
        assert ref["url"].startswith("https://")


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_body_renders_without_shortcode_errors(name):
    _, body = ARTICLES[name]
    article = render_article(body)
    assert article.errors == []
    assert article.ctas, f"{name}: an article that sells needs at least one CTA"
    assert 600 <= article.word_count <= 1200
    assert {h.level for h in article.headings} == {2, 3}


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_cta_slugs_exist_in_the_catalog(name):
    catalog = _catalog()
    products = {p["slug"] for p in catalog["products"]}
    collections = {c["slug"] for c in catalog.get("collections", [])}
    article = render_article(ARTICLES[name][1])
    assert set(article.product_slugs) <= products
    assert set(article.collection_slugs) <= collections | {"low-fodmap-certified"}


def test_a_published_article_points_at_a_sold_out_product():
    """The demo shows how a sold-out CTA degrades for readers."""
    catalog = _catalog()
    sold_out = {
        p["slug"] for p in catalog["products"] if all(v["stock"] == 0 for v in p["variants"])
    }
    linked = {s for _, body in _published() for s in render_article(body).product_slugs}
    assert linked & sold_out


def test_magnesium_article_sells_all_three_forms():
    meta, body = ARTICLES["magnesium-for-back-pain.md"]
    article = render_article(body)
    kinds = {(c.kind, c.slugs) for c in article.ctas}
    assert ("shop-now", ("magnesium-glycinate",)) in kinds
    assert any(kind == "products" for kind, _ in kinds)
    assert {"magnesium-glycinate", "magnesium-citrate", "magnesium-oxide"} <= set(
        article.product_slugs
    )
    assert "health" in meta["tags"]


def test_beginners_guide_links_the_certified_collection():
    _, body = ARTICLES["low-fodmap-diet-beginners-guide.md"]
    assert "low-fodmap-certified" in render_article(body).collection_slugs
