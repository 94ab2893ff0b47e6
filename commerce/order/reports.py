"""Order report fork: every amount with its currency, totals per currency (never added
across currencies). Every cell is formula-safe through the writer of Oscar's
``ReportCSVFormatter``, forked in ``commerce.dashboard.reports.reports`` for every report."""

from decimal import ROUND_HALF_UP

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from oscar.apps.order import reports as core
from oscar.apps.order.reports import *  # noqa: F403  (Oscar fork convention)
from oscar.core.loading import get_model

from commerce.dashboard.reports.reports import NO_VALUE as NO_NAME
from commerce.residency.selectors import orders_personal_resolve, personal_data_get_many
from tax.money import quantize_money

Order = get_model("order", "Order")


def _exact(total, currency: str):
    # A sum of amounts in minor units is exact on PostgreSQL; SQLite (the demo) sums in
    # floating point and returns e.g. 30.1200000000000, so each total is brought back to
    # its currency's minor unit (half-up: only float noise is ever rounded away).
    return quantize_money(total, currency, ROUND_HALF_UP)


def order_totals_by_currency(orders) -> list[tuple[str, object]]:
    """The orders' totals (incl. tax), one per currency, by currency code."""
    rows = orders.order_by().values("currency").annotate(total=Sum("total_incl_tax"))
    return sorted((row["currency"], _exact(row["total"], row["currency"])) for row in rows)


def order_totals_by_user_currency(*, user_ids) -> dict[int, list[tuple[str, object]]]:
    """user id -> what they spent (their orders' totals incl. tax), one total per currency
    by currency code; one query for all the users."""
    rows = (
        Order.objects.filter(user_id__in=list(user_ids))
        .order_by()
        .values("user_id", "currency")
        .annotate(total=Sum("total_incl_tax"))
    )
    totals: dict[int, list[tuple[str, object]]] = {}
    for row in sorted(rows, key=lambda r: (r["user_id"], r["currency"])):
        totals.setdefault(row["user_id"], []).append(
            (row["currency"], _exact(row["total"], row["currency"]))
        )
    return totals


REPORT_RELATED = ("user", "residency", "shipping_address")


def orders_with_customer_names(*, orders) -> list:
    """The report's orders with their personal values in memory, read through the
    residency selectors (an overseas shopper's are in their region; issue #17) with one
    look-up per store for all of them: ``contact_email`` and ``customer_name`` (the
    signed-in customer's name, "" for a guest or a customer without one)."""
    resolved = orders_personal_resolve(orders=orders)
    names = personal_data_get_many(users=[o.user for o in resolved if o.user_id])
    for order in resolved:
        person = names.get(order.user_id, {}) if order.user_id else {}
        order.customer_name = " ".join(
            part for part in (person.get("first_name"), person.get("last_name")) if part
        )
    return resolved


class OrderReportCSVFormatter(core.OrderReportCSVFormatter):
    def generate_csv(self, response, orders):
        writer = self.get_csv_writer(response)
        writer.writerow(
            [
                _("Order number"),
                _("Name"),
                _("Email"),
                _("Total incl. tax"),
                _("Currency"),
                _("Date placed"),
            ]
        )
        orders = orders.select_related(*REPORT_RELATED)
        for order in orders_with_customer_names(orders=orders):
            writer.writerow(
                [
                    order.number,
                    order.customer_name or NO_NAME,
                    order.contact_email,
                    order.total_incl_tax,
                    order.currency,
                    self.format_datetime(order.date_placed),
                ]
            )
        for currency, total in order_totals_by_currency(orders):
            writer.writerow([_("Total"), "", "", total, currency, ""])


class OrderReportGenerator(core.OrderReportGenerator):
    formatters = {
        "CSV_formatter": OrderReportCSVFormatter,
        "HTML_formatter": core.OrderReportHTMLFormatter,
    }
