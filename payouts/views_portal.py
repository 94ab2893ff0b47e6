"""Agency portal: an agency's staff see their own runs, lines and statements only.

Thin views over ``payouts.selectors_portal``; anything of another agency is a 404.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from tax.exports import csv_stream

from . import selectors_portal as sel

CHART_WIDTH, CHART_HEIGHT, CHART_BAR = 720, 200, 12


def last_months(*, today: date, count: int = 12) -> list[str]:
    """The ``count`` months ending with the previous month, oldest first."""
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        out.append(f"{year:04d}-{month:02d}")
    return out[::-1]


def chart_bars(*, totals: list[dict]) -> list[dict]:
    """Bar geometry for an inline SVG: three bars (gross, tax, net) per month."""
    top = max([t["gross"] for t in totals] + [Decimal("1")])
    step = CHART_WIDTH / max(len(totals), 1)
    out = []
    for i, month in enumerate(totals):
        bars = []
        for j, key in enumerate(("gross", "tax", "net")):
            height = float(month[key] / top) * (CHART_HEIGHT - 20)
            bars.append(
                {
                    "key": key,
                    "x": round(i * step + 8 + j * CHART_BAR, 1),
                    "y": round(CHART_HEIGHT - 20 - height, 1),
                    "height": round(height, 1),
                    "value": month[key],
                }
            )
        out.append({"period": month["period"], "x": round(i * step + 4, 1), "bars": bars})
    return out


@login_required
def portal_home(request):
    agencies = list(sel.portal_agencies(user=request.user))
    if not agencies:
        raise Http404
    months = last_months(today=timezone.localdate())
    charts = [
        {
            "agency": agency,
            "months": chart_bars(
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
def portal_run(request, run_id: int):
    run = sel.portal_run_get(user=request.user, run_id=run_id)
    lines = [
        {"line": line, "w": sel.working_figures(line=line), "regime": sel.regime_label(line.regime)}
        for line in sel.portal_run_lines(run=run)
    ]
    return render(request, "payouts/portal/run.html", {"run": run, "lines": lines})


@login_required
def portal_run_csv(request, run_id: int):
    run = sel.portal_run_get(user=request.user, run_id=run_id)
    response = StreamingHttpResponse(
        # Headers resolved now, in the request's language (the body streams later).
        csv_stream(
            headers=[str(h) for h in sel.RUN_CSV_HEADERS], rows=sel.portal_run_csv_rows(run=run)
        ),
        content_type="text/csv; charset=utf-8",
    )
    name = f"payout-{run.agency.code}-{run.period}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def portal_statement(request, run_id: int, creator_id: int):
    line = sel.portal_line_get(user=request.user, run_id=run_id, creator_id=creator_id)
    return render(
        request,
        "payouts/portal/statement.html",
        {
            "line": line,
            "run": line.run,
            "w": sel.working_figures(line=line),
            "regime": sel.regime_label(line.regime),
        },
    )


@login_required
def portal_statement_pdf(request, run_id: int, creator_id: int):
    """The statement as PDF (WeasyPrint), in the request's language."""
    from weasyprint import HTML

    line = sel.portal_line_get(user=request.user, run_id=run_id, creator_id=creator_id)
    html = render_to_string(
        "payouts/portal/statement_pdf.html",
        {
            "line": line,
            "run": line.run,
            "w": sel.working_figures(line=line),
            "regime": sel.regime_label(line.regime),
        },
        request=request,
    )
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    name = f"statement-{line.run.agency.code}-{line.period}-{line.creator.handle}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
