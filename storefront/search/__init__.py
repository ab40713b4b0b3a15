"""One search for the whole site: products (with their facets) and articles, typo tolerant,
with suggestions as you type.

A room above the publication: it reads products through catalog and articles through blog,
and neither knows it. It owns the article full-text index, the vocabulary typo correction
reads (models.py, vocabulary.py) and `flask larder search reindex`.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("search", __name__)

# No init_app: no public page reads the vocabulary table except through a search, whose
# results follow the product and article tables (both versioned already).


from storefront.search import views  # noqa: E402, F401
