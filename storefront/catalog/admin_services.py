"""Staff actions on the catalog: products, variants, images, certifications, tags, collections, stock.

Each service owns its transaction (commits on success) and raises a CatalogError subclass with a
message fit for the staff member when a business rule refuses the change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from storefront import audit
from storefront.audit.models import AuditEntry
from storefront.catalog.availability import certified_clause
from storefront.catalog.diet_tag_bits import TAG_BITS
from storefront.catalog.image_sizes import record_image_sizes
from storefront.catalog.images import StoredImage, delete_stored_image
from storefront.catalog.models import (
    Certification,
    Collection,
    CollectionProduct,
    DietTag,
    Product,
    ProductImage,
    ProductStatus,
    Variant,
    product_diet_tags,
)
from storefront.catalog.search import apply_search
from storefront.clock import today
from storefront.extensions import db
from storefront.pagination import PageNumbers
from storefront.slugs import SLUG_RE, slugify

# Tables owned by the catalog itself; any other table pointing at a product or variant is a
# reference from elsewhere (order lines, article links) that forbids deleting it.
CATALOG_TABLES = frozenset(
    {"product", "variant", "product_image", "certification", "collection_product", "product_diet_tag"}
)
# Added FODMAPs that low-FODMAP certification programmes exclude from certified products.
ADDED_FODMAP_RE = re.compile(
    r"\b(inulin|chicory root fib(?:re|er)|oligofructose|fos|fructo-?oligosaccharides?|"
    r"xylitol|erythritol|maltitol|isomalt|lactitol)\b",
    re.IGNORECASE,
)
LOW_STOCK = 10
# What the audit log keeps of a product, a variant and a certificate (long texts are left out).
AUDITED_PRODUCT_FIELDS = ("title", "slug", "status", "nutrition", "allergen_mask")
AUDITED_VARIANT_FIELDS = ("sku", "option_label", "price", "compare_at_price")
AUDITED_CERT_FIELDS = (
    "body", "licence_number", "serving_size_tested", "valid_from", "valid_until", "evidence_url", "listing_url",
)
# Set with the serving's text (servings.Serving.fields), not audited apart from it.
SERVING_FIELDS = ("serving_quantity", "serving_unit", "serving_metric_quantity", "serving_metric_unit")


def _fields(obj, names: tuple[str, ...]) -> dict:
    return {n: getattr(obj, n) for n in names}


def _audit_variant(actor, variant: Variant, action: str, before: dict, after: dict, **kw) -> None:
    audit.record_change(actor, "variant", variant.id, variant.sku, action, before, after,
                        parent=("product", variant.product_id), **kw)


class CatalogError(ValueError):
    """A catalog change refused by a business rule; str(error) is shown to staff."""


class SlugTaken(CatalogError):
    pass


class SkuTaken(CatalogError):
    pass


class StockWouldGoNegative(CatalogError):
    pass


class LastVariant(CatalogError):
    pass


class InUse(CatalogError):
    pass


# ---------------------------------------------------------------- products


PRODUCT_FIELDS = (
    "title", "slug", "brand", "summary", "description", "ingredients", "allergens",
    "status", "seo_title", "seo_description",
)
# Set from the form's structured editors (storefront.catalog.nutrition, .allergens), not text fields.
STRUCTURED_FIELDS = ("nutrition", "allergen_mask")


def _check_slug(slug: str, product_id: int | None = None) -> None:
    if not SLUG_RE.match(slug or ""):
        raise CatalogError("The URL slug may contain only lowercase letters, digits and single hyphens.")
    clash = db.session.scalar(select(Product.id).where(Product.slug == slug, Product.id != (product_id or 0)))
    if clash is not None:
        raise SlugTaken(f"Another product already uses the slug “{slug}”.")


def _check_sku(sku: str, variant_id: int | None = None) -> None:
    clash = db.session.scalar(select(Variant.id).where(Variant.sku == sku, Variant.id != (variant_id or 0)))
    if clash is not None:
        raise SkuTaken(f"SKU “{sku}” is already used by another variant.")


def _tags(tag_ids: list[int]) -> list[DietTag]:
    return list(db.session.scalars(select(DietTag).where(DietTag.id.in_(tag_ids or [0])))) if tag_ids else []


def _set_collections(product: Product, collection_ids: list[int]) -> None:
    wanted = set(collection_ids)
    current = {
        e.collection_id: e
        for e in db.session.scalars(select(CollectionProduct).where(CollectionProduct.product_id == product.id))
    }
    for cid, entry in current.items():
        if cid not in wanted:
            db.session.delete(entry)
    manual = set(db.session.scalars(select(Collection.id).where(Collection.id.in_(wanted or {0}), Collection.rule.is_(None))))
    for cid in manual - set(current):
        db.session.add(CollectionProduct(collection_id=cid, product_id=product.id, position=9999))


def create_product(
    *, variant: dict, tag_ids: list[int] = (), collection_ids: list[int] = (), actor=None, **fields
) -> Product:
    """A new product with its first variant (every product has at least one)."""
    fields["slug"] = fields.get("slug") or slugify(fields.get("title", ""))
    _check_slug(fields["slug"])
    _check_sku(variant["sku"])
    product = Product(**{k: v for k, v in fields.items() if k in PRODUCT_FIELDS + STRUCTURED_FIELDS})
    product.diet_tags = _tags(list(tag_ids))
    product.variants = [_new_variant(variant, 0)]
    db.session.add(product)
    db.session.flush()
    _set_collections(product, list(collection_ids))
    audit.record_change(actor, "product", product.id, product.title, "product.create", {},
                        _fields(product, AUDITED_PRODUCT_FIELDS))
    first = product.variants[0]
    _audit_variant(actor, first, "variant.create", {}, {**_fields(first, AUDITED_VARIANT_FIELDS), "stock": first.stock})
    _commit()
    return product


def update_product(
    product: Product, *, tag_ids: list[int] | None = None, collection_ids: list[int] | None = None, actor=None,
    **fields,
) -> Product:
    """Change a product's text, status, nutrition, tags and manual collections; the slug stays unique."""
    if "slug" in fields and fields["slug"] != product.slug:
        _check_slug(fields["slug"], product.id)
    before = _fields(product, AUDITED_PRODUCT_FIELDS)
    for key, value in fields.items():
        if key in PRODUCT_FIELDS + STRUCTURED_FIELDS:
            setattr(product, key, value)
    if tag_ids is not None:
        product.diet_tags = _tags(list(tag_ids))
    if collection_ids is not None:
        _set_collections(product, list(collection_ids))
    audit.record_change(actor, "product", product.id, product.title, "product.update", before,
                        _fields(product, AUDITED_PRODUCT_FIELDS))
    _commit()
    return product


