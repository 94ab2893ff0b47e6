import oscar.apps.search.apps as apps
from oscar.core.loading import get_class


class SearchConfig(apps.SearchConfig):
    name = "commerce.search"

    def ready(self):
        super().ready()
        self.search_view = get_class("search.views", "ProductSearchView")
