"""EU: IOSS up to EUR 150, the EUR 3 duty from 1 Jul 2026, border VAT and duty above,
member-state VAT rates (reference section 2)."""

from datetime import date
from decimal import Decimal as D

import pytest

from tax.duties import AT_BORDER, AT_CHECKOUT, Charge, Consignment, Line, Settings, quote
from tax.errors import MixedCurrency

BEFORE = date(2026, 6, 30)  # last day without the EUR 3 duty
AFTER = date(2026, 8, 1)


def eu(dest, lines, on=BEFORE, **kw):
    return Consignment(destination=dest, currency="EUR", lines=lines, on=on, **kw)


def goods(price, qty=1, hs="330499", **kw):
    return Line("Goods", hs, "CN", qty, D(price), **kw)


CASES = [
    # (consignment, options, rule, collected, duty, tax)
    pytest.param(
        eu("DE", [goods("150.00")], shipping=D("10.00")),
        None,
        "eu:at_sale",
        AT_CHECKOUT,
        "0.00",
        "30.40",  # (150 + 10) x 0.19; the EUR 150 test ignores shipping
        id="exactly-150-ioss",
    ),
    pytest.param(
        eu("DE", [goods("150.01", duty_rate=D("0.04"))], shipping=D("10.00")),
        None,
        "eu:border",
        AT_BORDER,
        "6.40",  # 160.01 x 0.04 = 6.4004
        "31.62",  # (160.01 + 6.40) x 0.19 = 31.6179
        id="150.01-border-duty-and-vat",
    ),
    pytest.param(
        eu("DE", [goods("100.00")], on=BEFORE),
        None,
        "eu:at_sale",
        AT_CHECKOUT,
        "0.00",
        "19.00",
        id="2026-06-30-no-flat-duty",
    ),
    pytest.param(
        eu("DE", [goods("100.00")], on=date(2026, 7, 1)),
        None,
        "eu:at_sale",
        AT_CHECKOUT,
        "3.00",
        "19.57",  # (100 + 3) x 0.19
        id="2026-07-01-flat-duty-3",
    ),
    pytest.param(
        eu(
            "FR",
            [goods("20.00"), goods("10.00"), goods("30.00", hs="610910")],
            on=AFTER,
        ),
        None,
        "eu:at_sale",
        AT_CHECKOUT,
        "6.00",  # two distinct sub-headings, not three lines or units
        "13.20",  # (60 + 6) x 0.20
        id="flat-duty-per-distinct-subheading",
    ),
    pytest.param(
        eu("FR", [goods("10.00", qty=5)], on=AFTER),
        None,
        "eu:at_sale",
        AT_CHECKOUT,
        "3.00",  # five units of one sub-heading: one item
        "10.60",  # (50 + 3) x 0.20
        id="flat-duty-not-per-unit",
    ),
    pytest.param(
        eu("FR", [goods("20.00", hs="33049900"), goods("20.00", hs="33049910")], on=AFTER),
        None,
        "eu:at_sale",
        AT_CHECKOUT,
        "3.00",
        "8.60",  # (40 + 3) x 0.20
        id="depth-6-one-subheading",
    ),
    pytest.param(
        eu("FR", [goods("20.00", hs="33049900"), goods("20.00", hs="33049910")], on=AFTER),
        Settings(eu_flat_duty_depth=8),
        "eu:at_sale",
        AT_CHECKOUT,
        "6.00",
        "9.20",  # (40 + 6) x 0.20
        id="depth-8-two-subheadings",
    ),
    pytest.param(
        eu("DE", [goods("100.00")], on=AFTER),
        Settings(ioss=False),
        "eu:border",
        AT_BORDER,
        "3.00",  # default scope all_b2c covers non-IOSS consignments
        "19.57",
        id="no-ioss-all-b2c-scope-border",
    ),
    pytest.param(
        eu("DE", [goods("100.00")], on=AFTER),
        Settings(ioss=False, eu_flat_duty_scope="ioss"),
        "eu:border",
        AT_BORDER,
        "0.00",
        "19.00",
        id="no-ioss-ioss-only-scope",
    ),
    pytest.param(
        eu("DE", [goods("100.00")], on=AFTER),
        Settings(ioss=False, eu_flat_duty_scope="ioss_postal", postal=True),
        "eu:border",
        AT_BORDER,
        "3.00",
        "19.57",
        id="no-ioss-postal-scope-by-post",
    ),
    pytest.param(
        eu("DE", [goods("100.00")], on=AFTER),
        Settings(ioss=False, eu_flat_duty_scope="ioss_postal"),
        "eu:border",
        AT_BORDER,
        "0.00",
        "19.00",
        id="no-ioss-postal-scope-by-courier",
    ),
    pytest.param(
        eu("DE", [goods("100.00")], on=AFTER),
        Settings(eu_flat_duty_scope="ioss"),
        "eu:at_sale",
        AT_CHECKOUT,
        "3.00",
        "19.57",
        id="ioss-always-in-scope",
    ),
    pytest.param(
        eu("DE", [goods("100.00")], on=date(2028, 6, 30)),
        None,
        "eu:at_sale",
        AT_CHECKOUT,
        "3.00",
        "19.57",
        id="2028-06-30-last-flat-duty-day",
    ),
    pytest.param(
        eu("DE", [goods("100.00", duty_rate=D("0.04"))], on=date(2028, 7, 1)),
        None,
        "eu:at_sale",
        AT_CHECKOUT,
        "4.00",  # TARIC 4% on 100
        "19.76",  # (100 + 4) x 0.19
        id="2028-07-01-taric-duty-on-low-value",
    ),
    pytest.param(
        eu(
            "DE",
            [goods("50.00"), goods("50.00", hs="490199", vat_rate=D("0.07"))],
            shipping=D("10.00"),
        ),
        None,
        "eu:at_sale",
        AT_CHECKOUT,
        "0.00",
        "14.30",  # shipping 5.00 each: 55 x 0.19 = 10.45; 55 x 0.07 = 3.85
        id="reduced-rate-line",
    ),
    pytest.param(
        eu("PL", [goods("100.00")]),
        None,
        "eu:at_sale",
        AT_CHECKOUT,
        "0.00",
        "23.00",
        id="non-euro-member-quoted-in-eur",
    ),
]


