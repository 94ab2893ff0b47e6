"""Affiliate commission (payouts.services), case by case: the rate a line earns, what is
booked for a paid order (or recorded as refused), and what a refund reverses.

Orders go through Oscar's OrderCreator with the default strategy (no tax: excl = incl);
``commission_book_for_order`` and ``commission_reverse_for_refund`` are called with a fixed
moment so every record can be checked against it. Settings from tests/payouts/conftest.py:
default rate 5 %, return window 15 days.
"""

import logging
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

from agencies.models import Contract
from payouts.models import CategoryCommissionRate, Earning, EarningIntake, EarningStateChange, Entry
from payouts.services import (
    commission_book_for_order,
    commission_rate_for,
    commission_reverse_for_refund,
    earnings_state_move,
)
from tests.factories import CreatorFactory, ProductFactory, product_with_price

from .factories import agency_make
from .test_commission import place_order

Basket = get_model("basket", "Basket")
ProductCategory = get_model("catalogue", "ProductCategory")

pytestmark = pytest.mark.django_db

D = Decimal
NOW = timezone.now().replace(microsecond=0) - timedelta(days=1)
WINDOW = timedelta(days=15)


@pytest.fixture
def creator(db):
    return CreatorFactory(country="CN")


def line_of(order, product):
    return order.lines.get(product=product)


# --- The rate ---------------------------------------------------------------------------------


def test_without_a_product_the_shop_default_applies(settings):
    settings.COMMISSION_DEFAULT_RATE = "0.07"
    assert commission_rate_for(product=None) == D("0.07")


def test_the_first_category_by_path_gives_the_rate():
    product = product_with_price("100.00")
    beauty = create_from_breadcrumbs("Beauty")
    zoo = create_from_breadcrumbs("Zoo")
    ProductCategory.objects.create(product=product, category=zoo)
    ProductCategory.objects.create(product=product, category=beauty)
    CategoryCommissionRate.objects.create(category=zoo, rate=D("0.20"))
    CategoryCommissionRate.objects.create(category=beauty, rate=D("0.12"))
    assert beauty.path < zoo.path
    assert commission_rate_for(product=product) == D("0.12")


def test_a_variant_earns_its_parents_category_rate():
    parent = ProductFactory(structure="parent")
    child = ProductFactory(structure="child", parent=parent, product_class=None)
    category = create_from_breadcrumbs("Beauty > Skincare")
    ProductCategory.objects.create(product=parent, category=category)
    CategoryCommissionRate.objects.create(category=category, rate=D("0.12"))
    assert commission_rate_for(product=child) == D("0.12")
    # Its own rate, when set, comes first.
    child.commission_rate = D("0.03")
    assert commission_rate_for(product=child) == D("0.03")


# --- Booking ----------------------------------------------------------------------------------


def test_a_booked_commission_has_every_field_and_is_returned(creator):
    product = product_with_price("200.00", commission_rate=D("0.10"))
    order = place_order([(product, 1, creator)])
    booked = commission_book_for_order(order=order, now=NOW)
    earning = Earning.objects.get()
    assert booked == [earning]
    line = line_of(order, product)
    assert (earning.creator, earning.kind, earning.amount) == (creator, "commission", D("20.00"))
    assert (earning.currency, earning.state, earning.order_line) == ("CNY", "pending", line)
    assert (earning.occurred_at, earning.available_at) == (NOW, NOW + WINDOW)
    assert (earning.source_ref, earning.channel) == (f"order-line:{line.pk}", "personal")
    assert (earning.agency_id, earning.contract_kind) == (None, "")
    assert not Entry.objects.exists()  # pending: nothing owed yet
    # Booked again (the signal replayed): nothing new, nothing returned.
    assert commission_book_for_order(order=order, now=NOW) == []
    assert Earning.objects.count() == 1


def test_commission_is_rounded_half_up_to_the_fen(creator):
    # 100.50 x 5 % = 5.025 -> 5.03 (half-even would give 5.02).
    order = place_order([(product_with_price("100.50"), 1, creator)])
    [earning] = commission_book_for_order(order=order, now=NOW)
    assert earning.amount == D("5.03")


def test_lines_worth_nothing_are_skipped_and_the_rest_booked(creator):
    # A free line first (0.00 x 5 % = 0), then 20.00 x 5 % = 1.00 exactly: booked.
    free = product_with_price("0.00")
    one = product_with_price("20.00")
    order = place_order([(free, 1, creator), (one, 1, creator)])
    booked = commission_book_for_order(order=order, now=NOW)
    assert [(e.order_line.product_id, e.amount) for e in booked] == [(one.pk, D("1.00"))]
    assert Earning.objects.count() == 1