# How staff should read a referring table's name.
REFERENCE_NAMES = {"order_line": "orders", "article_product_link": "articles", "cart_line": "shoppers' carts"}


def describe_references(tables: list[str]) -> str:
    return ", ".join(dict.fromkeys(REFERENCE_NAMES.get(t, t.replace("_", " ")) for t in tables))


def product_references(product: Product) -> list[str]:
    """Names of the tables outside the catalog that point at this product or its variants."""
    found = []
    variant_ids = [v.id for v in product.variants]
    for table in db.metadata.sorted_tables:
        if table.name in CATALOG_TABLES:
            continue
        for fk in table.foreign_keys:
            target = fk.column.table.name
            if target == "product":
                ids = [product.id]
            elif target == "variant" and variant_ids:
                ids = variant_ids
            else:
                continue
            if db.session.scalar(select(exists().where(fk.parent.in_(ids)))):
                found.append(table.name)
                break
        else:
            # Tables that refer to products by slug (e.g. article CTA links) rather than by key.
            slug_col = table.c.get("product_slug")
            if slug_col is not None and db.session.scalar(select(exists().where(slug_col == product.slug))):
                found.append(table.name)
    return found


def remove_product(product: Product, actor=None) -> str:
    """Delete a product nobody refers to; archive it when orders or articles point at it.

    Returns "deleted" or "archived".
    """
    if product_references(product):
        archive_product(product, actor)
        return "archived"
    stored = [(img.path, img.widths or ()) for img in product.images]
    audit.record_change(actor, "product", product.id, product.title, "product.delete",
                        _fields(product, AUDITED_PRODUCT_FIELDS), {}, force=True)
    db.session.delete(product)
    _commit()
    for path, widths in stored:
        delete_stored_image(path, widths)
    return "deleted"


