"""Larder's own text for the standard pages, shown until staff save their version.

The footer links to these slugs on every page, so they must answer on a fresh install too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StandardPage:
    slug: str
    title: str
    source: str  # Markdown


CONTACT = """\
We are a small team who read every message ourselves.

## Write to us

Email [hello@larder.example](mailto:hello@larder.example) and we will answer within one working
day, Monday to Friday. Tell us your order number if your question is about an order: it is in
your confirmation email and starts with **LD-**.

## Questions about a product

Every product page lists the certificate behind its Low FODMAP badge: who tested it, the serving
size tested and the date it is valid until. If something on the label does not match the page,
tell us and we will check it with the maker.

We cannot give medical advice. For questions about your own diet, please talk to your doctor or
a registered dietitian.
"""

DELIVERY = """\
## Delivery

- **Standard delivery**: 3 to 5 working days.
- **Express delivery**: the next working day when you order before 1 pm.

The price of each option is shown at checkout before you pay, and nothing is added afterwards.
We pack orders on working days and email you as soon as yours leaves the larder.

## Returns

Changed your mind? Send back any unopened item within **30 days** of delivery and we will refund
it in full, delivery included if the whole order comes back. Opened food and supplements cannot
be resold, so we can only take them back if they are faulty.

To start a return, email us with your order number. We will reply with the address and, for a
faulty or wrong item, a prepaid label.

## Faulty or damaged items

If something arrives broken, leaking or past its date, tell us within 14 days and send a photo.
We will send a replacement or refund you, whichever you prefer.

## Refunds

Refunds go back to the card you paid with within 5 working days of our receiving the return.
"""

PRIVACY = """\
We collect only what we need to send your order and run the shop, and we never sell it.

## What we keep

- **Your order**: name, email, delivery address and what you bought, to deliver it, answer
  questions and keep the accounts the law asks of us.
- **Your account**, if you make one: your email and a securely hashed password.
- **Your cart**: a cookie that lets the site remember your cart between visits.

## Payments

Card payments are handled by our payment provider, Stripe. Your card number never reaches
our servers.

## Cookies

We use one cookie for your session and cart and no advertising or tracking cookies.

## Your rights

You can ask for a copy of what we hold about you, or for it to be deleted, by writing to
[hello@larder.example](mailto:hello@larder.example). We keep order records for as long as
tax law requires and delete the rest on request.
"""

FAQ = """\
## What does "Low FODMAP Certified" mean?

The product was tested by a certification programme (Monash University or FODMAP Friendly) and
found low in FODMAPs at the serving size printed on the label. We show the badge only while the
certificate is valid, and you can see the certificate's details on the product page.

## Is everything in the shop certified?

No. Some products are chosen because their ingredients are simple and free from common high
FODMAP additives, but are not certified. Only products with the badge hold a certificate.

## How much does delivery cost?

The delivery options and their prices are shown at checkout before you pay. See
[Delivery and returns](/pages/delivery-and-returns) for times.

## Which payment methods do you accept?

Visa, Mastercard, American Express, Apple Pay and Google Pay.

## Can I change or cancel my order?

Email us as soon as you can. If the order has not been packed yet we can change or cancel it.

## Do your articles replace advice from my doctor?

No. Our articles are written to inform and are reviewed for accuracy, but they are not medical
advice. Talk to a health professional before changing your diet or starting a supplement.
"""

STANDARD_PAGES = (
    StandardPage("contact", "Contact us", CONTACT),
    StandardPage("delivery-and-returns", "Delivery and returns", DELIVERY),
    StandardPage("privacy", "Privacy", PRIVACY),
    StandardPage("faq", "Frequently asked questions", FAQ),
)
STANDARD_BY_SLUG = {page.slug: page for page in STANDARD_PAGES}
