"""`make audit` (audit/lighthouse.py): which scores fail the bar, and what the summary names."""

from __future__ import annotations

from audit.lighthouse import PAGES, Page, Result, problems_of, table

PRODUCT = Page("product", "Product", "/products/x")
FILTERED = next(p for p in PAGES if p.key == "collection-filtered")


def scores(perf=100, a11y=100, bp=100, seo=100):
    return {"performance": perf, "accessibility": a11y, "best-practices": bp, "seo": seo}


def test_the_bars_are_90_for_performance_and_95_for_the_rest():
    assert Result(PRODUCT, "mobile", scores(perf=90, a11y=95, bp=95, seo=95)).failures() == []
    failures = Result(PRODUCT, "mobile", scores(perf=89, a11y=94, bp=94, seo=94)).failures()
    assert failures == [
        "product mobile: performance 89 < 90",
        "product mobile: accessibility 94 < 95",
        "product mobile: best-practices 94 < 95",
        "product mobile: seo 94 < 95",
    ]


def test_only_the_noindex_filtered_collection_is_exempt_from_seo():
    assert FILTERED.seo_exempt and "certified=1" in FILTERED.path
    assert [p.key for p in PAGES if p.seo_exempt] == ["collection-filtered"]
    assert Result(FILTERED, "desktop", scores(seo=69)).failures() == []
    assert Result(FILTERED, "desktop", scores(a11y=80, seo=69)).failures() == ["collection-filtered desktop: accessibility 80 < 95"]
    assert "69 (exempt)" in table([Result(FILTERED, "desktop", scores(seo=69))])


def test_a_crashed_run_or_a_missing_score_fails():
    assert Result(PRODUCT, "mobile", error="NO_NAVSTART").failures() == ["product mobile: Lighthouse failed: NO_NAVSTART"]
    assert Result(PRODUCT, "mobile", scores(perf=None)).failures() == ["product mobile: performance None < 90"]


def test_the_summary_names_each_failing_audit_and_its_elements():
    report = {
        "categories": {
            "performance": {"auditRefs": [{"id": "uses-text-compression", "weight": 0}]},
            "accessibility": {"auditRefs": [{"id": "color-contrast", "weight": 7}, {"id": "image-alt", "weight": 10}]},
            "best-practices": {"auditRefs": []},
            "seo": {"auditRefs": [{"id": "is-crawlable", "weight": 4.6}]},
        },
        "audits": {
            "uses-text-compression": {"score": 0, "scoreDisplayMode": "metricSavings", "title": "Enable text compression",
                                      "details": {"items": [{"url": "http://127.0.0.1:9600/"}]}},
            "color-contrast": {"score": 0, "scoreDisplayMode": "binary", "title": "Contrast",
                               "details": {"items": [{"node": {"type": "node", "selector": "footer > p.small",
                                                               "snippet": '<p class="small">'}}]}},
            "image-alt": {"score": 1, "scoreDisplayMode": "binary", "title": "Alt text"},
            "is-crawlable": {"score": 1, "scoreDisplayMode": "binary", "title": "Crawlable"},
        },
    }
    lines = problems_of(report)
    assert len(lines) == 2
    assert lines[0].startswith("[perf] uses-text-compression (0.00, hint: no weight in the score)")
    assert "http://127.0.0.1:9600/" in lines[0]
    assert lines[1].startswith("[a11y] color-contrast (0.00): Contrast")
    assert 'footer > p.small <p class="small">' in lines[1]