def archive_product(product: Product, actor=None) -> None:
    """Hide a product from the shop without losing its history."""
    audit.record_change(actor, "product", product.id, product.title, "product.update",
                        {"status": product.status}, {"status": ProductStatus.ARCHIVED.value})
    product.status = ProductStatus.ARCHIVED.value
    _commit()


# ---------------------------------------------------------------- variants and stock


def _new_variant(data: dict, position: int) -> Variant:
    return Variant(
        sku=data["sku"],
        option_label=data.get("option_label") or "Default",
        price=int(data["price"]),
        compare_at_price=data.get("compare_at_price"),
        stock=int(data.get("stock") or 0),
        weight_grams=int(data.get("weight_grams") or 0),
        position=position,
    )


def add_variant(product: Product, data: dict, actor=None) -> Variant:
    """Another purchasable option of a product; its SKU must be unique."""
    _check_sku(data["sku"])
    if int(data.get("stock") or 0) < 0 or int(data["price"]) < 0:
        raise CatalogError("Price and stock cannot be negative.")
    variant = _new_variant(data, len(product.variants))
    product.variants.append(variant)
    db.session.flush()
    _audit_variant(actor, variant, "variant.create", {}, {**_fields(variant, AUDITED_VARIANT_FIELDS), "stock": variant.stock})
    _commit()
    return variant


def update_variant(variant: Variant, data: dict, actor=None) -> Variant:
    """Change a variant's SKU, label, prices or weight (stock changes go through adjust_stock)."""
    before = _fields(variant, AUDITED_VARIANT_FIELDS)
    if data.get("sku") and data["sku"] != variant.sku:
        _check_sku(data["sku"], variant.id)
        variant.sku = data["sku"]
    variant.option_label = data.get("option_label") or variant.option_label
    variant.price = int(data["price"])
    variant.compare_at_price = data.get("compare_at_price")
    variant.weight_grams = int(data.get("weight_grams") or 0)
    _audit_variant(actor, variant, "variant.update", before, _fields(variant, AUDITED_VARIANT_FIELDS))
    _commit()
    return variant


def delete_variant(variant: Variant, actor=None) -> None:
    """Remove a variant, unless it is the product's last one or orders refer to it."""
    product = variant.product
    if len(product.variants) <= 1:
        raise LastVariant("A product needs at least one variant; archive the product instead.")
    for table in db.metadata.sorted_tables:
        if table.name in CATALOG_TABLES:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == "variant" and db.session.scalar(
                select(exists().where(fk.parent == variant.id))
            ):
                raise InUse(
                    f"{describe_references([table.name]).capitalize()} refer to {variant.sku}; "
                    "it cannot be deleted (set its stock to zero instead)."
                )
    _audit_variant(actor, variant, "variant.delete", {**_fields(variant, AUDITED_VARIANT_FIELDS), "stock": variant.stock},
                   {}, force=True)
    product.variants.remove(variant)
    _commit()


def adjust_stock(variant: Variant, delta: int, reason: str, user=None) -> AuditEntry:
    """Change stock by delta with a recorded reason; stock never goes below zero."""
    reason = (reason or "").strip()
    if not reason:
        raise CatalogError("Say why the stock changes (e.g. “delivery received”, “damaged”).")
    if delta == 0:
        raise CatalogError("The change must not be zero.")
    # One conditional UPDATE: a concurrent order can never drive the stock negative.
    result = db.session.execute(
        update(Variant)
        .where(Variant.id == variant.id, Variant.stock + delta >= 0)
        .values(stock=Variant.stock + delta)
        .returning(Variant.stock)
    )
    row = result.first()
    if row is None:
        db.session.rollback()
        raise StockWouldGoNegative(f"{variant.sku} has only {variant.stock} in stock; it cannot go below zero.")
    # The stock ledger is the audit log: one entry per adjustment, the reason as its note.
    entry = audit.record_change(user, "variant", variant.id, variant.sku, "stock.adjust",
                                {"stock": row[0] - delta}, {"stock": row[0]}, note=reason,
                                parent=("product", variant.product_id))
    _commit()
    db.session.refresh(variant)
    return entry


