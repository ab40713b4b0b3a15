"""Report helpers: the reporting period and the chart geometry."""

from __future__ import annotations

from datetime import date, timedelta

from storefront.admin.reports import DaySales, nice_axis_step, period_from, sales_chart

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


def test_chart_bars_scale_to_a_round_money_axis_above_the_best_day():
    days = [DaySales(TODAY - timedelta(days=2 - i), 1, revenue) for i, revenue in enumerate([0, 900, 1800])]
    chart = sales_chart(days)
    assert chart.max_value == 1800 and chart.axis_max == 2000  # four steps of $5.00
    assert [t.value for t in chart.y_ticks] == [0, 500, 1000, 1500, 2000]
    heights = [bar.height for bar in chart.bars]
    assert heights[0] == 0 and heights[1] == 45 and heights[2] == 90
    assert all(bar.y + bar.height == chart.baseline for bar in chart.bars)


def test_axis_steps_are_round_amounts():
    assert [nice_axis_step(peak) for peak in (0, 350, 401, 1800, 18_340, 99_999)] == [100, 100, 200, 500, 5000, 25000]


def test_date_axis_names_the_first_middle_and_last_day():
    days = [DaySales(TODAY - timedelta(days=29 - i), 0, 0) for i in range(30)]
    ticks = sales_chart(days).x_ticks
    assert [t.at for t in ticks] == [0, 25, 50, 75, 100]
    assert ticks[0].value == days[0].day and ticks[-1].value == TODAY


def test_chart_of_a_quiet_period_has_no_bars_above_the_axis():
    chart = sales_chart([DaySales(TODAY, 0, 0)])
    assert chart.bars[0].height == 0 and chart.max_value == 0
    assert chart.y_ticks[0].value == 0 and chart.axis_max > 0  # the axis still reads $0.00 upwards
