"""Page arithmetic shared by every paginated result (shop listings, journal, staff lists)."""

from __future__ import annotations


class PageNumbers:
    """Mixin for a result page that has `total`, `page` and `per_page` fields."""

    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages there are; an empty result still has page 1."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages
