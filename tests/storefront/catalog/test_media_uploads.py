"""Uploads through the admin with the S3 store: the original is stored by the request, the sizes by
the worker, and every page links the bucket's objects."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from storefront import jobs
from storefront.catalog.image_sizes import IMAGE_SIZES, make_image_sizes
from storefront.catalog.models import ProductImage
from storefront.extensions import db
from storefront.media import use_store
from tests.factories import make_collection, make_product
from tests.storefront.admin.conftest import png_bytes


@pytest.fixture
def bucket(app, s3_bucket):
    """The app stores its media in the moto bucket for this test."""
    use_store(app, s3_bucket.store())
    yield s3_bucket
    use_store(app, None)


@pytest.fixture
def product(app):
    return make_product("magnesium-glycinate", title="Magnesium Glycinate", variants=[{"price": 1899, "stock": 20}])


@pytest.fixture
def worker_not_yet_run(monkeypatch):
    """Jobs are recorded but no worker has taken them yet (the queue never hears of them)."""
    monkeypatch.setattr("storefront.jobs.queue.publish", lambda job_id, run_after: None)


def _upload(client, product, data: bytes, filename: str = "photo.png"):
    return client.post(
        f"/admin/products/{product.id}/images",
        data={"image-image": (io.BytesIO(data), filename), "image-alt": "A jar"},
        content_type="multipart/form-data",
    )


def _image(product) -> ProductImage:
    [image] = db.session.scalars(
        select(ProductImage).where(ProductImage.product_id == product.id, ProductImage.path.like("uploads/%"))
    )
    return image


def _gallery_img(html: str, name: str) -> str:
    """The uploaded image's <img> in the product page's gallery."""
    gallery = re.search(r'<section class="gallery".*?</section>', html, re.S).group(0)
    return next(img for img in re.findall(r'<li id="image-\d+"><img [^>]*>', gallery) if name.removesuffix(".webp") in img)


def test_the_request_stores_the_original_and_the_page_shows_it_until_the_sizes_exist(
    bucket, as_admin, product, client, worker_not_yet_run
):
    assert _upload(as_admin, product, png_bytes(size=(1200, 900))).status_code == 302
    image = _image(product)
    name = image.path.removeprefix("uploads/")
    assert bucket.object_keys() == {f"uploads/{name}"}  # the original only, so far
    assert image.widths is None
    job = db.session.scalar(select(jobs.OutboxJob).where(jobs.OutboxJob.kind == IMAGE_SIZES))
    assert job.status == "pending" and job.payload["image_id"] == image.id

    img = _gallery_img(client.get("/products/magnesium-glycinate").get_data(as_text=True), name)
    assert f'src="{bucket.public_url}/uploads/{name}"' in img
    assert "srcset" not in img  # no copies yet: no srcset pointing at missing objects

    assert jobs.run_due_jobs() == {"done": 1}
    db.session.expire_all()
    assert _image(product).widths == [320, 640, 1024]
    stem = name.removesuffix(".webp")
    assert bucket.object_keys() == {f"uploads/{name}", *(f"uploads/{stem}-{w}w.webp" for w in (320, 640, 1024))}
    img = _gallery_img(client.get("/products/magnesium-glycinate").get_data(as_text=True), name)
    base = f"{bucket.public_url}/uploads/{stem}"
    assert f'srcset="{base}-320w.webp 320w, {base}-640w.webp 640w, {base}-1024w.webp 1024w, {base}.webp 1200w"' in img


def test_the_sizes_are_real_smaller_webp_copies_read_back_from_the_bucket(bucket, as_admin, product):
    assert _upload(as_admin, product, png_bytes(size=(1200, 900))).status_code == 302  # eager: the worker ran
    image = _image(product)
    store = bucket.store()
    for width in (320, 640, 1024):
        data = store.read(image.path.removeprefix("uploads/").replace(".webp", f"-{width}w.webp"))
        with Image.open(io.BytesIO(data)) as copy:
            assert copy.format == "WEBP" and copy.size == (width, round(900 * width / 1200))


def test_running_the_sizes_job_again_writes_the_same_keys(bucket, as_admin, product):
    assert _upload(as_admin, product, png_bytes(size=(800, 800))).status_code == 302
    image = _image(product)
    before = bucket.object_keys()
    make_image_sizes({"image_id": image.id, "path": image.path})
    db.session.commit()
    assert bucket.object_keys() == before and len(before) == 3  # original, 320w, 640w
    assert _image(product).widths == [320, 640]


def test_an_image_removed_before_the_worker_ran_needs_no_sizes(bucket, as_admin, product, worker_not_yet_run):
    assert _upload(as_admin, product, png_bytes(size=(1200, 900))).status_code == 302
    image = _image(product)
    as_admin.post(f"/admin/products/{product.id}/images/{image.id}/delete")
    assert bucket.object_keys() == set()
    assert jobs.run_due_jobs() == {"done": 1}
    assert bucket.object_keys() == set()


def test_a_missing_original_fails_the_job_visibly(bucket, as_admin, product, worker_not_yet_run):
    assert _upload(as_admin, product, png_bytes(size=(1200, 900))).status_code == 302
    bucket.empty()
    jobs.run_due_jobs()
    job = db.session.scalar(select(jobs.OutboxJob).where(jobs.OutboxJob.kind == IMAGE_SIZES))
    assert job.status == "failed" and "not in the media store" in job.last_error


def test_removing_an_image_removes_its_objects(bucket, as_admin, product):
    assert _upload(as_admin, product, png_bytes(size=(1200, 900))).status_code == 302
    assert len(bucket.object_keys()) == 4
    image = _image(product)
    assert as_admin.post(f"/admin/products/{product.id}/images/{image.id}/delete").status_code == 302
    assert bucket.object_keys() == set()


def test_listing_cards_og_image_and_json_ld_link_the_bucket(bucket, as_admin, product, client):
    product.images.clear()  # the upload becomes the primary image, the one cards show
    db.session.commit()
    assert _upload(as_admin, product, png_bytes(size=(600, 600))).status_code == 302
    url = f"{bucket.public_url}/{_image(product).path}"
    listing = client.get("/products").get_data(as_text=True)
    assert f'src="{url}"' in listing
    page = client.get("/products/magnesium-glycinate").get_data(as_text=True)
    assert f'<meta property="og:image" content="{url}">' in page
    assert f'"{url}"' in page  # JSON-LD's image


def test_a_collection_tile_is_stored_in_the_bucket_and_linked_on_the_home_page(bucket, as_admin, client):
    collection = make_collection("supplements", featured=True)
    response = as_admin.post(
        f"/admin/collections/{collection.id}/image",
        data={"image-image": (io.BytesIO(png_bytes(size=(1000, 800))), "tile.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.refresh(collection)
    assert bucket.object_keys() == {collection.image}
    assert f'src="{bucket.public_url}/{collection.image}"' in client.get("/").get_data(as_text=True)


def test_a_bad_upload_gets_a_form_error_and_stores_nothing(bucket, as_admin, product):
    response = _upload(as_admin, product, b"%PDF-1.7 not an image at all", "menu.png")
    assert response.status_code == 422
    assert "not an image we can read" in response.get_data(as_text=True)
    svg = _upload(as_admin, product, b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.svg")
    assert svg.status_code == 422 and "SVG files are not accepted" in svg.get_data(as_text=True)
    assert bucket.object_keys() == set()
    assert db.session.scalars(select(ProductImage).where(ProductImage.path.like("uploads/%"))).all() == []


def _unreachable_store(monkeypatch):
    from storefront.media import S3Store
    from tests.fixtures.processes import free_port

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    return S3Store.from_settings("shop", endpoint_url=f"http://127.0.0.1:{free_port()}", region="us-east-1")


def test_an_unreachable_store_gets_a_form_error_and_no_image_row(app, as_admin, product, monkeypatch):
    use_store(app, _unreachable_store(monkeypatch))
    try:
        response = _upload(as_admin, product, png_bytes(size=(400, 400)))
    finally:
        use_store(app, None)
    assert response.status_code == 422
    assert "could not be saved just now" in response.get_data(as_text=True)
    assert db.session.scalars(select(ProductImage).where(ProductImage.path.like("uploads/%"))).all() == []
    assert db.session.scalars(select(jobs.OutboxJob)).all() == []


def test_removing_an_image_while_the_store_is_unreachable_still_removes_it_from_the_shop(
    app, bucket, as_admin, product, client, monkeypatch
):
    assert _upload(as_admin, product, png_bytes(size=(400, 400))).status_code == 302
    image = _image(product)
    use_store(app, _unreachable_store(monkeypatch))
    response = as_admin.post(f"/admin/products/{product.id}/images/{image.id}/delete")
    assert response.status_code == 302
    use_store(app, bucket.store())
    assert db.session.scalars(select(ProductImage).where(ProductImage.path.like("uploads/%"))).all() == []
    assert image.path.removeprefix("uploads/") not in client.get("/products/magnesium-glycinate").get_data(as_text=True)
