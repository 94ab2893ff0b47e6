"""Order dashboard fork: merchants see and act on only their own consignments and lines.

Platform staff see every order in full. A merchant (partner user) sees the orders holding
one of its lines, and of those only its own consignments and lines; another merchant's
line, consignment, refund or tracking URL answers 404. Refunds go through Stripe, one
refund per consignment, capped at what the shopper paid for that consignment.
"""

from __future__ import annotations

import stripe
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from oscar.apps.dashboard.orders import views as core
from oscar.apps.dashboard.orders.views import *  # noqa: F403  (Oscar fork convention)
from oscar.core.loading import get_model

from commerce.checkout.payments import (
    RefundRefused,
    consignment_refund,
    consignment_refundable,
    order_refund,
)
from commerce.residency.models import OrderResidency
from commerce.residency.selectors import orders_personal_resolve
from commerce.residency.services import order_shipping_address_put

from .forms import ConsignmentRefundForm, ConsignmentShippedForm, RefundForm
from .selectors import (
    consignment_for_user,
    order_consignments_for_user,
    order_for_user,
    order_lines_for_user,
    order_shares_for_user,
    orders_scope,
    revenue_by_currency,
    status_breakdown,
    user_is_platform,
)
from .services import consignment_mark_shipped

StripePayment = get_model("order", "StripePayment")
ConsignmentRefund = get_model("order", "ConsignmentRefund")
Line = get_model("order", "Line")


class OrderListView(core.OrderListView):
    """A merchant's list: its orders, each with what the shopper paid for its own part."""

    def get_queryset(self):
        self.base_queryset = orders_scope(
            user=self.request.user, queryset=self.base_queryset
        ).select_related("residency")
        return super().get_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # Contact details of the page's orders: one look-up per regional store (issue #17).
        orders = orders_personal_resolve(orders=ctx["object_list"])
        shares = order_shares_for_user(user=self.request.user, order_ids=[o.pk for o in orders])
        ctx["is_platform"] = shares is None
        for order in orders:
            order.own_total = order.total_incl_tax if shares is None else shares.get(order.pk, 0)
        ctx["orders"] = orders
        return ctx

    def download_selected_orders(self, request, orders):
        # Resolved in bulk before Oscar writes one row per order (issue #17).
        return super().download_selected_orders(
            request, orders_personal_resolve(orders=orders.select_related("residency"))
        )

    def get_row_values(self, order):
        row = super().get_row_values(order)
        row["customer"] = getattr(order, "contact_email", order.email)
        shares = order_shares_for_user(user=self.request.user, order_ids=[order.pk])
        if shares is not None:
            row["value"] = shares.get(order.pk, 0)
        return row

    def change_order_statuses(self, request, orders):
        if not user_is_platform(user=request.user):
            raise Http404()
        return super().change_order_statuses(request, orders)


