"""Report helpers: the reporting period and the chart geometry."""

from __future__ import annotations

from datetime import date, timedelta

from storefront.admin.reports import DaySales, period_from, sales_chart

TODAY = date(2026, 11, 26)


def test_default_period_is_the_last_30_days():
    period = period_from(None, None, TODAY)
    assert (period.start, period.end, len(period.days)) == (date(2026, 10, 28), TODAY, 30)


def test_reversed_dates_are_swapped():
    period = period_from(date(2026, 11, 20), date(2026, 11, 1), TODAY)
    assert (period.start, period.end) == (date(2026, 11, 1), date(2026, 11, 20))


def test_period_length_is_capped_at_a_year():
    period = period_from(date(2000, 1, 1), TODAY, TODAY)
    assert len(period.days) == 366


def test_chart_bars_scale_to_the_best_day():
    days = [DaySales(TODAY - timedelta(days=2 - i), 1, revenue) for i, revenue in enumerate([0, 500, 1000])]
    chart = sales_chart(days, width=300, height=124)
    heights = [bar.height for bar in chart.bars]
    assert heights[0] == 0 and heights[2] == 90 and heights[1] == 45
    assert chart.max_value == 1000
    assert all(bar.y + bar.height == chart.baseline for bar in chart.bars)


def test_chart_of_a_quiet_period_has_no_bars_above_the_axis():
    chart = sales_chart([DaySales(TODAY, 0, 0)])
    assert chart.bars[0].height == 0 and chart.max_value == 0
