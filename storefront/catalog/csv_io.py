"""Catalog import and export in Shopify's product CSV format.

Shopify writes one row per variant and per image; the first row of a handle carries the
product's fields (Title, Body (HTML), Vendor, Tags...) and later rows of the same handle only
variant or image columns. Import parses and validates the whole file first and writes nothing
unless every row is valid; errors name their row (the header is row 1, as in a spreadsheet).

Variants keep all three of Shopify's options: the product its option names ("Color", "Size"),
each variant its values, shown joined as its label ("Green / Small"). Shopify's placeholder
option of a product without variants (Option1 "Title" = "Default Title") means no option.
Market columns ("Price / United States"...) and others Larder has no use for are ignored.

Larder-specific fields travel in Shopify metafield columns, so an exported file imports back to
the same catalog. Nutrition facts are one JSON cell in the stored shape (storefront.catalog.nutrition):
{"serving_size": "2 capsules", "servings_per_container": 30, "rows": [{"nutrient": "Magnesium",
"amount": "200 mg", "daily_value": "48%"}]}; an empty cell removes them, a file without the column
leaves them as they are. The major allergens a product contains are one cell of slugs or names
("milk; soy"; storefront.catalog.allergens), "none" when it contains none, empty when not declared;
an unknown name is an error naming its row. The Allergens cell beside it is the notes line.

Changes to existing products' prices, stock, status and nutrition are written to the audit log,
in the import's transaction, as the person who imported the file. Image Src URLs are never downloaded: URLs of this store's own images map back
to their stored image; other URLs are counted in the report and otherwise ignored.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import partial
from typing import Any
from urllib.parse import urlparse

import nh3
from markdownify import markdownify
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storefront import audit
from storefront.catalog.allergens import UnknownAllergen, parse_cell, to_cell
from storefront.catalog.certificates_csv import (
    CertificatesError,
    certificates_from_csv,
    certificates_to_csv,
)
from storefront.catalog.diet_tag_bits import TAG_BITS
from storefront.catalog.models import (
    Certification,
    DietTag,
    Product,
    ProductImage,
    ProductStatus,
    Variant,
)
from storefront.catalog.nutrition import NutritionError, nutrition_from_csv, nutrition_to_csv
from storefront.extensions import db
from storefront.money import to_decimal, to_minor
from storefront.slugs import SLUG_RE, slugify
from storefront.text import markdown_to_safe_html

SUMMARY = "Summary (product.metafields.larder.summary)"
INGREDIENTS = "Ingredients (product.metafields.larder.ingredients)"
ALLERGENS = "Allergens (product.metafields.larder.allergens)"  # the notes line ("May contain: ...")
# The major allergens it contains (storefront/catalog/allergens.py): "milk; soy", "none", or empty
# for not declared.
CONTAINS = "Allergens contained (product.metafields.larder.allergens_contained)"
# Low FODMAP certificates as one JSON cell (storefront.catalog.certificates_csv).
CERTIFICATES = "Certifications (product.metafields.larder.certifications)"
DESCRIPTION_MD = "Description (product.metafields.larder.description_markdown)"
NUTRITION = "Nutrition (product.metafields.larder.nutrition)"
KEEP = object()  # a file without the Nutrition column leaves products' nutrition as it is
IMPORT_NOTE = "CSV import"
CERT_AUDITED = ("body", "licence_number", "serving_size_tested", "valid_from", "valid_until", "evidence_url", "listing_url")

COLUMNS = [
    "Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags", "Published",
    "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value", "Option3 Name", "Option3 Value",
    "Variant SKU", "Variant Grams", "Variant Inventory Tracker",
    "Variant Inventory Qty", "Variant Inventory Policy", "Variant Fulfillment Service",
    "Variant Price", "Variant Compare At Price", "Variant Requires Shipping", "Variant Taxable",
    "Image Src", "Image Position", "Image Alt Text", "SEO Title", "SEO Description", "Status",
    SUMMARY, INGREDIENTS, ALLERGENS, DESCRIPTION_MD, NUTRITION, CONTAINS, CERTIFICATES,
]
REQUIRED_COLUMNS = ("Handle", "Title", "Variant SKU", "Variant Price")
OPTIONS = (1, 2, 3)
VARIANT_COLUMNS = (*(f"Option{n} Value" for n in OPTIONS), "Variant SKU", "Variant Price", "Variant Inventory Qty")
# Shopify's option for a product that has a single variant: no option at all.
PLACEHOLDER_OPTION = ("Title", "Default Title")
DEFAULT_LABEL = "Default"  # Variant.option_label of a variant without options
LABEL_SEPARATOR = " / "
BODY_TAGS = {"p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "a", "h2", "h3", "h4", "blockquote", "code"}
LIMITS = {"Handle": 120, "Title": 200, "Vendor": 120, "Variant SKU": 64,
          **{f"Option{n} {part}": 120 for n in OPTIONS for part in ("Name", "Value")},
          "SEO Title": 200, "SEO Description": 320, "Image Alt Text": 255, SUMMARY: 300}
LABEL_LIMIT = 120  # Variant.option_label
MAX_QTY = 10_000_000
# Spreadsheets run cells starting with these as formulas ("CSV injection"); export quotes them
# with a leading apostrophe and import removes it again, so the round trip is exact.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class RowError:
    row: int
    message: str
    # "Row" counts records as a spreadsheet shows them; "Line" counts physical lines of the file,
    # for faults in the CSV text itself, which a text editor (not a spreadsheet) can show.
    unit: str = "Row"

    def __str__(self) -> str:
        return f"{self.unit} {self.row}: {self.message}"


class CsvImportError(ValueError):
    """The file was refused; nothing was written. `errors` lists every problem found."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the file; nothing was imported")


