"""Threshold bands: the value decides whether a line is exempt, taxed at sale, or assessed
at the border (EU, GB, US, AU, SG, MY, JP, CA, HK; figures in ``tables``).

Rounding levels, following how each tax is assessed:
- duty: per line (customs assess each goods item of a declaration), half-up;
- tax at the border: per line, on the line's own base, half-up;
- tax at sale (IOSS, UK and AU low-value, SG OVR, MY LVG): once per consignment and rate,
  as on the seller's invoice (the UK example taxes the GBP 40 subtotal), then shared over
  the lines by cumulative rounding so the lines add up to the consignment figure;
- shipping and insurance are shared over the lines pro rata by value (``allocate``).
The flat EU duty is a whole amount, charged on the first line of each sub-heading.

Japan truncates instead (``_japan``; Customs Answers 1111 and 6103, 国税通則法 arts. 118
and 119, 関税法基本通達 13の4-2): see there.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from ..amounts import ONE, money_text, round_money, split_rounded
from ..model import AT_BORDER, AT_CHECKOUT, LineQuote, Part, Settings
from ..tables import (
    AT_SALE,
    BORDER,
    DESTINATIONS,
    EXEMPT,
    FLAT_DUTY,
    RATE_DUTY,
    TAX_RATES,
    Band,
    Destination,
    Period,
    in_force,
)
from . import Refused, Result, Work, amount_param, line_name, line_params


def quote_banded(work: Work, period: Period, settings: Settings) -> Result:
    c = work.consignment
    dest = work.dest
    lines = c.lines
    if dest.excise:
        for i, line in enumerate(lines):
            if line.hs_code.startswith(dest.excise):
                raise Refused(
                    f"{dest.prefix}:excise",
                    f"{dest.name}: {line_name(i, work)} is an excise good here; excise duty "
                    "is not quoted by this engine",
                    "excise_not_quoted",
                    {"destination": c.destination, **line_params(i, work)},
                )

    tested = None
    if not dest.per_item:
        tested = work.goods + work.freight if dest.threshold_cif else work.goods
        if period.valuation != ONE:
            tested *= period.valuation
    options = _band_options(period, c.ships_from, settings.postal)
    hook = dest.band_hook
    chosen: list[Band] = []
    for line in lines:
        value = line.unit_price if tested is None else tested
        band = _pick(options[0], value, line.origin, line.hs_code, period, dest)
        if len(options) > 1:
            # Where the parcel ships from is unknown: fine only if it cannot matter.
            for other in options[1:]:
                alt = _pick(other, value, line.origin, line.hs_code, period, dest)
                if (alt.regime, alt.duty) != (band.regime, band.duty):
                    raise Refused(
                        f"{dest.prefix}:route",
                        f"{dest.name}: the thresholds for a value of "
                        f"{money_text(value, work.quantum)} depend on where "
                        "the parcel ships from; ships_from is needed",
                        "ships_from_needed",
                        {
                            "destination": c.destination,
                            "value": amount_param(value, work.quantum),
                            "currency": c.currency,
                        },
                    )
        chosen.append(hook(band, settings) if hook else band)

    if dest.code == "JP":
        duties, parts = _japan(work, period, chosen)
    else:
        duties, parts = _duties(work, period, settings, chosen)
        _taxes(work, period, chosen, duties, parts)

    out = []
    values, extras, names = work.values, work.extras, _RULE_NAMES[dest.prefix]
    for i, line in enumerate(lines):
        line_parts = tuple(parts[i])
        tax = work.zero
        for part in line_parts:
            if part.code != "duty":
                tax += part.amount
        regime = chosen[i].regime
        out.append(
            LineQuote(
                line.description,
                line.hs_code,
                line.quantity,
                values[i],
                extras[i],
                names[regime],
                AT_BORDER if regime == BORDER else AT_CHECKOUT,
                duties[i],
                tax,
                line_parts,
            )
        )
    return Result(out, options[0][0].upto, tested)


_RULE_NAMES = {
    dest.prefix: {regime: f"{dest.prefix}:{regime}" for regime in (EXEMPT, AT_SALE, BORDER)}
    for dest in DESTINATIONS.values()
}


def _band_options(period: Period, ships_from: str, postal: bool) -> tuple[tuple[Band, ...], ...]:
    """The band table(s) that may apply: one, unless the route matters and is unknown."""
    if not period.routes or postal:
        return (period.bands,)
    if ships_from:
        for countries, bands in period.routes:
            if ships_from in countries:
                return (bands,)
        return (period.bands,)
    return (period.bands,) + tuple(bands for _, bands in period.routes)


def _pick(
    bands: tuple[Band, ...], value: Decimal, origin: str, hs_code: str, period: Period, dest
) -> Band:
    for band in bands:
        if band.upto is not None and value > band.upto:
            continue
        if band.regime == EXEMPT and (
            origin in period.exemption_not_for_origins
            or hs_code.startswith(dest.exemption_excluded_hs)
        ):
            continue
        return band
    raise AssertionError("band tables end with an unbounded band")  # pragma: no cover


def _duties(
    work: Work, period: Period, settings: Settings, chosen: list[Band]
) -> tuple[list[Decimal], list[list[Part]]]:
    """Per-line duty and its Part; Refused when a needed duty rate or digit is missing."""
    dest, quantum = work.dest, work.quantum
    n = len(chosen)
    duties = [work.zero] * n
    parts: list[list[Part]] = [[] for _ in range(n)]
    seen: set[str] = set()
    for i, band in enumerate(chosen):
        if band.duty == RATE_DUTY:
            line = work.consignment.lines[i]
            rate = line.duty_rate
            if rate is None:
                raise Refused(
                    f"{dest.prefix}:{band.regime}",
                    f"{dest.name}: {line_name(i, work)} needs its duty rate (duty_rate) "
                    "from the tariff",
                    "duty_rate_needed",
                    {"destination": work.consignment.destination, **line_params(i, work)},
                )
            base = work.values[i] + work.extras[i] if dest.duty_cif else work.values[i]
            # Only Japan values at less than 100% (0.6), and Japan is priced by _japan: with
            # today's tables this scaling never applies here, so its mutants are unobservable.
            # pragma: no mutate start
            if period.valuation != ONE:
                base *= period.valuation
            # pragma: no mutate end
            duties[i] = amount = round_money(base * rate, quantum)
            parts[i].append(Part("duty", base, rate, amount, _method(dest, period, "duty")))
        elif band.duty == FLAT_DUTY:
            depth = settings.eu_flat_duty_depth
            hs_code = work.consignment.lines[i].hs_code
            if len(hs_code) < depth:
                raise Refused(
                    f"{dest.prefix}:{band.regime}",
                    f"{dest.name}: the flat duty is counted on {depth}-digit codes and "
                    f"{line_name(i, work)} has {len(hs_code)} digits",
                    "hs_code_too_short",
                    {
                        "destination": work.consignment.destination,
                        **line_params(i, work),
                        "digits": len(hs_code),
                        "depth": depth,
                    },
                )
            key = hs_code[:depth]
            if key not in seen:
                seen.add(key)
                duties[i] = amount = period.flat_duty
                parts[i].append(Part("duty", None, None, amount, _method(dest, period, "flat")))
    return duties, parts


def _taxes(
    work: Work, period: Period, chosen: list[Band], duties: list[Decimal], parts: list[list[Part]]
) -> None:
    """Adds each line's tax Parts; at-sale taxes are rounded per consignment and rate."""
    dest, quantum = work.dest, work.quantum
    c = work.consignment
    if all(band.regime == EXEMPT for band in chosen):
        return
    if dest.tax_missing:
        raise Refused(
            f"{dest.prefix}:{_first_taxed(chosen)}",
            dest.tax_missing,
            "province_needed",
            {"destination": c.destination},
        )
    if dest.tax_key is None:
        return
    rates = _tax_rates_in_force(work, chosen)
    at_sale: dict[tuple[str, Decimal], list[tuple[int, Decimal]]] = {}
    values, extras = work.values, work.extras
    for i, band in enumerate(chosen):
        if band.regime == EXEMPT:
            continue
        own_rate = c.lines[i].vat_rate
        for k, (code, rate) in enumerate(rates.components):
            if k == 0 and own_rate is not None:
                rate = own_rate
            if band.regime == AT_SALE:
                base = values[i] + extras[i] if dest.sale_tax_cif else values[i]
                at_sale.setdefault((code, rate), []).append((i, base + duties[i]))
            else:
                base = values[i] + extras[i] if dest.tax_cif else values[i]
                # As for duty above: no banded destination other than Japan scales the value.
                # pragma: no mutate start
                if period.valuation != ONE:
                    base *= period.valuation
                # pragma: no mutate end
                base += duties[i]
                amount = round_money(base * rate, quantum)
                parts[i].append(Part(code, base, rate, amount, _method(dest, period, "border")))
    for (code, rate), members in at_sale.items():
        shares = split_rounded([base for _, base in members], rate, quantum)
        method = _method(dest, period, "sale")
        for (i, base), share in zip(members, shares, strict=True):
            parts[i].append(Part(code, base, rate, share, method))


