"""Pages change when a certificate starts or lapses, with no write at that moment (issue 20).

A certificate is valid by the day: the first day of `valid_from` it is in force, the day after
`valid_until` it is not, and nothing touches the database at either midnight. Page and fragment
keys used to hold today's date for that, so every stored page and fragment in the store was
rendered again after every midnight (UTC): a store open past midnight started from an empty
cache, 100,000 product pages and every listing included, even on the many days when no
certificate started or ended.

The marker below takes the date's place. It is the latest day on which a certificate started
(up to today) and the latest last day of a certificate that has ended (before today), read in
the page-state statement (storefront.caching.version.register_time_marker): on a day when a
certificate starts, the first part moves to that day; on the day after one ends, the second
part moves to its last day. Each part only ever grows, and one of them grows on every day a
certificate changes what pages say, so the keys change exactly on those days. Two indexed
maxima, no extra query.
"""

from __future__ import annotations

CERTIFICATE_DAYS_SQL = (
    "SELECT COALESCE((SELECT CAST(MAX(valid_from) AS VARCHAR(10)) FROM certification "
    "WHERE valid_from <= :today), '-') || '/' || "
    "COALESCE((SELECT CAST(MAX(valid_until) AS VARCHAR(10)) FROM certification "
    "WHERE valid_until < :today), '-')"
)


def init_certificate_days(app) -> None:
    from storefront.caching.version import register_time_marker

    register_time_marker(app, "certificates", CERTIFICATE_DAYS_SQL)
