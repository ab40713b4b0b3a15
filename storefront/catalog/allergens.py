"""The major food allergens as one list, and a product's allergens as a bitmask.

One list merges the EU's 14 (Regulation 1169/2011, Annex II) and the US's major 9 (FALCPA as
amended by the FASTER Act):

- 13 of the EU's 14 are also, or are covered by, a US one where the US has it (milk, eggs, fish,
  peanuts, tree nuts, sesame, soy); the others (celery, lupin, molluscs, mustard, sulphites) are
  EU-only and kept.
- The US's "crustacean shellfish" is the EU's "crustaceans"; molluscs (EU) are not a US major
  allergen, so "shellfish" is not a separate entry: a product with shrimp ticks crustaceans, one
  with mussels ticks molluscs.
- The US's "wheat" stays distinct from the EU's "cereals containing gluten": wheat-derived
  ingredients can be gluten-free (wheat glucose syrup), and rye, barley and oats contain gluten
  without wheat. A product with ordinary wheat flour ticks both.

Product.allergen_mask holds one bit per entry (its `bit`, fixed forever: never renumber). NULL
means "not declared": such a product is never listed as free from anything, whereas 0 means
"declared free of all of them". A listing's "Free from" filter is then
`allergen_mask & :chosen = 0`, which NULL never satisfies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Allergen:
    slug: str  # in URLs (?free_from=gluten) and in the CSV
    name: str  # "Contains: ..." on the product page and the admin checkbox
    free_from: str  # the filter's label: "Free from" + this
    bit: int
    regions: str  # "EU", "US" or "EU, US"
    # Words in free text (and the CSV) that name it, lowercase.
    words: tuple[str, ...] = ()

    @property
    def flag(self) -> int:
        return 1 << self.bit


ALLERGENS: tuple[Allergen, ...] = (
    Allergen("gluten", "Cereals containing gluten", "Gluten", 0, "EU",
             ("gluten", "cereals containing gluten", "barley", "rye", "oats", "spelt", "kamut")),
    Allergen("wheat", "Wheat", "Wheat", 1, "US", ("wheat",)),
    Allergen("milk", "Milk", "Dairy (milk)", 2, "EU, US", ("milk", "dairy", "lactose", "whey", "casein")),
    Allergen("eggs", "Eggs", "Eggs", 3, "EU, US", ("egg", "eggs")),
    Allergen("fish", "Fish", "Fish", 4, "EU, US", ("fish",)),
    Allergen("crustaceans", "Crustaceans (crustacean shellfish)", "Crustaceans", 5, "EU, US",
             ("crustaceans", "crustacean", "crustacean shellfish", "shellfish", "shrimp", "prawn", "crab", "lobster")),
    Allergen("molluscs", "Molluscs", "Molluscs", 6, "EU", ("molluscs", "mollusc", "mollusks", "mollusk")),
    Allergen("peanuts", "Peanuts", "Peanuts", 7, "EU, US", ("peanuts", "peanut")),
    Allergen("tree-nuts", "Tree nuts", "Tree nuts", 8, "EU, US", ("tree nuts", "tree nut", "nuts")),
    Allergen("soy", "Soy", "Soy", 9, "EU, US", ("soy", "soya", "soybeans", "soybean")),
    Allergen("sesame", "Sesame", "Sesame", 10, "EU, US", ("sesame", "sesame seeds")),
    Allergen("celery", "Celery", "Celery", 11, "EU", ("celery", "celeriac")),
    Allergen("mustard", "Mustard", "Mustard", 12, "EU", ("mustard",)),
    Allergen("lupin", "Lupin", "Lupin", 13, "EU", ("lupin", "lupine")),
    Allergen("sulphites", "Sulphur dioxide and sulphites", "Sulphites", 14, "EU",
             ("sulphites", "sulphite", "sulfites", "sulfite", "sulphur dioxide", "sulfur dioxide")),
)
BY_SLUG = {a.slug: a for a in ALLERGENS}
ALL_FLAGS = sum(a.flag for a in ALLERGENS)


class UnknownAllergen(ValueError):
    """A name that is none of ALLERGENS; str() says which and what is accepted."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"unknown allergen “{name}” (use: {', '.join(a.slug for a in ALLERGENS)}, or “none”)")


