"""What payouts shows and files for each regime of the withholding engine, keyed by its
regime codes (``tax.withholding.REGIMES``; a test checks every regime is covered).

- ``label``: the regime's name on pages, statements and CSVs;
- ``income_item``: 所得项目 in the filings (None: not filed in China by these exports);
- ``year_to_date``: the engine withholds cumulatively over the tax year (scope
  ``tax-year``), so a statement's working is "year to date"; otherwise it is "this
  payment" (per payment or month).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tax import exports as fmt


@dataclass(frozen=True)
class RegimeInfo:
    label: Promise
    income_item: str | None
    year_to_date: bool


REGIMES: dict[str, RegimeInfo] = {
    "cn-resident-wages": RegimeInfo(
        _("Wages, resident (cumulative)"), fmt.INCOME_ITEM_WAGES, year_to_date=True
    ),
    "cn-resident-labour": RegimeInfo(
        _("Labour remuneration, resident"), fmt.INCOME_ITEM_LABOUR, year_to_date=False
    ),
    "cn-platform-labour": RegimeInfo(
        _("Platform labour remuneration (cumulative)"),
        fmt.INCOME_ITEM_LABOUR_CONTINUOUS,
        year_to_date=True,
    ),
    "cn-nonresident-wages": RegimeInfo(
        _("Wages, non-resident"), fmt.INCOME_ITEM_WAGES, year_to_date=False
    ),
    "cn-nonresident-labour": RegimeInfo(
        _("Labour remuneration, non-resident"), fmt.INCOME_ITEM_LABOUR, year_to_date=False
    ),
    "hk": RegimeInfo(_("Hong Kong salaries tax"), None, year_to_date=True),
    "us": RegimeInfo(_("United States federal withholding"), None, year_to_date=True),
}


def regime_label(code: str) -> str:
    info = REGIMES.get(code)
    return str(info.label) if info else code


def regime_year_to_date(code: str) -> bool:
    info = REGIMES.get(code)
    return bool(info and info.year_to_date)
