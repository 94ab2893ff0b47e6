"""Properties: duty and tax are never negative and add up; within one rule they never
fall when the value rises."""

from datetime import date
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from tax.duties import Consignment, Line, quote

# (destination, currency, order date, places): one date per rule family worth covering.
PLACES = [
    ("CN", "CNY", date(2026, 7, 15), 2),
    ("GB", "GBP", date(2026, 11, 21), 2),
    ("DE", "EUR", date(2026, 6, 1), 2),
    ("FR", "EUR", date(2026, 11, 21), 2),
    ("US", "USD", date(2026, 11, 21), 2),
    ("US", "USD", date(2025, 6, 1), 2),
    ("AU", "AUD", date(2026, 11, 21), 2),
    ("SG", "SGD", date(2026, 11, 21), 2),
    ("MY", "MYR", date(2026, 11, 21), 2),
    ("JP", "JPY", date(2026, 11, 21), 0),
    ("CA-QC", "CAD", date(2026, 11, 21), 2),
    ("HK", "HKD", date(2026, 11, 21), 2),
]
HS_CODES = ["330499", "610910", "33049900", "851712", "640399", "490199"]
ORIGINS = ["CN", "JP", "FR", "US", "HK"]
RATES = [D("0"), D("0.05"), D("0.09"), D("0.13"), D("0.2")]

place = st.sampled_from(PLACES)


def money(places, top=4000):
    unit = D(1).scaleb(-places)
    return st.integers(0, top * 10**places).map(lambda n: n * unit)


@st.composite
def line_fields(draw, places):
    return {
        "description": "Goods",
        "hs_code": draw(st.sampled_from(HS_CODES)),
        "origin": draw(st.sampled_from(ORIGINS)),
        "quantity": draw(st.integers(1, 4)),
        "unit_price": draw(money(places)),
        "vat_rate": draw(st.sampled_from(RATES)),
        "duty_rate": draw(st.sampled_from(RATES)),
        "consumption_tax_rate": draw(st.sampled_from([None, D("0"), D("0.15")])),
    }


@st.composite
def consignments(draw, max_lines=3):
    dest, currency, on, places = draw(place)
    lines = [Line(**draw(line_fields(places))) for _ in range(draw(st.integers(1, max_lines)))]
    return Consignment(
        destination=dest,
        currency=currency,
        lines=lines,
        shipping=draw(money(places, 100)),
        insurance=draw(money(places, 20)),
        on=on,
        ships_from=draw(st.sampled_from(["", "US", "CN"])),
        buyer_annual_used=draw(money(places, 30000)) if dest == "CN" else D(0),
    )


@settings(max_examples=400, deadline=None)
@given(consignments())
def test_never_negative_and_adds_up(c):
    q = quote(c)
    assert q.duty >= 0 and q.tax >= 0
    assert q.total == q.goods + q.shipping + q.insurance + q.duty + q.tax
    assert sum(line.extras for line in q.lines) == q.shipping + q.insurance
    for line in q.lines:
        assert line.duty >= 0 and line.tax >= 0 and line.extras >= 0
        assert all(part.amount >= 0 for part in line.parts)
    assert sum(line.duty for line in q.lines) == q.duty
    assert sum(line.tax for line in q.lines) == q.tax
    charged = sum(ch.amount for ch in q.charges + q.border_charges)
    assert charged == q.duty + q.tax
    if not q.allowed:
        assert q.reason and q.duty == 0 and q.tax == 0 and q.charges == ()


def _same_rule(a, b):
    return a.allowed and b.allowed and [x.rule for x in a.lines] == [x.rule for x in b.lines]


@settings(max_examples=400, deadline=None)
@given(place, st.data())
def test_one_line_monotone_in_price(where, data):
    dest, currency, on, places = where
    fields = data.draw(line_fields(places))
    raise_by = data.draw(money(places, 2000))
    shipping = data.draw(money(places, 100))

    def at(price):
        line = Line(**{**fields, "unit_price": price})
        return quote(Consignment(dest, currency, [line], shipping=shipping, on=on))

    low, high = at(fields["unit_price"]), at(fields["unit_price"] + raise_by)
    if _same_rule(low, high):
        assert high.duty >= low.duty and high.tax >= low.tax


@settings(max_examples=400, deadline=None)
@given(place, st.data())
def test_one_line_monotone_in_shipping(where, data):
    dest, currency, on, places = where
    line = Line(**data.draw(line_fields(places)))
    shipping = data.draw(money(places, 100))
    more = data.draw(money(places, 100))

    def at(amount):
        return quote(Consignment(dest, currency, [line], shipping=amount, on=on))

    low, high = at(shipping), at(shipping + more)
    if _same_rule(low, high):
        assert high.duty >= low.duty and high.tax >= low.tax


@settings(max_examples=400, deadline=None)
@given(place, st.data())
def test_lines_monotone_in_any_price_without_freight(where, data):
    # Without shipping to share, each line's base is its own; raising one price can only
    # raise its own duty and tax, and the consignment-level figures with them.
    dest, currency, on, places = where
    fields = [data.draw(line_fields(places)) for _ in range(data.draw(st.integers(2, 3)))]
    which = data.draw(st.integers(0, len(fields) - 1))
    raise_by = data.draw(money(places, 2000))

    def at(extra):
        lines = [
            Line(**{**f, "unit_price": f["unit_price"] + (extra if i == which else 0)})
            for i, f in enumerate(fields)
        ]
        return quote(Consignment(dest, currency, lines, on=on))

    low, high = at(D(0)), at(raise_by)
    if _same_rule(low, high):
        assert high.duty >= low.duty and high.tax >= low.tax


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_at_sale_one_rate_monotone_with_freight(data):
    # Taxed once per consignment at one rate: round(rate x (goods + shipping)).
    prices = data.draw(st.lists(money(2, 60), min_size=1, max_size=3))
    shipping = data.draw(money(2, 20))
    raise_by = data.draw(money(2, 60))
    which = data.draw(st.integers(0, len(prices) - 1))

    def at(extra):
        lines = [
            Line("Goods", "610910", "CN", 1, p + (extra if i == which else 0))
            for i, p in enumerate(prices)
        ]
        return quote(Consignment("GB", "GBP", lines, shipping=shipping, on=date(2026, 11, 21)))

    low, high = at(D(0)), at(raise_by)
    if _same_rule(low, high):
        assert high.tax >= low.tax
        expected = D("0.20") * (high.goods + shipping)
        assert high.tax == expected.quantize(D("0.01"), rounding=ROUND_HALF_UP)
