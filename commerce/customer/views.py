"""Account views for dual-line storage (issue #17): the sign-up country defaults to the
ship-to country; the profile and the order pages show an overseas shopper's values read
from their region (one look-up per store for a page of orders)."""

import copy

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from oscar.apps.customer import views as core
from oscar.apps.customer.views import *  # noqa: F403  (Oscar fork convention)
from oscar.core.loading import get_model

from commerce.partner.ship_to import ship_to_for_request
from commerce.residency import selectors, services

Order = get_model("order", "Order")
UserAddress = get_model("address", "UserAddress")


class SignUpCountryMixin:
    def sign_up_country(self) -> str:
        return ship_to_for_request(self.request) or ""


class AccountRegistrationView(SignUpCountryMixin, core.AccountRegistrationView):
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["initial"]["country"] = self.sign_up_country()
        return kwargs


class AccountAuthView(SignUpCountryMixin, core.AccountAuthView):
    def get_registration_form_kwargs(self, bind_data=False):
        kwargs = super().get_registration_form_kwargs(bind_data)
        kwargs["initial"]["country"] = self.sign_up_country()
        return kwargs


def user_resolved(user):
    """A copy of ``user`` carrying their names and email from their region (display only;
    the copy refuses to be saved)."""
    shown = copy.copy(user)
    selectors.users_personal_resolve(users=[shown])
    return shown


class ProfileView(core.ProfileView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["user"] = user_resolved(self.request.user)
        return ctx


class ProfileUpdateView(core.ProfileUpdateView):
    def form_valid(self, form):
        if not form.overseas:
            return super().form_valid(form)
        old_email = selectors.user_email_get(user=self.request.user)
        new_email = form.cleaned_data.get("email")
        if new_email and old_email and new_email.lower() != old_email.lower():
            # Oscar warns the old address: sent before the write, the dispatcher still
            # reads the old one from the region.
            self.send_email_changed_email(self.request.user, new_email)
        form.save()
        messages.success(self.request, _("Profile updated"))
        return redirect(self.get_success_url())


class OrderHistoryView(core.OrderHistoryView):
    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("residency", "shipping_address", "billing_address")
            .prefetch_related("lines")  # num_items: one query for the page, not one per order
        )

    def get_context_data(self, *args, **kwargs):
        ctx = super().get_context_data(*args, **kwargs)
        # The page's orders, their contact details from every store in one look-up each.
        ctx["orders"] = selectors.orders_personal_resolve(orders=ctx["orders"])
        return ctx


class OrderDetailView(core.OrderDetailView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            Order.objects.select_related("residency"),
            user=self.request.user,
            number=self.kwargs["order_number"],
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        selectors.orders_personal_resolve(orders=[ctx["order"]])
        return ctx


class RegionalAnonymousOrderMixin:
    """A guest's order, found by number, hash and the email they give: the email is compared
    with the order's contact email read through the residency selector (an overseas guest
    order keeps it in its region; its global ``guest_email`` is a placeholder). Oscar's
    ``AnonymousOrderMixin.get_object`` compares the placeholder, so both the email form and
    the order page use this one."""

    def get_object(self, queryset=None):
        given = (self.email or "").strip().lower()
        cached = getattr(self, "_guest_order", None)
        if cached is None or cached[0] != given:  # the order page asks more than once
            self._guest_order = (given, self._guest_order_find(email=given))
        return self._guest_order[1]

    def _guest_order_find(self, *, email: str):
        order = Order.objects.filter(user=None, number=self.order_number).first()
        if order is None or not order.check_verification_hash(self.hash):
            return None
        selectors.orders_personal_resolve(orders=[order])
        return order if email and email == order.contact_email.strip().lower() else None


class AnonymousOrderFormView(RegionalAnonymousOrderMixin, core.AnonymousOrderFormView):
    pass


class AnonymousOrderDetailView(RegionalAnonymousOrderMixin, core.AnonymousOrderDetailView):
    pass


class AddressListView(core.AddressListView):
    """An overseas shopper's address book is kept in their region (no ``UserAddress``):
    each address is shown with its place in the list and a fingerprint, which its edit
    and delete links carry (``services.personal_address_replace``)."""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if services.is_overseas(region=services.user_region(user=self.request.user)):
            data = selectors.personal_data_get(user=self.request.user)
            ctx["regional_address_book"] = True
            ctx["regional_addresses"] = [
                {
                    "index": index,
                    "fingerprint": services.address_fingerprint(address),
                    "lines": selectors.address_lines(values=address),
                }
                for index, address in enumerate(data.get("addresses") or [])
            ]
        return ctx


class RegionalAddressMixin:
    """One of an overseas shopper's saved addresses (``index``, as ``fingerprint`` names
    it) as an unsaved ``UserAddress`` for Oscar's form and pages; the residency guards
    refuse to save it. An address changed or removed meanwhile sends the shopper back to
    the address book with a message."""

    def dispatch(self, request, *args, **kwargs):
        # Read from the region once a request; get_object builds on it.
        self.regional_values = self._regional_values() if request.user.is_authenticated else None
        if request.user.is_authenticated and self.regional_values is None:
            return self._gone()
        return super().dispatch(request, *args, **kwargs)

    def _regional_values(self) -> dict | None:
        addresses = selectors.saved_addresses_get(user=self.request.user)
        index = self.kwargs["index"]
        if index >= len(addresses):
            return None
        found = addresses[index]
        return found if services.address_fingerprint(found) == self.kwargs["fingerprint"] else None

    def _gone(self):
        messages.warning(
            self.request,
            _("That address has changed in the meantime; here is your address book."),
        )
        return redirect("customer:address-list")

    def get_object(self, queryset=None):
        if self.regional_values is None:
            raise Http404
        fields = {k: v for k, v in self.regional_values.items() if k in selectors.ADDRESS_FIELDS}
        fields["country_id"] = fields.pop("country", "") or None
        address = UserAddress(user=self.request.user, **fields)
        address._personal_resolved = True
        return address

    def _replace(self, address: dict | None):
        # Checked again under the record's lock: the address may have changed since.
        outcome = services.personal_address_replace(
            user=self.request.user,
            index=self.kwargs["index"],
            fingerprint=self.kwargs["fingerprint"],
            address=address,
        )
        if outcome is services.AddressEdit.GONE:
            return self._gone()
        if outcome is services.AddressEdit.REMOVED:
            messages.success(self.request, _("Address deleted"))
        else:
            messages.success(self.request, _("Address saved"))
        return redirect("customer:address-list")


class RegionalAddressUpdateView(RegionalAddressMixin, core.AddressUpdateView):
    def form_valid(self, form):
        return self._replace(selectors.address_values(form.save(commit=False)))


class RegionalAddressDeleteView(RegionalAddressMixin, core.AddressDeleteView):
    def form_valid(self, form):
        return self._replace(None)


class AddressCreateView(core.AddressCreateView):
    def form_valid(self, form):
        if not services.is_overseas(region=services.user_region(user=self.request.user)):
            return super().form_valid(form)
        address = form.save(commit=False)
        services.personal_address_save(
            user=self.request.user, address=selectors.address_values(address)
        )
        messages.success(self.request, _("Address saved"))
        return redirect(self.get_success_url())
