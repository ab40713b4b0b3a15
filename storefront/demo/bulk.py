"""A large, realistic catalog (and articles) for scale tests, loaded by `flask larder seed-bulk`.

Rows go in with Core `insert()` executemany in batches (one round trip per table per batch),
each batch its own transaction, so 100,000 products take minutes. The ORM's before-flush hook
does not run for bulk inserts, so the search columns are computed here the same way
`Product.refresh_denormalised` does; price_from is the triggers' work (catalog/price_from.py),
as for every writer. Re-running adds more rows.
"""

from __future__ import annotations

import random
from datetime import timedelta

import click
from sqlalchemy import func, insert, select

from storefront.catalog.allergens import BY_SLUG
from storefront.catalog.models import (
    Certification,
    Collection,
    CollectionProduct,
    DietTag,
    Product,
    ProductImage,
    Variant,
    product_diet_tags,
)
from storefront.clock import now, today
from storefront.demo.catalog import load_demo_catalog, seed_catalog
from storefront.extensions import db

BRANDS = [
    "Gutsy Greens", "Calm Belly Co", "Monash Pantry", "Low & Slow", "Bright Gut", "Kind Kitchen",
    "Nordic Nutrients", "Pure Plan", "Golden Field", "Happy Tummy", "Alpine Labs", "Root & Leaf",
]
FORMS = {
    "supplements": (["Magnesium Glycinate", "Vitamin D3", "Omega-3", "B Complex", "Zinc Picolinate",
                     "Iron Bisglycinate", "Vitamin C", "Probiotic Blend", "Peppermint Oil", "Ginger Root"],
                    ["60 capsules", "120 capsules", "240 capsules"], (899, 4999)),
    "protein-powders": (["Whey Isolate", "Pea and Rice Protein", "Collagen Peptides", "Egg White Protein",
                         "Brown Rice Protein"], ["500 g", "1 kg", "2 kg"], (1999, 8999)),
    "digestive-enzymes": (["Lactase", "Alpha-Galactosidase", "Fructose Assist", "Digestive Enzymes",
                           "Gluten Digest"], ["30 capsules", "90 capsules"], (1299, 3999)),
    "seasonings-and-sauces": (["Garlic-Infused Oil", "Onion-Free Stock", "Pasta Sauce", "BBQ Sauce",
                               "Tamari", "Taco Spice", "Herb Seasoning", "Curry Paste"],
                              ["250 ml", "500 ml", "1 L"], (499, 1899)),
    "snacks": (["Protein Bar", "Oat Bar", "Rice Crackers", "Sourdough Crackers", "Nut Mix",
                "Pumpkin Seeds", "Quinoa Puffs", "Corn Chips"], ["single", "box of 12"], (299, 3599)),
    "teas": (["Peppermint Tea", "Rooibos", "Sencha Green Tea", "Ginger Lemon Tea", "Chai Blend"],
             ["20 bags", "50 bags"], (499, 1499)),
}
FLAVOURS = ["", "Vanilla", "Cacao", "Sea Salt", "Lemon", "Unflavoured", "Maple", "Berry", "Smoky",
            "Original", "Chive", "Cinnamon", "Mint", "Turmeric"]
SOY = BY_SLUG["soy"].flag
CERT_BODIES = ["Monash University Low FODMAP Certified", "FODMAP Friendly"]
ARTICLE_TOPICS = ["magnesium", "sleep", "bloating", "protein", "travel snacks", "fibre", "iron",
                  "vitamin D", "meal prep", "eating out", "gut health", "enzymes"]


def _existing_bulk_count() -> int:
    return db.session.scalar(select(func.count()).where(Product.slug.like("bulk-%"))) or 0


def _ensure_tags_and_collections() -> tuple[list[int], dict[str, int]]:
    if not db.session.scalar(select(func.count(DietTag.id))):
        data = load_demo_catalog()
        seed_catalog({"diet_tags": data["diet_tags"], "collections": data["collections"]})
    tags = list(db.session.scalars(select(DietTag.id).order_by(DietTag.id)))
    manual = {
        slug: cid
        for slug, cid in db.session.execute(
            select(Collection.slug, Collection.id).where(Collection.rule.is_(None))
        )
    }
    return tags, manual


def _images() -> list[str]:
    from pathlib import Path

    from flask import current_app

    folder = Path(current_app.static_folder or "") / "img" / "products"
    # The fronts only: the demo's back labels and servings name one product each.
    fronts = (p for p in folder.glob("*.svg") if not p.stem.endswith(("-label", "-serving")))
    return sorted(f"img/products/{p.name}" for p in fronts) or ["img/placeholder.svg"]


