"""Checkout views: Oscar's flow with the China identity, landed cost and Stripe payment."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from oscar.apps.checkout import views
from oscar.apps.payment.exceptions import PaymentError, UnableToTakePayment
from oscar.core.loading import get_model

from .context import import_identity_clear, import_identity_get, import_identity_set
from .forms import ShippingAddressForm
from .identity import id_number_hash, id_number_mask
from .payments import PaymentDeclined, PaymentUnavailable, payment_intent_create
from .webhooks import stripe_events_waiting_process

logger = logging.getLogger(__name__)

Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
StripePayment = get_model("order", "StripePayment")
OrderImportIdentity = get_model("order", "OrderImportIdentity")

IndexView = views.IndexView
UserAddressUpdateView = views.UserAddressUpdateView
UserAddressDeleteView = views.UserAddressDeleteView
PaymentMethodView = views.PaymentMethodView
ThankYouView = views.ThankYouView


class ShippingAddressView(views.ShippingAddressView):
    form_class = ShippingAddressForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["basket"] = self.request.basket
        return kwargs

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
    pre_conditions = views.ShippingMethodView.pre_conditions + ["check_import_identity_is_captured"]


@method_decorator(transaction.non_atomic_requests, name="dispatch")
@method_decorator(sensitive_post_parameters("payment_method"), name="dispatch")  # card-adjacent
class PaymentDetailsView(views.PaymentDetailsView):
    """Preview with Stripe.js card fields; "place order" creates and confirms the intent.

    Not atomic per request: the ``StripePayment`` row commits before Stripe is called, and
    the order, its identity and its payment source are written in one transaction after.
    """

    def get_pre_conditions(self, request):
        return super().get_pre_conditions(request) + [
            "check_import_identity_is_captured",
            "check_landed_cost_is_allowed",
        ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["stripe_js_url"] = settings.STRIPE_JS_URL
        ctx["stripe_publishable_key"] = settings.STRIPE_PUBLISHABLE_KEY
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
        submission["order_kwargs"]["landed_cost"] = submission.pop("landed_cost", None)
        submission.pop("import_identity", None)
        return self.submit(**submission)

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
            raise UnableToTakePayment(str(error)) from error
        except PaymentUnavailable as error:
            raise PaymentError(str(error)) from error
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
        landed = kwargs.pop("landed_cost", None)
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
            identity = import_identity_get(self.request)
            if identity and order.shipping_address and order.shipping_address.country_id == "CN":
                OrderImportIdentity.objects.create(
                    order=order,
                    real_name=identity["real_name"],
                    id_number_hash=identity["id_hash"],
                    id_number_masked=identity["id_masked"],
                    counted_value=landed.taxable_value_cny if landed else 0,
                )
            payment = StripePayment.objects.select_for_update().get(order_number=order_number)
            payment.order = order
            payment.save(update_fields=["order", "updated_at"])
            intent_id = payment.intent_id
            transaction.on_commit(lambda: stripe_events_waiting_process(intent_id=intent_id))
            basket.submit()
        import_identity_clear(self.request)
        return self.handle_successful_order(order)
