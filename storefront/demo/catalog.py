"""Loading a catalog from data (the demo catalog, or any file of the same shape).

Idempotent: rows are found by slug or SKU and only what is missing is created, so running it
twice changes nothing and never overwrites a staff member's edits.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from storefront.catalog.allergens import mask_of
from storefront.catalog.models import (
    Certification,
    Collection,
    CollectionProduct,
    DietTag,
    Product,
    ProductImage,
    Variant,
)
from storefront.catalog.servings import Serving
from storefront.clock import now, today
from storefront.demo import DEMO_DIR
from storefront.extensions import db


@dataclass
class SeedReport:
    created: int = 0
    existing: int = 0
    tags: int = 0
    collections: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} products created, {self.existing} already present, "
            f"{self.tags} diet tags and {self.collections} collections added"
        )


def load_demo_catalog() -> dict:
    return json.loads((DEMO_DIR / "catalog.json").read_text(encoding="utf-8"))


def seed_catalog(data: dict, progress: Callable[[int], None] = lambda n: None) -> SeedReport:
    """Create the tags, collections and products in `data` that do not exist yet."""
    report = SeedReport()
    tags = {t.slug: t for t in db.session.scalars(select(DietTag))}
    for item in data.get("diet_tags", []):
        if item["slug"] not in tags:
            tags[item["slug"]] = DietTag(slug=item["slug"], name=item["name"])
            db.session.add(tags[item["slug"]])
            report.tags += 1
    collections = {c.slug: c for c in db.session.scalars(select(Collection))}
    for item in data.get("collections", []):
        if item["slug"] not in collections:
            collections[item["slug"]] = Collection(
                slug=item["slug"],
                title=item["title"],
                description=item.get("description", ""),
                rule=item.get("rule"),
                featured=bool(item.get("featured")),
                position=int(item.get("position", 0)),
            )
            db.session.add(collections[item["slug"]])
            report.collections += 1
        if collections[item["slug"]].image is None:
            # Also for collections seeded before tiles had pictures; a staff upload stays.
            collections[item["slug"]].image = item.get("image")
    db.session.flush()

    existing = set(db.session.scalars(select(Product.slug)))
    day, moment = today(), now()
    for position, item in enumerate(data.get("products", [])):
        if item["slug"] in existing:
            report.existing += 1
            progress(1)
            continue
        product = _build_product(item, tags, day, moment)
        db.session.add(product)
        db.session.flush()
        for slug in item.get("collections", []):
            collection = collections[slug]
            if not collection.rule:
                db.session.add(
                    CollectionProduct(collection_id=collection.id, product_id=product.id, position=position)
                )
        report.created += 1
        progress(1)
    db.session.commit()
    return report


def _serving(data: dict | None) -> dict:
    """A certificate's structured serving as its columns (and the matching text)."""
    if not data:
        return {"serving_size_tested": ""}
    metric = data.get("metric_quantity")
    return Serving(Decimal(data["quantity"]), data["unit"], Decimal(metric) if metric else None,
                   data.get("metric_unit", "")).fields()


def _build_product(item: dict, tags: dict[str, DietTag], day, moment) -> Product:
    product = Product(
        slug=item["slug"],
        title=item["title"],
        brand=item.get("brand", ""),
        summary=item.get("summary", ""),
        description=item.get("description", ""),
        ingredients=item.get("ingredients", ""),
        allergens=item.get("allergens", ""),
        # A list (empty: declared free of all major allergens); absent: not declared.
        allergen_mask=mask_of(item["allergens_contain"]) if "allergens_contain" in item else None,
        nutrition=item.get("nutrition"),
        status=item.get("status", "active"),
        seo_title=item.get("seo_title", ""),
        seo_description=item.get("seo_description", ""),
        created_at=moment - timedelta(days=int(item.get("created_days_ago", 0))),
    )
    product.diet_tags = [tags[slug] for slug in item.get("diet_tags", [])]
    product.variants = [
        Variant(
            sku=v["sku"],
            option_label=v.get("option", "Default"),
            price=int(v["price"]),
            compare_at_price=v.get("compare_at_price"),
            stock=int(v.get("stock", 0)),
            weight_grams=int(v.get("weight_grams", 0)),
            position=i,
        )
        for i, v in enumerate(item.get("variants", []))
    ]
    product.certifications = [
        Certification(
            body=c["body"],
            licence_number=c.get("licence_number", ""),
            valid_from=day + timedelta(days=int(c["valid_from_days"])),
            valid_until=day + timedelta(days=int(c["valid_until_days"])),
            evidence_url=c.get("evidence_url", ""),
            listing_url=c.get("listing_url", ""),
            **_serving(c.get("serving")),
        )
        for c in item.get("certifications", [])
    ]
    product.images = [
        ProductImage(path=f"img/products/{img['file']}", alt=img.get("alt", ""), width=400, height=400, position=i)
        for i, img in enumerate(item.get("images", []))
    ]
    return product
