"""Template tags: the shopper's order history grouped by consignment."""

from django import template

from ..history import order_parcels_get, orders_parcels_get

register = template.Library()


@register.simple_tag
def order_parcels(order):
    return order_parcels_get(order=order)


@register.simple_tag
def orders_parcels(orders):
    return orders_parcels_get(orders=orders)


@register.filter
def parcels_of(by_order, order):
    return by_order.get(order.pk, [])
