"""Storefront views of the catalogue fork: product page (with its notes) and notes."""

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView
from oscar.apps.catalogue.views import ProductDetailView as CoreProductDetailView

from . import selectors
from .attribution import attribution_record, parse_note_id
from .cards import product_cards_prepare, product_state_key

Note = selectors.Note
Product = selectors.Product


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class ProductDetailView(CoreProductDetailView):
    """Read-only (view counts are batched), so it runs outside a request transaction."""

    def get_object(self, queryset=None):
        if hasattr(self, "object"):
            return self.object
        try:
            return selectors.product_for_page(pk=self.kwargs["pk"])
        except Product.DoesNotExist:
            raise Http404(_("No product found")) from None

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        self._record_note_visit(request)
        return response

    def _record_note_visit(self, request):
        note_id = parse_note_id(request.GET.get("note"))
        if note_id is None:
            return
        creator_id = selectors.note_attribution_target(note_id=note_id, product_id=self.object.pk)
        if creator_id is not None:
            attribution_record(
                request, product_id=self.object.pk, note_id=note_id, creator_id=creator_id
            )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["notes"] = selectors.notes_for_product(product_id=self.object.pk)
        # Fragments of the page that show only the product, its stock and price are cached
        # under this key (see the detail template).
        info = self.request.strategy.fetch_for_product(self.object)
        context["product_state_key"] = product_state_key(self.object, info)
        return context


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class NoteListView(ListView):
    template_name = "catalog/note_list.html"
    context_object_name = "notes"
    paginate_by = 20

    def get_language(self):
        language = self.request.GET.get("language", "")
        return language if language in dict(settings.LANGUAGES) else ""

    def get_queryset(self):
        return selectors.note_list(language=self.get_language() or None)

    def paginate_queryset(self, queryset, page_size):
        # An out-of-range or malformed page shows the last or first page, not an error.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["language"] = self.get_language()
        context["summary"] = _("Notes")
        return context


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class NoteDetailView(DetailView):
    template_name = "catalog/note_detail.html"
    context_object_name = "note"

    def get_queryset(self):
        return Note.objects.select_related("creator")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["products"] = products = selectors.note_products(note=self.object)
        product_cards_prepare(products=products, request=self.request, note=self.object)
        return context
