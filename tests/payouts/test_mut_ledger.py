"""The ledger's writes and checks, figure by figure (issue #18: mutation testing).

Each test asserts what is stored (entries, postings, their signs and parties) or the exact
sentence a check reports. The demo's SQLite path of the writers is driven on PostgreSQL by
presenting the connection as another vendor (``_other_vendor``): the same records must
come out of it.
"""

from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection

from payouts.ledger import (
    EntrySpec,
    LedgerImbalance,
    Leg,
    creator_earned_first_mismatch,
    earning_reference,
    ledger_earnings_post,
    ledger_entries_post,
    ledger_entry_post,
    ledger_first_break,
    ledger_first_imbalance,
    payout_line_first_break,
)
from payouts.models import Earning, Entry, PayoutLine, PayoutRun, Posting
from tests.factories import CreatorFactory

from .factories import agency_make, at, creator_make, earning_make

D = Decimal
AT = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


@contextmanager
def _other_vendor(monkeypatch, *, returns_ids=True):
    """The writers' non-PostgreSQL path (the SQLite demo), on this database; with
    ``returns_ids=False`` bulk inserts hand back no ids, like backends that cannot."""
    with monkeypatch.context() as patch:
        patch.setattr(connection, "vendor", "sqlite")
        if not returns_ids:
            patch.setattr(connection.features, "can_return_rows_from_bulk_insert", False)
        yield


def postings_of(entry_reference: str) -> list[tuple]:
    return sorted(
        Posting.objects.filter(entry__reference=entry_reference).values_list(
            "account", "amount", "currency", "creator_id", "agency_id"
        )
    )


def spec(n: int, *, creator=None, agency=None, amount: str = "10.00") -> EntrySpec:
    return EntrySpec(
        reference=f"mut:{n}",
        kind=f"kind-{n}",
        description=f"entry number {n}",
        legs=[
            Leg("creator_payable", D(amount), "CNY", creator_id=creator and creator.pk),
            Leg("agency_payable", -D(amount), "CNY", agency_id=agency and agency.pk),
            Leg("platform_revenue", D("1.50"), "USD"),
            Leg("bank", D("-1.50"), "USD"),
        ],
    )


# --- legs_check ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_entry_without_postings_is_refused_by_name():
    with pytest.raises(LedgerImbalance) as info:
        ledger_entry_post(reference="mut:empty", kind="test", postings=[])
    assert str(info.value) == "entry mut:empty: no postings"
    assert not Entry.objects.exists()


@pytest.mark.django_db
def test_the_imbalance_names_the_entry_the_currency_and_the_difference():
    legs = [
        Leg("platform_revenue", D("5.00"), "USD"),
        Leg("bank", D("-5.00"), "USD"),
        Leg("platform_revenue", D("10.00"), "CNY"),
        Leg("creator_payable", D("-9.75"), "CNY"),
    ]
    with pytest.raises(LedgerImbalance) as info:
        ledger_entry_post(reference="mut:off", kind="test", postings=legs)
    assert str(info.value) == "entry mut:off does not balance in CNY: 0.25"
    with pytest.raises(LedgerImbalance) as info:
        ledger_entry_post(reference="mut:f", kind="test", postings=[Leg("bank", 2.5, "CNY")])
    assert str(info.value) == "entry mut:f: amount 2.5 is not a Decimal"
    with pytest.raises(LedgerImbalance) as info:
        ledger_entry_post(reference="mut:a", kind="test", postings=[Leg("till", D("0"), "CNY")])
    assert str(info.value) == "entry mut:a: unknown account 'till'"
    assert not Entry.objects.exists()


@pytest.mark.django_db
def test_one_bad_entry_of_many_writes_none_of_them():
    bad = EntrySpec(reference="mut:bad", kind="k", legs=[Leg("bank", D("1.00"), "CNY")])
    with pytest.raises(LedgerImbalance, match="mut:bad does not balance in CNY: 1.00"):
        ledger_entries_post(entries=[spec(1), bad, spec(2)])
    assert not Entry.objects.exists() and not Posting.objects.exists()


@pytest.mark.django_db
def test_one_entry_keeps_its_description_or_none():
    legs = [Leg("bank", D("3.00"), "CNY"), Leg("platform_revenue", D("-3.00"), "CNY")]
    plain = ledger_entry_post(reference="mut:plain", kind="test", postings=legs)
    named = ledger_entry_post(reference="mut:named", kind="test", postings=legs, description="fee")
    assert (plain.description, named.description) == ("", "fee")
    assert dict(Entry.objects.values_list("reference", "description")) == {
        "mut:plain": "",
        "mut:named": "fee",
    }


