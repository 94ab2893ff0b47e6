"""Reads for the storefront: listings, search and notes, in a fixed number of queries."""

from __future__ import annotations

from django.core.cache import cache
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
Option = get_model("catalogue", "Option")
ProductClass = get_model("catalogue", "ProductClass")
ProductReview = get_model("reviews", "ProductReview")
ProductCategory = get_model("catalogue", "ProductCategory")
Note = get_model("catalogue", "Note")
NoteProduct = get_model("catalogue", "NoteProduct")

NOTES_PER_PRODUCT_PAGE = 12
# Per-language title columns (catalog.translation.product_fields, django-modeltranslation).
_PRODUCT_TITLE_FIELDS = ("product__title_en", "product__title_zh_hans")


INDEX_SECONDS = 60


def _cached(key: str, compute):
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, INDEX_SECONDS)
    return value


def _card_queryset() -> QuerySet:
    """Browsable products with what a product card needs: stock records (images are
    fetched only for cards that are not cached, see ``catalog.cards``).

    No subqueries: PostgreSQL's planning time for them cost more than the query itself.
    Which products have options comes from a small cached index (``product_cards_prefetch``).
    """
    return (
        Product.objects.browsable().select_related("product_class").prefetch_related("stockrecords")
    )


def _options_index() -> tuple[frozenset, frozenset]:
    """Ids of product classes and of products that have options (few; cached a minute)."""
    return _cached(
        "catalog:options-index",
        lambda: (
            frozenset(
                ProductClass.options.through.objects.values_list("productclass_id", flat=True)
            ),
            frozenset(Product.product_options.through.objects.values_list("product_id", flat=True)),
        ),
    )


def product_cards_prefetch(products) -> None:
    """Complete a page of products for their cards without a query per product.

    Sets what Oscar's ``Product.has_options`` reads, and fetches the public children (and
    their stock) of the parent products on the page, if any.
    """
    class_ids, product_ids = _options_index()
    for product in products:
        product.has_product_class_options = product.product_class_id in class_ids
        product.has_product_options = product.pk in product_ids
    parents = [product for product in products if product.is_parent]
    if parents:
        prefetch_related_objects(parents, "children__stockrecords")


def category_subtree_ids(category) -> list[int]:
    return _cached(
        f"catalog:subtree:{category.pk}:{category.path}",
        lambda: list(
            Category.objects.filter(path__startswith=category.path).values_list("pk", flat=True)
        ),
    )


def product_list(*, category=None) -> QuerySet:
    """Browsable products, newest first, ready for product cards."""
    products = _card_queryset()
    if category is not None:
        in_subtree = ProductCategory.objects.filter(
            product=OuterRef("pk"), category_id__in=category_subtree_ids(category)
        )
        products = products.filter(Exists(in_subtree))
    return products.order_by("-date_created", "-id")


def product_search(*, query: str) -> QuerySet:
    """Products whose title or description, in English or Chinese, match ``query``.

    PostgreSQL: full-text search (``simple`` configuration, so any language tokenises),
    plus trigram matching on the titles so Chinese titles, which have no spaces between
    words, are found by any part. Elsewhere (the SQLite demo): case-insensitive contains.
    Both languages' columns are searched whatever the reader's language
    (catalog.translation.product_fields).
    """
    query = query.strip()
    products = _card_queryset()
    if not query:
        return products.none()
    titles, descriptions = ("title_en", "title_zh_hans"), ("description_en", "description_zh_hans")
    contains = Q()
    for name in titles:
        contains |= Q(**{f"{name}__icontains": query})
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import (
            SearchQuery,
            SearchRank,
            SearchVector,
            TrigramWordSimilarity,
        )
        from django.db.models.functions import Greatest

        vector = SearchVector(*titles, weight="A", config="simple") + SearchVector(
            *descriptions, weight="B", config="simple"
        )
        search = SearchQuery(query, config="simple", search_type="websearch")
        return (
            products.annotate(
                rank=SearchRank(vector, search),
                similarity=Greatest(*(TrigramWordSimilarity(query, name) for name in titles)),
            )
            .filter(Q(rank__gt=0) | contains | Q(similarity__gt=0.3))
            .order_by("-rank", "-similarity", "-id")
        )
    for name in descriptions:
        contains |= Q(**{f"{name}__icontains": query})
    return products.filter(contains).order_by("-date_created", "-id")


PRODUCT_PAGE_SECONDS = 600


