"""Cart actions: add, change, remove, merge on log-in. Quantities are capped by stock, never trusted."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from storefront.cart.models import Cart, CartLine
from storefront.catalog.availability import Unsellable, has_stock, is_on_sale, why_not_sellable
from storefront.catalog.models import Product, Variant
from storefront.discounts.services import DiscountError, PricedLine, Quote, check_code, quote_code
from storefront.extensions import db

MAX_LINE_QUANTITY = 99
REF_PATTERN = re.compile(r"^article:[a-z0-9-]{1,120}$")


class CartError(Exception):
    """A cart change the shopper asked for that cannot be done; the message is for the shopper."""


class UnknownVariant(CartError):
    def __init__(self) -> None:
        super().__init__("Sorry, we couldn't find that product. It may no longer be available.")


class InvalidQuantity(CartError):
    def __init__(self) -> None:
        super().__init__(f"Please choose a quantity between 1 and {MAX_LINE_QUANTITY}.")


class CartBusy(CartError):
    def __init__(self) -> None:
        super().__init__("Your cart changed at the same moment in another tab. Please try again.")


def _commit() -> None:
    # Two tabs adding the same product at once hit the one-line-per-variant rule: a message, not a 500.
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise CartBusy() from None


class SoldOut(CartError):
    def __init__(self, title: str) -> None:
        super().__init__(f"Sorry, {title} is sold out.")


@dataclass(frozen=True)
class CartChange:
    """What happened to one line: its new quantity and whether stock capped the request."""

    title: str
    quantity: int
    capped: bool
    available: int
    # What the shopper sees of the line (the add-to-cart notification shows it).
    product_title: str = ""
    option_label: str = ""
    image_path: str | None = None
    added: int = 0  # how many this change put in (an add can be capped below what was asked)
    cart_quantity: int | None = None  # the whole cart's count after an add (None: not counted)


def clean_ref(ref: str | None) -> str | None:
    """An attribution ref if it has the expected shape ("article:<slug>"), else None."""
    ref = (ref or "").strip()
    return ref if REF_PATTERN.match(ref) else None


def parse_quantity(raw: object) -> int:
    """A shopper-typed quantity as an int in 1..MAX_LINE_QUANTITY; anything else raises InvalidQuantity."""
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        raise InvalidQuantity() from None
    if not 1 <= value <= MAX_LINE_QUANTITY:
        raise InvalidQuantity()
    return value


def parse_variant_id(raw: object) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        raise UnknownVariant() from None
    if not 0 < value < 2**31:
        raise UnknownVariant()
    return value


def _with_lines(stmt):
    """A fixed number of queries however many lines the cart has.

    The lines are read alone and their variants by primary key: a statement that joins the small,
    fast-changing cart_line table to variant lets PostgreSQL pick a merge join that walks the
    whole variant index when cart_line's statistics are stale (40-50 ms at 100k products, on
    every add to cart and checkout, against 0.3 ms once the table is analysed again)."""
    return stmt.options(
        selectinload(Cart.lines)
        .selectinload(CartLine.variant)
        .joinedload(Variant.product, innerjoin=True)
        .options(selectinload(Product.images), selectinload(Product.variants))
    )


def find_cart(token: str | None = None, user_id: int | None = None) -> Cart | None:
    """The account's cart, or a guest cart by its token (a guest token never opens an account's cart)."""
    if user_id is not None:
        return db.session.scalar(_with_lines(select(Cart).where(Cart.user_id == user_id)))
    if token:
        return db.session.scalar(
            _with_lines(select(Cart).where(Cart.token == token, Cart.user_id.is_(None)))
        )
    return None


def create_cart(user_id: int | None = None) -> Cart:
    """A new, empty cart (saved, so its token can go in a cookie)."""
    cart = Cart(user_id=user_id)
    db.session.add(cart)
    _commit()
    return cart


def _sellable_variant(variant_id: int) -> Variant:
    variant = db.session.scalar(
        select(Variant).where(Variant.id == variant_id).options(selectinload(Variant.product))
    )
    if variant is None or not is_on_sale(variant.product.status):
        raise UnknownVariant()
    return variant


def _title(variant: Variant) -> str:
    product = variant.product
    if len(product.variants) > 1:
        return f"{product.title} ({variant.option_label})"
    return product.title


def _set_line(cart: Cart, variant: Variant, wanted: int) -> CartChange:
    # Read before changing anything: loading them must not flush a half-made line.
    title = _title(variant)
    product = variant.product
    image_path = product.images[0].path if product.images else None
    if not has_stock(variant.stock):
        raise SoldOut(title)
    available = min(variant.stock, MAX_LINE_QUANTITY)
    quantity = min(wanted, available)
    line = cart.line_for(variant.id)
    if line is None:
        cart.lines.append(CartLine(variant=variant, quantity=quantity))
    else:
        line.quantity = quantity
    return CartChange(
        title,
        quantity,
        quantity < wanted,
        available,
        product_title=product.title,
        option_label=variant.option_label,
        image_path=image_path,
    )


def add_to_cart(cart: Cart, variant_id: int, quantity: int, ref: str | None = None) -> CartChange:
    """Add a quantity of a variant, capped by stock; a valid article ref becomes the cart's attribution."""
    if not 1 <= quantity <= MAX_LINE_QUANTITY:
        raise InvalidQuantity()
    variant = _sellable_variant(variant_id)
    line = cart.line_for(variant.id)
    before = line.quantity if line else 0
    change = _set_line(cart, variant, before + quantity)
    ref = clean_ref(ref)
    if ref:
        cart.attribution = ref
    # Counted now, from the lines in hand: after the commit, counting them for the header would
    # read the cart, its lines, variants and images again (five statements on every add).
    cart_quantity = cart.quantity
    _commit()
    return replace(change, added=change.quantity - before, cart_quantity=cart_quantity)