def stock_history(product: Product, limit: int = 50) -> list[AuditEntry]:
    """The latest stock changes of a product's variants (adjustments, imports, new variants)."""
    from storefront.audit.queries import recent_for

    return [e for e in recent_for("variant", [v.id for v in product.variants], limit=limit) if "stock" in (e.after or {})]


# ---------------------------------------------------------------- images


def add_product_image(product: Product, stored: StoredImage, alt: str) -> ProductImage:
    """Attach an already validated and stored upload to a product, after its other images."""
    image = ProductImage(
        path=stored.path, alt=alt.strip()[:255], width=stored.width, height=stored.height,
        widths=list(stored.widths) or None, position=len(product.images),
    )
    product.images.append(image)
    record_image_sizes(image)
    _commit()
    return image


def remove_product_image(image: ProductImage) -> None:
    """Detach an image and delete its uploaded file and sized copies."""
    path, widths = image.path, image.widths or ()
    db.session.delete(image)
    _commit()
    delete_stored_image(path, widths)


# ---------------------------------------------------------------- certifications


def add_certification(product: Product, data: dict, actor=None) -> Certification:
    """Record a certificate; its validity range must not end before it starts."""
    if data["valid_until"] < data["valid_from"]:
        raise CatalogError("“Valid until” must be on or after “valid from”.")
    cert = Certification(**data)
    product.certifications.append(cert)
    db.session.flush()
    _audit_cert(actor, cert, "certification.create", {}, _fields(cert, AUDITED_CERT_FIELDS))
    _commit()
    return cert


def update_certification(cert: Certification, data: dict, actor=None) -> Certification:
    """Correct a certificate's details; its validity range must not end before it starts."""
    if data["valid_until"] < data["valid_from"]:
        raise CatalogError("“Valid until” must be on or after “valid from”.")
    before = _fields(cert, AUDITED_CERT_FIELDS)
    for name in AUDITED_CERT_FIELDS + SERVING_FIELDS:
        if name in data:
            setattr(cert, name, data[name])
    _audit_cert(actor, cert, "certification.update", before, _fields(cert, AUDITED_CERT_FIELDS))
    _commit()
    return cert


def delete_certification(cert: Certification, actor=None) -> None:
    _audit_cert(actor, cert, "certification.delete", _fields(cert, AUDITED_CERT_FIELDS), {}, force=True)
    db.session.delete(cert)
    _commit()


def _audit_cert(actor, cert: Certification, action: str, before: dict, after: dict, **kw) -> None:
    label = f"{cert.body} {cert.licence_number}".strip()
    audit.record_change(actor, "certification", cert.id, label, action, before, after,
                        parent=("product", cert.product_id), **kw)


def added_fodmaps(ingredients: str) -> list[str]:
    """Added FODMAP ingredients named in an ingredient list (case-insensitive, whole words)."""
    return list(dict.fromkeys(m.group(0).lower() for m in ADDED_FODMAP_RE.finditer(ingredients or "")))


@dataclass(frozen=True)
class CertificationWarning:
    product_id: int
    product_title: str
    message: str
    kind: str  # "expiring" | "expired" | "fodmap"


