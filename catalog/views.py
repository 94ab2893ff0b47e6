"""Storefront views of the catalogue fork: product page (with its notes) and notes."""

from django.db import transaction
from django.http import Http404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.views import ProductDetailView as CoreProductDetailView

from . import selectors
from .attribution import attribution_record, parse_note_id
from .cards import product_state_key
from .community.selectors import viewer_region
from .community.views import FeedView
from .community.views import NoteDetailView as CommunityNoteDetailView

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
        context["notes"] = selectors.notes_for_product(
            product_id=self.object.pk, region=viewer_region(self.request)
        )
        # Fragments of the page that show only the product, its stock and price are cached
        # under this key (see the detail template).
        info = self.request.strategy.fetch_for_product(self.object)
        context["product_state_key"] = product_state_key(self.object, info)
        return context


# The notes' pages belong to the community app; ``NoteListView`` is the image feed (``/``).
NoteListView = FeedView
NoteDetailView = CommunityNoteDetailView
