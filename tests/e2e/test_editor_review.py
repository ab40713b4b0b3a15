"""In Chromium (the issue's must-show 1): an editor writes a health article at full width, sees the
preview at the width readers get, adds two references and a product through the picker, is refused
publication until a medical reviewer approves; the reviewer approves; the article goes live with
"last reviewed"; a later body edit waits for a new approval while the approved text stays public.
Every staff page visited has no serious or critical axe violations. Screenshots of the editor at
390x844 and 1280x800 are written to $EDITOR_SCREENSHOTS (default: the test's tmp dir)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.blog.helpers import make_author
from tests.factories import make_product, make_user
from tests.fixtures.browser import signed_in

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
OPENING = "Magnesium helps muscles relax after they contract, which is why it comes up for back pain."
REVISED = "New research summary, not yet checked by our medical reviewer."

# Characters of the writing area's own (monospace) font that fit on one line.
CHARS_PER_LINE = """el => {
  const probe = document.createElement('span');
  const style = getComputedStyle(el);
  probe.style.font = style.font;
  probe.style.position = 'absolute';
  probe.style.visibility = 'hidden';
  probe.textContent = '0'.repeat(100);
  document.body.appendChild(probe);
  const ch = probe.getBoundingClientRect().width / 100;
  probe.remove();
  const pad = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
  return (el.clientWidth - pad) / ch;
}"""


@pytest.fixture
def people(app):
    make_product("magnesium-glycinate", title="Magnesium Glycinate", price=1899, certified=True)
    make_author("samuel-ortiz", "Dr Samuel Ortiz", role="medical_reviewer", credentials="MD")
    return {"editor": make_user("writer@example.com", role="editor", password=PASSWORD),
            "reviewer": make_user("medic@example.com", role="reviewer", password=PASSWORD)}


def _session(browser, live_server, user, **options):
    return signed_in(browser, live_server, user.email, PASSWORD, **options)


def _shots_dir(tmp_path) -> Path:
    path = Path(os.environ.get("EDITOR_SCREENSHOTS") or tmp_path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_editor_writes_reviewer_approves_and_later_edits_wait(browser, live_server, people, accessible, tmp_path):
    shots = _shots_dir(tmp_path)
    editor_context, page = _session(browser, live_server, people["editor"])
    try:
        page.on("console", lambda m: print("CONSOLE", m.type, m.text))
        page.on("pageerror", lambda e: print("PAGEERROR", e))
        page.goto("/admin/articles/new")
        accessible(page)
        page.get_by_label("Title", exact=True).fill("Magnesium for back pain")
        body = page.get_by_label("Body (Markdown)")
        # A full-width writing area: at least 70 characters a line, and tall.
        assert body.evaluate(CHARS_PER_LINE) >= 70
        assert body.bounding_box()["height"] >= 0.55 * 800
        body.fill(f"{OPENING}\n\n## Which form\n\nGlycinate is gentle on the gut.\n\n")
        body.press("Control+End")

        # A product through the picker (JavaScript inserts the shortcode at the cursor).
        page.get_by_label("Find a product to link").fill("magnesium")
        page.get_by_role("button", name="Insert Magnesium Glycinate").first.click()
        assert "[[product:magnesium-glycinate]]" in body.input_value()

        # Two references, in the rows the form offers.
        refs = [("Magnesium fact sheet", "NIH Office of Dietary Supplements", "2022",
                 "https://ods.od.nih.gov/factsheets/Magnesium-HealthProfessional/"),
                ("Magnesium for skeletal muscle cramps", "Cochrane", "2020",
                 "https://doi.org/10.1002/14651858.CD009402.pub3")]
        for n, (title, publisher, year, url) in enumerate(refs):
            page.locator(f"[name='references-{n}-title']").fill(title)
            page.locator(f"[name='references-{n}-publisher']").fill(publisher)
            page.locator(f"[name='references-{n}-year']").fill(year)
            page.locator(f"[name='references-{n}-url']").fill(url)
        page.get_by_label("Tags").fill("health, supplements")

        # The preview, at the width readers get (Write / Preview tabs at this width).
        page.get_by_role("button", name="Preview", exact=True).click()
        page.wait_for_load_state()
        preview_paragraph = page.locator("[data-preview] > p").first
        preview_paragraph.wait_for()
        assert OPENING in preview_paragraph.inner_text()
        preview_width = preview_paragraph.bounding_box()["width"]
        assert "Magnesium Glycinate" in page.locator("[data-preview] .cta-card").inner_text()
        accessible(page)
        page.screenshot(path=str(shots / "editor-preview-1280x800.png"), full_page=False)
        page.get_by_text("Write", exact=True).click()
        page.screenshot(path=str(shots / "editor-write-1280x800.png"), full_page=False)

        page.get_by_role("button", name="Save draft").click()
        page.wait_for_url(re.compile(r"/admin/articles/\d+$"))
        editor_url = page.url

        # Publishing a health article is refused, saying why and what is waiting.
        page.get_by_role("button", name="Publish").click()
        page.wait_for_url(re.compile(r"/admin/articles/\d+$"))
        assert page.locator(".flash-error", has_text="Medical review needed").first.is_visible()
        assert page.locator("[data-review-status]", has_text="Not approved yet").is_visible()
        accessible(page)
        assert page.request.get("/blog/magnesium-for-back-pain").status == 404

        # The reviewer reads the version and approves it.
        reviewer_context, review_page = _session(browser, live_server, people["reviewer"])
        try:
            review_page.goto(editor_url + "/review")
            accessible(review_page)
            review_page.get_by_label("Shown to readers as").select_option("samuel-ortiz")
            review_page.get_by_role("button", name="Approve this version").click()
            review_page.wait_for_url(re.compile(r"/admin/articles/\d+$"))
            assert review_page.locator(".flash", has_text="Approved").first.is_visible()
            accessible(review_page)
        finally:
            reviewer_context.close()

        # Now the editor may publish; readers see "last reviewed", the reviewer and the references.
        page.goto(editor_url)
        page.get_by_role("button", name="Publish").click()
        page.wait_for_url(re.compile(r"/admin/articles/\d+$"))
        assert page.locator(".flash", has_text="Published.").first.is_visible()
        accessible(page)
        page.goto("/blog/magnesium-for-back-pain")
        assert page.locator(".article-dates", has_text="Last reviewed").is_visible()
        assert page.locator(".byline-reviewer", has_text="Dr Samuel Ortiz").is_visible()
        items = page.locator(".references ol li")
        assert items.count() == 2
        assert items.first.get_by_role("link").get_attribute("rel") == "noopener nofollow"
        public_paragraph = page.locator(".article-body > p").first
        assert OPENING in public_paragraph.inner_text()
        assert abs(public_paragraph.bounding_box()["width"] - preview_width) < 1.5

        # A later body edit waits for a new approval; readers keep the approved text.
        page.goto(editor_url)
        body = page.get_by_label("Body (Markdown)")
        body.fill(body.input_value().replace(OPENING, REVISED))
        page.get_by_role("button", name="Save and keep published").click()
        page.wait_for_url(re.compile(r"/admin/articles/\d+$"))
        assert page.locator("[data-review-status]", has_text="waiting for a medical reviewer").is_visible()
        assert REVISED in page.get_by_label("Body (Markdown)").input_value()
        accessible(page)
        page.goto("/blog/magnesium-for-back-pain")
        article_text = page.locator(".article-body").inner_text()
        assert OPENING in article_text and REVISED not in article_text

        page.goto(editor_url + "/review")
        assert page.get_by_role("heading", name="What changed in the body").is_visible()
        accessible(page)
    finally:
        editor_context.close()


def test_editor_on_a_phone(browser, live_server, people, accessible, tmp_path):
    shots = _shots_dir(tmp_path)
    context, page = _session(browser, live_server, people["editor"], width=390, height=844, is_mobile=True)
    try:
        page.goto("/admin/articles/new")
        page.get_by_label("Title", exact=True).fill("Magnesium for back pain")
        page.get_by_label("Body (Markdown)").fill(OPENING)
        page.screenshot(path=str(shots / "editor-write-390x844.png"), full_page=False)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.get_by_role("button", name="Preview", exact=True).click()
        page.wait_for_load_state()
        assert page.locator("[data-preview] > p").first.is_visible()
        assert page.get_by_label("Body (Markdown)").is_hidden()  # tabs: one pane at a time
        page.screenshot(path=str(shots / "editor-preview-390x844.png"), full_page=False)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        accessible(page)
    finally:
        context.close()


def test_autosave_keeps_a_draft_and_shows_a_conflict_instead_of_overwriting(browser, live_server, people, accessible):
    from blog.services import ArticleDraft, save_article
    from storefront.extensions import db

    article = save_article(None, ArticleDraft(source="First words.", title="Autosaved draft")).article
    context, page = _session(browser, live_server, people["editor"])
    try:
        page.goto(f"/admin/articles/{article.id}")
        body = page.get_by_label("Body (Markdown)")
        body.fill("First words, and a second thought.")
        status = page.locator("[data-autosave-status]")
        status.filter(has_text="saved automatically at").wait_for()
        db.session.expire_all()
        assert db.session.get(type(article), article.id).body_source == "First words, and a second thought."

        # Meanwhile the draft is changed elsewhere (another tab, a colleague).
        save_article(db.session.get(type(article), article.id),
                     ArticleDraft(source="A colleague's rewrite.", title="Autosaved draft"))
        body.fill("First words, and a second thought. And a third.")
        conflict = page.locator("[data-autosave-conflict]")
        conflict.wait_for()
        assert page.locator("[data-conflict-theirs]").input_value() == "A colleague's rewrite."
        assert body.input_value() == "First words, and a second thought. And a third."  # nothing lost
        db.session.expire_all()
        assert db.session.get(type(article), article.id).body_source == "A colleague's rewrite."
        accessible(page)

        # The editor knowingly keeps their own text (the replaced one stays in Revisions).
        page.get_by_role("button", name="Keep mine (replace the newer version)").click()
        status.filter(has_text="saved automatically at").wait_for()
        db.session.expire_all()
        assert db.session.get(type(article), article.id).body_source == "First words, and a second thought. And a third."
    finally:
        context.close()


def test_wide_screens_show_writing_and_preview_side_by_side(browser, live_server, people, tmp_path):
    shots = _shots_dir(tmp_path)
    context, page = _session(browser, live_server, people["editor"], width=1920, height=1080)
    try:
        page.goto("/admin/articles/new")
        page.get_by_label("Title", exact=True).fill("Side by side")
        page.get_by_label("Body (Markdown)").fill(OPENING)
        page.get_by_role("button", name="Preview", exact=True).click()
        page.wait_for_load_state()
        write = page.get_by_label("Body (Markdown)").bounding_box()
        preview = page.locator("[data-preview] > p").first.bounding_box()
        assert preview["x"] > write["x"] + write["width"]  # beside it, not below
        assert page.get_by_label("Body (Markdown)").evaluate(CHARS_PER_LINE) >= 70
        page.screenshot(path=str(shots / "editor-1920x1080.png"))
    finally:
        context.close()


def test_reference_rows_are_added_and_removed_in_place_with_javascript(browser, live_server, people):
    context, page = _session(browser, live_server, people["editor"])
    try:
        page.goto("/admin/articles/new")
        rows = page.locator("[data-reference-row]")
        assert rows.count() == 2
        page.get_by_role("button", name="Add a reference row").click()
        assert rows.count() == 3 and page.url.endswith("/admin/articles/new")  # no round trip
        page.locator("[name='references-2-title']").fill("Third source")
        page.get_by_role("button", name="Remove reference 1").click()
        assert rows.count() == 2
        # Renumbered, so the server reads the rows in their new order.
        assert page.locator("[name='references-1-title']").input_value() == "Third source"
        assert page.get_by_label("Title of reference 2").input_value() == "Third source"
    finally:
        context.close()
