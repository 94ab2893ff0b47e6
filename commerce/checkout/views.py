"""Checkout views: Oscar's flow with the China identity, landed cost and Stripe payment."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.debug import sensitive_post_parameters
from oscar.apps.checkout import views
from oscar.apps.payment.exceptions import PaymentError, UnableToTakePayment
from oscar.core.loading import get_model

from commerce.partner.ship_to import ship_to_for_request, ship_to_state_for_request
from commerce.residency.selectors import (
    address_lines,
    orders_personal_resolve,
    saved_addresses_get,
)

from .context import (
    import_identity_clear,
    import_identity_get,
    import_identity_set,
    request_consignments,
)
from .display import order_consignments_display, quote_display
from .forms import ShippingAddressForm
from .identity import id_number_hash, id_number_mask
from .payments import PaymentDeclined, PaymentUnavailable, payment_intent_create
from .personal import order_contact_attach, order_contact_prepare, order_contact_token
from .webhooks import stripe_events_waiting_process

logger = logging.getLogger(__name__)

Source = get_model("payment", "Source")
Country = get_model("address", "Country")
Consignment = get_model("order", "Consignment")

# Card messages Stripe sends in English (``user_message``), shown in the shopper's language.
PAYMENT_MESSAGES = (
    gettext_noop("Your card was declined."),
    gettext_noop("Your card has insufficient funds."),
    gettext_noop("Your card has expired."),
    gettext_noop("Your card's security code is incorrect."),
    gettext_noop("Your card number is incorrect."),
    gettext_noop("Your card does not support this type of purchase."),
    gettext_noop("An error occurred while processing your card. Try again in a little bit."),
    gettext_noop("Your card could not be charged."),
)
SourceType = get_model("payment", "SourceType")
StripePayment = get_model("order", "StripePayment")
OrderImportIdentity = get_model("order", "OrderImportIdentity")

IndexView = views.IndexView
UserAddressUpdateView = views.UserAddressUpdateView
UserAddressDeleteView = views.UserAddressDeleteView
PaymentMethodView = views.PaymentMethodView


class ThankYouView(views.ThankYouView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # An overseas order's addresses and email, from its region (issue #17).
        orders_personal_resolve(orders=[ctx["order"]])
        ctx["consignments"] = order_consignments_display(ctx["order"])
        ctx["border_estimate"] = sum((c["border_estimate"] for c in ctx["consignments"]), 0)
        return ctx


@method_decorator(sensitive_post_parameters("id_number", "real_name"), name="dispatch")
class ShippingAddressView(views.ShippingAddressView):
    form_class = ShippingAddressForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["basket"] = self.request.basket
        return kwargs

    def regional_addresses(self) -> list[dict]:
        """An overseas shopper's saved addresses, kept in their region (issue #17)."""
        if not hasattr(self, "_regional_addresses"):
            self._regional_addresses = saved_addresses_get(user=self.request.user)
        return self._regional_addresses

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["regional_addresses"] = [
            (index, address_lines(values=values))
            for index, values in enumerate(self.regional_addresses())
        ]
        return ctx

    def get_initial(self):
        initial = super().get_initial() or {}
        chosen = self.request.GET.get("regional_address", "")
        addresses = self.regional_addresses() if chosen.isdigit() else []
        if chosen.isdigit() and int(chosen) < len(addresses):
            # "Use this address": the form is filled from the region; Continue checks it.
            values = dict(addresses[int(chosen)])
            values["country"] = Country.objects.filter(
                iso_3166_1_a2=values.get("country", ""), is_shipping_country=True
            ).first()
            initial.update({k: v for k, v in values.items() if v})
        if not initial.get("country"):
            # Default the address country to the shopper's ship-to country.
            initial["country"] = Country.objects.filter(
                iso_3166_1_a2=ship_to_for_request(self.request), is_shipping_country=True
            ).first()
            if not initial.get("state") and ship_to_state_for_request(self.request):
                initial["state"] = ship_to_state_for_request(self.request)
        return initial

    def form_valid(self, form):
        number = form.cleaned_data.pop("id_number", "")
        real_name = form.cleaned_data.pop("real_name", "").strip()
        if number:
            import_identity_set(
                self.request,
                real_name=real_name,
                id_hash=id_number_hash(number=number),
                id_masked=id_number_mask(number=number),
            )
        else:
            import_identity_clear(self.request)
        # Oscar stores the address model's fields only: the identity stays out of them.
        return super().form_valid(form)


