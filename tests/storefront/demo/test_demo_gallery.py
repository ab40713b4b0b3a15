"""Every demo product shows a gallery: a front, a back label and a serving, each a real file."""

from pathlib import Path

from storefront.demo.catalog import load_demo_catalog, seed_catalog

STATIC = Path(__file__).resolve().parents[3] / "static"


def test_every_demo_product_has_at_least_three_described_images_on_disk():
    for product in load_demo_catalog()["products"]:
        images = product["images"]
        assert len(images) >= 3, product["slug"]
        assert len({i["file"] for i in images}) == len(images), product["slug"]
        for image in images:
            assert image["alt"].strip(), (product["slug"], image["file"])
            svg = (STATIC / "img/products" / image["file"]).read_text(encoding="utf-8")
            assert svg.startswith("<svg") and "<script" not in svg, image["file"]


def test_a_seeded_demo_product_page_has_thumbnails_for_its_images(client, app):
    seed_catalog(load_demo_catalog())
    html = client.get("/products/magnesium-glycinate").get_data(as_text=True)
    assert 'class="gallery-thumbs"' in html
    for n in (1, 2, 3):
        assert f'href="#image-{n}"' in html
    assert "/static/img/products/magnesium-glycinate-label" in html
    assert "Back label of Magnesium Glycinate 200 mg" in html
