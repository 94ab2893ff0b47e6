"""Order placement: carry a basket line's note attribution onto the order line."""

from oscar.apps.order.utils import OrderCreator as CoreOrderCreator


class OrderCreator(CoreOrderCreator):
    def create_line_models(self, order, basket_line, extra_line_fields=None):
        fields = dict(extra_line_fields or {})
        fields.setdefault("attributed_note_id", basket_line.attributed_note_id)
        fields.setdefault("attributed_creator_id", basket_line.attributed_creator_id)
        return super().create_line_models(order, basket_line, extra_line_fields=fields)
