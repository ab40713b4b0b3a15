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

    def page_window(self, edge: int = 2, around: int = 2) -> list[int | None]:
        """Page numbers to link: the first and last `edge` pages and `around` either side of
        this one, with None where numbers are left out (shown as an ellipsis). Its length is
        bounded, however many pages there are (4,000 at 100,000 products)."""
        last = self.pages
        shown = {
            *range(1, min(edge, last) + 1),
            *range(max(last - edge + 1, 1), last + 1),
            *range(max(self.page - around, 1), min(self.page + around, last) + 1),
        }
        window: list[int | None] = []
        for number in sorted(shown):
            if window and number - window[-1] > 1:
                window.append(None)
            window.append(number)
        return window
