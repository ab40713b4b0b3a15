"""Reading the log: one object's history (with its parts'), and the whole log filtered by object
type, person and dates. Two queries a page (count + rows), whatever the page size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, and_, func, or_, select

from storefront.audit.models import AuditEntry
from storefront.extensions import db
from storefront.pagination import PageNumbers

PER_PAGE = 50
MAX_PAGE = 10_000


@dataclass
class AuditFilters:
    object_type: str = ""
    object_id: str = ""
    actor: str = ""  # an email, or part of one
    since: date | None = None
    until: date | None = None  # inclusive
    page: int = 1


@dataclass
class AuditPage(PageNumbers):
    entries: list[AuditEntry] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = PER_PAGE


def _filtered(stmt: Select, filters: AuditFilters) -> Select:
    if filters.object_type and filters.object_id:
        # An object's history includes its parts' (a product's variants and certificates).
        stmt = stmt.where(or_(
            and_(AuditEntry.object_type == filters.object_type, AuditEntry.object_id == filters.object_id),
            and_(AuditEntry.parent_type == filters.object_type, AuditEntry.parent_id == filters.object_id),
        ))
    elif filters.object_type:
        stmt = stmt.where(AuditEntry.object_type == filters.object_type)
    if filters.actor:
        like = filters.actor.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(func.lower(AuditEntry.actor_email).like(f"%{like}%", escape="\\"))
    if filters.since:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(filters.since, time(), tzinfo=UTC))
    if filters.until:
        stmt = stmt.where(AuditEntry.at < datetime.combine(filters.until + timedelta(days=1), time(), tzinfo=UTC))
    return stmt


def audit_page(filters: AuditFilters, per_page: int = PER_PAGE) -> AuditPage:
    """The newest entries first, filtered; a page past the end shows the last page."""
    total = db.session.scalar(_filtered(select(func.count(AuditEntry.id)), filters)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, filters.page), pages)
    entries = db.session.scalars(
        _filtered(select(AuditEntry), filters)
        .order_by(AuditEntry.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return AuditPage(entries=list(entries), total=total, page=page, per_page=per_page)


def history(object_type: str, object_id: object, page: int = 1, per_page: int = PER_PAGE) -> AuditPage:
    """One object's changes (and its parts'), newest first."""
    return audit_page(AuditFilters(object_type=object_type, object_id=str(object_id), page=page), per_page)


def recent_for(object_type: str, object_ids: list[object], *, action_prefix: str = "", limit: int = 50) -> list[AuditEntry]:
    """The latest entries of several objects of one type (e.g. a product's variants' stock changes)."""
    stmt = select(AuditEntry).where(
        AuditEntry.object_type == object_type, AuditEntry.object_id.in_([str(i) for i in object_ids] or [""])
    )
    if action_prefix:
        stmt = stmt.where(AuditEntry.action.startswith(action_prefix))
    return list(db.session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(limit)))


def object_types() -> list[str]:
    """The kinds of object the log holds, for the filter menu."""
    return list(db.session.scalars(select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)))
