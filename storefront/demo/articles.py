"""Demo journal content: authors and articles loaded from the demo files, idempotently by slug.

Article dates in the files are "days ago", so the demo always looks freshly published.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from blog.models import Article, ArticleStatus, Author
from blog.review import article_hash
from blog.services import (
    ArticleDraft,
    ArticleValidationError,
    Reviewer,
    approve_article,
    publish_article,
    save_article,
)
from storefront.clock import now
from storefront.demo import DEMO_DIR
from storefront.extensions import db

FRONT_MATTER_RE = re.compile(r"\A\+\+\+\n(.*?)\n\+\+\+\n(.*)\Z", re.S)


def read_article_file(path: Path) -> tuple[dict, str]:
    """(front matter, markdown body) of a demo article file."""
    match = FRONT_MATTER_RE.match(path.read_text(encoding="utf-8"))
    if not match:
        raise ValueError(f"{path.name}: front matter must sit between +++ lines at the top")
    return tomllib.loads(match.group(1)), match.group(2)


def seed_authors(directory: Path = DEMO_DIR) -> int:
    """Create the demo authors that do not exist yet; returns how many were added."""
    data = tomllib.loads((directory / "authors.toml").read_text(encoding="utf-8"))
    existing = set(db.session.scalars(select(Author.slug)))
    added = 0
    for item in data.get("authors", []):
        if item["slug"] in existing:
            continue
        db.session.add(
            Author(
                slug=item["slug"],
                name=item["name"],
                credentials=item.get("credentials", ""),
                bio=" ".join(item.get("bio", "").split()),
                role=item.get("role", "writer"),
            )
        )
        added += 1
    db.session.commit()
    return added


def seed_articles(directory: Path = DEMO_DIR, echo: Callable[[str], None] = lambda s: None) -> tuple[int, int]:
    """Create the demo articles that do not exist yet; returns (added, already present)."""
    existing = set(db.session.scalars(select(Article.slug)))
    added = present = 0
    moment = now()
    for path in sorted((directory / "articles").glob("*.md")):
        meta, body = read_article_file(path)
        if meta["slug"] in existing:
            present += 1
            continue
        published = moment - timedelta(days=meta["published_days_ago"])
        updated = moment - timedelta(days=meta.get("updated_days_ago", max(meta["published_days_ago"], 0)))
        reviewed = meta.get("reviewed_days_ago")
        try:
            draft = ArticleDraft(
                source=body,
                title=meta["title"],
                dek=meta.get("dek", ""),
                slug=meta["slug"],
                author=meta.get("author"),
                reviewer=meta.get("reviewer"),
                tags=meta.get("tags", []),
                references=meta.get("references", []),
                seo_title=meta.get("seo_title", ""),
                seo_description=meta.get("seo_description", ""),
                last_reviewed_at=moment - timedelta(days=reviewed) if reviewed is not None else None,
                updated_at=min(updated, moment) if meta["status"] != ArticleStatus.SCHEDULED else published,
            )
            result = save_article(None, draft, allow_unknown_products=meta["status"] == ArticleStatus.DRAFT)
            if result.article.has_disclaimer and draft.last_reviewed_at is not None:
                # The demo files say when their reviewer checked them: that is their sign-off.
                approve_article(result.article, article_hash(result.article),
                                Reviewer(None, "demo data", result.article.reviewer), at=draft.last_reviewed_at)
            if meta["status"] != ArticleStatus.DRAFT:
                publish_article(result.article, at=published)
        except ArticleValidationError as exc:
            echo(f"  skipped {path.name}: {exc}")
            continue
        added += 1
    return added, present
