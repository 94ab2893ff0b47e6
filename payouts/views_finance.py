"""Finance downloads of tax exports (/finance/tax-exports/).

Allowed: superusers, and active staff users with the ``payouts.view_payoutline``
permission; anyone else logged in gets 403, anonymous users the login page. CSV streams
row by row; XLSX is written (write-only) to an anonymous temporary file that is then
streamed. A request the export refuses (no computed run, unknown agency, creators without
a legal name or ID: see ``payouts.exports``) is a form error and nothing is sent; so is a
regional personal-data store that is down (a 503: creators' names and IDs may live there).
"""

from __future__ import annotations

import tempfile

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from agencies.encryption.stores import RegionalStoreUnavailable
from agencies.models import Agency
from tax.exports import csv_stream, xlsx_write

from .exporters import FILE_TYPES, exporters_all, rows_started
from .exports import ExportError, tax_export_prepare

FINANCE_PERMISSION = "payouts.view_payoutline"


def finance_staff_can(user, permission: str) -> bool:
    """Superusers, and active staff holding ``permission``: the finance back office."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or (user.is_staff and user.has_perm(permission))


def finance_can_export(user) -> bool:
    return finance_staff_can(user, FINANCE_PERMISSION)


class TaxExportForm(forms.Form):
    # The exporters registry (payouts.exporters) gives the kinds and their labels.
    kind = forms.ChoiceField(label=_("Export"), choices=())
    period = forms.CharField(
        label=_("Period"),
        max_length=7,
        help_text=_("YYYY-MM; for the platform income report also a quarter, e.g. 2026-Q3."),
    )
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    format = forms.ChoiceField(label=_("Format"), choices=FILE_TYPES)
    without_held = forms.BooleanField(
        label=_("Download without the creators held for their identity"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(e.identifier, e.label) for e in exporters_all()]
        self.fields["agency"].choices = [("", _("All agencies and personal accounts"))] + list(
            Agency.objects.order_by("code").values_list("code", "legal_name")
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["export"] = tax_export_prepare(
                kind=data["kind"], period=data["period"], agency_code=data.get("agency") or ""
            )
        except ExportError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


def _xlsx_response(export) -> FileResponse:
    spool = tempfile.TemporaryFile()
    try:
        xlsx_write(out=spool, sheet=export.sheet, headers=export.headers, rows=export.rows())
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=export.filename(extension="xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _refused(request, form, exc: Exception):
    """The form again with the reason nothing was sent (one line); a regional store that
    is down is a 503."""
    form.add_error(None, str(exc))
    status = 503 if isinstance(exc, RegionalStoreUnavailable) else 200
    return render(request, "payouts/finance/tax_exports.html", {"form": form}, status=status)


@login_required
def tax_exports(request):
    if not finance_can_export(request.user):
        raise PermissionDenied
    form = TaxExportForm(request.POST or None)
    try:
        valid = request.method == "POST" and form.is_valid()
        held = form.cleaned_data["export"].held() if valid else []
    except RegionalStoreUnavailable as exc:
        return _refused(request, form, exc)
    if valid:
        export = form.cleaned_data["export"]
        if held and not form.cleaned_data.get("without_held"):
            # Identity before money: say by creator what is not in the file, then ask.
            context = {"form": form, "held": held}
            return render(request, "payouts/finance/tax_exports.html", context)
        if form.cleaned_data["format"] == "xlsx":
            try:
                return _xlsx_response(export)
            except (ExportError, RegionalStoreUnavailable) as exc:  # nothing sent yet
                return _refused(request, form, exc)
        try:
            rows = rows_started(export.rows())  # the first rows' errors: refused, not half a file
        except (ExportError, RegionalStoreUnavailable) as exc:
            return _refused(request, form, exc)
        response = StreamingHttpResponse(
            csv_stream(headers=export.headers, rows=rows),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{export.filename(extension="csv")}"'
        )
        return response
    return render(request, "payouts/finance/tax_exports.html", {"form": form})