def certification_warnings(window_days: int = 60, product_id: int | None = None) -> list[CertificationWarning]:
    """Certificates ending within the window (or lapsed within it), and certified products
    whose ingredients list an added FODMAP: two queries, whatever the catalog size."""
    day = today()
    stmt = (
        select(Certification, Product.title)
        .join(Product, Product.id == Certification.product_id)
        .where(
            Product.status != ProductStatus.ARCHIVED,
            Certification.valid_until <= day + timedelta(days=window_days),
            Certification.valid_until >= day - timedelta(days=window_days),
        )
        .order_by(Certification.valid_until)
    )
    if product_id is not None:
        stmt = stmt.where(Product.id == product_id)
    warnings: list[CertificationWarning] = []
    for cert, title in db.session.execute(stmt):
        days = (cert.valid_until - day).days
        if days < 0:
            text = f"{cert.body} certificate {cert.licence_number} expired {-days} day(s) ago ({cert.valid_until.isoformat()})."
            kind = "expired"
        else:
            text = f"{cert.body} certificate {cert.licence_number} expires in {days} day(s) ({cert.valid_until.isoformat()})."
            kind = "expiring"
        warnings.append(CertificationWarning(cert.product_id, title, text, kind))
    certified = select(Product.id, Product.title, Product.ingredients).where(
        Product.status != ProductStatus.ARCHIVED, certified_clause(day)
    )
    if product_id is not None:
        certified = certified.where(Product.id == product_id)
    for pid, title, ingredients in db.session.execute(certified):
        found = added_fodmaps(ingredients)
        if found:
            warnings.append(
                CertificationWarning(
                    pid, title,
                    f"Certified, but the ingredients list added FODMAPs that certification excludes: {', '.join(found)}.",
                    "fodmap",
                )
            )
    return warnings


# ---------------------------------------------------------------- tags and collections


def save_diet_tag(name: str, slug: str | None = None, tag: DietTag | None = None) -> DietTag:
    """Create or rename a diet tag; slugs are unique."""
    slug = slug or slugify(name, max_length=64)  # diet_tag.slug is 64 characters
    if not SLUG_RE.match(slug):
        raise CatalogError("The tag's slug may contain only lowercase letters, digits and hyphens.")
    clash = db.session.scalar(select(DietTag.id).where(DietTag.slug == slug, DietTag.id != (tag.id if tag else 0)))
    if clash is not None:
        raise SlugTaken(f"A diet tag with the slug “{slug}” exists already.")
    if tag is None and (db.session.scalar(select(func.count(DietTag.id))) or 0) >= TAG_BITS:
        raise CatalogError(
            f"The store has {TAG_BITS} diet tags, the most it can filter by; delete one you no longer use first."
        )
    tag = tag or DietTag()
    tag.name, tag.slug = name.strip(), slug
    db.session.add(tag)
    _commit()
    return tag


def delete_diet_tag(tag: DietTag) -> None:
    db.session.delete(tag)
    _commit()


def save_collection(data: dict, collection: Collection | None = None) -> Collection:
    """Create or edit a collection; a rule is "certified" or "tag:<slug>", empty for a manual list."""
    slug = data.get("slug") or slugify(data["title"])
    if not SLUG_RE.match(slug):
        raise CatalogError("The collection's slug may contain only lowercase letters, digits and hyphens.")
    clash = db.session.scalar(
        select(Collection.id).where(Collection.slug == slug, Collection.id != (collection.id if collection else 0))
    )
    if clash is not None:
        raise SlugTaken(f"A collection with the slug “{slug}” exists already.")
    rule = (data.get("rule") or "").strip() or None
    if rule and not (rule == "certified" or (rule.startswith("tag:") and SLUG_RE.match(rule[4:]))):
        raise CatalogError("A rule is “certified” or “tag:<diet-tag-slug>”; leave it empty for a hand-picked list.")
    collection = collection or Collection()
    collection.slug = slug
    collection.title = data["title"].strip()
    collection.description = data.get("description") or ""
    collection.rule = rule
    collection.featured = bool(data.get("featured"))
    collection.position = int(data.get("position") or 0)
    db.session.add(collection)
    _commit()
    return collection


def delete_collection(collection: Collection) -> None:
    db.session.delete(collection)
    _commit()


def set_collection_image(collection: Collection, path: str | None) -> None:
    """Give a collection's tile a new picture (None: none), removing the uploaded one it replaces."""
    previous = collection.image
    collection.image = path
    _commit()
    if previous and previous != path:
        delete_stored_image(previous)


