"""Order placement: consignments per merchant, and each line's note attribution; order
emails reach overseas shoppers at the address kept in their region (issue #17)."""

from oscar.apps.order.utils import OrderCreator as CoreOrderCreator
from oscar.apps.order.utils import OrderDispatcher as CoreOrderDispatcher
from oscar.core.loading import get_model

from commerce.residency.dispatch import dispatcher_residency_install
from commerce.residency.selectors import order_personal_data_get_many


class OrderCreator(CoreOrderCreator):
    def create_order_model(self, *args, consignments=None, **kwargs):
        """The order, then one ``Consignment`` row per consignment of the checkout quote
        (its goods, shipping, duties, taxes and border estimate, as the shopper saw them)."""
        order = super().create_order_model(*args, **kwargs)
        self._consignment_ids = {}
        if consignments is not None:
            Consignment = get_model("order", "Consignment")
            rows = Consignment.objects.bulk_create(
                [consignment_row(order=order, quote=c) for c in consignments.consignments]
            )
            self._consignment_ids = {row.partner_id: row.pk for row in rows}
            order.consignments_quote = consignments  # what the confirmation email shows
        return order

    def create_line_models(self, order, basket_line, extra_line_fields=None):
        fields = dict(extra_line_fields or {})
        fields.setdefault("attributed_note_id", basket_line.attributed_note_id)
        fields.setdefault("attributed_creator_id", basket_line.attributed_creator_id)
        consignment_id = getattr(self, "_consignment_ids", {}).get(
            basket_line.stockrecord.partner_id
        )
        if consignment_id:
            fields.setdefault("consignment_id", consignment_id)
        order_line = super().create_line_models(order, basket_line, extra_line_fields=fields)
        # The order's lines as written: receivers of order_placed and the confirmation
        # email read ``order.lines.all()`` without querying them back.
        cache = order.__dict__.setdefault("_prefetched_objects_cache", {})
        lines = cache.get("lines")
        if lines is None:
            lines = cache["lines"] = type(order_line)._default_manager.filter(order=order)
            lines._result_cache = []
        lines._result_cache.append(order_line)
        lines._prefetch_done = True
        return order_line

    def update_stock_records(self, line):
        # The stock record checks its product's class: it is the line's product, loaded.
        if line.stockrecord is not None and line.stockrecord.product_id == line.product_id:
            line.stockrecord.product = line.product
        return super().update_stock_records(line)


def consignment_row(*, order, quote):
    """An unsaved ``Consignment`` for ``order`` from one checkout ``ConsignmentQuote``."""
    Consignment = get_model("order", "Consignment")

    def charges(items):
        return [{"code": c.code, "label": c.label, "amount": str(c.amount)} for c in items]

    low, high = quote.delivery_days
    return Consignment(
        order=order,
        partner_id=quote.partner_id,
        ship_from=quote.ship_from,
        destination=quote.parcel.destination,
        kind=quote.kind,
        collected=quote.collected,
        currency=quote.currency,
        goods=quote.goods,
        shipping=quote.shipping,
        duties=quote.duties,
        taxes=quote.taxes,
        border_estimate=quote.border_estimate,
        quote={
            "method": quote.method,
            "charges": charges(quote.charges),
            "border_charges": charges(quote.border_charges),
        },
        weight_grams=quote.weight_grams,
        delivery_days=f"{low}-{high}",
    )


class OrderDispatcher(CoreOrderDispatcher):
    """A signed-in overseas shopper's mail goes to their regional address; a guest order
    whose contact details live in a region goes to the email kept there."""

    def __init__(self, logger=None, mail_connection=None):
        super().__init__(logger=logger, mail_connection=mail_connection)
        dispatcher_residency_install(self)

    def dispatch_order_messages(self, order, messages, event_code, attachments=None, **kwargs):
        if order.is_anonymous and "email_address" not in kwargs:
            email = getattr(order, "contact_email", None)  # resolved already
            if email is None:
                email = order_personal_data_get_many(orders=[order])[order.pk].get("email")
            kwargs["email_address"] = email or ""
        return super().dispatch_order_messages(
            order, messages, event_code, attachments=attachments, **kwargs
        )
