"""The dated tables are well formed: no gaps or overlaps, bands end unbounded, every code
has a label. Boundaries not reachable through a quote are checked here directly."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from tax.duties.countries import CA_PROVINCES, EU_MEMBERS, ISO_ALPHA2
from tax.duties.tables import CN_PERIODS, DESTINATIONS, TAX_RATES, in_force

DESTINATION_IDS = sorted(DESTINATIONS)


def _contiguous(entries):
    for before, after in zip(entries, entries[1:], strict=False):
        assert before.end is not None and before.start < before.end
        assert before.end == after.start, (before, after)


@pytest.mark.parametrize("code", DESTINATION_IDS)
def test_periods_are_contiguous_and_bands_end_open(code):
    dest = DESTINATIONS[code]
    periods = dest.cbec or dest.periods
    assert periods
    _contiguous(periods)
    for period in dest.periods:
        for bands in [period.bands] + [b for _, b in period.routes]:
            assert bands[-1].upto is None
            limits = [band.upto for band in bands[:-1]]
            assert limits == sorted(limits)


@pytest.mark.parametrize("key", sorted(TAX_RATES))
def test_tax_rates_are_contiguous(key):
    _contiguous(TAX_RATES[key])
    for entry in TAX_RATES[key]:
        for _, rate in entry.components:
            assert D(0) <= rate < D(1)


@pytest.mark.parametrize("code", DESTINATION_IDS)
def test_every_tax_code_has_a_label_and_rates_cover_the_rules(code):
    dest = DESTINATIONS[code]
    if dest.tax_key is None:
        return
    rates = TAX_RATES[dest.tax_key]
    for period in dest.periods:
        assert in_force(rates, period.start) is not None  # a rule never starts without rates
    for entry in rates:
        for tax_code, _ in entry.components:
            assert tax_code in dest.labels


def test_destinations_cover_the_brief():
    assert {"CN", "GB", "US", "AU", "SG", "MY", "JP", "HK", "CA"} <= set(DESTINATIONS)
    assert set(EU_MEMBERS) <= set(DESTINATIONS) and len(EU_MEMBERS) == 27
    assert {f"CA-{p}" for p in CA_PROVINCES} <= set(DESTINATIONS)


def test_country_list_is_iso_3166_1():
    assert len(ISO_ALPHA2) == 249
    assert {"CN", "GB", "XK"} & ISO_ALPHA2 == {"CN", "GB"}  # XK is user-assigned
    assert not {"EU", "UN", "ZZ", "UK"} & ISO_ALPHA2


@pytest.mark.parametrize(
    ("key", "on", "rate"),
    [
        pytest.param("GB", date(2011, 1, 3), None, id="GB-2011-01-03-not-on-file"),
        pytest.param("GB", date(2011, 1, 4), D("0.20"), id="GB-2011-01-04"),
        pytest.param("AU", date(2018, 6, 30), None, id="AU-2018-06-30"),
        pytest.param("AU", date(2018, 7, 1), D("0.10"), id="AU-2018-07-01"),
        pytest.param("JP", date(2019, 9, 30), None, id="JP-2019-09-30"),
        pytest.param("JP", date(2019, 10, 1), D("0.10"), id="JP-2019-10-01"),
        pytest.param("MY", date(2024, 1, 1), D("0.10"), id="MY-2024-01-01"),
        pytest.param("SG", date(2022, 12, 31), None, id="SG-2022-12-31"),
        pytest.param("CA-ON", date(2020, 7, 1), D("0.13"), id="CA-ON-2020-07-01"),
    ],
)
def test_first_rate_on_file(key, on, rate):
    entry = in_force(TAX_RATES[key], on)
    assert (entry.components[0][1] if entry else None) == rate


def test_cn_limits_by_date():
    day = timedelta(days=1)
    assert in_force(CN_PERIODS, date(2019, 1, 1) - day).per_order == D("2000")
    assert in_force(CN_PERIODS, date(2019, 1, 1)).per_order == D("5000")
    assert in_force(CN_PERIODS, date(2019, 1, 1)).annual == D("26000")
    assert in_force(CN_PERIODS, date(2016, 4, 7)) is None
