"""Collection tile images: uploaded on the collection's staff page, shown on the home page."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from storefront.catalog.models import Collection
from storefront.extensions import db
from tests.storefront.admin.conftest import png_bytes


def _upload(client, collection, data: bytes, filename: str = "tile.png"):
    return client.post(
        f"/admin/collections/{collection.id}/image",
        data={"image-image": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def _image(collection) -> str | None:
    db.session.expire_all()
    return db.session.get(Collection, collection.id).image


def test_upload_is_cropped_to_a_tile_and_shown_on_the_home_page(app, as_admin, client, collection):
    response = _upload(as_admin, collection, png_bytes(size=(1000, 1000)))
    assert response.status_code == 302
    path = _image(collection)
    assert path.startswith("uploads/") and path.endswith(".webp")
    with Image.open(Path(app.config["UPLOAD_FOLDER"]) / path.removeprefix("uploads/")) as img:
        assert (img.format, img.size) == ("WEBP", (720, 480))
    home = client.get("/").get_data(as_text=True)
    assert f'src="/uploads/{path.removeprefix("uploads/")}"' in home
    assert 'width="720" height="480" loading="lazy"' in home


def test_a_new_upload_replaces_the_old_file(app, as_admin, collection):
    _upload(as_admin, collection, png_bytes())
    first = _image(collection)
    _upload(as_admin, collection, png_bytes(color=(10, 200, 10)))
    second = _image(collection)
    folder = Path(app.config["UPLOAD_FOLDER"])
    assert second != first
    assert not (folder / first.removeprefix("uploads/")).exists()
    assert (folder / second.removeprefix("uploads/")).exists()


def test_not_an_image_is_refused_with_a_reason(as_admin, collection):
    response = _upload(as_admin, collection, b"<svg onload='x'></svg>", filename="tile.svg")
    assert response.status_code == 422
    assert "SVG files are not accepted" in response.get_data(as_text=True)
    assert _image(collection) is None


def test_removing_the_image_leaves_a_plain_tile(app, as_admin, client, collection):
    _upload(as_admin, collection, png_bytes())
    path = _image(collection)
    assert as_admin.post(f"/admin/collections/{collection.id}/image/delete").status_code == 302
    assert _image(collection) is None
    assert not (Path(app.config["UPLOAD_FOLDER"]) / path.removeprefix("uploads/")).exists()
    tile = client.get("/").get_data(as_text=True).split('class="collection-tile"')[1]
    assert "<img" not in tile.split("</li>")[0]


def test_editor_may_not_change_collection_images(as_editor, collection):
    assert _upload(as_editor, collection, png_bytes()).status_code == 403
    assert _image(collection) is None


def test_demo_collections_have_tile_images(app, client):
    from storefront.demo.catalog import load_demo_catalog, seed_catalog

    seed_catalog(load_demo_catalog())
    featured = db.session.query(Collection).filter_by(featured=True).all()
    assert featured and all(c.image for c in featured)
    static = Path(app.static_folder)
    assert all((static / c.image).is_file() for c in featured)
    home = client.get("/").get_data(as_text=True)
    assert home.count('class="collection-tile"') == len(featured)
    assert home.count("/static/img/collections/") == len(featured)
