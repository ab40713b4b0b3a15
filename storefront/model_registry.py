"""The one list of domain packages: their models and blueprints are registered from here.

Adding a package means adding it to DOMAIN_PACKAGES; nothing else in create_app changes.
`blog` is listed here: storefront's one sanctioned import of the publication.
"""

from __future__ import annotations

import importlib

from flask import Blueprint

DOMAIN_PACKAGES = (
    "storefront.catalog",
    "storefront.seo",
    "storefront.accounts",
    "storefront.cart",
    "storefront.checkout",
    "storefront.orders",
    "storefront.payments",
    "storefront.admin",
    "storefront.health",
    "blog",
)


def import_domain_models() -> None:
    for package in DOMAIN_PACKAGES:
        try:
            importlib.import_module(f"{package}.models")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}.models":
                raise


def init_packages(app) -> None:
    """Let each package register its hooks and CLI commands (an optional `init_app(app)`)."""
    for package in DOMAIN_PACKAGES:
        init = getattr(importlib.import_module(package), "init_app", None)
        if init is not None:
            init(app)


def blueprints() -> list[Blueprint]:
    found = []
    for package in DOMAIN_PACKAGES:
        module = importlib.import_module(package)
        bp = getattr(module, "bp", None)
        if bp is not None:
            found.append(bp)
    return found