def _tax_rates_in_force(work, chosen):
    """The destination's import-tax rates on the quote's date, or a refusal naming the date."""
    c, dest = work.consignment, work.dest
    rates = in_force(TAX_RATES[dest.tax_key], c.on)
    if rates is None:
        raise Refused(
            f"{dest.prefix}:{_first_taxed(chosen)}",
            f"{dest.name}: no tax rates on file for {c.on.isoformat()}",
            "no_tax_rates",
            {"destination": c.destination, "on": c.on.isoformat()},
        )
    return rates


def _first_taxed(chosen: list[Band]) -> str:
    return next(band.regime for band in chosen if band.regime != EXEMPT)


_METHODS: dict[tuple[str, object, str], str] = {}


def _method(dest: Destination, period: Period, kind: str) -> str:
    """The words finance staff read next to a figure; built once per destination and rule."""
    key = (dest.code, period.start, kind)
    text = _METHODS.get(key)
    if text is None:
        text = _METHODS[key] = _describe(dest, period, kind)
    return text


def _describe(dest: Destination, period: Period, kind: str) -> str:
    # Only Japan scales the value, and Japan's words are its own (JP_*_METHOD).
    share = "" if period.valuation == ONE else f"{period.valuation} x "  # pragma: no mutate
    if kind == "flat":
        return f"flat {period.flat_duty} per distinct tariff sub-heading in the consignment"
    if kind == "sale":
        goods = "goods + share of shipping and insurance" if dest.sale_tax_cif else "goods only"
        return (
            f"tax at sale = ({goods} + duty) x rate; rounded half-up once per consignment and "
            "rate, shared over lines by cumulative rounding"
        )
    cif = dest.duty_cif if kind == "duty" else dest.tax_cif
    value = "goods + share of shipping and insurance" if cif else "goods (shipping excluded)"
    if kind == "duty":
        return f"duty = {share}({value}) x duty rate; rounded half-up per line"
    return f"import tax = ({share}({value}) + duty) x rate; rounded half-up per line"


