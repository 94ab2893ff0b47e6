"""Dated rules and rates, as data. Next year's change is an edit here, not in the code.

Every entry carries ``start`` (inclusive) and ``end`` (exclusive: the first day of the next
rule, ``None`` while open), so an old order is re-quoted with the rules of its own date.
A date no entry covers is refused with a reason, never filled in. Figures, dates and
sources: /work/shared/reference/import-duties-and-taxes.md (section numbers below).

Rates are fractions (0.20 is 20%). Tables start where our knowledge starts: a rate that was
already in force before its table begins is recorded from the first day a rule uses it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal as D

from .countries import CA_PROVINCES, EU_MEMBERS

ONE = D(1)

# How a band treats a line. EXEMPT: nothing due. AT_SALE: the seller or marketplace charges
# the destination's tax at checkout (IOSS, UK and AU low-value regimes, SG OVR, MY LVG).
# BORDER: duty and import tax assessed at import and paid there (by the buyer via the
# carrier, or by a seller shipping DDP).
EXEMPT, AT_SALE, BORDER = "exempt", "at_sale", "border"
# Duty in a band: none; the line's ad valorem rate (``Line.duty_rate``, from the tariff);
# or a flat amount per distinct tariff sub-heading (the EU's temporary EUR 3 duty).
NO_DUTY, RATE_DUTY, FLAT_DUTY = "none", "rate", "flat"


@dataclass(frozen=True, slots=True)
class Band:
    """Up to ``upto`` (inclusive; ``None``: no upper bound) of the tested value."""

    upto: D | None
    regime: str
    duty: str = NO_DUTY


@dataclass(frozen=True, slots=True)
class Period:
    """The threshold rules of one destination between two dates."""

    start: date
    end: date | None
    bands: tuple[Band, ...]
    source: str
    # Canada: bands by where a courier parcel ships from ((countries, bands), ...);
    # ``bands`` above apply to every other origin and to all postal parcels.
    routes: tuple[tuple[frozenset[str], tuple[Band, ...]], ...] = ()
    flat_duty: D | None = None
    # US 2 May - 28 Aug 2025: goods of these origins lost the de minimis exemption.
    exemption_not_for_origins: frozenset[str] = frozenset()
    # Japan: personal-use imports are valued at 60% (of goods + freight + insurance).
    valuation: D = ONE


@dataclass(frozen=True, slots=True)
class CbecPeriod:
    """China's cross-border e-commerce retail import limits (section 1)."""

    start: date
    end: date | None
    per_order: D
    annual: D
    share: D  # VAT and consumption tax are collected at this share of the statutory amount
    single_item_full_rates: bool  # an order over the limit may pass as one item, taxed in full
    source: str


@dataclass(frozen=True, slots=True)
class TaxRates:
    """The destination's own taxes between two dates: ((charge code, rate), ...)."""

    start: date
    end: date | None
    components: tuple[tuple[str, D], ...]


@dataclass(frozen=True, slots=True)
class Destination:
    code: str
    name: str
    currency: str
    prefix: str  # rule ids read "<prefix>:<regime>", e.g. "eu:at_sale"
    # Ships from one of these: not an import (domestic or intra-EU rules apply instead).
    territory: frozenset[str]
    labels: Mapping[str, str]
    periods: tuple[Period, ...] = ()
    tax_key: str | None = None  # key into TAX_RATES; None: no tax on imports here
    tax_missing: str = ""  # set when taxes exist but cannot be chosen without more data
    per_item: bool = False  # thresholds test each item's price (SG, MY), not the consignment
    threshold_cif: bool = False  # the tested value includes shipping and insurance (JP)
    duty_cif: bool = True  # customs value includes shipping and insurance (CIF) or not (FOB)
    tax_cif: bool = True  # import tax base includes shipping and insurance
    sale_tax_cif: bool = True  # tax charged at sale includes shipping and insurance
    excise: tuple[str, ...] = ()  # HS prefixes refused: excise duty is not quoted
    exemption_excluded_hs: tuple[str, ...] = ()  # HS prefixes that never get the exemption
    band_hook: Callable[..., Band] | None = None  # per-destination band adjustment (EU)
    cbec: tuple[CbecPeriod, ...] = field(default=())  # China only


def in_force(entries, on: date):
    """The entry of ``entries`` (dated, non-overlapping) covering ``on``, or None."""
    for entry in entries:
        if entry.start <= on and (entry.end is None or on < entry.end):
            return entry
    return None


