"""Checkout forms: the shipping address asks for the buyer's identity when China needs it."""

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout.forms import *  # noqa: F403  (Oscar fork convention)
from oscar.apps.checkout.forms import ShippingAddressForm as CoreShippingAddressForm

from .identity import id_number_clean
from .landed_cost import needs_import_identity

# The identity fields, and what the address form's script reads to show or hide them.
IDENTITY_FIELDS = ("real_name", "id_number")


class ShippingAddressForm(CoreShippingAddressForm):
    real_name = forms.CharField(
        label=_("Real name (as on your ID card)"), max_length=100, required=False
    )
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=18,
        required=False,
        help_text=_("Needed by China Customs for cross-border imports; stored masked."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, basket=None, **kwargs):
        self.basket = basket
        super().__init__(*args, **kwargs)
        # Shown only when a mainland-China address would receive a cross-border consignment:
        # a basket with nothing from abroad (everything ships from inside China) never asks.
        if basket is None or not needs_import_identity(country="CN", basket=basket):
            for name in IDENTITY_FIELDS:
                del self.fields[name]
        else:
            for name in IDENTITY_FIELDS:
                self.fields[name].widget.attrs["data-china-import"] = "1"

    def clean(self):
        cleaned = super().clean()
        country = cleaned.get("country")
        code = getattr(country, "iso_3166_1_a2", "")
        if self.basket is None or not needs_import_identity(country=code, basket=self.basket):
            cleaned["id_number"] = ""
            cleaned["real_name"] = ""
            return cleaned
        if not (cleaned.get("real_name") or "").strip():
            self.add_error("real_name", _("Give the buyer's real name for China Customs."))
        number = id_number_clean(number=cleaned.get("id_number") or "")
        if number is None:
            self.add_error(
                "id_number", _("Enter a valid 18-digit mainland China resident ID number.")
            )
        cleaned["id_number"] = number or ""
        return cleaned
