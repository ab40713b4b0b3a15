"""The editor's suggested products are ranked by a worker when an article is saved: the editor
opened next shows them at once, and the panel fetched while a worker is at it (or asked to be)
is told to come back rather than ranking the catalog in the request. (The tests run jobs
eagerly, at commit, unless `worker_not_there_yet` holds them in the outbox.)"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from blog.models import Article
from storefront.admin.suggestion_ranking import RANK_SUGGESTIONS, rank_article_suggestions
from storefront.clock import now
from storefront.extensions import db
from storefront.jobs.models import JobStatus, OutboxJob

FORM = {"title": "Magnesium for sleep", "slug": "", "dek": "A short guide.", "body": "Why magnesium glycinate at night?",
        "tags": "supplements", "author": "", "reviewer": "", "last_reviewed": "", "seo_title": "",
        "seo_description": "", "publish_at": "", "picker_q": "", "action": "save"}


@pytest.fixture
def worker_not_there_yet(monkeypatch):
    """Jobs recorded stay in the outbox, as while a worker is busy with others."""
    monkeypatch.setattr("storefront.jobs.queue.publish", lambda job_id, run_after=None: None)


def _save(as_editor, article_id: int | None = None, **changes) -> Article:
    url = f"/admin/articles/{article_id}" if article_id else "/admin/articles/new"
    assert as_editor.post(url, data={**FORM, **changes}).status_code == 302
    return db.session.scalar(select(Article).where(Article.slug == "magnesium-for-sleep"))


def _panel(page: str) -> str:
    return page.split('id="suggest-heading"')[1].split("</section>")[0]


def _ranking_jobs() -> list[OutboxJob]:
    return list(db.session.scalars(select(OutboxJob).where(OutboxJob.kind == RANK_SUGGESTIONS).order_by(OutboxJob.id)))


def _searched(counter) -> list[str]:
    return [s for s in counter.statements if "@@" in s or "MATCH" in s]


def test_saving_an_article_has_a_worker_rank_its_suggestions_for_the_next_view(
    as_editor, product, fragment_store, count_queries
):
    article = _save(as_editor)
    (job,) = _ranking_jobs()
    assert job.payload["article_id"] == article.id and job.status == JobStatus.DONE

    with count_queries() as counter:
        page = as_editor.get(f"/admin/articles/{article.id}").get_data(as_text=True)
    assert "[[product:magnesium-glycinate]]" in _panel(page)
    assert "data-suggestions-src" not in page
    assert not _searched(counter), "the editor's view searched the catalog itself"


def test_each_saved_version_gets_its_own_ranking(as_editor, product, fragment_store):
    article = _save(as_editor)
    _save(as_editor, article.id, body="Magnesium glycinate or citrate: which one at night?")
    _save(as_editor, article.id, body="Magnesium glycinate or citrate: which one at night?")  # nothing new
    jobs = _ranking_jobs()
    assert len(jobs) == 2 and jobs[0].payload["version"] != jobs[1].payload["version"]


def test_the_panel_waits_for_a_ranking_a_worker_has_started(as_editor, product, fragment_store, count_queries):
    article = _save(as_editor)
    (job,) = _ranking_jobs()
    fragment_store.flushdb()  # as if the worker had claimed the job and not finished it yet
    job.status, job.created_at = JobStatus.RUNNING.value, now()
    db.session.commit()

    with count_queries() as counter:
        response = as_editor.get(f"/admin/articles/{article.id}/suggestions")
    assert response.status_code == 202 and response.headers["Retry-After"] == "1"
    panel = _panel(response.get_data(as_text=True))
    assert "Still finding products that share words with this article" in panel
    assert f'href="/admin/articles/{article.id}?suggest=1#suggest-heading"' in panel
    assert not _searched(counter), "the request ranked the catalog the worker is ranking"

    rank_article_suggestions(dict(job.payload))  # the worker finishes
    response = as_editor.get(f"/admin/articles/{article.id}/suggestions")
    assert response.status_code == 200
    assert "[[product:magnesium-glycinate]]" in _panel(response.get_data(as_text=True))


def test_a_panel_with_nothing_kept_asks_a_worker_and_is_told_to_come_back(
    as_editor, product, fragment_store, worker_not_there_yet, count_queries
):
    """An article opened for the first time since its words were ranked: the fetch does not rank
    the catalog, it asks a worker to, once however often the page asks again."""
    article = _save(as_editor)
    (saved,) = _ranking_jobs()
    saved.status = JobStatus.DONE.value  # ranked when saved; the ranking has run out since
    db.session.commit()
    fragment_store.flushdb()
    for _ in range(3):
        with count_queries() as counter:
            response = as_editor.get(f"/admin/articles/{article.id}/suggestions")
        assert response.status_code == 202
        assert not _searched(counter)
    saved, asked = _ranking_jobs()
    assert asked.status == JobStatus.PENDING and asked.payload == saved.payload

    from storefront.jobs import run_job

    assert run_job(asked.id) == "done"
    response = as_editor.get(f"/admin/articles/{article.id}/suggestions")
    assert response.status_code == 200
    assert "[[product:magnesium-glycinate]]" in _panel(response.get_data(as_text=True))


def test_a_ranking_asked_for_long_ago_is_done_in_the_request(as_editor, product, fragment_store,
                                                             worker_not_there_yet):
    """A worker that has not ranked one article in half a minute is stopped or far behind."""
    article = _save(as_editor)
    (job,) = _ranking_jobs()
    fragment_store.flushdb()
    job.created_at = now().replace(year=now().year - 1)
    db.session.commit()

    response = as_editor.get(f"/admin/articles/{article.id}/suggestions")
    assert response.status_code == 200
    assert "[[product:magnesium-glycinate]]" in _panel(response.get_data(as_text=True))


def test_a_job_for_an_older_version_ranks_nothing(as_editor, product, fragment_store, count_queries):
    article = _save(as_editor)
    (first,) = _ranking_jobs()
    _save(as_editor, article.id, body="Magnesium glycinate or citrate: which one at night?")
    with count_queries() as counter:
        rank_article_suggestions(dict(first.payload))
    assert not _searched(counter)


def test_a_save_whose_ranking_cannot_be_asked_for_is_still_saved(as_editor, product, fragment_store, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def outbox_down(*args, **kwargs):
        raise OperationalError("INSERT INTO outbox_job", {}, Exception("the outbox table is locked"))

    monkeypatch.setattr("storefront.admin.suggestion_ranking.jobs.record", outbox_down)
    response = as_editor.post("/admin/articles/new", data=FORM, follow_redirects=True)
    assert response.status_code == 200
    assert "Saved." in response.get_data(as_text=True)
    article = db.session.scalar(select(Article).where(Article.slug == "magnesium-for-sleep"))
    assert article is not None and article.body_source.strip() == FORM["body"]
    assert _ranking_jobs() == []
