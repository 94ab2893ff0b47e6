"""Product listings and search on the database (PostgreSQL full text and trigrams).

Oscar 4 routes its listings through Haystack; these views replace them (the catalogue
fork picks them up through ``get_class("search.views", ...)``) with plain querysets whose
query count does not grow with the page size.
"""

import hashlib
from urllib.parse import unquote

from django.conf import settings
from django.db import connection, transaction
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from oscar.core.loading import get_model

from catalog import selectors
from catalog.cards import product_cards_prepare
from commerce.storefront.i18n import category_label

from .pagination import CountCachedPaginator

Category = get_model("catalogue", "Category")


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class ProductListView(ListView):
    """Read-only, so it runs outside a request transaction."""

    context_object_name = "products"
    template_name = "oscar/catalogue/browse.html"
    summary = _("All products")

    paginator_class = CountCachedPaginator

    def get_paginate_by(self, queryset):
        return settings.OSCAR_PRODUCTS_PER_PAGE

    def count_key(self) -> str:
        return "all"

    def get_paginator(self, queryset, per_page, **kwargs):
        return super().get_paginator(queryset, per_page, count_key=self.count_key(), **kwargs)

    def paginate_queryset(self, queryset, page_size):
        # A malformed or out-of-range page number shows the nearest page, never an error.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_queryset(self):
        return selectors.product_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = self.summary
        products = context["products"] = list(context["products"])
        selectors.product_cards_prefetch(products)
        product_cards_prepare(products=products, request=self.request)
        return context


class CatalogueView(ProductListView):
    """All products."""


class ProductCategoryView(ProductListView):
    template_name = "oscar/catalogue/category.html"

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category, pk=kwargs["pk"])
        if not (self.category.is_public or request.user.is_staff):
            raise Http404()
        expected_path = self.category.get_absolute_url()
        if unquote(expected_path) != unquote(request.path):
            return HttpResponsePermanentRedirect(expected_path)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.product_list(category=self.category)

    def count_key(self) -> str:
        return f"category:{self.category.pk}:{self.category.path}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["category"] = self.category
        context["summary"] = category_label(self.category.name)
        return context


class ProductSearchView(ProductListView):
    def get_query(self) -> str:
        return self.request.GET.get("q", "")[:200]

    def get_queryset(self):
        return selectors.product_search(query=self.get_query())

    def count_key(self) -> str:
        digest = hashlib.sha256(self.get_query().strip().encode()).hexdigest()
        return f"search:{connection.vendor}:{digest}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.get_query()
        context["summary"] = _('Products matching "%(query)s"') % {"query": context["query"]}
        return context