# --- Excise goods (refused: excise duty and its bases are outside this engine) -----------
# Beer, wine, other fermented drinks, ethyl alcohol, spirits; tobacco and its substitutes
# (chapter 24, including 2404 e-cigarette products). EU IOSS and the UK regime exclude excise
# goods; AU and MY exclude tobacco and alcohol from their low-value regimes (section 5).
ALCOHOL_TOBACCO = ("2203", "2204", "2205", "2206", "2207", "2208", "24")
# Singapore levies duty only on liquor, tobacco, motor vehicles and petroleum (section 5);
# dutiable goods are not low-value goods, and their duty is not quoted here.
SG_DUTIABLE = ALCOHOL_TOBACCO + ("2710", "8702", "8703", "8704", "8711")
# Hong Kong's four excise commodities: liquor (spirits), tobacco, hydrocarbon oil, methanol.
HK_EXCISE = ("2208", "24", "2710", "290511")
# Japan: goods the reference lists as never getting the JPY 10,000 exemption (leather bags,
# leather gloves, footwear, knitwear). The reference says "incl.": extend when confirmed.
JP_NOT_EXEMPT = ("420221", "420231", "420291", "420321", "420329", "64", "61")


# --- China: cross-border retail imports (section 1) --------------------------------------
CN_PERIODS = (
    CbecPeriod(
        start=date(2016, 4, 8),
        end=date(2019, 1, 1),
        per_order=D("2000"),
        annual=D("20000"),
        share=D("0.7"),
        single_item_full_rates=False,  # 18号: over a limit, taxed in full as general trade
        source="财关税〔2016〕18号 items 一-三",
    ),
    CbecPeriod(
        start=date(2019, 1, 1),
        end=None,
        per_order=D("5000"),
        annual=D("26000"),
        share=D("0.7"),
        single_item_full_rates=True,  # 49号 item 二
        source="财关税〔2018〕49号 items 一-二; 18号 item 三 (duty 0%, VAT and CT at 70%)",
    ),
)


# --- Thresholds ---------------------------------------------------------------------------
EU_PERIODS = (
    Period(
        start=date(2021, 7, 1),
        end=date(2026, 7, 1),
        bands=(Band(D("150"), AT_SALE), Band(None, BORDER, RATE_DUTY)),
        source="Dir. (EU) 2017/2455 (IOSS; EUR 22 exemption gone 1 Jul 2021); "
        "Reg. (EC) 1186/2009 duty relief to EUR 150 (sections 2.1, 2.2)",
    ),
    Period(
        start=date(2026, 7, 1),
        end=date(2028, 7, 1),
        bands=(Band(D("150"), AT_SALE, FLAT_DUTY), Band(None, BORDER, RATE_DUTY)),
        flat_duty=D("3.00"),
        source="Council Reg. (EU) 2026/382; Del. Reg. (EU) 2026/1022: EUR 3 per distinct "
        "tariff sub-heading, 1 Jul 2026 - 1 Jul 2028 (section 2.2)",
    ),
    Period(
        start=date(2028, 7, 1),
        end=None,
        bands=(Band(D("150"), AT_SALE, RATE_DUTY), Band(None, BORDER, RATE_DUTY)),
        source="Reg. (EU) 2026/382: normal TARIC duty on every consignment after the "
        "temporary duty (section 2.2; may be extended)",
    ),
)

GB_PERIODS = (
    Period(
        start=date(2021, 1, 1),
        end=None,
        bands=(Band(D("135"), AT_SALE), Band(None, BORDER, RATE_DUTY)),
        source="GOV.UK 'Tax and customs for goods sent from abroad'; LVCR ended 1 Jan 2021 "
        "(section 3)",
    ),
)

US_PERIODS = (
    Period(
        start=date(2016, 3, 10),  # TFTEA 2015 s. 901 raised the de minimis to $800
        end=date(2025, 5, 2),
        bands=(Band(D("800"), EXEMPT), Band(None, BORDER, RATE_DUTY)),
        source="19 U.S.C. 1321(a)(2)(C), $800 de minimis (section 4)",
    ),
    Period(
        start=date(2025, 5, 2),
        end=date(2025, 8, 29),
        bands=(Band(D("800"), EXEMPT), Band(None, BORDER, RATE_DUTY)),
        exemption_not_for_origins=frozenset({"CN", "HK"}),
        source="EO 14256: no de minimis for goods of China and Hong Kong (section 4)",
    ),
    Period(
        start=date(2025, 8, 29),
        end=None,
        bands=(Band(None, BORDER, RATE_DUTY),),
        source="EO 14324 (de minimis suspended for all countries), kept after 20 Feb 2026; "
        "rates after 24 Jul 2026 unconfirmed: duty_rate carries MFN + 301/232/122 (section 4)",
    ),
)