class OrderStatsView(core.OrderStatsView):
    """Counts each order once, sums revenue per currency (a merchant: its own lines)."""

    def get_stats(self, filters):
        user = self.request.user
        orders = orders_scope(
            user=user, queryset=core.queryset_orders_for_user(user).filter(**filters)
        )
        from .selectors import Line as OrderLine
        from .selectors import _own_lines_q, user_partner_ids

        partner_ids = user_partner_ids(user=user)
        lines = OrderLine._default_manager.filter(order_id__in=orders.order_by().values("pk"))
        if partner_ids is not None:
            lines = lines.filter(_own_lines_q(partner_ids))
        return {
            "total_orders": orders.order_by().values("pk").distinct().count(),
            "total_lines": lines.count(),
            "revenue_by_currency": revenue_by_currency(user=user, orders=orders),
            "order_status_breakdown": status_breakdown(orders=orders),
        }


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class OrderDetailView(core.OrderDetailView):
    """Refunds commit our refund row before Stripe is called, so this view is not wrapped
    in the request transaction; every other action runs in its own transaction."""

    order_actions = core.OrderDetailView.order_actions + (
        "refund",
        "refund_consignment",
        "ship_consignment",
    )
    merchant_order_actions = ("save_note", "refund", "refund_consignment", "ship_consignment")
    merchant_line_actions = ("change_line_statuses",)

    def get_object(self, queryset=None):
        return order_for_user(user=self.request.user, number=self.kwargs["number"])

    def get_order_lines(self):
        return order_lines_for_user(user=self.request.user, order=self.object)

    @property
    def is_platform(self) -> bool:
        return user_is_platform(user=self.request.user)

    def post(self, request, *args, **kwargs):
        action = request.POST.get("order_action") or request.POST.get("line_action")
        if action in ("refund", "refund_consignment"):
            return super().post(request, *args, **kwargs)
        with transaction.atomic():
            return super().post(request, *args, **kwargs)

    def handle_order_action(self, request, order, action):
        if not self.is_platform and action not in self.merchant_order_actions:
            raise Http404()
        return super().handle_order_action(request, order, action)

    def handle_line_action(self, request, order, action):
        if not self.is_platform and action not in self.merchant_line_actions:
            raise Http404()
        # A line the user may not see is a 404, not a message.
        visible = set(self.get_order_lines().values_list("pk", flat=True))
        for pk in request.POST.getlist("selected_line"):
            if not pk.isdigit() or int(pk) not in visible:
                raise Http404()
        return super().handle_line_action(request, order, action)

    def consignment_forms(self, bound=None):
        """[(consignment, its lines, refund form, shipped form)] for the visible ones."""
        user = self.request.user
        rows = []
        lines = list(self.get_order_lines())
        for consignment in order_consignments_for_user(user=user, order=self.object):
            own_lines = [line for line in lines if line.consignment_id == consignment.pk]
            refund_form = ConsignmentRefundForm(
                consignment=consignment,
                refundable=consignment_refundable(consignment=consignment),
                lines=own_lines,
            )
            shipped_form = ConsignmentShippedForm(consignment=consignment)
            if bound is not None and bound[0] == consignment.pk:
                if isinstance(bound[1], ConsignmentRefundForm):
                    refund_form = bound[1]
                else:
                    shipped_form = bound[1]
            rows.append((consignment, own_lines, refund_form, shipped_form))
        return rows

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        order = self.object
        orders_personal_resolve(orders=[order])
        platform = self.is_platform
        ctx["is_platform"] = platform
        consignments = self.consignment_forms(bound=kwargs.get("bound"))
        ctx["consignments"] = consignments
        assigned = {c.pk for c, *_rest in consignments}
        ctx["unassigned_lines"] = [
            line for line in ctx["lines"] if line.consignment_id not in assigned
        ]
        ctx["stripe_payment"] = StripePayment.objects.filter(order=order).first()
        ctx["import_identity"] = getattr(order, "import_identity", None)
        # The order-level refund: platform staff on orders without consignments, or the
        # one merchant of such an order (orders placed before consignments existed).
        order_level = not order.consignments.exists() and (
            platform or not order.lines.exclude(pk__in=[x.pk for x in ctx["lines"]]).exists()
        )
        ctx["order_level_refund"] = order_level
        ctx["refund_form"] = kwargs.get("refund_form") or RefundForm()
        ctx["order_refunds"] = ConsignmentRefund.objects.filter(
            consignment__order=order
        ).select_related("consignment__partner")
        if not platform:
            visible = [line.pk for line in ctx["lines"]]
            ctx["merchant_notes"] = order.notes.filter(user=self.request.user)
            ctx["merchant_shipping_events"] = order.shipping_events.filter(
                lines__in=visible
            ).distinct()
            ctx["merchant_refunds"] = [r for c, *_x in consignments for r in c.refunds.all()]
        return ctx

    def get_order_note_form(self):
        # A merchant edits only its own notes (Oscar would load any note id of the order).
        note_id = self.kwargs.get("note_id")
        if note_id and not self.is_platform:
            if not self.object.notes.filter(pk=note_id, user=self.request.user).exists():
                raise Http404()
        return super().get_order_note_form()

    # Order-level actions ---------------------------------------------------------------

    def refund(self, request, order):
        if not self.get_context_data(object=order)["order_level_refund"]:
            raise Http404()
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

    def refund_consignment(self, request, order):
        consignment = consignment_for_user(
            user=request.user, order=order, pk=request.POST.get("consignment")
        )
        own_lines = list(self.get_order_lines().filter(consignment=consignment))
        form = ConsignmentRefundForm(
            request.POST,
            consignment=consignment,
            refundable=consignment_refundable(consignment=consignment),
            lines=own_lines,
        )
        if not form.is_valid():
            ctx = self.get_context_data(object=order, bound=(consignment.pk, form))
            return self.render_to_response(ctx)
        try:
            row = consignment_refund(
                consignment_id=consignment.pk,
                amount=form.cleaned_data["amount"],
                line_ids=[int(pk) for pk in form.cleaned_data["lines"]],
                user=request.user,
            )
        except RefundRefused as error:
            form.add_error("amount", str(error))
            ctx = self.get_context_data(object=order, bound=(consignment.pk, form))
            return self.render_to_response(ctx)
        except stripe.StripeError:
            return self.reload_page(error=_("Stripe could not make the refund; try again later."))
        messages.success(
            request,
            _("Refunded %(amount)s %(currency)s.")
            % {"amount": row.amount, "currency": row.currency},
        )
        return self.reload_page(fragment=f"consignment-{consignment.pk}")

    def ship_consignment(self, request, order):
        consignment = consignment_for_user(
            user=request.user, order=order, pk=request.POST.get("consignment")
        )
        form = ConsignmentShippedForm(request.POST, consignment=consignment)
        if not form.is_valid():
            ctx = self.get_context_data(object=order, bound=(consignment.pk, form))
            return self.render_to_response(ctx)
        consignment_mark_shipped(
            consignment_id=consignment.pk,
            carrier=form.cleaned_data["carrier"],
            tracking_number=form.cleaned_data["tracking_number"],
            user=request.user,
        )
        messages.success(request, _("The consignment is marked shipped; the shopper is told."))
        return self.reload_page(fragment=f"consignment-{consignment.pk}")


