"""Rates the duty engine needs that a product does not carry, by HS chapter.

A small, documented lookup (data, not if-chains). The engine needs:
- China (cross-border retail import): ``vat_rate`` on every line (13% general rate, 9% for
  the reduced-rate chapters below; 财政部 税务总局 海关总署公告2019年第39号) and a
  ``duty_rate`` for a single item over CNY 5,000 taxed as general trade (MFN rates, rounded
  to the chapter's usual rate for consumer goods).
- United States: ``duty_rate`` on every line: the chapter's typical MFN rate for consumer
  goods plus no additional duty (Section 122 ended 24 Jul 2026; see the reference, section 4).
- Every other destination (UK and EU above their low-value thresholds, Australia, Japan,
  Canada, Malaysia): ``duty_rate`` from the generic table ``"*"`` (typical MFN rates of the
  UK Global Tariff / EU Common Customs Tariff for consumer goods by chapter).
These are estimates per chapter, not a tariff: a merchant can be asked for the exact
heading later. Chapters missing from a table use its ``""`` default.
"""

from decimal import Decimal

# destination -> kind -> {HS chapter (2 digits): rate}; "" is the default for the kind.
RATES: dict[str, dict[str, dict[str, Decimal]]] = {
    "CN": {
        "vat_rate": {
            "": Decimal("0.13"),
            "04": Decimal("0.09"),  # dairy
            "07": Decimal("0.09"),  # vegetables
            "08": Decimal("0.09"),  # fruit and nuts
            "49": Decimal("0.09"),  # books and printed matter
        },
        "duty_rate": {
            "": Decimal("0.10"),
            "33": Decimal("0.05"),  # cosmetics, perfumery
            "42": Decimal("0.10"),  # handbags, leather goods
            "61": Decimal("0.06"),  # knitted apparel
            "62": Decimal("0.06"),  # woven apparel
            "64": Decimal("0.10"),  # footwear
            "85": Decimal("0.05"),  # electrical goods
            "95": Decimal("0.00"),  # toys
        },
    },
    "US": {
        "duty_rate": {
            "": Decimal("0.05"),
            "33": Decimal("0.00"),  # cosmetics: MFN free
            "42": Decimal("0.08"),  # handbags
            "61": Decimal("0.16"),  # knitted apparel
            "62": Decimal("0.16"),  # woven apparel
            "64": Decimal("0.10"),  # footwear
            "85": Decimal("0.00"),  # electrical goods
            "95": Decimal("0.00"),  # toys
        },
    },
    "*": {
        "duty_rate": {
            "": Decimal("0.04"),
            "33": Decimal("0.00"),  # cosmetics
            "42": Decimal("0.03"),  # handbags
            "61": Decimal("0.12"),  # knitted apparel
            "62": Decimal("0.12"),  # woven apparel
            "64": Decimal("0.08"),  # footwear
            "85": Decimal("0.02"),  # electrical goods
            "95": Decimal("0.00"),  # toys
        },
    },
}


def tariff_rate(*, destination: str, kind: str, hs_code: str) -> Decimal | None:
    """The rate of ``kind`` ("vat_rate", "duty_rate") for ``hs_code`` into ``destination``."""
    # The table's keys are two letters ("CN", "US"): [:2] and [:3] find the same table for
    # every destination ("CA-ON"[:3] is "CA-", not a key either, like "CA").
    table = RATES.get(destination[:2], RATES["*"]).get(kind)  # pragma: no mutate
    if table is None:
        return None
    return table.get(hs_code[:2], table[""])