def test_the_contract_in_force_on_the_day_of_payment_decides_the_channel(creator):
    agency = agency_make(code="dawn")
    Contract.objects.create(
        creator=creator, agency=agency, kind="employment", valid_from=timezone.localdate(NOW)
    )
    order = place_order([(product_with_price("100.00"), 1, creator)])
    # Paid the day before the contract began: the creator's own account.
    [before] = commission_book_for_order(order=order, now=NOW - timedelta(days=1))
    assert (before.channel, before.agency_id, before.contract_kind) == ("personal", None, "")
    other = place_order([(product_with_price("100.00"), 1, creator)])
    [after] = commission_book_for_order(order=other, now=NOW)
    assert (after.channel, after.agency_id, after.contract_kind) == (
        "agency",
        agency.pk,
        "employment",
    )


def test_a_creator_who_may_not_earn_gets_a_refused_record_once_and_the_others_are_booked(
    creator, caplog
):
    overseas = CreatorFactory(country="US")
    refused_product = product_with_price("100.00")
    booked_product = product_with_price("40.00")
    order = place_order([(refused_product, 1, overseas), (booked_product, 1, creator)])
    refused_line = line_of(order, refused_product)
    caplog.set_level(logging.INFO, logger="payouts.services")
    booked = commission_book_for_order(order=order, now=NOW)
    assert [(e.creator, e.amount) for e in booked] == [(creator, D("2.00"))]
    intake = EarningIntake.objects.get()
    reason = "An overseas creator must be verified to earn."
    assert (intake.source_ref, intake.outcome, intake.reason) == (
        f"order-line:{refused_line.pk}",
        "refused",
        reason,
    )
    assert (intake.payload_hash, intake.delivery, intake.received_at) == ("", "order_paid", NOW)
    assert intake.payload == {
        "order": order.number,
        "line": refused_line.pk,
        "rate": "0.05",
        "base": "100.00",
        "amount": "5.00",
        "currency": "CNY",
    }
    assert f"commission refused for order line {refused_line.pk}: {reason}" in caplog.messages
    # Paid again: the refusal is not recorded twice and nothing breaks.
    assert commission_book_for_order(order=order, now=NOW) == []
    assert EarningIntake.objects.count() == 1


# --- Refunds ----------------------------------------------------------------------------------


def paid(creator, *prices, currency="CNY", rate=None):
    products = [
        product_with_price(p, currency=currency, **({"commission_rate": rate} if rate else {}))
        for p in prices
    ]
    order = place_order([(p, 1, creator) for p in products], currency=currency)
    commission_book_for_order(order=order, now=NOW)
    return order, [line_of(order, p) for p in products]


def test_a_refund_keyed_by_line_id_text_reverses_that_line_only(creator):
    # Signal payloads that went through JSON have text keys. Line 1 untouched; line 2:
    # 30.00 of 60.00 refunded, half of its 3.00 = 1.50 reversed, pending like its original.
    order, (first, second) = paid(creator, "100.00", "60.00")
    written = commission_reverse_for_refund(
        order=order,
        amount=D("30.00"),
        lines={str(second.pk): D("30.00")},
        reference="re_9",
        now=NOW,
    )
    original = Earning.objects.get(order_line=second, reverses__isnull=True)
    reversal = Earning.objects.get(reverses=original)
    assert written == [reversal]
    assert (reversal.amount, reversal.state, reversal.source_ref) == (
        D("-1.50"),
        "pending",
        f"{original.source_ref}:refund:re_9",
    )
    assert (reversal.occurred_at, reversal.available_at) == (NOW, original.available_at)
    assert (reversal.order_line, reversal.creator_id, reversal.kind) == (
        second,
        creator.pk,
        "commission",
    )
    assert not Earning.objects.filter(order_line=first, reverses__isnull=False).exists()


def test_a_line_refunded_in_full_reverses_even_a_tiny_commission(creator):
    # 1.00 x 5 % = 0.05; the whole line refunded: the original itself becomes reversed.
    order, (line,) = paid(creator, "1.00")
    assert (
        commission_reverse_for_refund(
            order=order, amount=D("1.00"), lines={line.pk: D("1.00")}, reference="re_1", now=NOW
        )
        == []
    )
    earning = Earning.objects.get()
    assert earning.state == "reversed"
    change = EarningStateChange.objects.get()
    assert (change.to_state, change.reason, change.at) == ("reversed", "refund re_1", NOW)