class LineDetailView(core.LineDetailView):
    def get_object(self, queryset=None):
        order = order_for_user(user=self.request.user, number=self.kwargs["number"])
        line = (
            order_lines_for_user(user=self.request.user, order=order)
            .filter(pk=self.kwargs["line_id"])
            .first()
        )
        if line is None:
            raise Http404()
        return line


class ShippingAddressUpdateView(core.ShippingAddressUpdateView):
    """An overseas order's address is edited in its region: the form shows the regional
    values, the change is written there first, the global row keeps masked values and the
    order note says that it changed, never what (issue #17)."""

    def get_object(self, queryset=None):
        order = order_for_user(user=self.request.user, number=self.kwargs["number"])
        if not user_is_platform(user=self.request.user):
            raise Http404()
        address = get_object_or_404(self.model, order=order)  # noqa: F405
        self.residency = OrderResidency.objects.filter(order=order).first()
        if self.residency is not None:
            orders_personal_resolve(orders=[order])
            address = order.shipping_address
        return address

    def form_valid(self, form):
        if self.residency is None:
            return super().form_valid(form)
        address = form.save(commit=False)
        order_shipping_address_put(residency=self.residency, address=address)
        messages.success(self.request, _("Delivery address updated"))
        return redirect(self.get_success_url())


class ConsignmentCustomsView(View):
    """The customs document of one import consignment, as PDF (WeasyPrint)."""

    def get(self, request, number: str, pk: int):
        from weasyprint import HTML

        order = order_for_user(user=request.user, number=number)
        consignment = consignment_for_user(user=request.user, order=order, pk=pk)
        if consignment.kind != consignment.Kind.IMPORT:
            raise Http404()
        html = render_to_string(
            "oscar/dashboard/orders/customs_document.html",
            customs_context(consignment=consignment),
            request=request,
        )
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        name = f"customs-{order.number}-{consignment.pk}.pdf"
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response


def customs_context(*, consignment) -> dict:
    """Commercial invoice and CN22/CN23 figures: per line HS code, origin, quantity, net
    weight and customs value (the transaction value the shopper paid, order currency)."""
    from decimal import Decimal

    # The delivery address of an overseas order from its region (issue #17).
    orders_personal_resolve(orders=[consignment.order])
    rows = []
    total_value = Decimal("0")
    total_weight = 0
    for line in consignment.lines.select_related("product").order_by("pk"):
        product = line.product
        unit_weight = (product.weight_grams or 0) if product else 0
        weight = unit_weight * line.quantity
        value = line.line_price_excl_tax or Decimal("0")
        rows.append(
            {
                "line": line,
                "hs_code": getattr(product, "hs_code", "") or "",
                "origin": str(getattr(product, "origin_country", "") or ""),
                "origin_name": getattr(getattr(product, "origin_country", None), "name", ""),
                "weight": weight,
                "value": value,
            }
        )
        total_value += value
        total_weight += weight
    return {
        "consignment": consignment,
        "order": consignment.order,
        "partner": consignment.partner,
        "address": consignment.order.shipping_address,
        "rows": rows,
        "total_value": total_value,
        "total_weight": consignment.weight_grams or total_weight,
        "net_weight": total_weight,
        "duties_taxes": consignment.duties + consignment.taxes,
        "invoice_number": f"{consignment.order.number}-{consignment.pk}",
    }