class ShippingMethodView(views.ShippingMethodView):
    pre_conditions = views.ShippingMethodView.pre_conditions + [
        "check_basket_ships_to_destination",
        "check_import_identity_is_captured",
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        address = self.get_shipping_address(self.request.basket)
        # Each method's consignments (shipping, delivery promise, who collects duties).
        for method in ctx["methods"]:
            method.consignment_rows = quote_display(
                request_consignments(
                    self.request,
                    basket=self.request.basket,
                    country=address.country_id,
                    state=address.state,
                    method=getattr(method, "method", None),
                )
            )
        return ctx


@method_decorator(transaction.non_atomic_requests, name="dispatch")
@method_decorator(sensitive_post_parameters("payment_method"), name="dispatch")  # card-adjacent
class PaymentDetailsView(views.PaymentDetailsView):
    """Preview with Stripe.js card fields; "place order" creates and confirms the intent.

    Not atomic per request: the ``StripePayment`` row commits before Stripe is called, and
    the order, its identity and its payment source are written in one transaction after.
    """

    def get_pre_conditions(self, request):
        return super().get_pre_conditions(request) + [
            "check_basket_ships_to_destination",
            "check_import_identity_is_captured",
            "check_landed_cost_is_allowed",
        ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["consignment_rows"] = quote_display(ctx.get("consignments"))
        ctx["stripe_js_url"] = settings.STRIPE_JS_URL
        ctx["stripe_publishable_key"] = settings.STRIPE_PUBLISHABLE_KEY
        return ctx

    def get_message_context(self, order):
        # The email reads the order's surcharges from several templates: fetch them once.
        prefetch_related_objects([order], "surcharges")
        ctx = super().get_message_context(order)
        quote = getattr(order, "consignments_quote", None)
        # Just placed: the consignments as written from this quote (no need to read back).
        ctx["consignments"] = (
            quote_display(quote) if quote is not None else order_consignments_display(order)
        )
        ctx["border_estimate"] = sum((c["border_estimate"] for c in ctx["consignments"]), 0)
        return ctx

    def send_order_placed_email(self, order):
        # The order is committed by now: a mail server that is down must not turn the
        # shopper's confirmation into an error page (and thaw a basket already bought).
        try:
            super().send_order_placed_email(order)
        except Exception:
            logger.exception("Order #%s: confirmation email not sent", order.number)

    def render_payment_details(self, request, **kwargs):
        # Card details are taken on the preview page: show it again, with the error.
        return self.render_preview(request, **kwargs)

    def handle_place_order_submission(self, request):
        submission = self.build_submission()
        submission["payment_kwargs"]["payment_method"] = request.POST.get("payment_method", "")
        submission["order_kwargs"]["consignments"] = submission.pop("consignments", None)
        submission.pop("import_identity", None)
        # Issue #17: an overseas order's contact details go to its region first (before the
        # card is charged); the addresses the order saves are masked, the email left out.
        self._order_contact = order_contact_prepare(
            user=submission["user"],
            shipping_address=submission["shipping_address"],
            billing_address=submission.get("billing_address"),
            guest_email=submission["order_kwargs"].get("guest_email") or "",
            token=order_contact_token(request=request, basket=submission["basket"]),
        )
        if self._order_contact is not None and "guest_email" in submission["order_kwargs"]:
            submission["order_kwargs"]["guest_email"] = self._order_contact.placeholder_email
        return self.submit(**submission)

    def update_address_book(self, user, addr):
        # An overseas shopper's addresses are saved in their region (order_contact_prepare).
        if getattr(self, "_order_contact", None) is not None:
            return
        super().update_address_book(user, addr)

    def handle_payment(self, order_number, total, **kwargs):
        payment_method = kwargs.get("payment_method", "")
        if not payment_method:
            raise UnableToTakePayment(_("Please enter your card details."))
        try:
            payment = payment_intent_create(
                order_number=order_number,
                amount=total.incl_tax,
                currency=total.currency,
                payment_method=payment_method,
            )
        except PaymentDeclined as error:
            # Stripe's card messages are English: show them in the shopper's language.
            raise UnableToTakePayment(_(str(error))) from error
        except PaymentUnavailable as error:
            raise PaymentError(str(error)) from error
        self._stripe_intent_id = payment.intent_id
        source_type, _created = SourceType.objects.get_or_create(
            code="stripe", defaults={"name": "Stripe"}
        )
        self.add_payment_source(
            Source(
                source_type=source_type,
                currency=total.currency,
                amount_allocated=total.incl_tax,
                reference=payment.intent_id,
            )
        )

    def handle_order_placement(
        self,
        order_number,
        user,
        basket,
        shipping_address,
        shipping_method,
        shipping_charge,
        billing_address,
        order_total,
        surcharges=None,
        **kwargs,
    ):
        consignments = kwargs.get("consignments")
        with transaction.atomic():
            order = self.place_order(
                order_number=order_number,
                user=user,
                basket=basket,
                shipping_address=shipping_address,
                shipping_method=shipping_method,
                shipping_charge=shipping_charge,
                order_total=order_total,
                billing_address=billing_address,
                surcharges=surcharges,
                **kwargs,
            )
            contact = getattr(self, "_order_contact", None)
            if contact is not None:
                order_contact_attach(order=order, contact=contact)
            identity = import_identity_get(self.request)
            if identity and consignments is not None and consignments.needs_import_identity:
                # Only the cross-border consignments count toward China's limits.
                OrderImportIdentity.objects.create(
                    order=order,
                    real_name=identity["real_name"],
                    id_number_hash=identity["id_hash"],
                    id_number_masked=identity["id_masked"],
                    counted_value=consignments.taxable_value_cny,
                )
            # One UPDATE (it locks the row until commit, as select_for_update did).
            StripePayment.objects.filter(order_number=order_number).update(
                order=order, updated_at=timezone.now()
            )
            intent_id = self._stripe_intent_id
            transaction.on_commit(lambda: stripe_events_waiting_process(intent_id=intent_id))
            basket.submit()
        import_identity_clear(self.request)
        return self.handle_successful_order(order)
