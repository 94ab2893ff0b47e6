"""Dashboard product form with the cross-border fields merchants maintain."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.dashboard.catalogue import forms as core_forms

CROSS_BORDER_FIELDS = [
    "origin_country",
    "hs_code",
    "customs_value",
    "customs_currency",
    "weight_grams",
    "consumption_tax_rate",
    "cbec_eligible",
    "commission_rate",
]

HUNDRED = Decimal("100")
FRACTION_PLACES = Decimal("0.0001")  # the models store rates as fractions, 4 places


class PercentField(forms.DecimalField):
    """A rate typed and shown as a percentage ("15" is 15%), stored as a fraction (0.15)."""

    widget = forms.NumberInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_value", HUNDRED)
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)
        self.error_messages.update(
            {
                "invalid": _("Enter the rate as a percentage, e.g. 15 for 15%."),
                # These carry parameters, so a literal percent sign is written "%%".
                "max_value": _("Enter a percentage from 0 to 100, e.g. 15 for 15%%."),
                "min_value": _("Enter a percentage from 0 to 100, e.g. 15 for 15%%."),
                "max_decimal_places": _("Use at most 2 decimal places, e.g. 12.5 for 12.5%%."),
                "max_digits": _("Enter a percentage from 0 to 100, e.g. 15 for 15%%."),
                "max_whole_digits": _("Enter a percentage from 0 to 100, e.g. 15 for 15%%."),
            }
        )

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["step"] = "0.01"
        return attrs

    def prepare_value(self, value):
        # The instance's fraction is shown as a percentage; what the merchant typed (a
        # string, when the form is shown again with errors) is shown as typed.
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return (Decimal(value) * HUNDRED).quantize(Decimal("0.01")).normalize()
        return value

    def clean(self, value):
        percent = super().clean(value)
        if percent is None:
            return None
        return (percent / HUNDRED).quantize(FRACTION_PLACES)


class ProductForm(core_forms.ProductForm):
    consumption_tax_rate = PercentField(
        label=_("Consumption tax rate (%)"),
        help_text=_("A percentage: 15 for 15% (China's consumption tax on cosmetics); 0 if none."),
    )
    commission_rate = PercentField(
        label=_("Creator commission rate (%)"),
        required=False,
        help_text=_(
            "A percentage of the price paid to the creator whose note sold it: 8 for 8%. "
            "Leave empty to use the category's rate, else the shop default."
        ),
    )

    class Meta(core_forms.ProductForm.Meta):
        fields = core_forms.ProductForm.Meta.fields + CROSS_BORDER_FIELDS

    def clean(self):
        data = super().clean()
        # Goods that ship across borders need an origin and a tariff code for duties;
        # child products inherit them from their parent.
        if data.get("structure") != "child":
            for field in ("origin_country", "hs_code"):
                if field in self.fields and not data.get(field) and field not in self.errors:
                    self.add_error(field, forms.ValidationError(_("This field is required.")))
        return data
