"""Reads for the storefront: listings, search and notes, in a fixed number of queries."""

from __future__ import annotations

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
ProductReview = get_model("reviews", "ProductReview")
ProductCategory = get_model("catalogue", "ProductCategory")
Note = get_model("catalogue", "Note")
NoteProduct = get_model("catalogue", "NoteProduct")

NOTES_PER_PRODUCT_PAGE = 12


def product_list(*, category=None) -> QuerySet:
    """Browsable products, newest first, with what a product card needs prefetched."""
    products = Product.objects.browsable().base_queryset()
    if category is not None:
        in_subtree = ProductCategory.objects.filter(
            product=OuterRef("pk"), category__path__startswith=category.path
        )
        products = products.filter(Exists(in_subtree))
    return products.order_by("-date_created", "-id")


def product_search(*, query: str) -> QuerySet:
    """Products whose title or description match ``query``.

    PostgreSQL: full-text search (``simple`` configuration, so any language tokenises),
    plus trigram matching on the title so Chinese titles, which have no spaces between
    words, are found by any part. Elsewhere (the SQLite demo): case-insensitive contains.
    """
    query = query.strip()
    products = Product.objects.browsable().base_queryset()
    if not query:
        return products.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import (
            SearchQuery,
            SearchRank,
            SearchVector,
            TrigramWordSimilarity,
        )

        vector = SearchVector("title", weight="A", config="simple") + SearchVector(
            "description", weight="B", config="simple"
        )
        search = SearchQuery(query, config="simple", search_type="websearch")
        return (
            products.annotate(
                rank=SearchRank(vector, search),
                similarity=TrigramWordSimilarity(query, "title"),
            )
            .filter(Q(rank__gt=0) | Q(title__icontains=query) | Q(similarity__gt=0.3))
            .order_by("-rank", "-similarity", "-id")
        )
    return products.filter(Q(title__icontains=query) | Q(description__icontains=query)).order_by(
        "-date_created", "-id"
    )


def product_for_page(*, pk: int) -> Product:
    """One product with what its page shows prefetched; raises Product.DoesNotExist."""
    approved_reviews = (
        ProductReview.objects.filter(product=OuterRef("pk"), status=ProductReview.APPROVED)
        .values("product")
        .annotate(count=Count("*"))
        .values("count")
    )
    product = (
        Product.objects.base_queryset()
        .prefetch_related(None)  # chosen below, by what this product is
        .select_related("parent", "parent__product_class")
        # Oscar's template asks num_approved_reviews (a cached property): answer it here.
        .annotate(num_approved_reviews=Coalesce(Subquery(approved_reviews), 0))
        .get(pk=pk)
    )
    lookups = [
        "product_options",
        "product_class__options",
        "stockrecords",
        "images",
        "attribute_values__attribute",
        Prefetch("categories", queryset=Category.objects.order_by("path")),
    ]
    if product.is_parent:
        lookups.append("children")
    prefetch_related_objects([product], *lookups)
    return product


def notes_for_product(*, product_id: int, limit: int = NOTES_PER_PRODUCT_PAGE) -> list:
    """The newest notes linking a product, with their creators: one query."""
    return list(
        Note.objects.filter(note_products__product_id=product_id)
        .select_related("creator")
        .order_by("-published_at", "-id")[:limit]
    )


def note_list(*, language: str | None = None) -> QuerySet:
    """Notes newest first, optionally in one language, with creator and linked product titles."""
    notes = Note.objects.select_related("creator").prefetch_related(
        Prefetch(
            "note_products",
            queryset=NoteProduct.objects.select_related("product").only(
                "id", "note_id", "position", "product__id", "product__title", "product__slug"
            ),
        )
    )
    if language:
        notes = notes.filter(language=language)
    return notes.order_by("-published_at", "-id")


def note_products(*, note) -> list:
    """A note's public products in the note's order, prefetched for product cards."""
    return list(
        Product.objects.browsable()
        .base_queryset()
        .filter(note_links__note=note)
        .order_by("note_links__position", "note_links__id")
    )


def note_attribution_target(*, note_id: int, product_id: int) -> int | None:
    """The creator id of ``note_id`` when that note links ``product_id``, else None."""
    return (
        NoteProduct.objects.filter(note_id=note_id, product_id=product_id)
        .values_list("note__creator_id", flat=True)
        .first()
    )
