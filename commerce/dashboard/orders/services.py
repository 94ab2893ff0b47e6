"""Fulfilment writes: a merchant ships its own consignment; the shopper is told by email."""

from __future__ import annotations

import logging

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from commerce.residency.selectors import orders_personal_resolve

Consignment = get_model("order", "Consignment")
OrderNote = get_model("order", "OrderNote")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")

logger = logging.getLogger(__name__)

CONSIGNMENT_SHIPPED = "CONSIGNMENT_SHIPPED"
LINE_STATUS_SHIPPED = "Shipped"


def consignment_mark_shipped(
    *, consignment_id: int, carrier: str, tracking_number: str, user=None
) -> Consignment:
    """Record carrier and tracking, move the consignment's lines to shipped (and the order,
    once every consignment has left), and email the shopper after the commit."""
    with transaction.atomic():
        consignment = (
            Consignment.objects.select_for_update().select_related("order").get(pk=consignment_id)
        )
        consignment.carrier = carrier
        consignment.tracking_number = tracking_number
        consignment.status = Consignment.Status.SHIPPED
        consignment.shipped_at = consignment.shipped_at or timezone.now()
        consignment.save(update_fields=["carrier", "tracking_number", "status", "shipped_at"])
        order = consignment.order
        for line in consignment.lines.all():
            if LINE_STATUS_SHIPPED in line.available_statuses():
                line.set_status(LINE_STATUS_SHIPPED)
        pending = order.consignments.exclude(
            status__in=[Consignment.Status.SHIPPED, Consignment.Status.CANCELLED]
        )
        if not pending.exists() and LINE_STATUS_SHIPPED in order.available_statuses():
            order.set_status(LINE_STATUS_SHIPPED)
        order.notes.create(
            user=user if getattr(user, "is_authenticated", False) else None,
            note_type=OrderNote.SYSTEM,
            message=f"Consignment {consignment.pk} shipped: {carrier} {tracking_number}",
        )
        transaction.on_commit(lambda: consignment_shipped_notify(consignment=consignment))
    return consignment


def consignment_shipped_notify(*, consignment) -> None:
    """Email the shopper (Oscar's communication framework); a mail failure is logged, never
    undoes the shipment."""
    order = consignment.order
    context = {
        "order": order,
        "consignment": consignment,
        "lines": list(consignment.lines.all()),
        "user": order.user,
    }
    if order.user_id:
        try:
            context["status_path"] = reverse(
                "customer:order", kwargs={"order_number": order.number}
            )
        except NoReverseMatch:
            pass
    dispatcher = OrderDispatcher(logger=logger)
    try:
        # An overseas order's address and email from its region (issue #17); a store
        # that is down is logged like a mail server that is down.
        orders_personal_resolve(orders=[order])
        messages = dispatcher.dispatcher.get_messages(CONSIGNMENT_SHIPPED, context)
        dispatcher.dispatch_order_messages(order, messages, CONSIGNMENT_SHIPPED)
    except Exception:  # a mail server that is down must not fail a shipment
        logger.exception("Could not email the shipment of consignment %s", consignment.pk)