@dataclass
class ParsedVariant:
    row: int
    sku: str
    option_values: list[str]  # Option1-3 Value, placeholders blanked
    price: int
    compare_at_price: int | None
    stock: int
    weight_grams: int


@dataclass
class ParsedProduct:
    row: int
    handle: str
    title: str
    description: str
    brand: str
    tags: list[str]
    status: str
    seo_title: str
    seo_description: str
    summary: str
    ingredients: str
    allergens: str
    option_names: list[str]
    variants: list[ParsedVariant] = field(default_factory=list)
    nutrition: Any = KEEP  # the cleaned facts, None to remove them, or KEEP
    allergen_mask: Any = KEEP  # the bits, None for not declared, or KEEP (no such column)
    certifications: Any = KEEP  # Certification column values, one dict each, or KEEP
    images: list[tuple[str, str]] = field(default_factory=list)  # (stored path, alt)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    variants: int = 0
    images: int = 0
    external_images_skipped: int = 0

    def __str__(self) -> str:
        text = (f"{self.created} products created, {self.updated} updated, "
                f"{self.variants} variants, {self.images} images")
        if self.external_images_skipped:
            text += f"; {self.external_images_skipped} external image URLs not downloaded"
        return text


# ---------------------------------------------------------------- parsing


def _decode(data: bytes) -> tuple[str | None, list[RowError]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        # Count records up to the bad byte to name the row (newlines inside quotes are rare).
        line = data[: exc.start].count(b"\n") + 1
        return None, [RowError(line, "the file is not valid UTF-8 text (save or export it as CSV UTF-8)")]


_QUOTE_OR_BREAK = re.compile(r'["\n,]')
OTHER_DELIMITERS = ((";", "semicolon"), ("\t", "tab"), ("|", "pipe"))


def _quoting_problem(text: str) -> RowError | None:
    """The first quoting fault in the text, by physical line, or None.

    Python's csv reader forgives an unclosed quote by reading on to the next quote or the end
    of the file, so one stray quote silently merges every later row into a single cell. This
    scan follows RFC 4180 instead: a field that opens with a quote ends with a quote followed
    by a comma, a line break or the end of the file (a doubled quote inside is a literal one).
    """
    line, pos, at_field_start = 1, 0, True
    while (found := _QUOTE_OR_BREAK.search(text, pos)) is not None:
        at, char = found.start(), found.group()
        if char == "\n":
            line += 1
            at_field_start = True
        elif char == ",":
            at_field_start = True
        elif at_field_start and at == pos:  # an opening quote
            start, search_from = line, at + 1
            while True:
                close = text.find('"', search_from)
                if close == -1:
                    return RowError(start, f"a quoted field is never closed (started on line {start})", "Line")
                if text.startswith('"', close + 1):
                    search_from = close + 2
                    continue
                break
            line += text.count("\n", at, close)
            if text[close + 1 : close + 2] not in ("", ",", "\n", "\r"):
                if line == start:
                    hint = 'a quote inside a quoted field must be doubled ("")'
                else:
                    hint = f"the quoted field started on line {start}: is its closing quote missing?"
                return RowError(line, f"text follows a closing quote; {hint}", "Line")
            at = close
            at_field_start = False
        else:  # a quote inside unquoted text is an ordinary character
            at_field_start = False
        pos = at + 1
    return None


def _delimiter_hint(header_line: str) -> str | None:
    """Name of the separator a header line uses instead of commas, if that explains it."""
    for delimiter, name in OTHER_DELIMITERS:
        cells = next(csv.reader([header_line], delimiter=delimiter), [])
        if sum(c.strip() in REQUIRED_COLUMNS for c in cells) >= 2 or (
            len(cells) >= 3 and header_line.count(delimiter) > header_line.count(",")
        ):
            return name
    return None


def _money(raw: str, label: str, row: int, errors: list[RowError], currency: str, required: bool) -> int | None:
    raw = raw.strip().replace(",", "")
    if not raw:
        if required:
            errors.append(RowError(row, f"{label} is required"))
        return None
    try:
        value = Decimal(raw)
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        errors.append(RowError(row, f"{label} “{raw}” is not a number"))
        return None
    if value < 0:
        errors.append(RowError(row, f"{label} cannot be negative ({raw})"))
        return None
    if value > 10_000_000:
        errors.append(RowError(row, f"{label} {raw} is implausibly large"))
        return None
    try:
        return to_minor(value, currency)
    except (ValueError, InvalidOperation):
        errors.append(RowError(row, f"{label} {raw} has more decimals than {currency} allows"))
        return None


def _bounded_number(raw: str, label: str, row: int, errors: list[RowError], *, whole: bool) -> Decimal | None:
    """A count or weight cell: empty is None, and so is anything refused (with its error noted)."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
        if not value.is_finite() or (whole and value != value.to_integral_value()):
            raise InvalidOperation
    except InvalidOperation:
        kind = "a whole number" if whole else "a number"
        errors.append(RowError(row, f"{label} “{raw}” is not {kind}"))
        return None
    if value < 0:
        errors.append(RowError(row, f"{label} cannot be negative ({raw})"))
        return None
    if value > MAX_QTY:
        errors.append(RowError(row, f"{label} {raw} is implausibly large"))
        return None
    return value


def _whole(raw: str, label: str, row: int, errors: list[RowError]) -> int:
    value = _bounded_number(raw, label, row, errors, whole=True)
    return 0 if value is None else int(value)


def _grams(raw: str, row: int, errors: list[RowError]) -> int:
    """Variant Grams as whole grams: Shopify writes converted weights with decimals (226.796185
    for half a pound), so they are rounded rather than refused."""
    value = _bounded_number(raw, "Variant Grams", row, errors, whole=False)
    return 0 if value is None else int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _option_names(get: Callable[[str], str]) -> list[str]:
    """Option1-3 Name of a product row, up to the last one given."""
    names = [get(f"Option{n} Name") for n in OPTIONS]
    while names and not names[-1]:
        names.pop()
    return names


def _option_values(get: Callable[[str], str]) -> list[str]:
    return ["" if value == PLACEHOLDER_OPTION[1] else value for value in (get(f"Option{n} Value") for n in OPTIONS)]


def _label(values: Iterable[str]) -> str:
    return LABEL_SEPARATOR.join(v for v in values if v) or DEFAULT_LABEL


def html_to_markdown(html: str) -> str:
    """Shopify's Body (HTML), sanitised, as the Markdown our descriptions are written in."""
    clean = nh3.clean(html or "", tags=BODY_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto"})
    return markdownify(clean, heading_style="ATX", bullets="-", strip=["img"]).strip()


def _own_image_path(src: str, site_url: str) -> str | None:
    """Map a URL of this store's own images back to the stored path; None for anything else."""
    parsed = urlparse(src)
    own = urlparse(site_url)
    if parsed.netloc and parsed.netloc != own.netloc:
        return None
    path = parsed.path
    for prefix, stored in (("/static/", ""), ("/uploads/", "uploads/")):
        if path.startswith(prefix):
            rest = path.removeprefix(prefix)
            if re.fullmatch(r"[A-Za-z0-9_./-]+", rest) and ".." not in rest:
                return stored + rest
    return None


def parse_products_csv(
    data: bytes, currency: str, site_url: str
) -> tuple[list[ParsedProduct], list[RowError], int]:
    """Every product in the file and every problem found (row-numbered); never writes."""
    text, errors = _decode(data)
    if text is None:
        return [], errors, 0
    reader = csv.reader(io.StringIO(text, newline=""))
    header, problem = _read_header(reader, text)
    if problem is not None:
        return [], [problem], 0
    parser = _ProductRows(header, currency, site_url)
    parser.read(reader)
    return list(parser.products.values()), parser.errors, parser.external


def _read_header(reader: Iterator[list[str]], text: str) -> tuple[list[str], RowError | None]:
    """The header row, or the one problem that stops the file being read at all."""
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return [], RowError(1, "the file is empty")
    except csv.Error as exc:
        return [], RowError(1, f"not a readable CSV header ({exc})")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    separator = _delimiter_hint(text.split("\n", 1)[0]) if missing else None
    if separator:
        # Checked before quoting: a semicolon file's quoted cells are faults to a comma reading.
        return [], RowError(1, f"this file looks {separator}-separated; export it with commas")
    problem = _quoting_problem(text)
    if problem is not None:
        # Records after a quoting fault are misaligned, so their row errors would mislead.
        return [], problem
    if missing:
        return [], RowError(1, f"missing required column(s): {', '.join(missing)}")
    return header, None


def _cell(index: dict[str, int], cells: list[str], name: str) -> str:
    """A record's cell by column name, stripped, without the apostrophe export put before a formula."""
    i = index.get(name)
    value = cells[i] if i is not None and i < len(cells) else ""
    if value.startswith("'") and value[1:2] and value[1:2] in FORMULA_START:
        value = value[1:]
    return value.strip()


class _ProductRows:
    """Reads the records after the header into products, collecting every problem by row.

    A row with a Title starts a product; any row of a handle may add a variant and an image.
    """

    def __init__(self, header: list[str], currency: str, site_url: str) -> None:
        self.index = {name: i for i, name in enumerate(header)}
        self.currency = currency
        self.site_url = site_url
        self.products: dict[str, ParsedProduct] = {}
        self.skus: dict[str, int] = {}  # SKU -> the row that first used it
        self.external = 0  # image URLs not of this store
        self.errors: list[RowError] = []
        self.last_row = 1  # the header

    def read(self, reader: Iterator[list[str]]) -> None:
        for row, cells in self._records(reader):
            self._row(row, partial(_cell, self.index, cells))
        if self.last_row == 1 and not self.errors:
            self.errors.append(RowError(2, "the file has a header but no products"))
        self._check_products()
        self.errors.sort(key=lambda e: e.row)

    def _records(self, reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
        """(row, cells) of every record that is not blank; a malformed record ends the file."""
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self.last_row += 1
                self.errors.append(RowError(self.last_row, f"malformed CSV ({exc})"))
                return
            self.last_row += 1
            if any(c.strip() for c in cells):
                yield self.last_row, cells

    def _row(self, row: int, get: Callable[[str], str]) -> None:
        for column, limit in LIMITS.items():
            if len(get(column)) > limit:
                self.errors.append(RowError(row, f"{column} is longer than {limit} characters"))
        handle = self._handle(row, get)
        product = self._product_of(row, handle, get) if handle else None
        if product is None:
            return
        if any(get(c) for c in VARIANT_COLUMNS):
            self._add_variant(row, product, get)
        self._add_image(product, get)

    def _handle(self, row: int, get: Callable[[str], str]) -> str | None:
        handle = get("Handle").lower()
        if not handle:
            self.errors.append(RowError(row, "Handle is empty"))
            return None
        if not SLUG_RE.match(handle):
            self.errors.append(RowError(row, f"Handle “{handle}” may contain only letters, digits and hyphens"))
            return None
        return handle

    def _product_of(self, row: int, handle: str, get: Callable[[str], str]) -> ParsedProduct | None:
        """The product the row belongs to: a new one when the row has a Title, else the one its
        handle started earlier; None (with the error) when there is none or the handle repeats."""
        product = self.products.get(handle)
        if not get("Title"):
            if product is None:
                self.errors.append(RowError(row, f"no product row (with a Title) for handle “{handle}” before this row"))
            return product
        if product is not None:
            self.errors.append(RowError(row, f"duplicate handle “{handle}”: the product is already defined on row {product.row}"))
            return None
        product = _parse_product(row, handle, get, self.errors)
        if NUTRITION in self.index:
            try:
                product.nutrition = nutrition_from_csv(get(NUTRITION))
            except NutritionError as exc:
                self.errors.extend(RowError(row, f"Nutrition: {m}") for m in exc.messages)
        if CONTAINS in self.index:
            try:
                product.allergen_mask = parse_cell(get(CONTAINS))
            except UnknownAllergen as exc:
                self.errors.append(RowError(row, f"Allergens contained: {exc}"))
        if CERTIFICATES in self.index:
            try:
                product.certifications = certificates_from_csv(get(CERTIFICATES))
            except CertificatesError as exc:
                self.errors.extend(RowError(row, f"Certifications: {m}") for m in exc.messages)
        self.products[handle] = product
        return product

    def _add_variant(self, row: int, product: ParsedProduct, get: Callable[[str], str]) -> None:
        sku = get("Variant SKU") or f"{product.handle}-{len(product.variants) + 1}".upper()[:64]
        if sku in self.skus:
            self.errors.append(RowError(row, f"SKU “{sku}” is already used on row {self.skus[sku]}"))
        self.skus.setdefault(sku, row)
        product.variants.append(_parse_variant(row, sku, get, self.currency, self.errors))

    def _add_image(self, product: ParsedProduct, get: Callable[[str], str]) -> None:
        src = get("Image Src")
        if not src:
            return
        path = _own_image_path(src, self.site_url)
        if path is None:
            self.external += 1
        else:
            product.images.append((path, get("Image Alt Text")))

    def _check_products(self) -> None:
        """Every product needs a variant; one whose variants carry no option values has no options."""
        for product in self.products.values():
            if not product.variants:
                self.errors.append(RowError(product.row, f"product “{product.handle}” has no variant (Variant Price is empty)"))
            elif not any(v for variant in product.variants for v in variant.option_values):
                product.option_names = []  # Shopify's "Title: Default Title", or no option columns
        self.errors.extend(_sku_conflicts(self.products.values()))


def _parse_product(row: int, handle: str, get: Callable[[str], str], errors: list[RowError]) -> ParsedProduct:
    """The product fields of a row with a Title."""
    status = _status(row, get, errors)
    body_md = get(DESCRIPTION_MD)
    product = ParsedProduct(
        row=row, handle=handle, title=get("Title"),
        description=body_md or html_to_markdown(get("Body (HTML)")),
        brand=get("Vendor"),
        tags=[t.strip() for t in get("Tags").split(",") if t.strip()],
        status=status, seo_title=get("SEO Title"), seo_description=get("SEO Description"),
        summary=get(SUMMARY), ingredients=get(INGREDIENTS), allergens=get(ALLERGENS),
        option_names=_option_names(get),
    )
    for tag in product.tags:
        if not slugify(tag, max_length=64) or len(tag) > 80:
            errors.append(RowError(row, f"tag “{tag[:40]}” is not usable"))
    return product


def _status(row: int, get: Callable[[str], str], errors: list[RowError]) -> str:
    """Status, or Shopify's older Published column when it is empty; draft when unusable."""
    status = (get("Status") or "").lower()
    if not status:
        status = "draft" if get("Published").lower() in ("false", "no", "0") else "active"
    if status not in {s.value for s in ProductStatus}:
        errors.append(RowError(row, f"Status “{status}” is not active, draft or archived"))
        status = "draft"
    return status


def _parse_variant(
    row: int, sku: str, get: Callable[[str], str], currency: str, errors: list[RowError]
) -> ParsedVariant:
    price = _money(get("Variant Price"), "Variant Price", row, errors, currency, required=True)
    compare = _money(get("Variant Compare At Price"), "Variant Compare At Price", row, errors, currency, required=False)
    stock = _whole(get("Variant Inventory Qty"), "Variant Inventory Qty", row, errors)
    grams = _grams(get("Variant Grams"), row, errors)
    values = _option_values(get)
    if len(_label(values)) > LABEL_LIMIT:
        errors.append(RowError(row, f"the option values together are longer than {LABEL_LIMIT} characters"))
    return ParsedVariant(row, sku, values, price or 0, compare, stock, grams)


def _sku_conflicts(products: Iterable[ParsedProduct]) -> list[RowError]:
    """SKUs in the file that belong to a different product already in the store (one query)."""
    by_sku = {v.sku: (p.handle, v.row) for p in products for v in p.variants}
    if not by_sku:
        return []
    rows = db.session.execute(
        select(Variant.sku, Product.slug).join(Product).where(Variant.sku.in_(list(by_sku)))
    )
    return [
        RowError(by_sku[sku][1], f"SKU “{sku}” belongs to the existing product “{slug}”")
        for sku, slug in rows
        if slug != by_sku[sku][0]
    ]


# ---------------------------------------------------------------- writing


def import_products_csv(
    data: bytes,
    currency: str,
    site_url: str,
    user=None,
    progress: Callable[[int], None] = lambda n: None,
) -> ImportReport:
    """Create or update every product in a Shopify CSV, all or nothing; CsvImportError lists
    every problem with its row number when the file is refused."""
    products, errors, external = parse_products_csv(data, currency, site_url)
    if errors:
        raise CsvImportError(errors)
    report = ImportReport(external_images_skipped=external)
    handles = [p.handle for p in products]
    existing = {
        p.slug: p
        for p in db.session.scalars(
            select(Product)
            .where(Product.slug.in_(handles or [""]))
            .options(selectinload(Product.variants), selectinload(Product.images), selectinload(Product.diet_tags),
                     selectinload(Product.certifications))
        )
    }
    tags = {t.slug: t for t in db.session.scalars(select(DietTag))}
    _refuse_too_many_tags(products, set(tags))
    try:
        for parsed in products:
            product = existing.get(parsed.handle)
            if product is None:
                product = Product(slug=parsed.handle)
                db.session.add(product)
                report.created += 1
            else:
                report.updated += 1
            _apply(product, parsed, tags, user, report)
            progress(1)
        audit.record_change(user, "catalog", "import", "CSV import", "catalog.import", {},
                            {"created": report.created, "updated": report.updated, "variants": report.variants})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def _apply(product: Product, parsed: ParsedProduct, tags: dict[str, DietTag], user, report: ImportReport) -> None:
    audited = ("status", "nutrition", "allergen_mask")
    before = {n: getattr(product, n) for n in audited} if product.id else None
    product.title = parsed.title
    product.description = parsed.description
    product.brand = parsed.brand
    product.status = parsed.status
    product.seo_title = parsed.seo_title
    product.seo_description = parsed.seo_description
    product.summary = parsed.summary
    product.ingredients = parsed.ingredients
    product.allergens = parsed.allergens
    product.option_names = parsed.option_names or None
    if parsed.nutrition is not KEEP:
        product.nutrition = parsed.nutrition
    if parsed.allergen_mask is not KEEP:
        product.allergen_mask = parsed.allergen_mask
    if before is not None:
        audit.record_change(user, "product", product.id, product.title, "product.update", before,
                            {n: getattr(product, n) for n in audited}, note=IMPORT_NOTE)
    _apply_tags(product, parsed, tags)
    _apply_variants(product, parsed, user, report)
    have = {img.path for img in product.images}
    for path, alt in parsed.images:
        if path not in have:
            product.images.append(ProductImage(path=path, alt=alt, position=len(product.images)))
            have.add(path)
            report.images += 1
    if parsed.certifications is not KEEP:
        _apply_certificates(product, parsed.certifications, user)


def _apply_certificates(product: Product, wanted: list[dict], user) -> None:
    """The file's certificates replace the product's: one with the same body and number is
    updated in place (keeping its history), others are added, the rest removed; all audited."""
    existing = {(c.body, c.licence_number): c for c in product.certifications}
    kept = []
    for fields in wanted:
        cert = existing.pop((fields["body"], fields["licence_number"]), None)
        before = _cert_audit(cert) if cert is not None else {}
        if cert is None:
            cert = Certification()
        for name, value in fields.items():
            setattr(cert, name, value)
        kept.append((cert, before))
    product.certifications = [cert for cert, _ in kept]
    db.session.flush()
    for cert, before in kept:
        after = _cert_audit(cert)
        if after != before:
            _audit_certificate(user, cert, product.id, "certification.import", before, after)
    for cert in existing.values():
        _audit_certificate(user, cert, product.id, "certification.delete", _cert_audit(cert), {})


def _cert_audit(cert: Certification) -> dict:
    return {n: getattr(cert, n) for n in CERT_AUDITED}


def _audit_certificate(user, cert: Certification, product_id: int, action: str, before: dict, after: dict) -> None:
    audit.record_change(user, "certification", cert.id, f"{cert.body} {cert.licence_number}".strip(), action,
                        before, after, note=IMPORT_NOTE, parent=("product", product_id))


def _refuse_too_many_tags(products: list[ParsedProduct], known: set[str]) -> None:
    """A store filters by at most TAG_BITS diet tags (diet_tag_bits.py): refuse the file at the
    row whose Tags would make one more, before anything is written."""
    slugs = set(known)
    for parsed in products:
        slugs.update(slugify(name, max_length=64) for name in parsed.tags)
        if len(slugs) > TAG_BITS:
            raise CsvImportError([RowError(
                parsed.row, f"Tags: this row's tags would make {len(slugs)} diet tags; a store has at most {TAG_BITS}"
            )])


def _apply_tags(product: Product, parsed: ParsedProduct, tags: dict[str, DietTag]) -> None:
    chosen = []
    for name in parsed.tags:
        slug = slugify(name, max_length=64)  # diet_tag.slug is 64 characters
        if slug not in tags:
            tags[slug] = DietTag(slug=slug, name=name)
            db.session.add(tags[slug])
        if tags[slug] not in chosen:
            chosen.append(tags[slug])
    product.diet_tags = chosen


def _apply_variants(product: Product, parsed: ParsedProduct, user, report: ImportReport) -> None:
    by_sku = {v.sku: v for v in product.variants}
    for position, pv in enumerate(parsed.variants):
        variant = by_sku.get(pv.sku)
        if variant is None:
            variant = Variant(sku=pv.sku, stock=pv.stock)
            product.variants.append(variant)
        else:
            # Only existing variants have a before; new ones are counted in the import's entry.
            audit.record_change(
                user, "variant", variant.id, variant.sku, "variant.import",
                {"price": variant.price, "compare_at_price": variant.compare_at_price, "stock": variant.stock},
                {"price": pv.price, "compare_at_price": pv.compare_at_price, "stock": pv.stock},
                note=IMPORT_NOTE, parent=("product", product.id),
            )
            variant.stock = pv.stock
        variant.option_label = _label(pv.option_values)
        # Values line up with the product's option names; none when the product has none.
        count = len(parsed.option_names)
        variant.option_values = (pv.option_values + [""] * count)[:count] if count else None
        variant.price = pv.price
        variant.compare_at_price = pv.compare_at_price
        variant.weight_grams = pv.weight_grams
        variant.position = position
        report.variants += 1


# ---------------------------------------------------------------- export


def export_products_csv(currency: str, site_url: str) -> str:
    """The whole catalog as a Shopify product CSV (one row per variant / image)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    base = site_url.rstrip("/")
    products = db.session.scalars(
        select(Product)
        .order_by(Product.id)
        .options(selectinload(Product.variants), selectinload(Product.images), selectinload(Product.diet_tags),
                 selectinload(Product.certifications))
    )
    for product in products:
        names, values = _export_options(product)
        count = max(len(product.variants), len(product.images), 1)
        for i in range(count):
            row = dict.fromkeys(COLUMNS, "")
            row["Handle"] = product.slug
            if i == 0:
                row.update({f"Option{n} Name": name for n, name in zip(OPTIONS, names, strict=False)})
                row.update({
                    "Title": product.title,
                    "Body (HTML)": str(markdown_to_safe_html(product.description)),
                    "Vendor": product.brand,
                    "Tags": ", ".join(t.name for t in product.diet_tags),
                    "Published": "TRUE" if product.status == ProductStatus.ACTIVE else "FALSE",
                    "SEO Title": product.seo_title,
                    "SEO Description": product.seo_description,
                    "Status": product.status,
                    SUMMARY: product.summary,
                    INGREDIENTS: product.ingredients,
                    ALLERGENS: product.allergens,
                    DESCRIPTION_MD: product.description,
                    NUTRITION: nutrition_to_csv(product.nutrition),
                    CONTAINS: to_cell(product.allergen_mask),
                    CERTIFICATES: certificates_to_csv(product.certifications),
                })
            if i < len(product.variants):
                v = product.variants[i]
                row.update({f"Option{n} Value": value for n, value in zip(OPTIONS, values[i], strict=False)})
                row.update({
                    "Variant SKU": v.sku,
                    "Variant Grams": str(v.weight_grams),
                    "Variant Inventory Tracker": "shopify",
                    "Variant Inventory Qty": str(v.stock),
                    "Variant Inventory Policy": "deny",
                    "Variant Fulfillment Service": "manual",
                    "Variant Price": str(to_decimal(v.price, currency)),
                    "Variant Compare At Price": "" if v.compare_at_price is None else str(to_decimal(v.compare_at_price, currency)),
                    "Variant Requires Shipping": "TRUE",
                    "Variant Taxable": "TRUE",
                })
            if i < len(product.images):
                img = product.images[i]
                if img.path.startswith("uploads/"):
                    src = f"{base}/{img.path}"
                else:
                    src = f"{base}/static/{img.path}"
                row.update({"Image Src": src, "Image Position": str(i + 1), "Image Alt Text": img.alt})
            writer.writerow([_safe_cell(row[c]) for c in COLUMNS])
    return out.getvalue()


def _export_options(product: Product) -> tuple[list[str], list[list[str]]]:
    """Option names of a product and each variant's values, as Shopify's columns want them."""
    variants = product.variants
    names = list(product.option_names or [])
    if not names:
        if len(variants) == 1 and variants[0].option_label == DEFAULT_LABEL:
            return list(PLACEHOLDER_OPTION[:1]), [list(PLACEHOLDER_OPTION[1:])]
        # Variants that carry only a label (made in the admin): one option holding it.
        names = ["Title" if len(variants) <= 1 else "Option"]
    values = []
    for variant in variants:
        stored = variant.option_values or []
        if stored and _label(stored) == variant.option_label:
            values.append((stored + [""] * len(names))[: len(names)])
            continue
        # The label was edited since the import: its parts are the values when they fit.
        parts = variant.option_label.split(LABEL_SEPARATOR)
        if len(parts) != len(names):
            parts = [variant.option_label] + [""] * (len(names) - 1)
        values.append(parts)
    return names, values


def _safe_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value
