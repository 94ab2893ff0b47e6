"""Finance uploads bank return files: pain.002 status reports, camt.054 returns.

Not routed yet: the lead wires it (see payouts/bank_returns.py for what an import does).

Allowed: superusers, and active staff users with ``payouts.add_bankreturnimport``; anyone
else logged in gets 403. A refused file is a form error and nothing changes; the page lists
the latest imports with their summaries.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from .bank_returns import BankReturnError, bank_return_import
from .models import BankReturnImport
from .views_finance import finance_staff_can

IMPORT_PERMISSION = "payouts.add_bankreturnimport"
MAX_BYTES = 20 * 1024 * 1024


def finance_can_import(user) -> bool:
    return finance_staff_can(user, IMPORT_PERMISSION)


class BankReturnForm(forms.Form):
    file = forms.FileField(
        label=_("Bank return file (XML)"),
        help_text=_(
            "The bank's status report (pain.002.001.03) for one of our batch files, or its "
            "notification of returned payments (camt.054.001.02)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


@login_required
def bank_return_upload(request):
    if not finance_can_import(request.user):
        raise PermissionDenied
    form = BankReturnForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = bank_return_import(
                data=upload.read(), filename=upload.name, user=request.user
            )
        except BankReturnError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, str(summary))
            return redirect(request.path)
    imports = BankReturnImport.objects.select_related("batch", "imported_by")[:20]
    return render(request, "payouts/finance/bank_returns.html", {"form": form, "imports": imports})
