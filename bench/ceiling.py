"""The ceilings Larder is measured against, served with the same gunicorn settings.

/hello: a bare Flask "hello world" (the framework's own limit on this machine).
/grid:  a minimal Flask page rendering a 24-product grid from ONE query on the same database
        (what any Flask shop listing page costs at best).
"""

from __future__ import annotations

import os

from flask import Flask
from sqlalchemy import create_engine, text

from storefront.config import normalise_database_url

app = Flask(__name__)
engine = create_engine(normalise_database_url(os.environ["DATABASE_URL"]), pool_pre_ping=True)

GRID_SQL = text(
    "SELECT p.slug, p.title, p.brand, p.price_from, "
    "(SELECT path FROM product_image i WHERE i.product_id = p.id ORDER BY i.position LIMIT 1) AS image "
    "FROM product p WHERE p.status = 'active' ORDER BY p.created_at DESC LIMIT 24"
)

GRID = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Products</title>
<link rel="stylesheet" href="/static/site.css"></head>
<body><main><h1>Products</h1><ul class="grid">
{% for p in products %}<li><a href="/products/{{ p.slug }}"><img src="/static/{{ p.image }}" alt="" width="400" height="400">
<h3>{{ p.title }}</h3></a><p>{{ p.brand }}</p><p>${{ '%.2f' % (p.price_from / 100) }}</p></li>
{% endfor %}</ul></main></body></html>"""


@app.get("/hello")
def hello():
    return "Hello, World!"


grid_template = app.jinja_env.from_string(GRID)  # compiled once, like a template file


@app.get("/grid")
def grid():
    with engine.connect() as conn:
        products = conn.execute(GRID_SQL).all()
    return grid_template.render(products=products)
