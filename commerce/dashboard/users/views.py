"""Customers dashboard fork: overseas customers' names and emails from their region.

An overseas customer's global user row keeps no name or email (issue #17: they live in
the customer's regional store), so Oscar's pages showed them blank. Here the listing
resolves its page's users with one query per store, the detail page its customer, and the
password reset goes to the regional email. Searching by email also finds an overseas
customer by the whole address (its keyed hash: the global database never holds the
address, so no part of it can be matched); a search by name reaches only the global rows.
Resolved users are display copies: the residency guards refuse to save them.
"""

from oscar.apps.dashboard.users import views as core
from oscar.apps.dashboard.users.views import *  # noqa: F403  (Oscar fork convention)

from commerce.order.reports import order_totals_by_currency
from commerce.residency.selectors import (
    address_lines,
    overseas_user_by_email,
    saved_addresses_get,
    users_personal_resolve,
)


class IndexView(core.IndexView):
    def apply_search_filters(self, queryset, data):
        email = (data.get("email") or "").strip()
        overseas = overseas_user_by_email(email=email) if email else None
        filtered = super().apply_search_filters(queryset, data)
        if overseas is None:
            return filtered
        # Oscar's filter (a part of the global email) or this overseas customer, with the
        # name filter applied to both alike.
        with_name = super().apply_search_filters(queryset, {**data, "email": ""})
        return filtered | with_name.filter(pk=overseas.pk)

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        # The page's users, evaluated once and resolved in place: the table renders the
        # same (now cached) objects.
        users_personal_resolve(users=[row.record for row in table.page.object_list])
        return table


class UserDetailView(core.UserDetailView):
    def get_object(self, queryset=None):
        customer = super().get_object(queryset)
        users_personal_resolve(users=[customer])
        return customer

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # Orders in several currencies are never added up: one total per currency.
        ctx["spent_by_currency"] = order_totals_by_currency(self.object.orders.all())
        # An overseas customer's saved addresses live in their region (read-only here).
        ctx["regional_addresses"] = [
            address_lines(values=address) for address in saved_addresses_get(user=self.object)
        ]
        return ctx


class PasswordResetView(core.PasswordResetView):
    def get_object(self, queryset=None):
        customer = super().get_object(queryset)
        users_personal_resolve(users=[customer])  # the reset goes to the regional email
        return customer
