"""Static assets: fingerprinted URLs cached for a year, compressed, plain URLs still served."""

from __future__ import annotations

import re


def stylesheet_url(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page).group(1)


def test_pages_link_fingerprinted_assets(client):
    assert stylesheet_url(client)


def test_fingerprinted_asset_is_immutable_for_a_year(client):
    response = client.get(stylesheet_url(client))
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=315360000" in response.headers["Cache-Control"]


def test_fingerprinted_asset_is_served_compressed(client):
    response = client.get(stylesheet_url(client), headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]


def test_plain_url_is_served_with_a_short_max_age(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert "immutable" not in response.headers["Cache-Control"]