@pytest.mark.parametrize(("consignment", "options", "rule", "collected", "duty", "tax"), CASES)
def test_eu(consignment, options, rule, collected, duty, tax):
    q = quote(consignment, options) if options else quote(consignment)
    assert q.allowed, q.reason
    assert (q.rule, q.collected) == (rule, collected)
    assert (q.duty, q.tax) == (D(duty), D(tax))
    assert q.total == q.goods + q.shipping + q.insurance + D(duty) + D(tax)


def test_ioss_charges_are_checkout_surcharges():
    q = quote(eu("DE", [goods("100.00")], on=AFTER))
    assert q.charges == (
        Charge("duty", "Import duty (EU)", D("3.00")),
        Charge("import_vat", "Import VAT (Germany)", D("19.57")),
    )
    assert q.border_charges == ()


def test_border_charges_are_not_checkout_surcharges():
    q = quote(eu("DE", [goods("150.01", duty_rate=D("0.04"))], shipping=D("10.00")))
    assert q.charges == ()
    assert q.border_charges == (
        Charge("duty", "Import duty (EU)", D("6.40")),
        Charge("import_vat", "Import VAT (Germany)", D("31.62")),
    )


REFUSED = [
    pytest.param(eu("DE", [goods("150.01")]), None, "duty_rate", id="border-needs-duty-rate"),
    pytest.param(
        eu("DE", [goods("100.00")], on=date(2028, 7, 1)),
        None,
        "duty_rate",
        id="2028-taric-needs-duty-rate",
    ),
    pytest.param(
        eu("FR", [goods("20.00", hs="330499")], on=AFTER),
        Settings(eu_flat_duty_depth=10),
        "10-digit",
        id="depth-10-needs-10-digit-codes",
    ),
    pytest.param(
        eu("DE", [goods("100.00")], on=date(2021, 6, 30)), None, "No Germany", id="before-ioss"
    ),
    pytest.param(eu("DE", [goods("20.00", hs="220421")]), None, "excise", id="wine-is-excise"),
    pytest.param(
        eu("DE", [goods("20.00", hs="240220")]), None, "excise", id="cigarettes-are-excise"
    ),
    pytest.param(eu("DE", [goods("20.00")], ships_from="FR"), None, "not an import", id="intra-eu"),
]


