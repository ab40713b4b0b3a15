"""/favicon.ico: browsers ask for it whatever the page links; it is an icon, not a 404."""

from __future__ import annotations

from io import BytesIO

from PIL import Image


def test_favicon_ico_is_served_as_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert "max-age=" in response.headers["Cache-Control"]
    icon = Image.open(BytesIO(response.data))
    assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]


def test_pages_link_an_icon(client, app):
    from tests.blog.helpers import make_article

    article = make_article()
    for url in ("/", f"/blog/{article.slug}/lite"):
        assert '<link rel="icon" href="/static/img/favicon.' in client.get(url).get_data(as_text=True), url
