"""Factories for test data: small functions with sensible defaults, one place to change."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from storefront.accounts.models import User
from storefront.catalog.models import (
    Certification,
    Collection,
    CollectionProduct,
    DietTag,
    Product,
    ProductImage,
    Variant,
)
from storefront.clock import today
from storefront.extensions import db

_seq = itertools.count(1)


def make_tag(slug: str, name: str | None = None) -> DietTag:
    tag = db.session.query(DietTag).filter_by(slug=slug).one_or_none()
    if tag is None:
        tag = DietTag(slug=slug, name=name or slug.replace("-", " ").title())
        db.session.add(tag)
        db.session.flush()
    return tag


def make_certification(
    valid_from: date | None = None, valid_until: date | None = None, body: str = "Monash University Low FODMAP Certified"
) -> Certification:
    day = today()
    return Certification(
        body=body,
        licence_number=f"LIC-{next(_seq):05d}",
        serving_size_tested="1 serving (10 g)",
        valid_from=valid_from or day - timedelta(days=30),
        valid_until=valid_until or day + timedelta(days=300),
        evidence_url="https://www.example.org/certificate",
    )


def make_product(
    slug: str | None = None,
    *,
    title: str | None = None,
    price: int = 1500,
    stock: int = 10,
    certified: bool = False,
    tags: list[str] = (),
    collection: Collection | None = None,
    status: str = "active",
    brand: str = "Test Brand",
    description: str = "A product used in tests.",
    ingredients: str = "Rice flour, salt.",
    variants: list[dict] | None = None,
    commit: bool = True,
) -> Product:
    n = next(_seq)
    slug = slug or f"product-{n}"
    product = Product(
        slug=slug,
        title=title or slug.replace("-", " ").title(),
        brand=brand,
        summary=f"Summary of {slug}",
        description=description,
        ingredients=ingredients,
        allergens="None",
        status=status,
    )
    specs = variants or [{"price": price, "stock": stock}]
    product.variants = [
        Variant(
            sku=f"{slug}-{i}-{n}".upper(),
            option_label=spec.get("option", f"Option {i + 1}"),
            price=spec["price"],
            compare_at_price=spec.get("compare_at_price"),
            stock=spec.get("stock", 10),
            position=i,
        )
        for i, spec in enumerate(specs)
    ]
    product.images = [ProductImage(path="img/placeholder.svg", alt=f"{slug} image")]
    if certified:
        product.certifications = [make_certification()]
    product.diet_tags = [make_tag(t) for t in tags]
    db.session.add(product)
    db.session.flush()
    if collection is not None:
        db.session.add(CollectionProduct(collection_id=collection.id, product_id=product.id))
    if commit:
        db.session.commit()
    return product


def make_collection(slug: str = "supplements", title: str | None = None, rule: str | None = None, featured: bool = True) -> Collection:
    collection = Collection(slug=slug, title=title or slug.title(), description=f"All {slug}", rule=rule, featured=featured)
    db.session.add(collection)
    db.session.commit()
    return collection


def make_user(email: str | None = None, role: str = "customer", password: str = "correct horse battery") -> User:
    user = User(email=email or f"user{next(_seq)}@example.com", name="Test User", role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


# ---- cart, checkout and orders (issue 5) ----


def make_cart(lines: list[tuple] = (), attribution: str | None = None, user=None):
    """A saved cart; lines are (variant, quantity) pairs."""
    from storefront.cart.models import Cart, CartLine

    cart = Cart(attribution=attribution, user_id=user.id if user is not None else None)
    cart.lines = [CartLine(variant_id=variant.id, quantity=quantity) for variant, quantity in lines]
    db.session.add(cart)
    db.session.commit()
    return cart


CHECKOUT_FORM = {"email": "ada@example.com", "name": "Ada Shopper", "line1": "1 Test Street", "city": "Springfield",
                 "region": "NY", "postcode": "12345", "country": "US", "shipping_method": "standard"}


def checkout_form(**changes) -> dict:
    """What a shopper posts to /checkout: a valid US address (a state is required) and standard delivery."""
    return {**CHECKOUT_FORM, **changes}


def make_address(**changes):
    from storefront.checkout.services import Address

    values = {"name": "Ada Shopper", "line1": "1 Test Street", "city": "Springfield",
              "postcode": "12345", "country": "US"}
    values.update(changes)
    return Address(**values)


def make_order(lines: list[tuple] = (), email: str = "shopper@example.com", attribution: str | None = None,
               user=None, shipping: str = "standard"):
    """A pending order placed through checkout (stock reserved); lines are (variant, quantity)."""
    from storefront.checkout.services import place_order

    if not lines:
        lines = [(make_product(price=1500, stock=10).variants[0], 1)]
    cart = make_cart(lines, attribution=attribution)
    return place_order(cart, email, make_address(), shipping, user_id=user.id if user is not None else None)


def make_paid_order(lines: list[tuple] = (), gateway: str = "demo", **kwargs):
    """An order paid through the demo gateway's confirmation (as the demo Pay button does)."""
    from storefront.orders.services import confirm_demo_payment
    from storefront.payments.models import Payment

    order = make_order(lines, **kwargs)
    order.payments.append(Payment(gateway=gateway, amount=order.total, currency=order.currency,
                                  provider_session_id="demo_cs_test"))
    db.session.commit()
    confirm_demo_payment(order)
    return order


# ---- discount codes (issue 18) ----


def make_discount(code: str = "WELCOME10", kind: str = "percentage", value: int = 10, **fields):
    """A saved discount code (storefront.discounts); fields are Discount columns."""
    from storefront.discounts.models import Discount

    discount = Discount(code=code, kind=kind, value=value, **fields)
    db.session.add(discount)
    db.session.commit()
    return discount
