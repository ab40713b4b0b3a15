"""One place for "now" and "today", so rules about dates are testable."""

from datetime import UTC, date, datetime


def now() -> datetime:
    """Current time, timezone-aware UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in UTC: certifications and publish dates are judged by it."""
    return now().date()


def as_utc(moment: datetime) -> datetime:
    """A stored or entered moment as aware UTC: every time Larder stores is UTC, and SQLite
    (like a datetime-local form field) hands it back without an offset."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