@pytest.mark.parametrize(("consignment", "options", "words"), REFUSED)
def test_refused(consignment, options, words):
    q = quote(consignment, options) if options else quote(consignment)
    assert not q.allowed
    assert words in q.reason
    assert (q.duty, q.tax, q.charges, q.border_charges) == (D("0.00"), D("0.00"), (), ())


def test_from_2021_07_01():
    assert quote(eu("DE", [goods("100.00")], on=date(2021, 7, 1))).tax == D("19.00")


@pytest.mark.parametrize(
    ("member", "currency"),
    [
        pytest.param("PL", "PLN", id="PL-in-PLN"),
        pytest.param("SE", "SEK", id="SE-in-SEK"),
        pytest.param("DE", "USD", id="DE-in-USD"),
    ],
)
def test_members_quote_in_eur_only(member, currency):
    with pytest.raises(MixedCurrency) as error:
        Consignment(member, currency, [goods("10.00")], on=BEFORE)
    assert error.value.field == "currency"


# Standard rates on 15 Jan 2026 (reference section 2.4): VAT on EUR 100 of goods.
STANDARD = {
    "DE": "19.00",
    "FR": "20.00",
    "IT": "22.00",
    "ES": "21.00",
    "NL": "21.00",
    "BE": "21.00",
    "AT": "20.00",
    "PL": "23.00",
    "PT": "23.00",
    "IE": "23.00",
    "SE": "25.00",
    "DK": "25.00",
    "FI": "25.50",
    "SK": "23.00",
    "EE": "24.00",
    "RO": "21.00",
    "HU": "27.00",
    "LU": "17.00",
    "CZ": "21.00",
    "GR": "24.00",
    "HR": "25.00",
    "CY": "19.00",
    "LV": "21.00",
    "LT": "21.00",
    "MT": "18.00",
    "SI": "22.00",
    "BG": "20.00",
}


@pytest.mark.parametrize(("member", "vat"), [pytest.param(m, v, id=m) for m, v in STANDARD.items()])
def test_member_standard_rate(member, vat):
    q = quote(eu(member, [goods("100.00")], on=date(2026, 1, 15)))
    assert q.tax == D(vat)


# Each change in the VAT table, the day before and the day it applies.
RATE_CHANGES = [
    ("EE", date(2023, 12, 31), "20.00"),
    ("EE", date(2024, 1, 1), "22.00"),
    ("EE", date(2025, 6, 30), "22.00"),
    ("EE", date(2025, 7, 1), "24.00"),
    ("FI", date(2024, 8, 31), "24.00"),
    ("FI", date(2024, 9, 1), "25.50"),
    ("LU", date(2022, 12, 31), "17.00"),
    ("LU", date(2023, 1, 1), "16.00"),
    ("LU", date(2023, 12, 31), "16.00"),
    ("LU", date(2024, 1, 1), "17.00"),
    ("RO", date(2025, 7, 31), "19.00"),
    ("RO", date(2025, 8, 1), "21.00"),
    ("SK", date(2024, 12, 31), "20.00"),
    ("SK", date(2025, 1, 1), "23.00"),
]


@pytest.mark.parametrize(
    ("member", "on", "vat"),
    [pytest.param(m, on, v, id=f"{m}-{on.isoformat()}") for m, on, v in RATE_CHANGES],
)
def test_vat_rate_changes(member, on, vat):
    assert quote(eu(member, [goods("100.00")], on=on)).tax == D(vat)
