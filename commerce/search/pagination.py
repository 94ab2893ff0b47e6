"""Listing pagination whose total is counted at most once a minute per listing."""

from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_SECONDS = 60


class CountCachedPaginator(Paginator):
    """A paginator that keeps the listing's total for ``COUNT_SECONDS``.

    Counting a category subtree is the costliest query of a listing page, and the
    "N results" line may lag a new product by a minute; the pages themselves are fresh.
    """

    def __init__(self, *args, count_key: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = f"listing-count:{count_key}"

    @cached_property
    def count(self) -> int:
        total = cache.get(self.count_key)
        if total is None:
            total = super().count
            cache.set(self.count_key, total, COUNT_SECONDS)
        return total
