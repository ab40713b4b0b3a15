"""One slug function for every URL: transliterated, never empty, within its column's length."""

from __future__ import annotations

import pytest

from storefront.slugs import SLUG_RE, slugify, unique_slug


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Crème Brûlée Café Mix", "creme-brulee-cafe-mix"),
        ("Straße & Ærø Öl", "strasse-aero-ol"),
        ("Магний", "magnii"),
        ("Μαγνήσιο για ύπνο", "magnesio-gia-upno"),
        ("抹茶 ラテ", "mo-cha-rate"),
        ("Magnesium Glycinate 200 mg", "magnesium-glycinate-200-mg"),
        ("  --Don't stop--  ", "don-t-stop"),
    ],
)
def test_names_in_any_script_become_readable_ascii_slugs(name, slug):
    assert slugify(name) == slug


@pytest.mark.parametrize("name", ["🍵🍪", "★★★", "❤️", "👍🏽", "™"])
def test_a_name_of_only_emoji_or_symbols_still_gets_a_slug(name):
    slug = slugify(name)
    assert slug and SLUG_RE.match(slug)


def test_emoji_are_spelled_by_their_names():
    assert slugify("🍵") == "teacup-without-handle"
    assert slugify("❤️") == "heavy-black-heart"  # the variation selector adds nothing


def test_nothing_spellable_gives_the_fallback():
    assert slugify("\u200d", fallback="section") == "section"
    assert slugify("", fallback="item") == "item"


def test_length_limit_cuts_at_a_word_boundary():
    name = "Organic Peppermint and Ginger Digestive Herbal Tea Blend " * 4
    slug = slugify(name, max_length=64)
    assert len(slug) <= 64 and SLUG_RE.match(slug)
    assert slug == "organic-peppermint-and-ginger-digestive-herbal-tea-blend-organic"
    assert len(slugify(name)) <= 120
    assert len(slugify(name, max_length=0)) > 120


def test_unique_slug_suffixes_and_stays_within_the_limit():
    taken = {"tea", "tea-2", "x" * 10}
    assert unique_slug("tea", taken.__contains__) == "tea-3"
    assert unique_slug("green", taken.__contains__) == "green"
    assert unique_slug("x" * 10, taken.__contains__, max_length=10) == "x" * 8 + "-2"