# --- ledger_entries_post ---------------------------------------------------------------------


@pytest.mark.django_db
def test_many_entries_are_written_with_their_fields_legs_and_one_batch_record():
    creator, agency = CreatorFactory(), agency_make()
    written = ledger_entries_post(
        entries=[spec(1, creator=creator), spec(2, agency=agency, amount="7.25"), spec(3)]
    )
    stored = list(Entry.objects.order_by("id"))
    assert [(e.pk, e.reference, e.kind, e.description) for e in written] == [
        (e.pk, e.reference, e.kind, e.description) for e in stored
    ]
    assert [(e.reference, e.kind, e.description) for e in stored] == [
        ("mut:1", "kind-1", "entry number 1"),
        ("mut:2", "kind-2", "entry number 2"),
        ("mut:3", "kind-3", "entry number 3"),
    ]
    assert all(w.created_at == s.created_at for w, s in zip(written, stored, strict=True))
    assert postings_of("mut:1") == [
        ("agency_payable", D("-10.00"), "CNY", None, None),
        ("bank", D("-1.50"), "USD", None, None),
        ("creator_payable", D("10.00"), "CNY", creator.pk, None),
        ("platform_revenue", D("1.50"), "USD", None, None),
    ]
    assert postings_of("mut:2") == [
        ("agency_payable", D("-7.25"), "CNY", None, agency.pk),
        ("bank", D("-1.50"), "USD", None, None),
        ("creator_payable", D("7.25"), "CNY", None, None),
        ("platform_revenue", D("1.50"), "USD", None, None),
    ]
    assert ledger_first_break() is None


@pytest.mark.django_db
def test_without_returning_the_entries_are_written_and_none_handed_back():
    assert ledger_entries_post(entries=[spec(1), spec(2)], returning=False) == []
    assert list(Entry.objects.values_list("reference", flat=True)) == ["mut:1", "mut:2"]
    assert Posting.objects.count() == 8


@pytest.mark.django_db
def test_no_entries_write_nothing():
    assert ledger_entries_post(entries=[]) == []
    assert not Entry.objects.exists() and not Posting.objects.exists()


@pytest.mark.parametrize("returns_ids", [True, False])
@pytest.mark.django_db
def test_the_demo_path_writes_the_same_entries_in_chunks(monkeypatch, returns_ids):
    creator, agency = CreatorFactory(), agency_make()
    specs = [spec(1, creator=creator), spec(2, agency=agency, amount="3.00"), spec(3)]
    with _other_vendor(monkeypatch, returns_ids=returns_ids):
        written = ledger_entries_post(entries=specs, batch_size=2)
    stored = list(Entry.objects.order_by("reference"))
    assert [(e.reference, e.kind, e.description) for e in stored] == [
        ("mut:1", "kind-1", "entry number 1"),
        ("mut:2", "kind-2", "entry number 2"),
        ("mut:3", "kind-3", "entry number 3"),
    ]
    assert sorted((e.pk, e.reference) for e in written) == [(e.pk, e.reference) for e in stored]
    # One time for the whole call, as on PostgreSQL.
    assert len({e.created_at for e in stored}) == 1
    assert postings_of("mut:1") == [
        ("agency_payable", D("-10.00"), "CNY", None, None),
        ("bank", D("-1.50"), "USD", None, None),
        ("creator_payable", D("10.00"), "CNY", creator.pk, None),
        ("platform_revenue", D("1.50"), "USD", None, None),
    ]
    assert postings_of("mut:2") == [
        ("agency_payable", D("-3.00"), "CNY", None, agency.pk),
        ("bank", D("-1.50"), "USD", None, None),
        ("creator_payable", D("3.00"), "CNY", None, None),
        ("platform_revenue", D("1.50"), "USD", None, None),
    ]
    assert len(postings_of("mut:3")) == 4
    assert ledger_first_break() is None


@pytest.mark.django_db
def test_the_demo_path_refuses_an_imbalance_before_writing(monkeypatch):
    bad = EntrySpec(reference="mut:bad", kind="k", legs=[Leg("bank", D("1.00"), "CNY")])
    with _other_vendor(monkeypatch), pytest.raises(LedgerImbalance):
        ledger_entries_post(entries=[spec(1), bad])
    assert not Entry.objects.exists()


# --- ledger_earnings_post --------------------------------------------------------------------


def _earning(creator, amount: str, *, state: str, currency: str = "CNY", **fields) -> Earning:
    return Earning.objects.create(
        creator=creator,
        kind=fields.pop("kind", "tip"),
        amount=D(amount),
        currency=currency,
        occurred_at=at(2026, 2),
        available_at=at(2026, 2),
        source_ref=f"mut-ledger-{creator.pk}-{amount}-{state}-{currency}",
        state=state,
        channel="personal",
        **fields,
    )


