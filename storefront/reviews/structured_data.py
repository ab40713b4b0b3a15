"""schema.org AggregateRating and Review for the Product JSON-LD (added through the product-page
hook): the average and count of approved reviews, and the reviews shown on the page (up to 3)."""

from __future__ import annotations

from typing import Any

IN_JSON_LD = 3


def _rating(value: float | int) -> dict[str, Any]:
    return {"@type": "Rating", "ratingValue": value, "bestRating": 5, "worstRating": 1}


def reviews_json_ld(product, shown: list) -> dict[str, Any]:
    if not product.review_count:
        return {}
    return {
        "aggregateRating": {
            "@type": "AggregateRating",
            "ratingValue": product.rating_average,
            "reviewCount": product.review_count,
            "bestRating": 5,
            "worstRating": 1,
        },
        "review": [
            {
                "@type": "Review",
                "reviewRating": _rating(review.rating),
                "author": {"@type": "Person", "name": review.author_name},
                "datePublished": review.created_at.date().isoformat(),
                **({"name": review.title} if review.title else {}),
                "reviewBody": review.body,
            }
            for review in shown[:IN_JSON_LD]
        ],
    }
