"""Hostile article source goes through save_article and the article page without surviving."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from blog.services import ArticleValidationError, save_article
from tests.blog.helpers import make_article

HOSTILE = """Intro paragraph.

<script>alert('x')</script>

<img src=x onerror="alert(1)">

[click](javascript:alert(1))

<a href="JaVaScRiPt:alert(1)">link</a>

<iframe src="https://evil.example/"></iframe>

<div onclick="alert(1)" style="background:url(javascript:alert(1))">div</div>

<svg onload=alert(1)><circle/></svg>

<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>

<object data="evil.swf"></object><embed src="evil.swf">

<form action="https://evil.example"><input name=x></form>

<!--cta:0--> forged marker

<p style="position:fixed">styled</p>

<math><mtext><script>alert(1)</script></mtext></math>
"""


class _Attrs(HTMLParser):
    """Every tag and attribute the browser would see."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(name, value or "") for name, value in attrs]


def _article_body(html: str) -> str:
    return html[html.index('class="prose article-body"'):html.index('class="lite-link')]


@pytest.mark.parametrize("view", ["", "/lite"])
def test_hostile_source_is_neutralised_on_the_page(client, view):
    make_article("hostile", HOSTILE)
    html = client.get(f"/blog/hostile{view}").get_data(as_text=True)
    body = _article_body(html) if not view else html[html.index("<main>"):]
    seen = _Attrs()
    seen.feed(body)
    assert not {"script", "iframe", "svg", "object", "embed", "math", "style"} & set(seen.tags)
    for name, value in seen.attrs:
        assert not name.startswith("on"), name
        assert name != "style"
        assert not value.strip().lower().startswith(("javascript:", "data:")), value
        assert "evil.example" not in value
    assert "Intro paragraph." in body
    assert not re.search(r"<!--cta:\d+-->", body)


def test_malformed_shortcode_is_shown_to_the_editor_and_never_saved(client):
    with pytest.raises(ArticleValidationError) as error:
        save_article(source="Hello\n\n[[product:half-open\n", title="Broken")
    assert "Line 3" in error.value.messages[0]
    assert client.get("/blog/broken").status_code == 404