def mask_of(slugs: Iterable[str]) -> int:
    """The bits of these allergen slugs; KeyError for an unknown one."""
    return sum({BY_SLUG[s].flag for s in slugs})


def allergens_in(mask: int | None) -> list[Allergen]:
    """The allergens a mask says the product contains (none for an undeclared one), in list order."""
    return [a for a in ALLERGENS if mask and mask & a.flag]


def free_from(mask: int | None) -> list[Allergen]:
    """The allergens a declared product is free from; none when it is not declared."""
    return [] if mask is None else [a for a in ALLERGENS if not mask & a.flag]


def describe_mask(mask: int | None) -> str:
    """For the audit log: "not declared", "none" or "Milk, Soy"."""
    if mask is None:
        return "not declared"
    return ", ".join(a.name for a in allergens_in(mask)) or "none"


def _lookup(word: str) -> Allergen | None:
    text = word.strip().lower()
    for allergen in ALLERGENS:
        if text == allergen.slug or text == allergen.name.lower() or text in allergen.words:
            return allergen
    return None


# ---------------------------------------------------------------- the CSV cell


NONE_WORDS = ("none", "none declared")


def parse_cell(cell: str) -> int | None:
    """The CSV's "Contains" cell: "milk; soy" (slugs or names, ; or , between), "none" for a
    declared product without any, empty for not declared. UnknownAllergen for anything else."""
    text = (cell or "").strip()
    if not text:
        return None
    if text.lower() in NONE_WORDS:
        return 0
    mask = 0
    for part in re.split(r"[;,]", text):
        if not part.strip():
            continue
        allergen = _lookup(part)
        if allergen is None:
            raise UnknownAllergen(part.strip())
        mask |= allergen.flag
    return mask


def to_cell(mask: int | None) -> str:
    if mask is None:
        return ""
    return "; ".join(a.slug for a in allergens_in(mask)) or "none"


# ---------------------------------------------------------------- free text (older data)


NONE_RE = re.compile(r"^\s*(none declared|none of the (14|fourteen) major allergens|no (major )?allergens)\.?\s*", re.I)
CONTAINS_RE = re.compile(r"^\s*contains:?\s*(?P<items>[^.]*)\.?\s*", re.I)


def parse_text(text: str) -> tuple[int | None, str]:
    """Free text such as "Contains: peanuts, milk, barley (gluten). May contain: tree nuts." as
    (mask, what is left for the notes line). Recognises a leading "Contains:" sentence whose every
    item names an allergen, or a "None of the 14 major allergens" sentence; anything else stays
    text, undeclared (None)."""
    text = (text or "").strip()
    if match := NONE_RE.match(text):
        return 0, text[match.end():].strip()
    match = CONTAINS_RE.match(text)
    if not match:
        return None, text
    mask = 0
    for item in re.split(r",(?![^()]*\))", match.group("items")):
        found = _item_allergens(item)
        if found is None:
            return None, text
        mask |= found
    return mask, text[match.end():].strip()


def _item_allergens(item: str) -> int | None:
    """ "wheat (spelt)" -> wheat + gluten; "barley (gluten)" -> gluten; None when unrecognised."""
    head, _, inner = item.partition("(")
    inner = inner.rstrip(") ")
    mask = 0
    for word in (head, inner):
        if not word.strip():
            continue
        allergen = _lookup(word)
        if allergen is not None:
            mask |= allergen.flag
        elif word is head:
            return None
    if mask & BY_SLUG["wheat"].flag or any(w in item.lower() for w in ("spelt", "barley", "rye")):
        mask |= BY_SLUG["gluten"].flag
    return mask