def _product_batch(start: int, size: int, rng: random.Random, tag_ids, collections, images):
    """Rows for products start..start+size-1 and their children (ids filled in later)."""
    moment, day = now(), today()
    kinds = list(FORMS)
    products, children = [], []
    for i in range(start, start + size):
        kind = kinds[i % len(kinds)] if rng.random() < 0.9 else rng.choice(kinds)
        names, options, (low, high) = FORMS[kind]
        name = rng.choice(names)
        flavour = rng.choice(FLAVOURS)
        brand = rng.choice(BRANDS)
        title = " ".join(p for p in (brand.split()[0], name, flavour) if p) + f" No. {i}"
        slug = f"bulk-{i:07d}"
        n_variants = rng.choice((1, 1, 2, 3))
        base = rng.randint(low, high)
        variants = []
        for k in range(n_variants):
            price = base + k * rng.randint(200, 1500)
            on_sale = rng.random() < 0.1
            variants.append({
                "sku": f"BULK-{i:07d}-{k}",
                "option_label": options[k % len(options)],
                "price": price,
                "compare_at_price": price + rng.randint(100, 900) if on_sale else None,
                "stock": 0 if rng.random() < 0.12 else rng.randint(1, 250),
                "weight_grams": rng.randint(50, 2000),
                "position": k,
            })
        chosen_tags = rng.sample(tag_ids, k=min(len(tag_ids), rng.choice((0, 1, 2, 2, 3))))
        tag_names = ""  # names are resolved once per batch by the caller
        summary = f"{name} from {brand}: low-FODMAP friendly {kind.replace('-', ' ')}."
        description = (
            f"{title} is made by {brand} for sensitive stomachs. "
            f"Each {options[0]} is tested for FODMAP content. Suitable for a low FODMAP diet."
        )
        ingredients = f"{name}, rice flour, sunflower lecithin."
        products.append({
            "slug": slug,
            "title": title,
            "brand": brand,
            "summary": summary,
            "description": description,
            "ingredients": ingredients,
            "allergens": "",
            "allergen_mask": 0 if rng.random() < 0.7 else SOY,  # structured: storefront/catalog/allergens.py
            "status": "active" if rng.random() < 0.97 else rng.choice(("draft", "archived")),
            "search_keywords": tag_names,
            "search_body": "\n".join([summary, description, ingredients]),
            "created_at": moment - timedelta(days=rng.randint(0, 1500), minutes=rng.randint(0, 1440)),
            "updated_at": moment,
            "seo_title": "",
            "seo_description": "",
        })
        roll = rng.random()
        certs = []
        if roll < 0.4:
            certs.append((day - timedelta(days=rng.randint(1, 600)), day + timedelta(days=rng.randint(30, 700))))
        elif roll < 0.45:
            certs.append((day - timedelta(days=900), day - timedelta(days=rng.randint(1, 200))))
        collection_id = collections.get(kind)
        children.append({
            "variants": variants,
            "tags": chosen_tags,
            "certs": certs,
            "image": rng.choice(images),
            "collection_id": collection_id,
            "position": i,
        })
    return products, children


def seed_bulk_products(count: int, batch_size: int = 2000, seed: int = 42, progress=lambda n: None) -> int:
    """Add `count` generated products with variants, images, tags, certifications and collections."""
    rng = random.Random(seed + _existing_bulk_count())
    tag_ids, collections = _ensure_tags_and_collections()
    tag_names = dict(db.session.execute(select(DietTag.id, DietTag.name)).all())
    images = _images()
    start = _existing_bulk_count()
    made = 0
    while made < count:
        size = min(batch_size, count - made)
        products, children = _product_batch(start + made, size, rng, tag_ids, collections, images)
        for row, child in zip(products, children, strict=True):
            row["search_keywords"] = " ".join(
                [row["brand"], *sorted(tag_names[t] for t in child["tags"])]
            )
        ids = db.session.scalars(
            insert(Product).returning(Product.id, sort_by_parameter_order=True), products
        ).all()
        variants, images_rows, tags, certs, entries = [], [], [], [], []
        for product_id, row, child in zip(ids, products, children, strict=True):
            variants += [{**v, "product_id": product_id} for v in child["variants"]]
            images_rows.append({
                "product_id": product_id, "path": child["image"], "alt": row["title"],
                "width": 400, "height": 400, "position": 0,
            })
            tags += [{"product_id": product_id, "diet_tag_id": t} for t in child["tags"]]
            certs += [
                {
                    "product_id": product_id, "body": CERT_BODIES[product_id % 2],
                    "licence_number": f"BULK-{product_id}", "serving_size_tested": "1 serving",
                    "valid_from": valid_from, "valid_until": valid_until,
                    "evidence_url": "https://www.example.org/certificate",
                }
                for valid_from, valid_until in child["certs"]
            ]
            if child["collection_id"]:
                entries.append({
                    "collection_id": child["collection_id"], "product_id": product_id,
                    "position": child["position"],
                })
        db.session.execute(insert(Variant), variants)
        db.session.execute(insert(ProductImage), images_rows)
        if tags:
            db.session.execute(insert(product_diet_tags), tags)
        if certs:
            db.session.execute(insert(Certification), certs)
        if entries:
            db.session.execute(insert(CollectionProduct), entries)
        db.session.commit()
        made += size
        progress(size)
    return made