AU_PERIODS = (
    Period(
        start=date(2018, 7, 1),
        end=None,
        bands=(Band(D("1000"), AT_SALE), Band(None, BORDER, RATE_DUTY)),
        source="ATO GST on low value imported goods, from 1 Jul 2018 (section 5)",
    ),
)

SG_PERIODS = (
    Period(
        start=date(2023, 1, 1),
        end=None,
        # No duty in either band: dutiable goods (SG_DUTIABLE) are refused.
        bands=(Band(D("400"), AT_SALE), Band(None, BORDER)),
        source="IRAS GST on imported low-value goods (OVR), from 1 Jan 2023; per item, air "
        "or post (section 5)",
    ),
)

MY_PERIODS = (
    Period(
        start=date(2024, 1, 1),
        end=None,
        bands=(Band(D("500"), AT_SALE), Band(None, BORDER, RATE_DUTY)),
        source="Sales Tax (Determination of Low Value Goods) Order 2023, P.U.(A) 403/2023 "
        "(section 5)",
    ),
)

JP_PERIODS = (
    Period(
        start=date(2019, 10, 1),  # consumption tax 10% (the rate the reference gives)
        end=date(2028, 4, 1),  # announced seller collection from 1 Apr 2028: not yet law
        bands=(Band(D("10000"), EXEMPT), Band(None, BORDER, RATE_DUTY)),
        valuation=D("0.6"),
        source="Customs Tariff Act art. 14 (xviii) JPY 10,000 exemption; personal-use "
        "valuation at 60% (section 5)",
    ),
)

CA_PERIODS = (
    Period(
        start=date(2020, 7, 1),
        end=None,
        # Courier from elsewhere, and all postal parcels: only C$20 free.
        bands=(Band(D("20"), EXEMPT), Band(None, BORDER, RATE_DUTY)),
        # Courier from the US or Mexico (CUSMA): C$40 free; to C$150 taxes only.
        routes=(
            (
                frozenset({"US", "MX"}),
                (Band(D("40"), EXEMPT), Band(D("150"), BORDER), Band(None, BORDER, RATE_DUTY)),
            ),
        ),
        source="CBSA Customs Notice 20-18, CUSMA low-value shipments, from 1 Jul 2020 (section 5)",
    ),
)

HK_PERIODS = (
    Period(
        start=date.min,
        end=None,
        bands=(Band(None, EXEMPT),),
        source="Hong Kong Customs: free port, no tariff, no VAT/GST (section 5)",
    ),
)


# --- The destination's own taxes ----------------------------------------------------------
# _flat, _steps and _destinations run at import only, before mutmut switches a mutant on:
# their mutants cannot be observed (the tables they build are pinned by the worked cases
# in tests/tax/test_duties_*.py).
# pragma: no mutate start
def _flat(code: str, start: date, rate: str) -> tuple[TaxRates, ...]:
    return (TaxRates(start, None, ((code, D(rate)),)),)


def _steps(code: str, *steps: tuple[date, str]) -> tuple[TaxRates, ...]:
    """Consecutive rates: (start, rate), ... each ending where the next starts."""
    out = []
    for i, (start, rate) in enumerate(steps):
        end = steps[i + 1][0] if i + 1 < len(steps) else None
        out.append(TaxRates(start, end, ((code, D(rate)),)))
    return tuple(out)


# pragma: no mutate end