def test_a_refund_worth_less_than_a_fen_of_commission_writes_nothing(creator):
    # 0.01 of 200.00 refunded: 10.00 x 0.00005 = 0.0005 -> 0.00; the next line's full
    # refund still reverses its commission.
    order, (big, small) = paid(creator, "200.00", "20.00")
    commission_reverse_for_refund(
        order=order,
        amount=D("20.01"),
        lines={big.pk: D("0.01"), small.pk: D("20.00")},
        reference="re_2",
        now=NOW,
    )
    states = dict(Earning.objects.values_list("order_line_id", "state"))
    assert states == {big.pk: "pending", small.pk: "reversed"}
    assert Earning.objects.count() == 2


def test_lines_not_in_the_refund_are_skipped_and_later_lines_still_reversed(creator):
    order, (first, second) = paid(creator, "100.00", "100.00")
    commission_reverse_for_refund(
        order=order, amount=D("100.00"), lines={second.pk: D("100.00")}, reference="r", now=NOW
    )
    states = dict(Earning.objects.values_list("order_line_id", "state"))
    assert states == {first.pk: "pending", second.pk: "reversed"}


def test_a_refund_reverses_only_its_own_orders_commission(creator):
    order, _ = paid(creator, "100.00")
    other, (other_line,) = paid(creator, "100.00")
    commission_reverse_for_refund(
        order=order, amount=order.total_incl_tax, lines=None, reference="r", now=NOW
    )
    assert Earning.objects.get(order_line=other_line).state == "pending"
    assert Earning.objects.filter(state="reversed").count() == 1


def test_a_partial_refund_in_yen_is_rounded_to_whole_yen(creator):
    # 1,999 JPY x 7 % = 139.93 -> 140 JPY. A third refunded (666.33 / 1,999): 140 x
    # 0.33333... = 46.66... -> 47 JPY (not 46.67).
    order, (line,) = paid(creator, "1999", currency="JPY", rate=D("0.07"))
    [reversal] = commission_reverse_for_refund(
        order=order, amount=D("666.33"), lines={line.pk: D("666.33")}, reference="r", now=NOW
    )
    assert (reversal.amount, reversal.currency) == (D("-47"), "JPY")


def test_a_refund_of_available_commission_is_accrued_at_once_at_the_moment(creator):
    # Released (available, accrued 5.00), then half refunded: -2.50, available, accrued now.
    order, (line,) = paid(creator, "100.00")
    original = Earning.objects.get()
    earnings_state_move(earning_ids=[original.pk], to_state="available", now=NOW)
    [reversal] = commission_reverse_for_refund(
        order=order, amount=D("50.00"), lines={line.pk: D("50.00")}, reference="r", now=NOW
    )
    assert (reversal.amount, reversal.state, reversal.available_at) == (
        D("-2.50"),
        "available",
        original.available_at,
    )
    entry = Entry.objects.get(reference=f"earning:{reversal.pk}:accrued")
    assert (entry.kind, entry.created_at) == ("earning_accrued", NOW)


def test_a_refund_of_paid_commission_is_due_back_at_once(creator):
    order, (line,) = paid(creator, "100.00")
    original = Earning.objects.get()
    for state in ("available", "in_run", "paid"):
        earnings_state_move(earning_ids=[original.pk], to_state=state, now=NOW)
    later = NOW + timedelta(hours=1)
    [reversal] = commission_reverse_for_refund(
        order=order, amount=D("50.00"), lines={line.pk: D("50.00")}, reference="r", now=later
    )
    assert (reversal.amount, reversal.state) == (D("-2.50"), "available")
    assert (reversal.available_at, reversal.occurred_at) == (later, later)
    entry = Entry.objects.get(reference=f"earning:{reversal.pk}:accrued")
    assert entry.created_at == later


def test_a_long_refund_reference_is_cut_to_the_reference_length(creator):
    order, (line,) = paid(creator, "100.00")
    reference = "x" * 300
    [reversal] = commission_reverse_for_refund(
        order=order, amount=D("50.00"), lines={line.pk: D("50.00")}, reference=reference, now=NOW
    )
    original = Earning.objects.get(reverses__isnull=True)
    assert reversal.source_ref == f"{original.source_ref}:refund:{reference}"[:160]
    assert len(reversal.source_ref) == 160


