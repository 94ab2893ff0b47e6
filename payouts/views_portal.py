"""Agency portal: an agency's staff see their own runs, lines and statements only.

Thin views over ``payouts.selectors_portal``; anything of another agency is a 404. A
page that needs creators' personal data from a regional store that is down answers 503
with the reason (``personal_data_needed``); nothing is written by these pages.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from agencies.encryption.stores import RegionalStoreUnavailable
from tax.exports import csv_stream

from . import selectors_portal as sel
from .exporters import exporter_get, rows_started
from .periods import Period
from .regimes import regime_year_to_date

CHART_WIDTH, CHART_HEIGHT, CHART_BAR = 720, 240, 12
# Plot area inside the SVG: room on the left for the amount axis, below for the months.
PLOT_LEFT, PLOT_TOP, PLOT_BOTTOM = 64, 16, 28
SERIES = ("gross", "tax", "net")


def last_months(*, today: date, count: int = 12) -> list[str]:
    """The ``count`` months ending with the previous month, oldest first."""
    months = [Period.before(today)]
    while len(months) < count:
        months.append(months[-1].previous())
    return [str(p) for p in reversed(months)]


def axis_top(value: Decimal) -> Decimal:
    """A round top for the amount axis: 1, 2 or 5 times a power of ten, at least ``value``."""
    if value <= 0:
        return Decimal(1)
    power = Decimal(10) ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def chart_bars(*, totals: list[dict]) -> dict:
    """Geometry of an inline SVG bar chart: three bars (gross, tax, net) per month, an
    amount axis with ticks and a month axis. Values go in each bar's title and in a
    table beside the chart (the fallback for screen readers and small screens)."""
    top = axis_top(max([t["gross"] for t in totals] + [Decimal(0)]))
    plot_height = CHART_HEIGHT - PLOT_TOP - PLOT_BOTTOM
    plot_width = CHART_WIDTH - PLOT_LEFT - 8
    step = plot_width / max(len(totals), 1)
    base = CHART_HEIGHT - PLOT_BOTTOM
    months = []
    for i, month in enumerate(totals):
        x0 = PLOT_LEFT + i * step
        bars = []
        for j, key in enumerate(SERIES):
            height = float(month[key] / top) * plot_height
            bars.append(
                {
                    "key": key,
                    "x": round(x0 + 6 + j * CHART_BAR, 1),
                    "y": round(base - height, 1),
                    "height": round(height, 1),
                    "value": month[key],
                }
            )
        months.append(
            {
                "period": month["period"],
                "label": month["period"][2:].replace("-", "/"),
                "x": round(x0 + step / 2, 1),
                "bars": bars,
                "gross": month["gross"],
                "tax": month["tax"],
                "net": month["net"],
            }
        )
    ticks = [{"value": top * k / 4, "y": round(base - plot_height * k / 4, 1)} for k in range(5)]
    return {
        "months": months,
        "ticks": ticks,
        "left": PLOT_LEFT,
        "right": CHART_WIDTH - 8,
        "top": PLOT_TOP,
        "base": base,
        "label_y": CHART_HEIGHT - 10,
    }


def personal_data_needed(view):
    """A regional store that is down: a 503 page saying so, instead of a 500."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except RegionalStoreUnavailable as exc:
            context = {"message": str(exc)}
            return render(request, "payouts/portal/unavailable.html", context, status=503)

    return wrapped


@login_required
def portal_home(request):
    agencies = list(sel.portal_agencies(user=request.user))
    if not agencies:
        raise Http404
    months = last_months(today=timezone.localdate())
    charts = [
        {
            "agency": agency,
            "chart": chart_bars(
                totals=sel.portal_monthly_totals(user=request.user, agency=agency, months=months)
            ),
        }
        for agency in agencies
    ]
    return render(
        request,
        "payouts/portal/home.html",
        {
            "runs": sel.portal_runs(user=request.user),
            "charts": charts,
            "chart_width": CHART_WIDTH,
            "chart_height": CHART_HEIGHT,
            "bar_width": CHART_BAR - 2,
        },
    )


@login_required
@personal_data_needed
def portal_run(request, run_id: int):
    run = sel.portal_run_get(user=request.user, run_id=run_id)
    lines = [
        {
            "line": line,
            "personal": personal,
            "w": sel.working_figures(line=line),
            "regime": sel.regime_label(line.regime),
        }
        for line, personal in sel.portal_run_lines_personal(run=run)
    ]
    return render(request, "payouts/portal/run.html", {"run": run, "lines": lines})


@login_required
@personal_data_needed
def portal_run_csv(request, run_id: int):
    run = sel.portal_run_get(user=request.user, run_id=run_id)
    exporter = exporter_get("agency-run")
    rows = rows_started(exporter.rows(run))  # a store that is down: 503, not half a file
    response = StreamingHttpResponse(
        # Headers resolved now, in the request's language (the body streams later).
        csv_stream(headers=[str(h) for h in exporter.headers], rows=rows),
        content_type="text/csv; charset=utf-8",
    )
    name = f"payout-{run.agency.code}-{run.period}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@personal_data_needed
def portal_statement(request, run_id: int, creator_id: int):
    line = sel.portal_line_get(user=request.user, run_id=run_id, creator_id=creator_id)
    return render(
        request,
        "payouts/portal/statement.html",
        {
            "line": line,
            "personal": sel.portal_line_personal(line=line),
            "run": line.run,
            "w": sel.working_figures(line=line),
            "regime": sel.regime_label(line.regime),
            "ytd": regime_year_to_date(line.regime),
        },
    )


@login_required
@personal_data_needed
def portal_statement_pdf(request, run_id: int, creator_id: int):
    """The statement as PDF (WeasyPrint), in the request's language."""
    from weasyprint import HTML

    line = sel.portal_line_get(user=request.user, run_id=run_id, creator_id=creator_id)
    html = render_to_string(
        "payouts/portal/statement_pdf.html",
        {
            "line": line,
            "personal": sel.portal_line_personal(line=line),
            "run": line.run,
            "w": sel.working_figures(line=line),
            "regime": sel.regime_label(line.regime),
            "ytd": regime_year_to_date(line.regime),
        },
        request=request,
    )
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    name = f"statement-{line.run.agency.code}-{line.period}-{line.creator.handle}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