# --- Japan: truncation, national and local consumption tax ------------------------------

THOUSAND = 1000
HUNDRED = 100
YEN = Decimal(1)
# Consumption tax: 7.8% national (消費税法 art. 29) and local consumption tax of 22/78 of
# the national tax (地方税法 art. 72-83): 10% in all. The table's rate is the combined 10%
# (or a line's reduced 8%, national 6.24%): the national share of it is 78/100.
JP_NATIONAL_SHARE = Decimal("0.78")
JP_LOCAL_OF_NATIONAL = Decimal(22) / Decimal(78)
JP_DUTY_METHOD = (
    "duty = (0.6 x (goods + share of shipping and insurance), fractions under JPY 1,000 "
    "dropped) x duty rate, under JPY 1 dropped per line; the consignment's duty drops "
    "fractions under JPY 100 (shared over lines by cumulative truncation)"
)
JP_NATIONAL_METHOD = (
    "national consumption tax = ((0.6 x value + duty levied), fractions under JPY 1,000 dropped) "
    "x 7.8% (6.24% reduced), under JPY 1 dropped per line; the consignment's tax drops "
    "fractions under JPY 100"
)
JP_LOCAL_METHOD = (
    "local consumption tax = national consumption tax x 22/78; fractions under JPY 100 "
    "dropped on the consignment's figure"
)


