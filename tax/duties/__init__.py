"""Import duties and taxes on a cross-border consignment (landed cost at checkout).

Pure: stdlib + Decimal (Babel only for ISO 4217 minor units). Exact and dated.

    from tax.duties import Consignment, Line, quote
    q = quote(Consignment(destination="GB", currency="GBP", on=date(2026, 11, 21),
                          lines=[Line("Face cream", "330499", "JP", 2, Decimal("19.00"))],
                          shipping=Decimal("2.00")))
    q.duty, q.tax, q.total   # Decimal("0.00"), Decimal("8.00"), Decimal("48.00")
    q.collected              # "at_checkout"
    q.charges                # (Charge("import_vat", "Import VAT (UK)", Decimal("8.00")),)

Destinations: CN (cross-border retail import), the 27 EU members, GB, US, AU, SG, MY, JP,
CA-XX (Canada by province, ISO 3166-2) and HK. Rules, figures and sources:
/work/shared/reference/import-duties-and-taxes.md; the figures live in ``tables``.

Charge codes (labels per destination): "duty" (Import duty (EU|UK|US|Australia|Malaysia|
Japan|Canada|China)); "import_vat" (Import VAT (UK), Import VAT (Germany), ...; Import
VAT (China) under full rates); "cn_cbec_tax" (China cross-border import tax);
"consumption_tax" (Consumption tax (Japan|China); Japan: the national 7.8%);
"local_consumption_tax" (Local consumption tax (Japan), 22/78 of the national); "gst"
(GST (Australia|Singapore|Canada)); "sales_tax" (Sales tax (Malaysia)); "hst", "pst",
"qst", "rst" (Canada).

Decisions on the reference's open points (section 9) and gaps:
- Currency: amounts are in the destination's customs currency; every EU member, euro or
  not, is quoted in EUR, because the EUR 150 test and the EUR 3 duty are in euro and IOSS
  is declared in euro. For PL, SE, DK, CZ, HU, RO convert to EUR at the customs rate
  (UCC-IA art. 146 / the IOSS rate) before quoting; anything else raises MixedCurrency.
- EU EUR 3 duty: from 1 Jul 2026 to 1 Jul 2028 on every B2C consignment up to EUR 150 by
  default (``Settings.eu_flat_duty_scope`` "all_b2c"; "ioss" or "ioss_postal" narrower),
  per distinct sub-heading at 6 digits (``eu_flat_duty_depth``, up to 10 for H1). With
  IOSS the duty is charged at checkout with the VAT and sits in the VAT base (VAT
  Directive art. 78(a): duties charged to the buyer are part of the taxable amount).
  After 1 Jul 2028: TARIC duty on every consignment (needs ``duty_rate``).
- EU national parcel fees (FR, IT, RO) and the proposed EU handling fee: not quoted.
- US: no de minimis since 29 Aug 2025; ``duty_rate`` carries every duty on the line
  (MFN, Section 301/232/122). State sales tax is outside this engine (address-based).
- China: ``vat_rate`` is required per line (13% or 9% from the tariff); a missing
  ``consumption_tax_rate`` means no consumption tax. The CNY 5,000 and 26,000 limits
  test goods + freight + insurance (the taxable value). Before 2019 (18号), anything
  over a limit is general trade: refused.
- Japan: taxable value = 60% of goods + freight + insurance (personal-use valuation);
  the JPY 10,000 exemption tests it. Rules stop at 1 Apr 2028 (announced seller
  collection, not yet law): later dates are refused until the table is extended.
  Japan truncates (Customs Answers 1111, 6103; 国税通則法 arts. 118, 119): the taxable
  base drops fractions under JPY 1,000, the duty and the national consumption tax (7.8%)
  under JPY 100, and the local consumption tax (22/78 of the national) likewise; national
  and local are two charges (see rules.banded._japan).
- Singapore and Malaysia test each item's price (S$400, RM500), as their authorities do;
  a consignment can mix items taxed at sale and items assessed at the border.
- Canada: "CA" alone is quoted only where no tax is due; taxes need the province
  ("CA-ON"). Without ``ships_from`` the thresholds are applied only if the route cannot
  change the result. ``vat_rate`` overrides the GST/HST rate only.
- Excise goods (alcohol, tobacco; SG's dutiable goods; HK's four) are refused.
- A parcel shipping from inside the destination's customs territory is not an import.

Refusals carry ``Quote.reason_code`` and ``Quote.reason_params`` (``tax.reasons``).

Rounding: half-up to the currency's minor unit (JPY 0 places; Japan truncates instead),
per line for duty and border taxes, per consignment and rate for taxes collected at
sale (see rules.banded and rules.cbec). Shipping and insurance are shared over lines pro
rata by value; moving value between lines of different rates can therefore move a total
by a minor unit.
"""

from __future__ import annotations

from .engine import quote
from .model import (
    AT_BORDER,
    AT_CHECKOUT,
    DEFAULT_SETTINGS,
    Charge,
    Consignment,
    Line,
    LineQuote,
    Part,
    Quote,
    Settings,
)
from .tables import DESTINATIONS

__all__ = [
    "AT_BORDER",
    "AT_CHECKOUT",
    "DEFAULT_SETTINGS",
    "DESTINATIONS",
    "Charge",
    "Consignment",
    "Line",
    "LineQuote",
    "Part",
    "Quote",
    "Settings",
    "quote",
]
