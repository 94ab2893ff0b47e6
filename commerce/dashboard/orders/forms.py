from decimal import Decimal

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from oscar.apps.dashboard.orders import forms as core
from oscar.apps.dashboard.orders.forms import *  # noqa: F403  (Oscar fork convention)
from oscar.core.loading import get_model


def status_choices(statuses) -> list[tuple[str, str]]:
    """Order statuses as choices: the status itself is posted, its translation is shown
    (Oscar shows the settings' English; commerce.storefront.i18n lists them for gettext)."""
    return [(status, gettext(status)) for status in statuses]


class OrderSearchForm(core.OrderSearchForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = get_model("order", "Order").all_statuses()
        self.fields["status"].choices = [("", "---------"), *status_choices(statuses)]


class OrderStatusForm(core.OrderStatusForm):
    def __init__(self, order, *args, **kwargs):
        super().__init__(order, *args, **kwargs)
        self.fields["new_status"].choices = status_choices(order.available_statuses())


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to refund"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )


class ConsignmentRefundForm(forms.Form):
    """A refund of one consignment, at most what is still refundable on it."""

    amount = forms.DecimalField(
        label=_("Amount to refund"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    lines = forms.MultipleChoiceField(
        label=_("For these lines (commission is reversed on them)"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, consignment, refundable: Decimal, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.consignment = consignment
        self.refundable = refundable
        self.fields["lines"].choices = [
            (str(line.pk), f"#{line.pk} {line.title} × {line.quantity}") for line in lines
        ]
        self.fields["amount"].help_text = _("At most %(amount)s %(currency)s.") % {
            "amount": refundable,
            "currency": consignment.currency,
        }
        self.prefix = f"refund-{consignment.pk}"

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount > self.refundable:
            raise forms.ValidationError(
                _(
                    "You can refund at most %(amount)s %(currency)s: what the shopper paid "
                    "for this consignment, less what was already refunded."
                ),
                params={"amount": self.refundable, "currency": self.consignment.currency},
                code="over_refund",
            )
        return amount


class ConsignmentShippedForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), max_length=64)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=64)

    def __init__(self, *args, consignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.consignment = consignment
        self.prefix = f"ship-{consignment.pk}"
        self.initial.setdefault("carrier", consignment.carrier)
        self.initial.setdefault("tracking_number", consignment.tracking_number)

    def clean_tracking_number(self):
        value = self.cleaned_data["tracking_number"].strip()
        if not value:
            raise forms.ValidationError(_("Enter the tracking number."))
        return value

    def clean_carrier(self):
        value = self.cleaned_data["carrier"].strip()
        if not value:
            raise forms.ValidationError(_("Enter the carrier."))
        return value
