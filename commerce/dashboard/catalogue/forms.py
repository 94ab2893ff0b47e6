"""Dashboard product form with the cross-border fields merchants maintain."""

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


class ProductForm(core_forms.ProductForm):
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