def _product_page_bundle(pk: int) -> Product:
    """The product with its merchandising data (class, options, images, attributes,
    categories) prefetched: what changes only when a merchant saves the product."""
    product = (
        Product.objects.select_related("product_class", "parent", "parent__product_class")
        .annotate(
            has_product_class_options=Exists(
                Option.objects.filter(productclass=OuterRef("product_class"))
            ),
            has_product_options=Exists(Option.objects.filter(product=OuterRef("pk"))),
        )
        .get(pk=pk)
    )
    prefetch_related_objects(
        [product],
        "product_options",
        "product_class__options",
        "images",
        "attribute_values__attribute",
        Prefetch("categories", queryset=Category.objects.order_by("path")),
    )
    first_category = next(iter(product.categories.all()), None)
    product.breadcrumb_categories = (
        first_category.get_ancestors_and_self() if first_category is not None else []
    )
    product.recommendation_ids = list(
        product.primary_recommendations.order_by("-ranking", "pk").values_list(
            "recommendation_id", flat=True
        )
    )
    return product


def product_for_page(*, pk: int) -> Product:
    """One product with what its page shows; raises Product.DoesNotExist.

    Its merchandising data is cached under its ``date_updated`` (saving the product in the
    dashboard moves that, so the cache never serves an older version); stock, prices
    and the review count are read fresh on every request.
    """
    approved_reviews = (
        ProductReview.objects.filter(product=OuterRef("pk"), status=ProductReview.APPROVED)
        .values("product")
        .annotate(count=Count("*"))
        .values("count")
    )
    fresh = (
        Product.objects.filter(pk=pk)
        .annotate(approved_review_count=Coalesce(Subquery(approved_reviews), 0))
        .values_list("date_updated", "approved_review_count")
        .first()
    )
    if fresh is None:
        raise Product.DoesNotExist(pk)
    date_updated, num_approved_reviews = fresh
    key = f"product-page:{pk}:{date_updated.timestamp()}"
    product = cache.get(key)
    if product is None:
        product = _product_page_bundle(pk)
        cache.set(key, product, PRODUCT_PAGE_SECONDS)
    # Oscar's template asks num_approved_reviews (a cached property): answer it here.
    product.num_approved_reviews = num_approved_reviews
    prefetch_related_objects(
        [product], "children__stockrecords" if product.is_parent else "stockrecords"
    )
    product.sorted_recommendations = _recommended_products(product.recommendation_ids)
    return product


def _recommended_products(ids: list[int]) -> list:
    """Recommended products in ranking order, fresh (prices change); no query when none."""
    if not ids:
        return []
    by_id = {p.pk: p for p in _card_queryset().filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


def notes_for_product(
    *, product_id: int, region: str | None = None, limit: int = NOTES_PER_PRODUCT_PAGE
) -> list:
    """The newest published notes linking a product, with their creators: one query.
    With ``region``, notes withheld or held for review there are left out."""
    notes = Note.objects.filter(
        note_products__product_id=product_id, state=Note.State.PUBLISHED
    ).exclude(hidden_in__contains=",*,")
    if region:
        notes = notes.exclude(hidden_in__contains=f",{region},")
    return list(notes.select_related("creator").order_by("-published_at", "-id")[:limit])


def products_in_order(*, ids: list[int]) -> list:
    """Browsable products with the given ids, in that order, ready for product cards."""
    return _recommended_products(ids)


def note_list(*, language: str | None = None) -> QuerySet:
    """Notes newest first, optionally in one language, with creator and linked product titles."""
    notes = Note.objects.select_related("creator").prefetch_related(
        Prefetch(
            "note_products",
            queryset=NoteProduct.objects.select_related("product").only(
                "id",
                "note_id",
                "position",
                "product__id",
                "product__title",
                *_PRODUCT_TITLE_FIELDS,  # product.title reads the active language's
                "product__slug",
            ),
        )
    )
    if language:
        notes = notes.filter(language=language)
    return notes.order_by("-published_at", "-id")


def note_products(*, note) -> list:
    """A note's public products in the note's order, prefetched for product cards."""
    products = list(
        _card_queryset()
        .filter(note_links__note=note)
        .order_by("note_links__position", "note_links__id")
    )
    product_cards_prefetch(products)
    return products


def note_attribution_target(*, note_id: int, product_id: int) -> int | None:
    """The creator id of ``note_id`` when that note links ``product_id``, else None."""
    return (
        NoteProduct.objects.filter(note_id=note_id, product_id=product_id)
        .values_list("note__creator_id", flat=True)
        .first()
    )
