"""The listing filter form: read from the query string, never trusted, never a 500."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, SearchField
from wtforms.validators import Length, Optional

from storefront.catalog.queries import SORTS, ListingFilters
from storefront.catalog.search import MAX_QUERY_LENGTH
from storefront.forms import FlaskForm
from storefront.money import to_minor
from storefront.slugs import SLUG_RE

MAX_PAGE = 10_000
MAX_PRICE = 10**7  # in major units; anything above is not a real shopper's filter


class ListingFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    q = SearchField("Search", validators=[Optional(), Length(max=MAX_QUERY_LENGTH)])
    certified = BooleanField("Low FODMAP Certified only")
    in_stock = BooleanField("In stock only")


def _price(raw: str | None, currency: str) -> int | None:
    if raw is None or raw.strip() == "":
        return None
    try:
        value = Decimal(raw.strip())
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value < 0 or value > MAX_PRICE:
        return None
    try:
        return to_minor(value.quantize(Decimal("0.01")), currency)
    except (ValueError, InvalidOperation):
        return None


def _page(raw: str | None) -> int:
    try:
        page = int(raw or 1)
    except ValueError:
        return 1
    return page if 1 <= page <= MAX_PAGE else 1


def parse_listing_args(
    args: MultiDict, currency: str, searching: bool = False
) -> tuple[ListingFilterForm, ListingFilters]:
    """Filters from the query string; malformed values are dropped, not fatal.

    Tags are checked for shape here and for existence by the view, against the facet list.
    """
    form = ListingFilterForm(formdata=args)
    q = (args.get("q") or "").strip()[:MAX_QUERY_LENGTH]
    tags = [t for t in dict.fromkeys(args.getlist("tag")) if SLUG_RE.match(t)][:20]
    sort = args.get("sort") or ("relevance" if searching and q else "featured")
    if sort not in SORTS or (sort == "relevance" and not q):
        sort = "featured"
    truthy = {"1", "y", "yes", "on", "true"}
    filters = ListingFilters(
        q=q,
        certified=(args.get("certified") or "").lower() in truthy,
        in_stock=(args.get("in_stock") or "").lower() in truthy,
        tags=tags,
        price_min=_price(args.get("price_min"), currency),
        price_max=_price(args.get("price_max"), currency),
        sort=sort,
        page=_page(args.get("page")),
    )
    if (
        filters.price_min is not None
        and filters.price_max is not None
        and filters.price_min > filters.price_max
    ):
        filters.price_min, filters.price_max = filters.price_max, filters.price_min
    form.q.data = q
    return form, filters