# ---------------------------------------------------------------- staff listing


ADMIN_SORTS = {
    "updated": "Recently changed",
    "title": "Title A–Z",
    "price": "Price: low to high",
    "price-desc": "Price: high to low",
    "stock": "Stock: lowest first",
}


@dataclass
class AdminProductFilters:
    q: str = ""
    status: str = ""
    tag: str = ""
    stock: str = ""  # "" | "low" | "out"
    certified: str = ""  # "" | "yes" | "no"
    sort: str = "updated"
    page: int = 1


@dataclass(frozen=True)
class AdminProductRow:
    id: int
    slug: str
    title: str
    brand: str
    status: str
    price_from: int
    stock: int
    variant_count: int
    certified: bool
    updated_at: datetime


@dataclass(frozen=True)
class AdminProductPage(PageNumbers):
    rows: list[AdminProductRow]
    total: int
    page: int
    per_page: int


def _stock_sum():
    return (
        select(func.coalesce(func.sum(Variant.stock), 0))
        .where(Variant.product_id == Product.id)
        .correlate(Product)
        .scalar_subquery()
    )


def admin_product_page(filters: AdminProductFilters, per_page: int = 25) -> AdminProductPage:
    """One page of products for staff, any status: one query whatever the page size."""
    day = today()
    stock = _stock_sum()
    stmt: Select = select(Product.id)
    if filters.status in {s.value for s in ProductStatus}:
        stmt = stmt.where(Product.status == filters.status)
    if filters.tag:
        stmt = stmt.where(
            exists().where(
                product_diet_tags.c.product_id == Product.id,
                product_diet_tags.c.diet_tag_id == DietTag.id,
                DietTag.slug == filters.tag,
            )
        )
    if filters.stock == "out":
        stmt = stmt.where(stock <= 0)
    elif filters.stock == "low":
        stmt = stmt.where(and_(stock > 0, stock < LOW_STOCK))
    if filters.certified == "yes":
        stmt = stmt.where(certified_clause(day))
    elif filters.certified == "no":
        stmt = stmt.where(~certified_clause(day))
    if filters.q:
        sku_match = exists().where(Variant.product_id == Product.id, Variant.sku == filters.q.strip())
        searched, _rank = apply_search(stmt, filters.q, db.session.get_bind().dialect.name)
        # An exact SKU finds its product even when the words match nothing.
        stmt = stmt.where(or_(Product.id.in_(searched.with_only_columns(Product.id)), sku_match))
    sort = filters.sort if filters.sort in ADMIN_SORTS else "updated"
    order = {
        "updated": [Product.updated_at.desc()],
        "title": [Product.title],
        "price": [Product.price_from],
        "price-desc": [Product.price_from.desc()],
        "stock": [stock],
    }[sort] + [Product.id.desc()]
    variant_count = (
        select(func.count(Variant.id)).where(Variant.product_id == Product.id).correlate(Product).scalar_subquery()
    )
    query = (
        stmt.with_only_columns(
            Product.id, Product.slug, Product.title, Product.brand, Product.status, Product.price_from,
            stock.label("stock"), variant_count.label("variant_count"),
            certified_clause(day).label("certified"), Product.updated_at,
            func.count().over().label("total_count"),
        )
        .order_by(*order)
        .limit(per_page)
        .offset((max(filters.page, 1) - 1) * per_page)
    )
    rows = db.session.execute(query).all()
    if rows:
        total = int(rows[0].total_count)
    elif filters.page > 1:  # past the last page: still say how many there are
        total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    else:
        total = 0
    return AdminProductPage(
        [
            AdminProductRow(
                r.id, r.slug, r.title, r.brand, r.status, r.price_from, int(r.stock or 0),
                int(r.variant_count or 0), bool(r.certified), r.updated_at,
            )
            for r in rows
        ],
        total, max(filters.page, 1), per_page,
    )


