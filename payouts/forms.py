"""Forms of the payouts back office."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency

from .periods import MONTH_PATTERN
from .runs import period_previous

PERSONAL = "personal"


class PayoutRunComputeForm(forms.Form):
    """Which run to compute: a period and one scope (an agency, or personal accounts)."""

    period = forms.RegexField(
        label=_("Period"),
        regex=MONTH_PATTERN,
        max_length=7,
        help_text=_("YYYY-MM; a month that is over."),
        error_messages={"invalid": _("Give the period as YYYY-MM, e.g. 2026-10.")},
    )
    scope = forms.ChoiceField(label=_("Scope"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].initial = period_previous(today=timezone.localdate())
        agencies = [(a.code, a.legal_name) for a in Agency.objects.order_by("legal_name")]
        self.fields["scope"].choices = [(PERSONAL, _("Personal accounts")), *agencies]

    def agency(self) -> Agency | None:
        code = self.cleaned_data["scope"]
        return None if code == PERSONAL else Agency.objects.get(code=code)