def _earnings_scenario():
    creator, other = CreatorFactory(), CreatorFactory()
    tip = _earning(creator, "12.50", state=Earning.State.AVAILABLE, currency="USD")
    # A negative earning reverses another (here one reversed before it was ever accrued).
    sale = _earning(other, "4.00", state=Earning.State.REVERSED)
    refund = _earning(other, "-4.00", state=Earning.State.AVAILABLE, reverses=sale)
    pending = _earning(creator, "99.00", state=Earning.State.PENDING, kind="commission")
    return creator, other, tip, refund, pending


def _assert_accrued(creator, other, tip, refund, pending, *, at=AT):
    tip_ref = earning_reference(earning_id=tip.pk, step="accrued")
    assert tip_ref == f"earning:{tip.pk}:accrued"
    entry = Entry.objects.get(reference=tip_ref)
    assert (entry.kind, entry.description) == ("earning_accrued", f"earning {tip.pk} accrued")
    if at is not None:
        assert entry.created_at == at
    assert postings_of(tip_ref) == [
        ("creator_earned", D("-12.50"), "USD", creator.pk, None),
        ("platform_revenue", D("12.50"), "USD", None, None),
    ]
    # A negative earning makes the mirror legs.
    assert postings_of(f"earning:{refund.pk}:accrued") == [
        ("creator_earned", D("4.00"), "CNY", other.pk, None),
        ("platform_revenue", D("-4.00"), "CNY", None, None),
    ]
    assert not Entry.objects.filter(reference__startswith=f"earning:{pending.pk}:").exists()


@pytest.mark.django_db
def test_accruing_posts_each_available_earning_once_with_its_legs():
    scenario = _earnings_scenario()
    creator, other, tip, refund, pending = scenario
    written = ledger_earnings_post(earnings=Earning.objects.all(), step="accrued", now=AT)
    assert (written, type(written)) == (2, int)
    _assert_accrued(*scenario)
    # Idempotent: nothing new, and the count says so.
    assert ledger_earnings_post(earnings=Earning.objects.all(), step="accrued") == 0
    assert Entry.objects.count() == 2 and Posting.objects.count() == 4
    assert ledger_first_break() is None


@pytest.mark.django_db
def test_accruing_without_a_time_stamps_the_entries_now():
    creator = CreatorFactory()
    earning = _earning(creator, "1.00", state=Earning.State.AVAILABLE)
    before = datetime.now(UTC)
    ledger_earnings_post(earnings=Earning.objects.all(), step="accrued")
    created = Entry.objects.get().created_at
    assert before <= created <= datetime.now(UTC)
    assert Entry.objects.get().reference == f"earning:{earning.pk}:accrued"


@pytest.mark.django_db
def test_reversing_mirrors_only_the_accrued_reversed_earnings():
    creator = CreatorFactory()
    accrued = _earning(creator, "20.00", state=Earning.State.AVAILABLE)
    never_accrued = _earning(creator, "30.00", state=Earning.State.REVERSED)
    ledger_earnings_post(earnings=Earning.objects.all(), step="accrued", now=AT)
    Earning.objects.filter(pk=accrued.pk).update(state=Earning.State.REVERSED)
    written = ledger_earnings_post(earnings=Earning.objects.all(), step="reversed", now=AT)
    assert (written, type(written)) == (1, int)
    reference = f"earning:{accrued.pk}:reversed"
    entry = Entry.objects.get(reference=reference)
    assert (entry.kind, entry.description) == ("earning_reversed", f"earning {accrued.pk} reversed")
    assert postings_of(reference) == [
        ("creator_earned", D("20.00"), "CNY", creator.pk, None),
        ("platform_revenue", D("-20.00"), "CNY", None, None),
    ]
    assert not Entry.objects.filter(reference__startswith=f"earning:{never_accrued.pk}:").exists()
    assert ledger_earnings_post(earnings=Earning.objects.all(), step="reversed") == 0


