"""The user analytics report, ours: Oscar's adds each customer's orders whatever their
currency ("Total spent", from ``UserRecord.total_spent``) and reads names and emails from
the global user rows, where an overseas customer's are blank (issue #17).

Here what a customer spent is one total per currency, summed from their orders, and
names and emails come through the residency selectors (one look-up per store for the
page, or for the whole CSV). The CSV has one "Total spent (XXX)" column per currency
found, amounts as plain numbers; the page shows each customer's totals by currency.
"""

from django.utils.translation import gettext as _
from oscar.apps.analytics import reports as core
from oscar.core.loading import get_model

from commerce.order.reports import order_totals_by_user_currency
from commerce.residency.selectors import users_personal_resolve

UserRecord = get_model("analytics", "UserRecord")


def user_records_resolve(*, records) -> list:
    """The records with their users' names and emails from their region and each
    record's ``spent_by_currency``, in memory (display only)."""
    records = list(records)
    users_personal_resolve(users=[record.user for record in records])
    spent = order_totals_by_user_currency(user_ids=[record.user_id for record in records])
    for record in records:
        record.spent_by_currency = spent.get(record.user_id, [])
    return records


class UserReportCSVFormatter(core.UserReportCSVFormatter):
    def generate_csv(self, response, users):
        records = user_records_resolve(records=users.select_related("user"))
        currencies = sorted({c for r in records for c, _total in r.spent_by_currency})
        writer = self.get_csv_writer(response)
        writer.writerow(
            [
                _("Email"),
                _("Name"),
                _("Date registered"),
                _("Product views"),
                _("Basket additions"),
                _("Orders"),
                _("Order lines"),
                _("Order items"),
                *(_("Total spent (%(currency)s)") % {"currency": c} for c in currencies),
                _("Date of last order"),
            ]
        )
        for record in records:
            spent = dict(record.spent_by_currency)
            writer.writerow(
                [
                    record.user.email,
                    record.user.get_full_name(),
                    self.format_date(record.user.date_joined),
                    record.num_product_views,
                    record.num_basket_additions,
                    record.num_orders,
                    record.num_order_lines,
                    record.num_order_items,
                    *(spent.get(currency, "") for currency in currencies),
                    self.format_datetime(record.date_last_order),
                ]
            )


class UserReportGenerator(core.UserReportGenerator):
    # Newest customers first, like the customers list (Oscar's is unordered: pages could
    # repeat or skip rows).
    queryset = UserRecord._default_manager.select_related("user").order_by(
        "-user__date_joined", "pk"
    )
    formatters = {
        "CSV_formatter": UserReportCSVFormatter,
        "HTML_formatter": core.UserReportHTMLFormatter,
    }
