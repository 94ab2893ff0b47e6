"""payouts reacts to the order's money events (DESIGN.md §2): commission in and out."""

from __future__ import annotations

from django.dispatch import receiver

from commerce.order.signals import order_paid, order_refunded

from .services import commission_book_for_order, commission_reverse_for_refund


@receiver(order_paid, dispatch_uid="payouts.commission_book")
def commission_on_order_paid(sender, order, **kwargs):
    commission_book_for_order(order=order)


@receiver(order_refunded, dispatch_uid="payouts.commission_reverse")
def commission_on_order_refunded(sender, order, amount, lines=None, reference="", **kwargs):
    commission_reverse_for_refund(
        order=order, amount=amount, lines=lines or {}, reference=reference
    )