@pytest.mark.django_db
def test_the_demo_path_accrues_and_reverses_the_same_way(monkeypatch):
    scenario = _earnings_scenario()
    creator, other, tip, refund, pending = scenario
    with _other_vendor(monkeypatch):
        assert ledger_earnings_post(earnings=Earning.objects.all(), step="accrued", now=AT) == 2
    _assert_accrued(*scenario)  # stamped ``now``, as on PostgreSQL
    with _other_vendor(monkeypatch):
        assert ledger_earnings_post(earnings=Earning.objects.all(), step="accrued", now=AT) == 0
    Earning.objects.filter(pk=tip.pk).update(state=Earning.State.REVERSED)
    Earning.objects.filter(pk=pending.pk).update(state=Earning.State.REVERSED)
    with _other_vendor(monkeypatch):
        assert ledger_earnings_post(earnings=Earning.objects.all(), step="reversed", now=AT) == 1
    reference = f"earning:{tip.pk}:reversed"
    entry = Entry.objects.get(reference=reference)
    assert (entry.kind, entry.description) == ("earning_reversed", f"earning {tip.pk} reversed")
    assert postings_of(reference) == [
        ("creator_earned", D("12.50"), "USD", creator.pk, None),
        ("platform_revenue", D("-12.50"), "USD", None, None),
    ]
    assert Entry.objects.count() == 3


# --- Checks ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_first_imbalance_is_named_with_its_exact_sum():
    good = Entry.objects.create(reference="raw:good", kind="test")
    bad = Entry.objects.create(reference="raw:bad", kind="test")
    Posting.objects.bulk_create(
        [
            Posting(entry=good, account="bank", amount=D("5.00"), currency="CNY"),
            Posting(entry=good, account="platform_revenue", amount=D("-5.00"), currency="CNY"),
            Posting(entry=bad, account="bank", amount=D("5.00"), currency="USD"),
            Posting(entry=bad, account="platform_revenue", amount=D("-4.99"), currency="USD"),
        ]
    )
    try:
        assert ledger_first_imbalance() == (
            f"entry {bad.pk} (raw:bad) does not balance in USD: postings sum to 0.01"
        )
        assert ledger_first_break() == ledger_first_imbalance()
    finally:
        Posting.objects.all().delete()  # the deferred trigger checks at teardown
    assert ledger_first_imbalance() is None


@pytest.mark.django_db
def test_the_first_imbalance_is_the_lowest_entry_then_currency():
    first = Entry.objects.create(reference="raw:first", kind="test")
    second = Entry.objects.create(reference="raw:second", kind="test")
    Posting.objects.bulk_create(
        [
            # The first entry is off in USD and in CNY; the second, in AUD only.
            Posting(entry=first, account="bank", amount=D("2.00"), currency="USD"),
            Posting(entry=first, account="bank", amount=D("3.00"), currency="CNY"),
            Posting(entry=second, account="bank", amount=D("4.00"), currency="AUD"),
        ]
    )
    try:
        assert ledger_first_imbalance() == (
            f"entry {first.pk} (raw:first) does not balance in CNY: postings sum to 3.00"
        )
    finally:
        Posting.objects.all().delete()


def _line(run, creator, *, gross, share, tax, net):
    return PayoutLine.objects.create(
        run=run,
        creator=creator,
        period="2026-01",
        regime="cn-platform-labour",
        currency="CNY",
        earnings_count=1,
        gross=D(gross),
        agency_share=D(share),
        income=D(gross) - D(share),
        taxable_income=D("0"),
        tax=D(tax),
        net=D(net),
        working={},
    )


@pytest.mark.django_db
def test_the_first_payout_line_that_does_not_add_up_is_named():
    run = PayoutRun.objects.create(period="2026-01", scope="personal")
    sound = _line(run, CreatorFactory(), gross="100.00", share="20.00", tax="8.00", net="72.00")
    assert payout_line_first_break() is None
    creator = CreatorFactory()
    broken = _line(run, creator, gross="50.00", share="10.00", tax="1.00", net="38.99")
    assert sound.pk < broken.pk
    assert payout_line_first_break() == (
        f"payout line {broken.pk} (run {run.pk}, creator {creator.pk}): "
        "gross 50.00 != agency share 10.00 + tax 1.00 + net 38.99"
    )
    assert ledger_first_break() == payout_line_first_break()


@pytest.mark.django_db
def test_accrued_earnings_match_until_a_posting_strays():
    creator = creator_make()
    earning_make(creator, "8.00", when=at(2026, 1))
    earning_make(creator, "2.50", when=at(2026, 1), currency="USD")
    assert creator_earned_first_mismatch() is None
    ledger_entry_post(
        reference="mut:stray",
        kind="test",
        postings=[
            Leg("platform_revenue", D("1.25"), "CNY"),
            Leg("creator_earned", D("-1.25"), "CNY", creator_id=creator.pk),
        ],
    )
    assert creator_earned_first_mismatch() == (
        f"creator {creator.pk} CNY: creator_earned balance -9.25 is not minus "
        "the sum of the available earnings 8.00"
    )
    assert ledger_first_break() == creator_earned_first_mismatch()
