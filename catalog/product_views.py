"""Product view counting, batched.

Oscar's analytics receiver writes ``analytics_productrecord`` on every product page view,
which makes a read-only page pay for a write transaction. Here a process counts views
in memory and adds them to the records at most every ``FLUSH_SECONDS`` (and when it
exits). A crashed process loses at most that window of view counts; per-user records
(logged-in shoppers) are still written as Oscar writes them.
"""

from __future__ import annotations

import atexit
import threading
import time
from collections import Counter

from django.db.models import F
from oscar.apps.analytics import receivers as oscar_analytics
from oscar.core.loading import get_model

FLUSH_SECONDS = 30.0

_pending: Counter[int] = Counter()
_lock = threading.Lock()
_last_flush = time.monotonic()


def product_views_flush() -> None:
    """Add the views counted in this process to the product records."""
    global _last_flush
    with _lock:
        counts = dict(_pending)
        _pending.clear()
        _last_flush = time.monotonic()
    if not counts:
        return
    ProductRecord = get_model("analytics", "ProductRecord")
    Product = get_model("catalogue", "Product")
    # A product may have been deleted since it was viewed.
    live = set(Product.objects.filter(pk__in=counts).values_list("pk", flat=True))
    for product_id, views in counts.items():
        if product_id not in live:
            continue
        updated = ProductRecord.objects.filter(product_id=product_id).update(
            num_views=F("num_views") + views
        )
        if not updated:
            ProductRecord.objects.get_or_create(product_id=product_id)
            ProductRecord.objects.filter(product_id=product_id).update(
                num_views=F("num_views") + views
            )


def product_view_record(sender, product, user, **kwargs) -> None:
    if kwargs.get("raw", False):
        return
    with _lock:
        _pending[product.pk] += 1
        due = time.monotonic() - _last_flush >= FLUSH_SECONDS
    if user and user.is_authenticated:
        oscar_analytics._update_counter(
            oscar_analytics.UserRecord, "num_product_views", {"user": user}
        )
        oscar_analytics.UserProductView.objects.create(product=product, user=user)
    if due:
        product_views_flush()


def product_views_install() -> None:
    """Replace Oscar's per-view receiver with the batched one."""
    from oscar.apps.catalogue.signals import product_viewed

    product_viewed.disconnect(oscar_analytics.receive_product_view)
    product_viewed.connect(product_view_record, dispatch_uid="catalog.product_view_record")
    atexit.register(_flush_quietly)


def _flush_quietly() -> None:
    try:
        product_views_flush()
    except Exception:  # noqa: BLE001  (the database may be gone at exit)
        pass