def set_quantity(cart: Cart, variant_id: int, quantity: int) -> CartChange | None:
    """Change a line's quantity (capped by stock); zero removes the line."""
    if quantity == 0:
        remove_line(cart, variant_id)
        return None
    if not 1 <= quantity <= MAX_LINE_QUANTITY:
        raise InvalidQuantity()
    line = cart.line_for(variant_id)
    if line is None:
        raise UnknownVariant()
    change = _set_line(cart, line.variant, quantity)
    _commit()
    return change


def remove_line(cart: Cart, variant_id: int) -> None:
    """Take a variant out of the cart; removing what is not there is not an error."""
    line = cart.line_for(variant_id)
    if line is not None:
        cart.lines.remove(line)
        db.session.commit()


def claim_cart(guest: Cart | None, user_id: int) -> Cart | None:
    """On log-in: the guest cart becomes the account's, or is merged into it (quantities added, capped by stock)."""
    mine = find_cart(user_id=user_id)
    if guest is None or guest.user_id is not None or guest is mine:
        return mine
    if mine is None:
        guest.user_id = user_id
        db.session.commit()
        return guest
    for line in list(guest.lines):
        existing = mine.line_for(line.variant_id)
        wanted = line.quantity + (existing.quantity if existing else 0)
        available = min(line.variant.stock, MAX_LINE_QUANTITY)
        if available > 0:
            _set_line(mine, line.variant, min(wanted, available))
    # The guest cart is the more recent visit, so its article wins the attribution (and its code).
    mine.attribution = guest.attribution or mine.attribution
    if guest.discount_code:
        mine.discount_code, mine.discount_source = guest.discount_code, guest.discount_source
    db.session.delete(guest)
    db.session.commit()
    return mine


@dataclass(frozen=True)
class RestoredLine:
    """One line a restore link asked for, and what the cart holds of it now (0: not put back)."""

    title: str
    wanted: int
    quantity: int
    gone: bool = False  # no longer sold at all (else short of stock, or sold out when quantity is 0)


def restore_lines(cart: Cart, wanted: list[tuple[int | None, int, str]], attribution: str | None = None) -> list[RestoredLine]:
    """Put lines (variant id, quantity, title as shown before) back in the cart: each line holds at
    least what was asked, capped by stock; what is gone is skipped. Opening the same link twice adds
    nothing the second time (quantities are raised to the wanted one, never added to)."""
    ids = [variant_id for variant_id, _, _ in wanted if variant_id is not None]
    variants = {
        v.id: v for v in db.session.scalars(
            select(Variant).where(Variant.id.in_(ids))
            .options(selectinload(Variant.product).selectinload(Product.variants))
        )
    } if ids else {}
    restored = []
    for variant_id, quantity, title in wanted:
        variant = variants.get(variant_id) if variant_id is not None else None
        if variant is None or not is_on_sale(variant.product.status):
            restored.append(RestoredLine(title, quantity, 0, gone=True))
            continue
        line = cart.line_for(variant.id)
        target = min(max(quantity, line.quantity if line else 0), MAX_LINE_QUANTITY)
        try:
            change = _set_line(cart, variant, target)
        except SoldOut:
            restored.append(RestoredLine(_title(variant), quantity, 0))
            continue
        restored.append(RestoredLine(change.title, quantity, change.quantity))
    # The order's article keeps the credit for the order this cart becomes.
    cart.attribution = clean_ref(attribution) or cart.attribution
    _commit()
    return restored


