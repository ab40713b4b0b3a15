"""Information pages: render and sanitise Markdown at save time, read them for the public page."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from markdown_it import MarkdownIt
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from blog.sanitising import sanitize_html
from storefront.clock import now
from storefront.extensions import db
from storefront.pages.content import STANDARD_BY_SLUG, STANDARD_PAGES
from storefront.pages.models import SitePage
from storefront.slugs import SLUG_RE, slugify


class PageError(ValueError):
    """The page cannot be saved as asked; the message says why, for the staff member."""


@dataclass(frozen=True)
class PageView:
    """What the public page shows: a saved page, or a standard page's default text."""

    slug: str
    title: str
    body_html: str
    updated_at: datetime | None


@dataclass(frozen=True)
class PageRow:
    """One line of the staff list: a saved page, or a standard page still on its default text."""

    slug: str
    title: str
    saved: bool
    standard: bool
    updated_at: datetime | None


@functools.cache
def _parser() -> MarkdownIt:
    # CommonMark with tables and strikethrough; raw HTML is parsed, then the sanitiser keeps
    # only the blog's allow-list (no script, no style, no event handlers).
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def render_page_markdown(source: str) -> str:
    """Markdown to the sanitised HTML the public page prints as it is."""
    return sanitize_html(_parser().render(source or ""))


@functools.cache
def _default_html(slug: str) -> str:
    return render_page_markdown(STANDARD_BY_SLUG[slug].source)


def get_public_page(slug: str) -> PageView | None:
    """The saved page, else a standard page's default text, else None (one query)."""
    page = db.session.scalar(select(SitePage).where(SitePage.slug == slug))
    if page is not None:
        return PageView(page.slug, page.title, page.body_html, page.updated_at)
    standard = STANDARD_BY_SLUG.get(slug)
    if standard is None:
        return None
    return PageView(standard.slug, standard.title, _default_html(slug), None)


def get_page_for_edit(slug: str) -> SitePage | None:
    return db.session.scalar(select(SitePage).where(SitePage.slug == slug))


def new_standard_page(slug: str) -> SitePage | None:
    """An unsaved page holding a standard page's default text, for the staff form to start from."""
    standard = STANDARD_BY_SLUG.get(slug)
    if standard is None:
        return None
    return SitePage(slug=standard.slug, title=standard.title, body_source=standard.source)


def save_page(page: SitePage | None, title: str, source: str, slug: str = "") -> SitePage:
    """Create or edit a page: the slug is made from the title when empty and must be free."""
    slug = (slug or "").strip() or slugify(title)
    if not SLUG_RE.match(slug):
        raise PageError("The slug may contain only lowercase letters, digits and hyphens.")
    page = page or SitePage()
    clash = db.session.scalar(select(SitePage.id).where(SitePage.slug == slug, SitePage.id != (page.id or 0)))
    if clash is not None:
        raise PageError(f"A page with the slug “{slug}” exists already.")
    page.slug = slug
    page.title = title.strip()
    page.body_source = source or ""
    page.body_html = render_page_markdown(page.body_source)
    page.updated_at = now()
    db.session.add(page)
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent save took the slug between the check and the commit
        db.session.rollback()
        raise PageError(f"A page with the slug “{slug}” exists already.") from None
    return page


def delete_page(page: SitePage) -> None:
    """Remove a page; a standard page goes back to its default text."""
    db.session.delete(page)
    db.session.commit()


def page_rows() -> list[PageRow]:
    """Every saved page, then the standard pages not saved yet, for the staff list."""
    saved = list(db.session.scalars(select(SitePage).order_by(SitePage.title)))
    rows = [PageRow(p.slug, p.title, True, p.slug in STANDARD_BY_SLUG, p.updated_at) for p in saved]
    stored = {p.slug for p in saved}
    rows += [PageRow(s.slug, s.title, False, True, None) for s in STANDARD_PAGES if s.slug not in stored]
    return rows


def public_page_dates() -> list[tuple[str, datetime | None]]:
    """Every page a visitor can open, with its last change, for the sitemap."""
    dates: dict[str, datetime | None] = {s.slug: None for s in STANDARD_PAGES}
    dates.update((slug, changed) for slug, changed in db.session.execute(select(SitePage.slug, SitePage.updated_at)))
    return sorted(dates.items())


def seed_standard_pages() -> int:
    """Store the standard pages that are not saved yet (demo seeding); returns how many."""
    stored = set(db.session.scalars(select(SitePage.slug)))
    missing = [s for s in STANDARD_PAGES if s.slug not in stored]
    for standard in missing:
        db.session.add(
            SitePage(
                slug=standard.slug, title=standard.title, body_source=standard.source,
                body_html=render_page_markdown(standard.source), updated_at=now(),
            )
        )
    db.session.commit()
    return len(missing)
