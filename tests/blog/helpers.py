"""Authors and articles for tests, made through the blog's own services."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from blog.models import Author
from blog.review import article_hash
from blog.services import ArticleDraft, Reviewer, approve_article, publish_article, save_article
from storefront.clock import now
from storefront.extensions import db


def make_author(slug: str = "maya-okafor", name: str = "Maya Okafor", role: str = "writer",
                credentials: str = "RD") -> Author:
    author = Author(slug=slug, name=name, role=role, credentials=credentials, bio=f"{name} writes.")
    db.session.add(author)
    db.session.commit()
    return author


def make_article(slug: str = "an-article", source: str = "Some text.\n\n## First part\n\nMore text.",
                 *, title: str | None = None, status: str = "published", days_ago: int = 1,
                 **fields):
    """An article saved through save_article and, unless a draft, published days_ago days ago."""
    result = save_article(None, ArticleDraft(source=source, title=title or slug.replace("-", " ").title(),
                                             slug=slug, **fields))
    article = result.article
    if status != "draft" and article.has_disclaimer:
        approve(article)
    if status != "draft":
        publish_article(article, at=now() - timedelta(days=days_ago))
    return article


def approve(article, reviewer_email: str = "reviewer@example.com"):
    """A medical reviewer's sign-off of the article's current text (health articles publish only so)."""
    return approve_article(article, article_hash(article), Reviewer(None, reviewer_email, article.reviewer),
                           at=article.last_reviewed_at)


def shared_seed(name: str = "magnesium-for-back-pain.txt") -> Path:
    """A file of shared/seed/, which sits beside the repo; from a git worktree, beside the
    main checkout (the worktree's .git file names it)."""
    root = Path(__file__).resolve().parents[2]
    path = root.parent / "shared" / "seed" / name
    git = root / ".git"
    if not path.exists() and git.is_file():
        gitdir = Path(git.read_text(encoding="utf-8").split(":", 1)[1].strip())
        path = gitdir.parents[2].parent / "shared" / "seed" / name
    return path
