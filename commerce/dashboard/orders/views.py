"""Order dashboard fork: merchants see only their orders and refund through Stripe."""

import stripe
from django.contrib import messages
from django.utils.translation import gettext as _
from oscar.apps.dashboard.orders import views as core
from oscar.apps.dashboard.orders.views import *  # noqa: F403  (Oscar fork convention)
from oscar.core.loading import get_model

from commerce.checkout.payments import RefundRefused, order_refund

from .forms import RefundForm
from .selectors import order_for_user, orders_scope

StripePayment = get_model("order", "StripePayment")


class OrderListView(core.OrderListView):
    def get_queryset(self):
        self.base_queryset = orders_scope(user=self.request.user, queryset=self.base_queryset)
        return super().get_queryset()


class OrderDetailView(core.OrderDetailView):
    order_actions = core.OrderDetailView.order_actions + ("refund",)

    def get_object(self, queryset=None):
        return order_for_user(user=self.request.user, number=self.kwargs["number"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        order = self.object
        ctx["stripe_payment"] = StripePayment.objects.filter(order=order).first()
        ctx["import_identity"] = getattr(order, "import_identity", None)
        ctx["refund_form"] = kwargs.get("refund_form") or RefundForm()
        return ctx

    def refund(self, request, order):
        form = RefundForm(request.POST)
        if not form.is_valid():
            return self.reload_page(error=_("Enter a valid amount to refund."))
        try:
            order_refund(order=order, amount=form.cleaned_data["amount"])
        except RefundRefused as error:
            return self.reload_page(error=str(error))
        except stripe.StripeError:
            return self.reload_page(error=_("Stripe could not make the refund; try again later."))
        messages.success(
            request,
            _("Refunded %(amount)s %(currency)s.")
            % {"amount": form.cleaned_data["amount"], "currency": order.currency},
        )
        return self.reload_page(fragment="payment")