def seed_bulk_articles(count: int, batch_size: int = 1000, seed: int = 7, progress=lambda n: None) -> int | None:
    """Add `count` published articles whose CTAs point at real products; None without the blog."""
    try:
        from blog.models import Article, ArticleProductLink
    except ImportError:
        return None
    from blog.models import Author
    from blog.rendering import render_article

    rng = random.Random(seed)
    author_ids = list(db.session.scalars(select(Author.id)))
    slugs = list(
        db.session.scalars(
            select(Product.slug).where(Product.status == "active").order_by(Product.id).limit(5000)
        )
    )
    if not slugs:
        raise click.ClickException("Seed products first: articles need products for their CTAs.")
    product_ids = dict(db.session.execute(select(Product.slug, Product.id).where(Product.slug.in_(slugs))).all())
    start = db.session.scalar(select(func.count()).where(Article.slug.like("bulk-article-%"))) or 0
    moment = now()
    made = 0
    while made < count:
        size = min(batch_size, count - made)
        rows, links = [], []
        for i in range(start + made, start + made + size):
            topic = rng.choice(ARTICLE_TOPICS)
            picked = rng.sample(slugs, k=min(len(slugs), 3))
            source = (
                f"What to know about {topic} on a low FODMAP diet (part {i}). Start low, go slow, "
                "and keep a symptom diary.\n\n"
                f"[[product:{picked[0]}]]\n\n## Choosing a product\n\n"
                f"Compare forms and doses before you buy.\n\n[[products:{','.join(picked[1:])}]]\n\n"
                f"## When to see a doctor\n\nIf symptoms persist, ask a professional. "
                f"[[shop-now:{picked[0]}|Shop {topic}]]\n"
            )
            rendered = render_article(source)
            rows.append({
                "slug": f"bulk-article-{i:06d}",
                "title": f"{topic.title()} on a low FODMAP diet, part {i}",
                "dek": f"A practical guide to {topic} for sensitive stomachs.",
                "body_source": source,
                "body_html": rendered.html,
                "cta_blocks": [c.to_dict() for c in rendered.ctas],
                "headings": [
                    {"level": h.level, "text": h.text, "anchor": h.anchor} for h in rendered.headings
                ],
                "word_count": rendered.word_count,
                "author_id": rng.choice(author_ids) if author_ids else None,
                "reviewer_id": None,
                "status": "published",
                "published_at": moment - timedelta(days=rng.randint(1, 2000)),
                "updated_at": moment,
                "created_at": moment,
                "references": [],
                "has_disclaimer": False,
                "seo_title": "",
                "seo_description": "",
                "canonical_url": "",
                "hero_image_alt": "",
                "_picked": picked,
            })
        picked_lists = [r.pop("_picked") for r in rows]
        ids = db.session.scalars(
            insert(Article).returning(Article.id, sort_by_parameter_order=True), rows
        ).all()
        for article_id, picked in zip(ids, picked_lists, strict=True):
            links += [
                {"article_id": article_id, "product_slug": s, "product_id": product_ids.get(s), "position": n}
                for n, s in enumerate(picked)
            ]
        db.session.execute(insert(ArticleProductLink), links)
        db.session.commit()
        made += size
        progress(size)
    return made


def analyze() -> None:
    """Fresh planner statistics, so the first queries after a bulk load use the indexes.

    On PostgreSQL a VACUUM too: it marks the new pages all-visible, without which listings'
    index-only walks visit every table row anyway (autovacuum would get there, minutes later).
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.now()))  # ensure a connection
        db.session.commit()
        click.echo("Vacuuming and analysing...")
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")
    else:
        db.session.execute(select(func.count()).select_from(Product))
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