def _truncate(amount: Decimal, step: int) -> Decimal:
    """``amount`` in whole yen with fractions under ``step`` dropped (amounts are >= 0).

    ``int()`` truncates toward zero, which for amounts >= 0 is ROUND_DOWN; integer
    arithmetic is exact and about twice as fast as Decimal's remainder.
    """
    if step == 1:  # pragma: no mutate (the integer path below gives the same yen)
        return amount.quantize(YEN, rounding=ROUND_DOWN)
    return Decimal(int(amount) // step * step)


def _split_truncated(amounts: list[Decimal], step: int, factor: Decimal = ONE) -> list:
    """Per-line shares of truncate(sum(amounts) x factor, step), by cumulative truncation.

    share i = truncate(S_i x factor) - truncate(S_(i-1) x factor), S_i the running sum:
    the shares add up to the consignment figure exactly and none is negative.
    """
    shares = []
    running = ZERO_YEN
    before = ZERO_YEN
    scale = factor is not ONE
    for amount in amounts:
        running += amount
        # x ONE is the same amount: the test only skips a multiplication.
        upto = _truncate(running * factor if scale else running, step)  # pragma: no mutate
        shares.append(upto - before)
        before = upto
    return shares


ZERO_YEN = Decimal(0)


def _japan(
    work: Work, period: Period, chosen: list[Band]
) -> tuple[list[Decimal], list[list[Part]]]:
    """Duty and consumption tax at the Japanese border, truncated as customs assess them.

    Per line (each line a declaration item, 欄): the taxable value 0.6 x (goods + share of
    freight and insurance) drops fractions under JPY 1,000 (国税通則法 art. 118(1), 関税法
    art. 13 as applied in Customs Answer 1111); duty = that x rate, under JPY 1 dropped
    (関税法基本通達 13の4-2). The consignment's duty then drops fractions under JPY 100
    (art. 119(1); Customs Answer 1111). National consumption tax: per line, (taxable
    value + the line's share of that duty) drops fractions under JPY 1,000, x 7.8%, under
    JPY 1 dropped; the consignment's figure drops fractions under JPY 100. Local
    consumption tax: 22/78 of the national tax, fractions under JPY 100 dropped (Customs
    Answer 6103). National and local are two charges. Consignment figures are shown per
    line by cumulative truncation.
    """
    c = work.consignment
    dest = work.dest
    n = len(chosen)
    duties = [work.zero] * n
    parts: list[list[Part]] = [[] for _ in range(n)]
    taxed = [i for i, band in enumerate(chosen) if band.regime != EXEMPT]
    if not taxed:
        return duties, parts
    rates = _tax_rates_in_force(work, chosen)
    ((_, standard),) = rates.components
    values, duty_bases, duty_yen = [], [], []
    for i in taxed:
        line = c.lines[i]
        value = (work.values[i] + work.extras[i]) * period.valuation
        base = _truncate(value, THOUSAND)
        line_duty = ZERO_YEN
        if chosen[i].duty == RATE_DUTY:
            if line.duty_rate is None:
                raise Refused(
                    f"{dest.prefix}:{chosen[i].regime}",
                    f"{dest.name}: {line_name(i, work)} needs its duty rate (duty_rate) "
                    "from the tariff",
                    "duty_rate_needed",
                    {"destination": c.destination, **line_params(i, work)},
                )
            line_duty = _truncate(base * line.duty_rate, 1)
        values.append(value)
        duty_bases.append(base)
        duty_yen.append(line_duty)
    duty_shares = _split_truncated(duty_yen, HUNDRED)
    # The consumption-tax base adds the duty levied (消費税法 art. 28(4)): each line's share
    # of the consignment's truncated duty.
    ct_bases, national_yen, national_rates = [], [], []
    for k, i in enumerate(taxed):
        own = c.lines[i].vat_rate
        national_rate = (own if own is not None else standard) * JP_NATIONAL_SHARE
        ct_base = _truncate(values[k] + duty_shares[k], THOUSAND)
        ct_bases.append(ct_base)
        national_rates.append(national_rate)
        national_yen.append(_truncate(ct_base * national_rate, 1))
    national_shares = _split_truncated(national_yen, HUNDRED)
    local_shares = _split_truncated(national_shares, HUNDRED, JP_LOCAL_OF_NATIONAL)
    for k, i in enumerate(taxed):
        line = c.lines[i]
        if chosen[i].duty == RATE_DUTY:
            duties[i] = duty_shares[k]
            parts[i].append(
                Part("duty", duty_bases[k], line.duty_rate, duty_shares[k], JP_DUTY_METHOD)
            )
        parts[i].append(
            Part(
                "consumption_tax",
                ct_bases[k],
                national_rates[k],
                national_shares[k],
                JP_NATIONAL_METHOD,
            )
        )
        parts[i].append(
            Part(
                "local_consumption_tax",
                national_shares[k],
                JP_LOCAL_OF_NATIONAL,
                local_shares[k],
                JP_LOCAL_METHOD,
            )
        )
    return duties, parts
