"""Dashboard product form with the cross-border fields merchants maintain."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname, get_language
from oscar.apps.dashboard.catalogue import forms as core_forms

from catalog.translation.engines import TranslationError
from catalog.translation.services import product_fields_machine_fill
from commerce.storefront.i18n import category_label

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


# Title and description in each language (django-modeltranslation columns), in place of
# Oscar's single fields.
TRANSLATED_FIELDS = {
    "title": ["title_en", "title_zh_hans"],
    "description": ["description_en", "description_zh_hans"],
    "name": ["name_en", "name_zh_hans"],
}
TRANSLATED_LABELS = {
    "title_en": _("Title (English)"),
    "title_zh_hans": _("Title (Chinese)"),
    "description_en": _("Description (English)"),
    "description_zh_hans": _("Description (Chinese)"),
}


def _translated(fields: list[str]) -> list[str]:
    out = []
    for name in fields:
        out += TRANSLATED_FIELDS.get(name, [name])
    return out


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
    machine_fill = forms.BooleanField(
        label=_("Fill the empty language from the other by machine translation"),
        required=False,
        help_text=_("The filled fields are marked as machine-translated until you confirm them."),
    )
    confirm_translations = forms.BooleanField(
        label=_("I have checked the machine-translated fields"), required=False
    )

    class Meta(core_forms.ProductForm.Meta):
        fields = _translated(core_forms.ProductForm.Meta.fields) + CROSS_BORDER_FIELDS

    def __init__(self, *args, data=None, **kwargs):
        if (
            data is not None
            and "title" in data
            and not any(name in data for name in TRANSLATED_FIELDS["title"])
        ):
            # A plain "title" (imports, older clients) is the active language's title.
            data = data.copy()
            data[build_localized_fieldname("title", get_language())] = data["title"]
        super().__init__(*args, data=data, **kwargs)
        flagged = set(self.instance.machine_translated or [])
        for name, label in TRANSLATED_LABELS.items():
            if name in self.fields:
                self.fields[name].label = label
                if name in flagged:
                    self.fields[name].help_text = _(
                        "Machine-translated: check it, then tick the confirmation below."
                    )
        if "title_en" in self.fields:
            self.fields["title_en"].widget = forms.TextInput(attrs={"autocomplete": "off"})
            self.fields["title_zh_hans"].widget = forms.TextInput(attrs={"autocomplete": "off"})
        if not flagged:
            del self.fields["confirm_translations"]

    def delete_non_child_fields(self):
        super().delete_non_child_fields()
        for name in TRANSLATED_FIELDS["description"]:
            self.fields.pop(name, None)

    def _translations_clean(self, data):
        flagged = list(self.instance.machine_translated or [])
        # A machine-filled field the merchant has rewritten is confirmed by that edit.
        flagged = [name for name in flagged if name not in self.changed_data]
        if data.get("confirm_translations"):
            flagged = []
        if data.get("machine_fill"):
            try:
                filled = product_fields_machine_fill(values=data)
            except TranslationError as exc:
                self.add_error(
                    "machine_fill",
                    _("Machine translation failed, nothing was changed: %(reason)s")
                    % {"reason": exc.message},
                )
                return
            data.update(filled)
            flagged = sorted(set(flagged) | set(filled))
        self.instance.machine_translated = flagged

    def clean(self):
        data = super().clean()
        self._translations_clean(data)
        # Goods that ship across borders need an origin and a tariff code for duties;
        # child products inherit them from their parent.
        if data.get("structure") != "child":
            for field in ("origin_country", "hs_code"):
                if field in self.fields and not data.get(field) and field not in self.errors:
                    self.add_error(field, forms.ValidationError(_("This field is required.")))
        return data


class CategoryForm(core_forms.CategoryForm):
    """Category name and description in each language."""

    class Meta(core_forms.CategoryForm.Meta):
        fields = _translated(core_forms.CategoryForm.Meta.fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name_en"].label = _("Name (English)")
        self.fields["name_zh_hans"].label = _("Name (Chinese)")
        self.fields["description_en"].label = _("Description (English)")
        self.fields["description_zh_hans"].label = _("Description (Chinese)")

    def clean(self):
        data = super().clean()
        if not (data.get("name_en") or data.get("name_zh_hans")):
            self.add_error("name_en", _("Give the name in at least one language."))
        return data


class ProductClassSelectForm(core_forms.ProductClassSelectForm):
    """Oscar's "create a product of type" choice, the types named in the reader's language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_class"].label_from_instance = lambda product_class: category_label(
            product_class.name
        )
