"""Image uploads: real images are stored as clean WebP; anything else is refused with a reason."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from storefront.catalog.images import ImageRejected, clean_image, read_upload
from storefront.catalog.models import ProductImage
from storefront.extensions import db
from tests.storefront.admin.conftest import png_bytes


def _upload(client, product, data: bytes, filename: str = "photo.png", alt: str = "A jar"):
    return client.post(
        f"/admin/products/{product.id}/images",
        data={"image-image": (io.BytesIO(data), filename), "image-alt": alt},
        content_type="multipart/form-data",
    )


def _new_images(product):
    return list(db.session.scalars(
        select(ProductImage).where(ProductImage.product_id == product.id, ProductImage.path.like("uploads/%"))
    ))


def test_png_upload_is_stored_as_resized_webp(app, as_admin, product):
    response = _upload(as_admin, product, png_bytes(size=(2400, 1200)))
    assert response.status_code == 302
    [image] = _new_images(product)
    stored = Path(app.config["UPLOAD_FOLDER"]) / image.path.removeprefix("uploads/")
    with Image.open(stored) as img:
        assert img.format == "WEBP"
        assert img.size == (1600, 800)
    assert (image.width, image.height, image.alt) == (1600, 800, "A jar")
    assert as_admin.get("/" + image.path).status_code == 200


def test_exif_metadata_is_stripped(app, as_admin, product):
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS
    data = png_bytes(fmt="JPEG", exif=exif.tobytes())
    assert _upload(as_admin, product, data, "photo.jpg").status_code == 302
    [image] = _new_images(product)
    stored = Path(app.config["UPLOAD_FOLDER"]) / image.path.removeprefix("uploads/")
    with Image.open(stored) as img:
        assert not img.getexif()
        assert "exif" not in img.info
    assert b"SpyCam" not in stored.read_bytes()


def test_non_image_is_refused_with_a_message(as_admin, product):
    response = _upload(as_admin, product, b"%PDF-1.7 not an image at all", "menu.png")
    assert response.status_code == 422
    assert "not an image we can read" in response.get_data(as_text=True)
    assert _new_images(product) == []


def test_svg_is_refused(as_admin, product):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = _upload(as_admin, product, svg, "logo.svg")
    assert response.status_code == 422
    assert "SVG files are not accepted" in response.get_data(as_text=True)


def test_too_large_file_is_refused(app, as_admin, product):
    configured = app.config["MAX_IMAGE_BYTES"]
    app.config["MAX_IMAGE_BYTES"] = 1024
    try:
        response = _upload(as_admin, product, png_bytes(size=(400, 400), color=(1, 2, 3)) + b"\0" * 2048)
    finally:
        app.config["MAX_IMAGE_BYTES"] = configured
    assert response.status_code == 422
    assert "larger than" in response.get_data(as_text=True)


def test_decompression_bomb_is_refused():
    # A tiny file that declares an enormous canvas: refused before any pixel is decoded.
    buf = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buf, format="PNG")
    with pytest.raises(ImageRejected, match="megapixels|too large"):
        clean_image(buf.getvalue())


def test_truncated_image_is_refused():
    data = png_bytes(size=(300, 300))[:200]
    with pytest.raises(ImageRejected):
        clean_image(data)


def test_empty_upload_is_refused():
    with pytest.raises(ImageRejected, match="empty"):
        read_upload(io.BytesIO(b""), "x.png")


def test_upload_without_alt_text_is_refused(as_admin, product):
    response = _upload(as_admin, product, png_bytes(), alt="")
    assert response.status_code == 422
    assert "Describe the image" in response.get_data(as_text=True)


def test_removing_an_image_deletes_its_file(app, as_admin, product):
    _upload(as_admin, product, png_bytes())
    [image] = _new_images(product)
    stored = Path(app.config["UPLOAD_FOLDER"]) / image.path.removeprefix("uploads/")
    assert stored.exists()
    as_admin.post(f"/admin/products/{product.id}/images/{image.id}/delete")
    assert not stored.exists()


def _png_with_text(key: str, text: str, compressed: bool = False) -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text(key, text, zip=compressed)
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 60)).save(buf, format="PNG", pnginfo=info)
    return buf.getvalue()


def test_image_with_script_in_its_metadata_is_refused(as_admin, product):
    response = _upload(as_admin, product, _png_with_text("Comment", "<script>alert(document.cookie)</script>"))
    assert response.status_code == 422
    assert "metadata contains markup or code" in response.get_data(as_text=True)
    assert _new_images(product) == []


def test_jpeg_with_php_in_its_comment_is_refused():
    buf = io.BytesIO()
    Image.new("RGB", (32, 32)).save(buf, format="JPEG", comment=b"<?php system($_GET['c']); ?>")
    with pytest.raises(ImageRejected, match="markup or code"):
        clean_image(buf.getvalue())


def test_image_with_oversized_metadata_is_refused():
    # 3 MB of text that compresses to a few kilobytes: small upload, huge metadata.
    data = _png_with_text("Description", "A" * 3_000_000, compressed=True)
    assert len(data) < 64 * 1024
    with pytest.raises(ImageRejected):
        clean_image(data)


def test_ordinary_camera_metadata_is_accepted_and_dropped():
    data = _png_with_text("Software", "Adobe Photoshop 25.0")
    clean = clean_image(data)
    assert clean.info == {}


def _file(app, path: str) -> Path:
    return Path(app.config["UPLOAD_FOLDER"]) / path.removeprefix("uploads/")


def test_an_upload_stores_smaller_copies_and_the_product_page_offers_them(app, as_admin, product, client):
    assert _upload(as_admin, product, png_bytes(size=(1200, 900))).status_code == 302
    [image] = _new_images(product)
    assert image.widths == [320, 640, 1024]  # every standard width below the image's own
    stem = image.path.removesuffix(".webp")
    for width in (320, 640, 1024):
        with Image.open(_file(app, f"{stem}-{width}w.webp")) as copy:
            assert copy.format == "WEBP"
            assert copy.size == (width, round(900 * width / 1200))
    html = client.get("/products/magnesium-glycinate").get_data(as_text=True)
    name = stem.removeprefix("uploads/")
    assert (
        f'srcset="/uploads/{name}-320w.webp 320w, /uploads/{name}-640w.webp 640w, '
        f'/uploads/{name}-1024w.webp 1024w, /uploads/{name}.webp 1200w"'
    ) in html
    assert 'sizes="(min-width: 72rem) 35rem, (min-width: 48rem) 50vw, 100vw"' in html
    for width in (320, 640, 1024):
        assert client.get(f"/uploads/{name}-{width}w.webp").status_code == 200


def test_a_small_upload_is_never_scaled_up(app, as_admin, product):
    assert _upload(as_admin, product, png_bytes(size=(500, 500))).status_code == 302
    [image] = _new_images(product)
    assert image.widths == [320]
    assert not _file(app, image.path.replace(".webp", "-640w.webp")).exists()


def test_removing_an_image_deletes_its_smaller_copies_too(app, as_admin, product):
    _upload(as_admin, product, png_bytes(size=(800, 800)))
    [image] = _new_images(product)
    files = [_file(app, image.path), _file(app, image.path.replace(".webp", "-320w.webp")),
             _file(app, image.path.replace(".webp", "-640w.webp"))]
    assert all(f.exists() for f in files)
    as_admin.post(f"/admin/products/{product.id}/images/{image.id}/delete")
    assert not any(f.exists() for f in files)