def test_commission_on_a_line_or_order_worth_nothing_is_left_alone(creator):
    # A hand-booked commission on a free line: nothing to take a share of, no reversal.
    order = place_order([(product_with_price("0.00"), 1, creator)])
    line = order.lines.get()
    Earning.objects.create(
        creator=creator,
        kind="commission",
        amount=D("1.00"),
        currency="CNY",
        occurred_at=NOW,
        available_at=NOW,
        source_ref="manual:1",
        state="pending",
        channel="personal",
        order_line=line,
    )
    for lines in ({line.pk: D("5.00")}, None):
        assert (
            commission_reverse_for_refund(
                order=order, amount=D("5.00"), lines=lines, reference="r", now=NOW
            )
            == []
        )
    assert Earning.objects.get().state == "pending" and Earning.objects.count() == 1


def test_a_contract_on_file_before_booking_keeps_the_reversal_on_the_same_channel(creator):
    agency = agency_make(code="dusk")
    Contract.objects.create(
        creator=creator, agency=agency, kind="service", valid_from=date(2020, 1, 1)
    )
    order, (line,) = paid(creator, "100.00")
    [reversal] = commission_reverse_for_refund(
        order=order, amount=D("50.00"), lines={line.pk: D("50.00")}, reference="r", now=NOW
    )
    assert (reversal.channel, reversal.agency_id, reversal.contract_kind) == (
        "agency",
        agency.pk,
        "service",
    )


def test_a_refund_reads_each_line_with_its_commission(creator, django_assert_max_num_queries):
    # Three lines half refunded: three reversals written; the lines come with the
    # commission rows (no query per line to fetch it): 15 queries in all.
    order, lines = paid(creator, "100.00", "100.00", "100.00")
    with django_assert_max_num_queries(15):
        written = commission_reverse_for_refund(
            order=order,
            amount=D("150.00"),
            lines={line.pk: D("50.00") for line in lines},
            reference="r",
            now=NOW,
        )
    assert [e.amount for e in written] == [D("-2.50")] * 3


def test_booking_reads_each_line_with_its_creator_product_and_parent(
    creator, django_assert_max_num_queries
):
    # Three variants of one product: per line the category rate, the creator's contract and
    # the insert (5 queries); the creator, product and parent come with the line: 16 in all.
    parent = ProductFactory(structure="parent")
    variants = [
        product_with_price("100.00", structure="child", parent=parent, product_class=None)
        for _ in range(3)
    ]
    order = place_order([(v, 1, creator) for v in variants])
    with django_assert_max_num_queries(16):
        booked = commission_book_for_order(order=order, now=NOW)
    assert [e.amount for e in booked] == [D("5.00")] * 3


def test_every_line_refunded_in_full_is_reversed(creator):
    order, (first, second) = paid(creator, "100.00", "40.00")
    commission_reverse_for_refund(
        order=order,
        amount=D("140.00"),
        lines={first.pk: D("100.00"), second.pk: D("40.00")},
        reference="r",
        now=NOW,
    )
    assert sorted(Earning.objects.values_list("state", flat=True)) == ["reversed", "reversed"]
    assert EarningStateChange.objects.filter(to_state="reversed").count() == 2


def test_a_line_worth_nothing_does_not_stop_the_next_lines_refund(creator):
    # The hand-booked commission on the free line comes first (lower id): skipped; the
    # 100.00 line's half refund still reverses 2.50 of its 5.00.
    free = product_with_price("0.00")
    priced = product_with_price("100.00")
    order = place_order([(free, 1, creator), (priced, 1, creator)])
    free_line, priced_line = line_of(order, free), line_of(order, priced)
    Earning.objects.create(
        creator=creator,
        kind="commission",
        amount=D("1.00"),
        currency="CNY",
        occurred_at=NOW,
        available_at=NOW,
        source_ref="manual:1",
        state="pending",
        channel="personal",
        order_line=free_line,
    )
    commission_book_for_order(order=order, now=NOW)
    [reversal] = commission_reverse_for_refund(
        order=order,
        amount=D("55.00"),
        lines={free_line.pk: D("5.00"), priced_line.pk: D("50.00")},
        reference="r",
        now=NOW,
    )
    assert (reversal.order_line, reversal.amount) == (priced_line, D("-2.50"))