EU_START = date(2021, 7, 1)
# EU standard VAT rates (section 2.4: ibericode/vat-rates 5abb1e1, reconciled with the
# Commission's table; history before 2025 from the same dataset). Reduced rates are the
# caller's: pass Line.vat_rate.
_EU_STANDARD = {
    "AT": "0.20",
    "BE": "0.21",
    "BG": "0.20",
    "CY": "0.19",
    "CZ": "0.21",
    "DE": "0.19",
    "DK": "0.25",
    "ES": "0.21",
    "FR": "0.20",
    "GR": "0.24",
    "HR": "0.25",
    "HU": "0.27",
    "IE": "0.23",
    "IT": "0.22",
    "LT": "0.21",
    "LV": "0.21",
    "MT": "0.18",
    "NL": "0.21",
    "PL": "0.23",
    "PT": "0.23",
    "SE": "0.25",
    "SI": "0.22",
}
_EU_CHANGES = {
    "EE": ((EU_START, "0.20"), (date(2024, 1, 1), "0.22"), (date(2025, 7, 1), "0.24")),
    "FI": ((EU_START, "0.24"), (date(2024, 9, 1), "0.255")),
    "LU": ((EU_START, "0.17"), (date(2023, 1, 1), "0.16"), (date(2024, 1, 1), "0.17")),
    "RO": ((EU_START, "0.19"), (date(2025, 8, 1), "0.21")),  # Law 141/2025
    "SK": ((EU_START, "0.20"), (date(2025, 1, 1), "0.23")),
}

TAX_RATES: dict[str, tuple[TaxRates, ...]] = {
    **{ms: _flat("import_vat", EU_START, rate) for ms, rate in _EU_STANDARD.items()},
    **{ms: _steps("import_vat", *steps) for ms, steps in _EU_CHANGES.items()},
    "GB": _flat("import_vat", date(2011, 1, 4), "0.20"),
    "AU": _flat("gst", date(2018, 7, 1), "0.10"),
    "SG": _steps("gst", (date(2023, 1, 1), "0.08"), (date(2024, 1, 1), "0.09")),
    "MY": _flat("sales_tax", date(2024, 1, 1), "0.10"),
    # Combined 10%: national 7.8% + local 22/78 of it (rules.banded._japan splits it).
    "JP": _flat("consumption_tax", date(2019, 10, 1), "0.10"),
}

# Canada: GST 5% or HST, plus QST / PST / RST, by province (section 5). CBSA collects the
# provincial taxes on casual imports in the courier stream (Memorandum D17-1-22).
CA_START = date(2020, 7, 1)
_GST = ("gst", D("0.05"))
_CA_TAXES = {
    "AB": ((_GST,),),
    "NT": ((_GST,),),
    "NU": ((_GST,),),
    "YT": ((_GST,),),
    "BC": ((_GST, ("pst", D("0.07"))),),
    "MB": ((_GST, ("rst", D("0.07"))),),
    "SK": ((_GST, ("pst", D("0.06"))),),
    "QC": ((_GST, ("qst", D("0.09975"))),),
    "ON": ((("hst", D("0.13")),),),
    "NB": ((("hst", D("0.15")),),),
    "NL": ((("hst", D("0.15")),),),
    "PE": ((("hst", D("0.15")),),),
}
for _prov, (_components,) in _CA_TAXES.items():
    TAX_RATES[f"CA-{_prov}"] = (TaxRates(CA_START, None, _components),)
TAX_RATES["CA-NS"] = (
    TaxRates(CA_START, date(2025, 4, 1), (("hst", D("0.15")),)),
    TaxRates(date(2025, 4, 1), None, (("hst", D("0.14")),)),
)


# --- Destinations -------------------------------------------------------------------------
EU_TERRITORY = frozenset(EU_MEMBERS)


def _eu_band(band: Band, settings) -> Band:
    """Without IOSS, low-value VAT moves to the border; the EUR 3 duty follows its scope."""
    if band.regime != AT_SALE or settings.ioss:
        return band
    duty = band.duty
    if duty == FLAT_DUTY:
        scope = settings.eu_flat_duty_scope
        if not (scope == "all_b2c" or (scope == "ioss_postal" and settings.postal)):
            duty = NO_DUTY
    return Band(band.upto, BORDER, duty)


