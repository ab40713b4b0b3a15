from datetime import UTC, datetime, timedelta, timezone

from storefront.clock import as_utc


def test_a_naive_stored_time_is_read_as_utc():
    """SQLite returns stored times without an offset; they were written as UTC."""
    assert as_utc(datetime(2024, 3, 1, 23, 30)) == datetime(2024, 3, 1, 23, 30, tzinfo=UTC)
    assert as_utc(datetime(2024, 3, 1, 23, 30)).utcoffset() == timedelta(0)


def test_an_aware_time_keeps_its_instant_and_is_given_in_utc():
    """A PostgreSQL session in another time zone: same instant, and its UTC date (not the local one)."""
    local = datetime(2024, 3, 2, 1, 30, tzinfo=timezone(timedelta(hours=2)))
    moment = as_utc(local)
    assert moment == local
    assert moment.utcoffset() == timedelta(0)
    assert moment.date().isoformat() == "2024-03-01"
