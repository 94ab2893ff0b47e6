"""Money events of an order, for other packages to react to (commissions, payouts).

``payouts`` listens to these; ``commerce`` never calls into ``payouts`` (DESIGN.md §2).
"""

from django.dispatch import Signal

# Sent once per order, after the transaction that marked it paid commits.
# kwargs: order (Order), amount (Decimal, order currency), reference (str: the payment id)
order_paid = Signal()

# Sent after each refund is recorded and committed.
# kwargs: order (Order), amount (Decimal refunded now, order currency),
#         lines (dict[int, Decimal]: order line id -> amount refunded on that line; may be
#         empty for an order-level refund), reference (str: the refund id)
order_refunded = Signal()