# Runs at import only (see _flat above).
# pragma: no mutate start
def _destinations() -> dict[str, Destination]:
    found = {
        "CN": Destination(
            code="CN",
            name="China",
            currency="CNY",
            prefix="cn",
            # A parcel from a bonded zone in China (mode 1210) is still a CBEC import.
            territory=frozenset(),
            labels={
                "cn_cbec_tax": "China cross-border import tax",
                "duty": "Import duty (China)",
                "consumption_tax": "Consumption tax (China)",
                "import_vat": "Import VAT (China)",
            },
            cbec=CN_PERIODS,
        ),
        "GB": Destination(
            code="GB",
            name="United Kingdom",
            currency="GBP",
            prefix="gb",
            territory=frozenset({"GB"}),
            labels={"duty": "Import duty (UK)", "import_vat": "Import VAT (UK)"},
            periods=GB_PERIODS,
            tax_key="GB",
            excise=ALCOHOL_TOBACCO,
        ),
        "US": Destination(
            code="US",
            name="United States",
            currency="USD",
            prefix="us",
            territory=frozenset({"US"}),
            labels={"duty": "Import duty (US)"},
            periods=US_PERIODS,
            duty_cif=False,  # US customs value is the price without international freight
            excise=ALCOHOL_TOBACCO,
        ),
        "AU": Destination(
            code="AU",
            name="Australia",
            currency="AUD",
            prefix="au",
            territory=frozenset({"AU"}),
            labels={"duty": "Import duty (Australia)", "gst": "GST (Australia)"},
            periods=AU_PERIODS,
            tax_key="AU",
            duty_cif=False,  # customs value excludes delivery; GST (VoTI) includes it
            excise=ALCOHOL_TOBACCO,
        ),
        "SG": Destination(
            code="SG",
            name="Singapore",
            currency="SGD",
            prefix="sg",
            territory=frozenset({"SG"}),
            labels={"gst": "GST (Singapore)"},
            periods=SG_PERIODS,
            tax_key="SG",
            per_item=True,
            excise=SG_DUTIABLE,
        ),
        "MY": Destination(
            code="MY",
            name="Malaysia",
            currency="MYR",
            prefix="my",
            territory=frozenset({"MY"}),
            labels={"duty": "Import duty (Malaysia)", "sales_tax": "Sales tax (Malaysia)"},
            periods=MY_PERIODS,
            tax_key="MY",
            per_item=True,
            sale_tax_cif=False,  # LVG sales tax is on the goods only
            excise=ALCOHOL_TOBACCO,
        ),
        "JP": Destination(
            code="JP",
            name="Japan",
            currency="JPY",
            prefix="jp",
            territory=frozenset({"JP"}),
            labels={
                "duty": "Import duty (Japan)",
                "consumption_tax": "Consumption tax (Japan)",  # national, 7.8%
                "local_consumption_tax": "Local consumption tax (Japan)",  # 22/78 of it
            },
            periods=JP_PERIODS,
            tax_key="JP",
            threshold_cif=True,
            excise=ALCOHOL_TOBACCO,
            exemption_excluded_hs=JP_NOT_EXEMPT,
        ),
        "HK": Destination(
            code="HK",
            name="Hong Kong",
            currency="HKD",
            prefix="hk",
            territory=frozenset({"HK"}),
            labels={},
            periods=HK_PERIODS,
            excise=HK_EXCISE,
        ),
    }
    for ms, country in EU_MEMBERS.items():
        found[ms] = Destination(
            code=ms,
            name=country,
            # Every member, euro or not, is quoted in EUR: the EUR 150 test and the EUR 3
            # duty are defined in euro and IOSS is declared in euro (see __init__).
            currency="EUR",
            prefix="eu",
            territory=EU_TERRITORY,
            labels={"duty": "Import duty (EU)", "import_vat": f"Import VAT ({country})"},
            periods=EU_PERIODS,
            tax_key=ms,
            excise=ALCOHOL_TOBACCO,
            band_hook=_eu_band,
        )
    canada = {
        "code": "CA",
        "currency": "CAD",
        "prefix": "ca",
        "territory": frozenset({"CA"}),
        "periods": CA_PERIODS,
        "duty_cif": False,  # value for duty excludes transport to Canada
        "tax_cif": False,  # GST/HST on value for duty + duty
        "excise": ALCOHOL_TOBACCO,
    }
    found["CA"] = Destination(
        name="Canada",
        labels={"duty": "Import duty (Canada)"},
        tax_missing="Canada: GST/HST and provincial taxes depend on the province; quote for "
        "'CA-ON', 'CA-QC', 'CA-BC', ... instead of 'CA'",
        **canada,
    )
    for prov, province in CA_PROVINCES.items():
        found[f"CA-{prov}"] = Destination(
            name=f"Canada ({province})",
            labels={
                "duty": "Import duty (Canada)",
                "gst": "GST (Canada)",
                "hst": f"HST ({province})",
                "pst": f"PST ({province})",
                "qst": "QST (Quebec)",
                "rst": "RST (Manitoba)",
            },
            tax_key=f"CA-{prov}",
            **{**canada, "code": f"CA-{prov}"},
        )
    return found


# pragma: no mutate end
DESTINATIONS: dict[str, Destination] = _destinations()
