"""Read-side catalog API: listings, facets, search, batched card lookups and collection strips.

Every function here issues a fixed number of SQL statements, whatever the number of products
or cards involved: a product card is one row of one query (its price, stock, badge and image are
correlated sub-selects), never an object graph loaded per product. This is the catalog's public
read API: `blog` imports this module (and availability.py), never the catalog's models.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import (
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import aliased, joinedload, selectinload

from storefront.caching.tags import ADDED_TAG, declaring
from storefront.catalog.allergens import ALLERGENS, mask_of
from storefront.catalog.availability import (
    Unsellable,
    certified_clause,
    holds_certificate_clause,
    in_stock_clause,
    is_on_sale,
    on_sale_clause,
    sellable_clause,
    why_not_sellable,
)
from storefront.catalog.diet_tag_bits import flag_of, tag_flag
from storefront.catalog.models import (
    Collection,
    CollectionProduct,
    DietTag,
    Product,
    ProductImage,
    Variant,
    product_diet_tags,
)
from storefront.catalog.search import SortKey, apply_search
from storefront.catalog.versioned import (
    LISTING_TAG,
    PRICE_BAND_LAST,
    STOCK_TAG,
    collection_tag,
    joined_collection_tag,
    joined_diet_tag,
    price_band,
    price_band_tags,
    price_range_end_tags,
    price_range_shown,
    product_tag,
)
from storefront.clock import today
from storefront.extensions import db
from storefront.pagination import PageNumbers
from storefront.transactions import generic_plan

SORTS = {
    "featured": "Featured",
    "newest": "Newest",
    "price": "Price: low to high",
    "price-desc": "Price: high to low",
    "name": "Name: A to Z",
    "relevance": "Best match",
}


@dataclass(frozen=True)
class ProductCard:
    """Everything a product tile shows, read in one row."""

    id: int
    slug: str
    title: str
    brand: str
    summary: str
    status: str
    price: int
    compare_at_price: int | None
    stock: int
    certified: bool
    image_path: str | None
    image_alt: str
    variant_id: int | None
    variant_count: int
    collection_slug: str | None
    collection_title: str | None
    created_at: datetime
    review_count: int = 0  # approved reviews (product columns kept by the reviews room's triggers)
    review_rating_sum: int = 0

    @property
    def rating_average(self) -> float | None:
        return round(self.review_rating_sum / self.review_count, 1) if self.review_count else None

    @property
    def is_active(self) -> bool:
        return is_on_sale(self.status)

    @property
    def problem(self) -> Unsellable | None:
        """None when one unit can be bought; else why not (availability.why_not_sellable)."""
        return why_not_sellable(self.is_active, self.stock)

    @property
    def on_sale(self) -> bool:
        return self.compare_at_price is not None and self.compare_at_price > self.price


@dataclass
class ListingFilters:
    """What a shopper chose on a listing page; all optional and combinable."""

    q: str = ""
    certified: bool = False
    in_stock: bool = False
    tags: list[str] = field(default_factory=list)
    # Allergen slugs (storefront/catalog/allergens.py) the products must not contain.
    free_from: list[str] = field(default_factory=list)
    price_min: int | None = None  # minor units
    price_max: int | None = None
    sort: str = "featured"
    page: int = 1


@dataclass(frozen=True)
class TagFacet:
    slug: str
    name: str
    count: int
    selected: bool


@dataclass(frozen=True)
class FreeFromFacet:
    slug: str
    label: str  # "Gluten": the panel says "Free from" once, above them
    count: int  # the products listed if this one were added to the choices
    selected: bool


class PriceRange(NamedTuple):
    """The lowest and highest price_from of a listing's matches as its price fields show them
    (rounded out to their price bands: `shown`), None when nothing matches."""

    low: int | None
    high: int | None

    @classmethod
    def shown(cls, low: int | None, high: int | None) -> PriceRange:
        return cls(*price_range_shown(low, high))

    @property
    def upto(self) -> int | None:
        """The high end for the "Max" field: its band's end ($50 for $45-$49.99), a price in the
        open band as it is."""
        if self.high is None or price_band(self.high) == PRICE_BAND_LAST:
            return self.high
        return self.high + 1


@dataclass(frozen=True)
class Facets:
    total: int
    certified: int
    # No "in stock" count: the box filters without one. A count over the matches would change
    # whenever any product sells out or comes back, re-rendering every listing (issue 20).
    # Computed with the counts, shown only through the price-range fragment (facet_cache.py):
    # a stored Facets keeps its counts' tags, not its range's.
    price_low: int | None
    price_high: int | None
    tags: list[TagFacet]
    free_from: list[FreeFromFacet] = field(default_factory=list)

    def to_data(self) -> dict:
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict) -> Facets:
        return cls(**{
            **data,
            "tags": [TagFacet(**tag) for tag in data["tags"]],
            "free_from": [FreeFromFacet(**f) for f in data.get("free_from", [])],
        })


@dataclass(frozen=True)
class ListingPage(PageNumbers):
    cards: list[ProductCard]
    total: int
    page: int
    per_page: int


# ---------------------------------------------------------------- building blocks


# The clauses below (and availability's certified_clause and in_stock_clause) test the product
# whose id is `product_id`: Product.id by default, or a collection entry's product_id when a
# listing walks the collection's own index.


def tag_clause(tag_slug: str, product_id=Product.id, bits=None, walk: bool = False):
    """The product is tagged `tag_slug`: a test of its diet tag bits (diet_tag_bits.py), the
    Product row's or `bits` (a collection entry's copy); for another `product_id` without
    bits, of its links.

    PostgreSQL keeps no statistics for a bit test, so the test's form is its guess: an equality
    holds for 0.5% of rows, an inequality for 99.5%. A statement that finds every match (a
    count, the facets, a short listing read whole) wants the first: guessing that every member
    of a collection matched, it read all 97,000 products' facets to join them to the
    collection's entries (41 ms) rather than look up the 2,800 that did. A page walked in sort
    order until it is full (`walk`) wants the second: guessing few matches, it sorted them all
    instead of walking (2 ms became 85 for certified keto products).
    """
    if bits is None and product_id is Product.id:
        bits = Product.diet_tag_bits
    if bits is not None:
        flag = tag_flag(tag_slug)
        return bits.bitwise_and(flag) != 0 if walk else bits.bitwise_and(flag) == flag
    # An alias, so the clause never correlates with a DietTag of an enclosing query (facets).
    tag = aliased(DietTag)
    link = product_diet_tags.alias()
    return exists().where(
        link.c.product_id == product_id, link.c.diet_tag_id == tag.id, tag.slug == tag_slug
    )


def free_from_clause(mask: int, product_id=Product.id):
    """The product declares none of the allergens in `mask`: `allergen_mask & mask = 0`, which
    an undeclared product (NULL) never satisfies."""
    if product_id is Product.id:
        return Product.allergen_mask.bitwise_and(mask) == 0
    # A collection entry's product: its row, found by primary key.
    other = aliased(Product)
    return exists().where(other.id == product_id, other.allergen_mask.bitwise_and(mask) == 0)


def collection_clause(collection: Collection, day: date, walk: bool = False):
    """Membership in a manual or rule-based collection (`walk`: see tag_clause)."""
    rule = collection.rule or ""
    if rule == "certified":
        return certified_clause(day)
    if rule.startswith("tag:"):
        return tag_clause(rule.removeprefix("tag:"), walk=walk)
    return exists().where(
        CollectionProduct.collection_id == collection.id,
        CollectionProduct.product_id == Product.id,
    )


def _member_of_any_clause(day):
    """collection_clause's rules for the Collection row of the enclosing statement, not for
    a loaded one: lets one statement fill strips for collections it finds by slug."""
    manual = and_(
        or_(Collection.rule.is_(None), Collection.rule == ""),
        exists().where(
            CollectionProduct.collection_id == Collection.id,
            CollectionProduct.product_id == Product.id,
        ),
    )
    certified = and_(Collection.rule == "certified", holds_certificate_clause(day))  # strips walk the newest
    link = product_diet_tags.alias()
    tagged = and_(
        Collection.rule.like("tag:%"),
        exists().where(
            link.c.product_id == Product.id,
            link.c.diet_tag_id == DietTag.id,
            DietTag.slug == func.substr(Collection.rule, 5),
        ),
    )
    return or_(manual, certified, tagged)


def _today_param():
    # Evaluated at each execution, so statements built once still ask about today; written into
    # the statement's text (availability._written_in says why).
    return bindparam("card_day", type_=Date, callable_=lambda: today(), literal_execute=True)


@cache
def _card_columns() -> tuple:
    """Columns of a ProductCard; each sub-select is correlated to the outer product row.

    Built once per process (a SQL construct is immutable; the day is a bind parameter):
    constructing these nine sub-selects took longer than running them.
    """
    day = _today_param()
    by_product = Variant.product_id == Product.id
    stock = select(func.coalesce(func.sum(Variant.stock), 0)).where(by_product)
    default_variant = (
        select(Variant.id)
        .where(by_product)
        .order_by(case((Variant.stock > 0, 0), else_=1), Variant.position, Variant.id)
        .limit(1)
    )
    compare_at = select(func.max(Variant.compare_at_price)).where(
        by_product, Variant.price == Product.price_from, Variant.compare_at_price > Variant.price
    )
    variant_count = select(func.count(Variant.id)).where(by_product)
    image_path = (
        select(ProductImage.path)
        .where(ProductImage.product_id == Product.id)
        .order_by(ProductImage.position, ProductImage.id)
        .limit(1)
    )
    image_alt = (
        select(ProductImage.alt)
        .where(ProductImage.product_id == Product.id)
        .order_by(ProductImage.position, ProductImage.id)
        .limit(1)
    )
    first_collection = (
        select(Collection)
        .join(CollectionProduct, CollectionProduct.collection_id == Collection.id)
        .where(CollectionProduct.product_id == Product.id)
        .order_by(Collection.position, Collection.id)
        .limit(1)
    )
    collection_slug = first_collection.with_only_columns(Collection.slug)
    collection_title = first_collection.with_only_columns(Collection.title)
    return (
        Product.id,
        Product.slug,
        Product.title,
        Product.brand,
        Product.summary,
        Product.status,
        Product.price_from.label("price"),
        compare_at.correlate(Product).scalar_subquery().label("compare_at_price"),
        stock.correlate(Product).scalar_subquery().label("stock"),
        certified_clause(day).label("certified"),  # the row's certificate window
        image_path.correlate(Product).scalar_subquery().label("image_path"),
        func.coalesce(image_alt.correlate(Product).scalar_subquery(), "").label("image_alt"),
        default_variant.correlate(Product).scalar_subquery().label("variant_id"),
        variant_count.correlate(Product).scalar_subquery().label("variant_count"),
        collection_slug.correlate(Product).scalar_subquery().label("collection_slug"),
        collection_title.correlate(Product).scalar_subquery().label("collection_title"),
        Product.created_at,
        Product.review_count,
        Product.review_rating_sum,
    )


def _to_card(row) -> ProductCard:
    return _card_from(row._asdict())


def _card_from(values: dict) -> ProductCard:
    values["certified"] = bool(values["certified"])
    values["stock"] = int(values["stock"] or 0)
    values["variant_count"] = int(values["variant_count"] or 0)
    return ProductCard(**values)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _filter_clauses(
    filters: ListingFilters, day: date, product_id, price, bits=None, window=None, walk: bool = False
) -> list:
    """The shopper's facet choices as WHERE terms about `product_id` (priced by `price`; its
    diet tag `bits` and certificate `window` when another row than Product's carries them;
    `walk`: see tag_clause)."""
    clauses = []
    if filters.certified:
        clauses.append(certified_clause(day, product_id, window))
    if filters.in_stock:
        clauses.append(in_stock_clause(product_id))
    clauses.extend(tag_clause(tag, product_id, bits, walk) for tag in filters.tags)
    if filters.free_from:
        clauses.append(free_from_clause(mask_of(filters.free_from), product_id))
    if filters.price_min is not None:
        clauses.append(price >= filters.price_min)
    if filters.price_max is not None:
        clauses.append(price <= filters.price_max)
    return clauses


def _filtered(filters: ListingFilters, collection: Collection | None, day: date, walk: bool = False) -> Select:
    """Active products matching every chosen filter (no ordering, no paging; `walk`: the
    statement will be walked in sort order, see tag_clause)."""
    stmt = select(Product.id).where(on_sale_clause())
    if collection is not None and not collection.rule:
        # A manual collection: its entries carry the product's price, diet tags and certificate
        # window (collection_sort_keys.py), so its members are filtered on the entries alone
        # and only the matches' product rows are read (a two-facet count at 100,000 products:
        # 18 ms, against 36 testing the product row of each of the 16,700 members).
        entry = aliased(CollectionProduct)
        return stmt.where(
            exists().where(
                entry.collection_id == collection.id,
                entry.product_id == Product.id,
                entry.product_active == true(),
                *_filter_clauses(
                    filters, day, entry.product_id, entry.sort_price, entry.diet_tag_bits, _entry_window(entry), walk
                ),
            )
        )
    if collection is not None:
        stmt = stmt.where(collection_clause(collection, day, walk))
        filters = _beyond_rule(filters, collection)
    return stmt.where(*_filter_clauses(filters, day, Product.id, Product.price_from, walk=walk))


def _entry_window(entry):
    return entry.certified_from, entry.certified_until, entry.certified_gaps


def _beyond_rule(filters: ListingFilters, collection: Collection) -> ListingFilters:
    """The filters a rule-based collection does not already apply: "certified only" on the
    certified collection (the shoppers' most common choice there) is the same clause, and
    PostgreSQL would check every match's certificates twice."""
    rule = collection.rule or ""
    if rule == "certified" and filters.certified:
        return replace(filters, certified=False)
    if rule.startswith("tag:") and rule.removeprefix("tag:") in filters.tags:
        return replace(filters, tags=[t for t in filters.tags if t != rule.removeprefix("tag:")])
    return filters


def _all_certified(filters: ListingFilters, collection: Collection | None) -> bool:
    return filters.certified or (collection is not None and collection.rule == "certified")


# Sorts a manual collection's entries carry keys for (storefront/catalog/collection_sort_keys.py).
ENTRY_SORTS = ("price", "price-desc", "newest", "name")


def _matches(
    filters: ListingFilters, collection: Collection | None, day: date, walk: bool = False
) -> tuple[Select, list[SortKey]]:
    """The listing's matching products (ids) and, for a search, its relevance sort keys: what the
    page of cards, the facets and the price range all count from."""
    stmt = _filtered(filters, collection, day, walk)
    if filters.q:
        return apply_search(stmt, filters.q, _dialect())
    return stmt, []


def _collection_entries(filters: ListingFilters, collection: Collection, day: date):
    """A manual collection's members matching every filter, walked on the collection's own
    sort indexes: (statement, its product id column, the sort keys)."""
    entry = aliased(CollectionProduct)
    stmt = select(entry.product_id).where(
        entry.collection_id == collection.id,
        entry.product_active == true(),
        *_filter_clauses(filters, day, entry.product_id, entry.sort_price, entry.diet_tag_bits, walk=True),
    )
    keys = _sort_keys(
        filters, [], price=entry.sort_price, title=entry.sort_title, created=entry.sort_created,
        ident=entry.product_id,
    )
    return stmt, entry.product_id, keys


# ---------------------------------------------------------------- public API


def _sort_keys(
    filters: ListingFilters,
    rank: list[SortKey],
    position=None,
    *,
    price=Product.price_from,
    title=Product.title,
    created=Product.created_at,
    ident=Product.id,
) -> list[SortKey]:
    """The listing's ORDER BY, most significant first; always ends on a unique column.

    `position` is a manual collection's own order (for "featured"), when the listing has it.
    The columns are the product's, or a collection entry's copies of them.
    """
    keys: list[SortKey] = []
    if filters.sort in ("relevance", "featured"):
        keys.extend(rank)
    sort = filters.sort
    if sort == "featured" and position is not None:
        keys.append(SortKey(position))
    elif sort == "price":
        keys.append(SortKey(price))
    elif sort == "price-desc":
        keys.append(SortKey(price, True))
    elif sort == "name":
        keys.append(SortKey(title))
    return [*keys, SortKey(created, True), SortKey(ident, True)]


def _ordered(columns, keys: list[SortKey]) -> list:
    return [c.desc() if key.descending else c.asc() for c, key in zip(columns, keys, strict=True)]


# Up to this many matches, a listing reads them all and sorts them; above it, walks an index
# in sort order (each step then finds a match with a probability of at least a few percent).
MATERIALIZE_AT_MOST = 1000


def _materialize_matches(filters: ListingFilters, total: int | None) -> bool:
    if _dialect() != "postgresql" or filters.sort == "newest":
        return False
    if filters.q and filters.sort in ("relevance", "featured"):
        # Ranked: no index gives this order, so the planner already finds the matches by the
        # search index and keeps the best page in a top-N sort, scoring each row as it reads
        # it. A materialized CTE joined back to product read every match twice (7x slower at
        # 1,700 matches among 100,000 products).
        return False
    return total is None or total <= MATERIALIZE_AT_MOST


def list_products(
    filters: ListingFilters,
    per_page: int,
    collection: Collection | None = None,
    total: int | None = None,
) -> ListingPage:
    """One page of product cards for a listing, in one query.

    Pass `total` when it is already known (the facets count it); otherwise one more query
    counts the matches. The total also picks the plan (see _materialize_matches).
    """
    day = today()
    stmt, rank = _matches(filters, collection, day)
    if total is None:
        total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    if total == 0:
        return ListingPage([], 0, filters.page, per_page)
    manual = collection is not None and not collection.rule
    product_id = Product.id
    keys = None
    if _materialize_matches(filters, total):
        # Few matches: find them first on their own best plan (a collection's entries, the
        # search index), then sort and cut the page from them. Left alone, PostgreSQL may walk
        # all products in price order probing each one (seconds at 100,000 products). Many
        # matches: walking the sort order's index and probing stops after a page's worth.
        # (The PostgreSQL rank names product.search_vector: the outer product row's, here.)
        matching = stmt.with_only_columns(Product.id).cte("matching").prefix_with("MATERIALIZED")
        stmt = select(Product.id).join(matching, matching.c.id == Product.id)
    elif manual and not filters.q and filters.sort in ENTRY_SORTS:
        # Many matches in a manual collection: walk its entries in sort order (they carry
        # the keys), not every product probing membership.
        stmt, product_id, keys = _collection_entries(filters, collection, day)
    elif not (filters.q and filters.sort in ("relevance", "featured")):
        # Many matches, walked in sort order until the page is full: the tag tests in the form
        # that makes PostgreSQL expect many (tag_clause). A ranked search sorts all its matches.
        stmt, rank = _matches(filters, collection, day, walk=True)
    position = None
    if manual and filters.sort == "featured":  # never an entry walk: "featured" is not in ENTRY_SORTS
        # Joined, not a sub-select per product: the walk follows the collection's
        # (collection_id, position) index and stops after a page.
        entry = aliased(CollectionProduct)  # apart from the membership test's own
        stmt = stmt.join(
            entry, and_(entry.collection_id == collection.id, entry.product_id == Product.id)
        )
        position = entry.position
    if keys is None:
        keys = _sort_keys(filters, rank, position)
    # Two steps in one statement: pick the page's ids by the sort keys alone, then build
    # cards (nine correlated look-ups each) for those 24 rows only, not for every match.
    sort_columns = [key.expression.label(f"sort_{i}") for i, key in enumerate(keys)]
    page_ids = (
        stmt.with_only_columns(product_id.label("page_id"), *sort_columns)
        .order_by(*_ordered([key.expression for key in keys], keys))
        .limit(per_page)
        .offset((filters.page - 1) * per_page)
        .subquery("page_ids")
    )
    query = (
        select(*_card_columns())
        .join(page_ids, page_ids.c.page_id == Product.id)
        .order_by(*_ordered([page_ids.c[f"sort_{i}"] for i in range(len(keys))], keys))
    )
    cards = [_to_card(r) for r in db.session.execute(query)]
    return ListingPage(cards, total, filters.page, per_page)


def listing_facets(filters: ListingFilters, collection: Collection | None = None) -> Facets:
    """Counts a shopper sees beside each facet: products matching the other choices plus it.

    One statement: the matches are found once (a CTE read twice, which PostgreSQL and SQLite
    compute once), then counted per diet tag and aggregated for the certified / price /
    free-from figures; one row per diet tag, each carrying those figures.
    """
    day = today()
    stmt, _ = _matches(filters, collection, day)
    matching = stmt.add_columns(
        Product.price_from.label("price_from"),
        Product.allergen_mask.label("allergen_mask"),
        Product.certified_from.label("certified_from"),
        Product.certified_until.label("certified_until"),
        Product.certified_gaps.label("certified_gaps"),
        Product.diet_tag_bits.label("diet_tag_bits"),
    ).cte("matching")
    # Counted on the matches' diet tag bits, not by joining the matches to the tag links (at
    # 100,000 products that join read all 160,000 links for a listing of 7,000 matches, 35 of
    # its 58 ms): the matches are grouped by their combination of tags first (about 150 of
    # them among 97,000 products), then each combination counts for the tags in it.
    combinations = (
        select(matching.c.diet_tag_bits, func.count().label("n"))
        .group_by(matching.c.diet_tag_bits)
        .subquery("combinations")
    )
    tag = aliased(DietTag)
    counts = (
        select(tag.id.label("diet_tag_id"), func.sum(combinations.c.n).label("n"))
        .select_from(combinations)
        .join(tag, combinations.c.diet_tag_bits.bitwise_and(flag_of(tag.bit)) != 0)
        .group_by(tag.id)
        .subquery("counts")
    )
    tag_counts = (
        select(DietTag.slug, DietTag.name, func.coalesce(counts.c.n, 0).label("n"))
        .outerjoin(counts, counts.c.diet_tag_id == DietTag.id)
        .subquery("tag_counts")
    )
    # Aggregated straight over the matches (no second pass over the product table); when every
    # match is certified already, counted without testing their certificate window again.
    window = (matching.c.certified_from, matching.c.certified_until, matching.c.certified_gaps)
    certified = true() if _all_certified(filters, collection) else certified_clause(day, matching.c.id, window)
    # "Free from X": the matches (already free of the chosen ones) that do not contain X either.
    free = [
        func.coalesce(func.sum(case((matching.c.allergen_mask.bitwise_and(a.flag) == 0, 1), else_=0)), 0)
        .label(f"free_{i}")
        for i, a in enumerate(ALLERGENS)
    ]
    stats = (
        select(
            func.count(matching.c.id).label("total"),
            func.coalesce(func.sum(case((certified, 1), else_=0)), 0).label("certified"),
            func.min(matching.c.price_from).label("price_low"),
            func.max(matching.c.price_from).label("price_high"),
            *free,
        )
        .select_from(matching)
        .subquery("stats")
    )
    # The figures drive the join, so they come back even when the store has no diet tag.
    rows = db.session.execute(
        select(stats, tag_counts.c.slug, tag_counts.c.name, tag_counts.c.n)
        .select_from(stats)
        .outerjoin(tag_counts, true())
        .order_by(tag_counts.c.name)
    ).all()
    figures = rows[0]
    return Facets(
        total=int(figures.total),
        certified=int(figures.certified),
        price_low=figures.price_low,
        price_high=figures.price_high,
        tags=[TagFacet(r.slug, r.name, int(r.n), r.slug in filters.tags) for r in rows if r.slug is not None],
        free_from=[
            FreeFromFacet(a.slug, a.free_from, int(figures._mapping[f"free_{i}"]), a.slug in filters.free_from)
            for i, a in enumerate(ALLERGENS)
        ],
    )


# Up to this many matches, the price range reads every match (found through the search or filter
# indexes) once; beyond it, it walks the price index from each end to the first match, which
# takes a few rows when matches are that common. PostgreSQL walks whenever it can, guessing the
# matches' share from statistics that know little of a prefix search: at 100,000 products a
# search matching one product walked the whole index (90-120 ms for "peanut", 1 ms read whole),
# one matching 16,000 took 52 ms (26 ms read whole), one matching 97,000 1 ms (55 ms read whole).
PRICE_RANGE_WALK_FROM = 20_000


def listing_price_range(
    filters: ListingFilters, collection: Collection | None = None, matches: int | None = None
) -> PriceRange:
    """The lowest and highest price among a listing's matches (the price fields' placeholders):
    the facets compute it too; this reads it alone when only the range went stale. `matches`:
    how many products the listing matches, if known (even from a stale count: it only chooses
    how to read)."""
    stmt, _ = _matches(filters, collection, today())
    price = Product.price_from
    if matches is None or matches < PRICE_RANGE_WALK_FROM:
        price = price + 0  # an expression the price index cannot serve: read the matches once
    matching = stmt.add_columns(price.label("price_from")).subquery("matching")
    low, high = db.session.execute(
        select(func.min(matching.c.price_from), func.max(matching.c.price_from)).select_from(matching)
    ).one()
    return PriceRange.shown(low, high)


def product_cards_by_slugs(slugs: Sequence[str]) -> dict[str, ProductCard]:
    """Cards for every slug that exists (any status), in one query; missing slugs are absent."""
    wanted = list(dict.fromkeys(s for s in slugs if s))
    if not wanted:
        return {}
    rows = db.session.execute(select(*_card_columns()).where(Product.slug.in_(wanted)))
    return {row.slug: _to_card(row) for row in rows}


def newest_cards(limit: int) -> list[ProductCard]:
    """The newest active products, for the home page."""
    rows = db.session.execute(
        select(*_card_columns())
        .where(on_sale_clause())
        .order_by(Product.created_at.desc(), Product.id.desc())
        .limit(limit)
    )
    return [_to_card(r) for r in rows]


def similar_certified_card(exclude_slugs: Iterable[str], collection_slug: str | None) -> ProductCard | None:
    """An in-stock certified product to offer instead, preferring the same collection."""
    return _similar_pick(exclude_slugs, collection_slug).card


class _SimilarPick(NamedTuple):
    card: ProductCard | None
    from_collection: int | None  # the collection whose newest match it is (None: from anywhere)


def _similar_pick(exclude_slugs: Iterable[str], collection_slug: str | None) -> _SimilarPick:
    params = {"exclude_slugs": list(exclude_slugs) or [""]}
    if collection_slug:
        params["collection_slug"] = collection_slug
    row = db.session.execute(_similar_card_statement(bool(collection_slug)), params).first()
    if row is None:
        return _SimilarPick(None, None)
    values = row._asdict()
    from_collection = values.pop("kin_collection")
    return _SimilarPick(_card_from(values), from_collection)


@cache
def _similar_card_statement(same_collection_first: bool) -> Select:
    # Built once per process; the slugs are bind parameters (this runs on article pages).
    # Each candidate is "the newest match" on its own, so the database walks the
    # (status, created_at) index from the newest product and stops at the first hit, instead
    # of ranking every certified product in the catalog.
    newest = (
        select(Product.id)
        .where(
            sellable_clause(),
            Product.slug.not_in(bindparam("exclude_slugs", expanding=True)),
            holds_certificate_clause(_today_param()),
        )
        .order_by(Product.created_at.desc(), Product.id.desc())
        .limit(1)
    )
    candidates = []
    if same_collection_first:
        collection_id = select(Collection.id).where(Collection.slug == bindparam("collection_slug")).scalar_subquery()
        same = exists().where(CollectionProduct.product_id == Product.id, CollectionProduct.collection_id == collection_id)
        in_collection = newest.where(same).subquery("in_collection")
        candidates.append(select(in_collection.c.id, literal(0).label("preference"),
                                 collection_id.label("kin_collection")))
    anywhere = newest.subquery("anywhere")
    candidates.append(select(anywhere.c.id, literal(1).label("preference"),
                             cast(null(), Integer).label("kin_collection")))
    picks = union_all(*candidates).subquery("picks")
    return (
        select(*_card_columns(), picks.c.kin_collection)
        .join(picks, picks.c.id == Product.id)
        .order_by(picks.c.preference)
        .limit(1)
    )


class RelatedCards(list):
    """The cards of "You may also like", and what the page showing them depends on: the
    product's collections and diet tags (a product joining one may come first) and how many
    cards came from a shared collection (when they fill the strip, a shared tag cannot)."""

    collections: tuple[int, ...] = ()
    diet_tags: tuple[int, ...] = ()
    from_shared_collection: int = 0


def _ids(joined: str | None) -> tuple[int, ...]:
    return tuple(sorted({int(part) for part in (joined or "").split(",") if part.strip()}))


def related_cards(product_id: int, limit: int = 4) -> RelatedCards:
    """"You may also like": up to `limit` certified, in-stock products sharing a hand-picked
    collection with the product (first) or one of its diet tags, newest first; never the
    product itself. One statement."""
    # Planning this statement took three times as long as running it (2 ms against 0.7 at 100,000
    # products); its plan (walk the newest products, stop at `limit`) is the same for every product.
    with generic_plan():
        rows = db.session.execute(_related_statement(_dialect()), {"related_to": product_id, "related_limit": limit}).all()
    cards = RelatedCards()
    for row in rows:
        values = row._asdict()
        cards.collections = _ids(values.pop("kin_collections"))
        cards.diet_tags = _ids(values.pop("kin_diet_tags"))
        cards.from_shared_collection += values.pop("kin_preference") == 0
        cards.append(_card_from(values))
    return cards


def _joined_ids(column, dialect: str):
    """The ids as one "1,4,7" string (SQLite and PostgreSQL spell the aggregate differently)."""
    if dialect == "postgresql":
        return func.string_agg(cast(column, String), literal(","))
    return func.group_concat(column, ",")


@cache
def _related_statement(dialect: str) -> Select:
    # Built once per process. Each kind of kinship is its own "newest matches" walk that stops
    # after `limit` hits (as _similar_card_statement does), rather than one ORDER BY that would
    # rank every product sharing a common tag such as "vegan" (half the catalog).
    this = bindparam("related_to")
    limit = bindparam("related_limit")
    newest = (
        select(Product.id)
        .where(sellable_clause(), Product.id != this, holds_certificate_clause(_today_param()))
        .order_by(Product.created_at.desc(), Product.id.desc())
        .limit(limit)
    )
    mine, theirs = aliased(CollectionProduct), aliased(CollectionProduct)
    same_collection = exists().where(
        mine.product_id == this, theirs.collection_id == mine.collection_id, theirs.product_id == Product.id
    )
    my_tag, their_tag = product_diet_tags.alias(), product_diet_tags.alias()
    shared_tag = exists().where(
        my_tag.c.product_id == this,
        their_tag.c.diet_tag_id == my_tag.c.diet_tag_id,
        their_tag.c.product_id == Product.id,
    )
    # Each walk only when the product has that kind of kin at all: an uncorrelated test the
    # database runs once (a one-time filter). Without it, a product with no diet tag walked all
    # 100,000 products looking for a shared one (150 ms, one product page in eight).
    any_collection = exists().where(aliased(CollectionProduct).product_id == this)
    any_tag = exists().where(product_diet_tags.alias().c.product_id == this)
    kin = [
        select(part.c.id, literal(preference).label("preference"))
        for preference, part in enumerate((
            newest.where(any_collection, same_collection).subquery("same_collection"),
            newest.where(any_tag, shared_tag).subquery("shared_tag"),
        ))
    ]
    picks = union_all(*kin).subquery("picks")
    best = select(picks.c.id, func.min(picks.c.preference).label("preference")).group_by(picks.c.id).subquery("best")
    kin_collections = (
        select(_joined_ids(CollectionProduct.collection_id, dialect))
        .where(CollectionProduct.product_id == this)
        .scalar_subquery()
    )
    kin_diet_tags = (
        select(_joined_ids(product_diet_tags.c.diet_tag_id, dialect))
        .where(product_diet_tags.c.product_id == this)
        .scalar_subquery()
    )
    return (
        select(
            *_card_columns(),
            best.c.preference.label("kin_preference"),
            kin_collections.label("kin_collections"),
            kin_diet_tags.label("kin_diet_tags"),
        )
        .join(best, best.c.id == Product.id)
        .order_by(best.c.preference, Product.created_at.desc(), Product.id.desc())
        .limit(limit)
    )


@dataclass(frozen=True)
class CollectionStrip:
    """A collection named by a CTA: its title and the slugs of a few products to show."""

    slug: str
    title: str
    slugs: list[str]


def collection_strips(slugs: Sequence[str], size: int) -> dict[str, CollectionStrip]:
    """Up to `size` sellable products of each collection, newest first, in one statement;
    collections that do not exist are absent."""
    wanted = list(dict.fromkeys(slugs))
    if not wanted:
        return {}
    day = today()
    parts = []
    for slug in wanted:
        header = select(
            Collection.slug.label("c_slug"),
            Collection.title.label("c_title"),
            null().label("p_slug"),
            literal(0).label("rank"),
        ).where(Collection.slug == slug)
        members = (
            select(
                Collection.slug.label("c_slug"),
                Collection.title.label("c_title"),
                Product.slug.label("p_slug"),
                literal(1).label("rank"),
            )
            .select_from(Collection)
            .join(Product, and_(sellable_clause(), _member_of_any_clause(day)))
            .where(Collection.slug == slug)
            .order_by(Product.created_at.desc(), Product.id.desc())
            .limit(size)
        )
        # Wrapped, so each part keeps its own LIMIT inside the UNION on every database.
        for part in (header, members):
            sub = part.subquery()
            parts.append(select(*sub.c))
    strips: dict[str, CollectionStrip] = {}
    for row in db.session.execute(union_all(*parts)):
        strip = strips.setdefault(row.c_slug, CollectionStrip(row.c_slug, row.c_title, []))
        if row.p_slug:
            strip.slugs.append(row.p_slug)
    return strips


def get_collection(slug: str) -> Collection | None:
    return db.session.scalar(select(Collection).where(Collection.slug == slug))


def featured_collections(limit: int = 8) -> list[Collection]:
    return list(
        db.session.scalars(
            select(Collection)
            .where(Collection.featured.is_(True))
            .order_by(Collection.position, Collection.title)
            .limit(limit)
        )
    )


def all_collections() -> list[Collection]:
    return list(db.session.scalars(select(Collection).order_by(Collection.position, Collection.title)))


def get_active_product(slug: str) -> Product | None:
    """A product for its page, with variants, images, certifications and tags loaded up front."""
    # One joined query for the product's small collections (a few variants, images and
    # certificates), one more for its tags: the page's query count stays fixed.
    return (
        db.session.scalars(
            select(Product)
            .where(Product.slug == slug, on_sale_clause())
            .options(
                joinedload(Product.variants),
                joinedload(Product.images),
                joinedload(Product.certifications),
                selectinload(Product.diet_tags),
            )
        )
        .unique()
        .first()
    )


def active_product_slugs_with_dates() -> list[tuple[str, datetime]]:
    """For the sitemap: every active product's slug and last change."""
    rows = db.session.execute(
        select(Product.slug, Product.updated_at)
        .where(on_sale_clause())
        .order_by(Product.id)
    )
    return [(slug, updated) for slug, updated in rows]


class ProductRef(NamedTuple):
    """A product's identity and status, for checking what a link points at."""

    id: int
    status: str


def existing_products(slugs: Iterable[str]) -> dict[str, ProductRef]:
    """Slug -> (id, status) for the slugs that exist, in one query (for CTA validation)."""
    wanted = list(dict.fromkeys(slugs))
    if not wanted:
        return {}
    rows = db.session.execute(
        select(Product.slug, Product.id, Product.status).where(Product.slug.in_(wanted))
    )
    return {slug: ProductRef(pid, status) for slug, pid, status in rows}


def collection_slugs_existing(slugs: Iterable[str]) -> set[str]:
    wanted = list(dict.fromkeys(slugs))
    if not wanted:
        return set()
    return set(db.session.scalars(select(Collection.slug).where(Collection.slug.in_(wanted))))


# ---------------------------------------------------------------- cache dependency tags
# What a cached page showing these results depends on (storefront.caching.tags, and the tags
# the catalog's triggers stamp: storefront/catalog/versioned.py). Wrapped here, after the
# functions, so each read keeps its own body: the wrapper runs it inside `declared_reads`.


def _listing_tags(filters: ListingFilters, *args, **kwargs) -> list[str]:
    # Which products the listing holds, their order and its counts: a hand-picked collection's
    # entries and their products stamp its own tag; all products, search and rule-based
    # collections depend on the "listings" tag. Both depend on "stock" when filtered to
    # products in stock, and on the price bands their price filter can see.
    manual = _manual_collection_id(*args, **kwargs)
    tags = [LISTING_TAG if manual is None else collection_tag(manual)]
    if filters.in_stock:
        tags.append(STOCK_TAG)
    if filters.price_min is not None or filters.price_max is not None:
        tags.extend(price_band_tags(filters.price_min, filters.price_max, manual))
    return tags


def _manual_collection_id(per_page=None, collection: Collection | None = None, *args, **kwargs) -> int | None:
    """The hand-picked collection a listing read is of (None: all products, search, a rule)."""
    return collection.id if collection is not None and not collection.rule else None


def _listing_page_tags(page: ListingPage, filters: ListingFilters, *args, **kwargs) -> list[str]:
    # What the cards show (a stock level, a price, a rating) is the cards' own products' tags.
    return [*card_tags(page.cards), *_listing_order_tags(page, filters, *args, **kwargs)]


def _listing_order_tags(page: ListingPage, filters: ListingFilters, *args, **kwargs) -> list[str]:
    # Which products a page holds and in what order, beyond _listing_tags: a price-sorted page
    # also sees every price up to (or from) its last card's, since a price moving across that
    # line moves products in or out of the page. Not the cards' own tags: a sale or a price
    # edit within the page's bands changes what a card shows, not where it stands.
    tags: list[str] = []
    if page.cards:
        last, manual = page.cards[-1].price, _manual_collection_id(*args, **kwargs)
        if filters.sort == "price":
            tags.extend(price_band_tags(None, last, manual))
        elif filters.sort == "price-desc":
            tags.extend(price_band_tags(last, None, manual))
    return tags


def _facet_tags(filters: ListingFilters, collection: Collection | None = None, **_) -> list[str]:
    return _listing_tags(filters, None, collection)


def price_range_tags(
    found: PriceRange, filters: ListingFilters, collection: Collection | None = None, **_
) -> list[str]:
    # The price range shown (its ends rounded out to their bands) changes when a price moves into
    # or out of an end's band or a band beyond it (price_range_end_tags), not when it moves within
    # a band. Band tags are the whole catalog's: a range's ends go stale
    # more often than its counts, so the range is read apart from the facets (a late part of
    # the stored page, storefront/catalog/price_range.py).
    if found.low is None or found.high is None:
        return []
    return price_range_end_tags(found.low, found.high, _manual_collection_id(None, collection))


def _no_tags(*args, **kwargs) -> tuple[str, ...]:
    return ()


def _first_matches(*args, **kwargs) -> tuple[str, ...]:
    # The first few matches of a query: a product joining the set stamps ADDED_TAG; one
    # leaving it is one shown, whose own tag is stamped.
    return (ADDED_TAG,)


def _strips_tags(slugs: Sequence[str], *args, **kwargs) -> tuple[str, ...]:
    # The first few matches of each collection named; none named (an article without a
    # collection CTA: most of them) reads nothing, and no product joining anything changes it.
    return _first_matches() if slugs else ()


def card_tags(cards, *args, **kwargs) -> list[str]:
    """What a page showing these cards depends on (their products' own tags)."""
    return [product_tag(card.id) for card in cards]


def _cards_by_slug_tags(cards: dict, slugs: Sequence[str]) -> list[str]:
    tags = [product_tag(card.id) for card in cards.values()]
    if any(slug and slug not in cards for slug in slugs):
        tags.append(ADDED_TAG)  # a product may come to have that slug
    return tags


def _similar_pick_tags(pick: _SimilarPick, *args, **kwargs) -> list[str]:
    # The newest match of one collection: only a product joining that collection's matches (back
    # in stock, certified, added to it) can come first, and one leaving is the card shown (its
    # own tag). A card from anywhere, or none, may give way to a product joining anything.
    if pick.card is None:
        return [ADDED_TAG]
    joined = joined_collection_tag(pick.from_collection) if pick.from_collection is not None else ADDED_TAG
    return [product_tag(pick.card.id), joined]


def _product_tags(product, *args, **kwargs) -> list[str]:
    return [product_tag(product.id)] if product is not None else [ADDED_TAG]


def _related_tags(cards: RelatedCards, product_id: int, limit: int = 4, *args, **kwargs) -> list[str]:
    # The kinship comes from the product's own collections and tags (its tag). A product
    # joining one of its collections may come first; one joining a diet tag only when the shared
    # collections did not fill the strip. With no card, the sets are unknown: any join.
    tags = [product_tag(product_id), *card_tags(cards)]
    if not cards:
        return [*tags, ADDED_TAG]
    tags += [joined_collection_tag(c) for c in cards.collections]
    if cards.from_shared_collection < limit:
        tags += [joined_diet_tag(t) for t in cards.diet_tags]
    return tags


# The same read for a page's order alone (a search keeps its ranked slugs apart from the cards,
# storefront/search/services.py): a caller showing its cards depends on them itself (card_tags).
ranked_products = declaring(_listing_tags, _listing_order_tags)(list_products)
list_products = declaring(_listing_tags, _listing_page_tags)(list_products)
# The facets' own price range is not declared: it is shown only through listing_price_range's
# fragment, whose tags follow the range's ends (storefront/catalog/facet_cache.py).
listing_facets = declaring(_facet_tags)(listing_facets)
listing_price_range = declaring(_facet_tags, price_range_tags)(listing_price_range)
product_cards_by_slugs = declaring(_no_tags, _cards_by_slug_tags)(product_cards_by_slugs)
newest_cards = declaring(_first_matches, card_tags)(newest_cards)
_similar_pick = declaring(_no_tags, _similar_pick_tags)(_similar_pick)
related_cards = declaring(_no_tags, _related_tags)(related_cards)
collection_strips = declaring(_strips_tags)(collection_strips)  # their slugs become cards
get_active_product = declaring(_no_tags, _product_tags)(get_active_product)
get_collection = declaring(_no_tags)(get_collection)
featured_collections = declaring(_no_tags)(featured_collections)
all_collections = declaring(_no_tags)(all_collections)
collection_slugs_existing = declaring(_no_tags)(collection_slugs_existing)
def slugs_in_collections(product_slugs: Iterable[str], collection_slugs: Iterable[str]) -> set[str]:
    """Which of the product slugs belong (today) to any of the collections, manual or rule-based:
    one query per collection named (discount codes limited to collections ask this)."""
    products = list(dict.fromkeys(product_slugs))
    wanted = list(dict.fromkeys(collection_slugs))
    if not products or not wanted:
        return set()
    found: set[str] = set()
    day = today()
    for collection in db.session.scalars(select(Collection).where(Collection.slug.in_(wanted))):
        found.update(db.session.scalars(
            select(Product.slug).where(Product.slug.in_(products), collection_clause(collection, day))
        ))
    return found


__all__ = [
    "SORTS",
    "CollectionStrip",
    "Facets",
    "FreeFromFacet",
    "ListingFilters",
    "ListingPage",
    "ProductCard",
    "ProductRef",
    "TagFacet",
    "active_product_slugs_with_dates",
    "all_collections",
    "collection_clause",
    "collection_slugs_existing",
    "collection_strips",
    "existing_products",
    "featured_collections",
    "get_active_product",
    "get_collection",
    "list_products",
    "listing_facets",
    "newest_cards",
    "product_cards_by_slugs",
    "related_cards",
    "similar_certified_card",
    "slugs_in_collections",
]
