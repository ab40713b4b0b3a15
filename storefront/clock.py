"""One place for "now" and "today", so rules about dates are testable."""

from datetime import UTC, date, datetime


def now() -> datetime:
    """Current time, timezone-aware UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in UTC: certifications and publish dates are judged by it."""
    return now().date()