def take_purchased(cart_id: int | None, bought: dict[int, int], used_code: str | None = None) -> None:
    """Remove what an order bought from the cart it came from, and the code it used (no commit: part of
    the caller's transaction)."""
    if cart_id is None:
        return
    if used_code:
        db.session.execute(
            update(Cart).where(Cart.id == cart_id, Cart.discount_code == used_code)
            .values(discount_code=None, discount_source=None).execution_options(synchronize_session=False)
        )
    if not bought:
        return
    lines = db.session.scalars(
        select(CartLine).where(CartLine.cart_id == cart_id, CartLine.variant_id.in_(list(bought)))
    )
    for line in lines:
        left = line.quantity - bought[line.variant_id]
        if left > 0:
            line.quantity = left
        else:
            db.session.delete(line)


@dataclass(frozen=True)
class CartRow:
    variant_id: int
    product_slug: str
    title: str
    option_label: str
    show_option: bool
    image_path: str | None
    image_alt: str
    unit_price: int
    quantity: int
    stock: int
    active: bool
    on_sale: bool = False  # sale-priced (a discount code may leave it out)

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity

    @property
    def most(self) -> int:
        """The largest quantity the shopper can ask for (the stepper's "+" stops there)."""
        return max(min(self.stock, MAX_LINE_QUANTITY), 0)

    @property
    def problem(self) -> str | None:
        """What the shopper must change before checking out, if anything."""
        reason = why_not_sellable(self.active, self.stock, self.quantity)
        if reason == Unsellable.UNAVAILABLE:
            return "No longer available: please remove it."
        if reason == Unsellable.SOLD_OUT:
            return "Sold out: please remove it."
        if reason == Unsellable.TOO_FEW:
            return f"Only {self.stock} left: please lower the quantity."
        return None


@dataclass(frozen=True)
class CartSummary:
    rows: list[CartRow]
    subtotal: int
    quantity: int
    attribution: str | None
    discount_code: str | None = None
    discount: Quote | None = None  # the code's saving on these lines, when it applies now
    discount_problem: str | None = None  # why the applied code saves nothing now

    @property
    def can_check_out(self) -> bool:
        return bool(self.rows) and all(r.problem is None for r in self.rows)

    @property
    def items_saving(self) -> int:
        return self.discount.items_saving if self.discount else 0

    @property
    def free_delivery(self) -> bool:
        return bool(self.discount and self.discount.free_delivery)

    def line_discount(self, variant_id: int) -> int:
        return self.discount.line_discounts.get(variant_id, 0) if self.discount else 0


def priced_lines(rows: list[CartRow]) -> list[PricedLine]:
    """The cart's lines as the discount rules take them (plain data)."""
    return [PricedLine(r.variant_id, r.product_slug, r.unit_price, r.quantity, r.on_sale) for r in rows]


def apply_discount(cart: Cart, raw_code: str, source: str | None = None) -> str:
    """Keep a code on the cart if the code itself can be used (known, active, started, not expired,
    not used up); what depends on the cart (minimum, eligible items, per customer) is shown by the
    summary and checked again when the order is placed. Returns the stored code; DiscountError if not."""
    discount = check_code(raw_code)
    if cart.discount_code != discount.code:
        cart.discount_source = None
    cart.discount_code = discount.code
    ref = clean_ref(source)
    if ref:  # typing the same code again keeps the article's credit
        cart.discount_source = ref
    if ref:
        cart.attribution = ref  # the article whose code card brought the shopper gets the order's credit
    _commit()
    return discount.code


def remove_discount(cart: Cart) -> None:
    cart.discount_code = None
    cart.discount_source = None
    db.session.commit()


def _discount_state(cart: Cart, rows: list[CartRow], email: str | None) -> tuple[Quote | None, str | None]:
    if not cart.discount_code:
        return None, None
    try:
        return quote_code(cart.discount_code, priced_lines(rows), email), None
    except DiscountError as error:
        return None, str(error)


def summarise(cart: Cart | None, email: str | None = None) -> CartSummary:
    """The cart as the shopper sees it, with today's prices and stock (lines are already loaded),
    and its discount code's saving (`email`: the signed-in shopper's, for a per-customer limit)."""
    if cart is None:
        return CartSummary([], 0, 0, None)
    rows = []
    for line in cart.lines:
        variant = line.variant
        product: Product = variant.product
        rows.append(
            CartRow(
                variant_id=variant.id,
                product_slug=product.slug,
                title=product.title,
                option_label=variant.option_label,
                show_option=len(product.variants) > 1,
                image_path=product.images[0].path if product.images else None,
                image_alt=(product.images[0].alt if product.images else "") or product.title,
                unit_price=variant.price,
                quantity=line.quantity,
                stock=variant.stock,
                active=is_on_sale(product.status),
                on_sale=variant.on_sale,
            )
        )
    discount, problem = _discount_state(cart, rows, email)
    return CartSummary(rows, sum(r.line_total for r in rows), sum(r.quantity for r in rows), cart.attribution,
                       cart.discount_code, discount, problem)