def get_product_for_edit(product_id: int) -> Product | None:
    """A product with everything its edit page shows, loaded up front."""
    return db.session.scalar(
        select(Product)
        .where(Product.id == product_id)
        .options(
            selectinload(Product.variants),
            selectinload(Product.images),
            selectinload(Product.certifications),
            selectinload(Product.diet_tags),
        )
    )


def low_stock_variants(limit: int = 10, threshold: int = LOW_STOCK) -> list[tuple[Variant, str, int]]:
    """Variants of active products running low: (variant, product title, product id)."""
    rows = db.session.execute(
        select(Variant, Product.title, Product.id)
        .join(Product, Product.id == Variant.product_id)
        .where(Product.status == ProductStatus.ACTIVE, Variant.stock < threshold)
        .order_by(Variant.stock, Product.title)
        .limit(limit)
    )
    return [(v, t, pid) for v, t, pid in rows]


def search_products_for_picker(q: str, limit: int = 12) -> list[tuple[str, str, str, int]]:
    """(slug, title, status, price) of products matching a query, for the CTA picker: one query."""
    q = (q or "").strip()
    stmt = select(Product.slug, Product.title, Product.status, Product.price_from)
    if q:
        searched, _rank = apply_search(select(Product.id), q, db.session.get_bind().dialect.name)
        stmt = stmt.where(or_(Product.id.in_(searched), Product.slug == q.lower()))
    stmt = stmt.where(Product.status != ProductStatus.ARCHIVED).order_by(Product.title).limit(limit)
    return [tuple(r) for r in db.session.execute(stmt)]


def _commit() -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise CatalogError("That change conflicts with existing data (a duplicate slug or SKU?).") from exc


def certification_days_left(cert: Certification, day: date | None = None) -> int:
    return (cert.valid_until - (day or today())).days


# ---------------------------------------------------------------- staff reads for forms and lists


def diet_tag_options() -> list[tuple[int, str]]:
    return [(t.id, t.name) for t in db.session.scalars(select(DietTag).order_by(DietTag.name))]


def diet_tag_slugs() -> list[tuple[str, str]]:
    return [(slug, name) for slug, name in db.session.execute(select(DietTag.slug, DietTag.name).order_by(DietTag.name))]


def manual_collection_options() -> list[tuple[int, str]]:
    """Hand-picked collections (rule-based ones choose their own products)."""
    rows = db.session.execute(select(Collection.id, Collection.title).where(Collection.rule.is_(None)).order_by(Collection.title))
    return [(cid, title) for cid, title in rows]


def product_collection_ids(product_id: int) -> list[int]:
    return list(db.session.scalars(select(CollectionProduct.collection_id).where(CollectionProduct.product_id == product_id)))


def diet_tags_with_counts() -> list[tuple[DietTag, int]]:
    """Every diet tag with how many products carry it (one query)."""
    rows = db.session.execute(
        select(DietTag, func.count(Product.id))
        .outerjoin(product_diet_tags, product_diet_tags.c.diet_tag_id == DietTag.id)
        .outerjoin(Product, Product.id == product_diet_tags.c.product_id)
        .group_by(DietTag.id)
        .order_by(DietTag.name)
    )
    return [(tag, int(n)) for tag, n in rows]


def collections_with_counts() -> list[tuple[Collection, int]]:
    """Every collection with its number of hand-picked products (one query)."""
    rows = db.session.execute(
        select(Collection, func.count(CollectionProduct.id))
        .outerjoin(CollectionProduct, CollectionProduct.collection_id == Collection.id)
        .group_by(Collection.id)
        .order_by(Collection.position, Collection.title)
    )
    return [(c, int(n)) for c, n in rows]


def collection_members(collection: Collection) -> list[tuple[int, str, str]]:
    """(id, title, status) of a hand-picked collection's products, in order."""
    rows = db.session.execute(
        select(Product.id, Product.title, Product.status)
        .join(CollectionProduct, CollectionProduct.product_id == Product.id)
        .where(CollectionProduct.collection_id == collection.id)
        .order_by(CollectionProduct.position, Product.title)
    )
    return [tuple(r) for r in rows]
