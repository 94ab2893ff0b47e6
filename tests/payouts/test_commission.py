from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.apps.partner.strategy import Default
from oscar.core.loading import get_model
from oscar.test.factories import create_order

from agencies.models import Contract
from commerce.order.signals import order_paid, order_refunded
from payouts.models import CategoryCommissionRate, Earning, EarningIntake, EarningStateChange
from payouts.services import earning_state_set, earnings_release_due
from payouts.tasks import commission_release_due
from tests.factories import CreatorFactory, note_linking, product_with_price

Basket = get_model("basket", "Basket")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")

pytestmark = pytest.mark.django_db


def place_order(lines, currency="CNY"):
    """An order through Oscar's OrderCreator; ``lines``: (product, quantity, creator|None)."""
    basket = Basket.objects.create()
    basket.strategy = Default()
    for product, quantity, creator in lines:
        basket.add_product(product, quantity=quantity)
        if creator is not None:
            note = note_linking([product], creator=creator)
            basket.lines.filter(product=product).update(
                attributed_creator=creator, attributed_note=note
            )
    basket.reset_offer_applications()
    return create_order(basket=basket)


def pay(order):
    order_paid.send(sender=type(order), order=order, amount=order.total_incl_tax, reference="pi_1")


def refund(order, amount, lines=None, reference="re_1"):
    order_refunded.send(
        sender=type(order), order=order, amount=amount, lines=lines or {}, reference=reference
    )


@pytest.fixture
def creator(db):
    return CreatorFactory(country="CN")


def test_paid_order_books_pending_commission_per_attributed_line(creator):
    rated = product_with_price("200.00", commission_rate=Decimal("0.10"))
    default = product_with_price("50.00")
    unattributed = product_with_price("30.00")
    order = place_order([(rated, 2, creator), (default, 1, creator), (unattributed, 1, None)])
    before = timezone.now()
    pay(order)
    earnings = {e.order_line.product_id: e for e in Earning.objects.all()}
    assert set(earnings) == {rated.pk, default.pk}
    first = earnings[rated.pk]
    assert (first.amount, first.currency, first.kind) == (Decimal("40.00"), "CNY", "commission")
    assert earnings[default.pk].amount == Decimal("2.50")  # settings default 5%
    assert first.state == "pending" and first.creator == creator
    assert first.source_ref == f"order-line:{first.order_line_id}"
    assert first.available_at >= before + timedelta(days=15)
    assert first.channel == "personal"


def test_paid_twice_books_once(creator):
    order = place_order([(product_with_price("100.00"), 1, creator)])
    pay(order)
    pay(order)
    assert Earning.objects.count() == 1


def test_category_rate_applies_when_the_product_has_none(creator):
    product = product_with_price("100.00")
    category = create_from_breadcrumbs("Beauty > Skincare")
    ProductCategory.objects.create(product=product, category=category)
    CategoryCommissionRate.objects.create(category=category, rate=Decimal("0.12"))
    pay(place_order([(product, 1, creator)]))
    assert Earning.objects.get().amount == Decimal("12.00")


def test_commission_is_in_the_order_currency_with_its_precision(creator):
    product = product_with_price("1999", currency="JPY", commission_rate=Decimal("0.07"))
    pay(place_order([(product, 1, creator)], currency="JPY"))
    earning = Earning.objects.get()
    assert (earning.amount, earning.currency) == (Decimal("140"), "JPY")  # 139.93 half-up


def test_creator_under_agency_contract_earns_through_the_agency(creator):
    from agencies.models import Agency

    agency = Agency.objects.create(
        code="a",
        legal_name="A",
        country="CN",
        registration_number="91350100M000100Y43",
        payout_rail="bank_file",
        bank_account_number="1",
    )
    Contract.objects.create(
        creator=creator, agency=agency, kind="service", valid_from=date(2020, 1, 1)
    )
    pay(place_order([(product_with_price("100.00"), 1, creator)]))
    earning = Earning.objects.get()
    assert (earning.channel, earning.agency, earning.contract_kind) == ("agency", agency, "service")


def test_overseas_creator_who_may_not_earn_gets_a_refused_record_not_an_earning():
    overseas = CreatorFactory(country="US")
    order = place_order([(product_with_price("100.00"), 1, overseas)])
    pay(order)
    assert not Earning.objects.exists()
    intake = EarningIntake.objects.get()
    assert intake.outcome == "refused"
    assert intake.source_ref == f"order-line:{order.lines.get().pk}"


def test_full_refund_before_payout_reverses_the_commission(creator):
    order = place_order([(product_with_price("100.00"), 1, creator)])
    pay(order)
    refund(order, order.total_incl_tax)
    earning = Earning.objects.get()
    assert earning.state == "reversed"
    assert list(earning.state_changes.values_list("from_state", "to_state")) == [
        ("pending", "reversed")
    ]
    refund(order, order.total_incl_tax)  # the same refund again changes nothing
    assert Earning.objects.count() == 1


def test_partial_line_refund_before_payout_writes_a_reversing_row(creator):
    order = place_order([(product_with_price("100.00"), 2, creator)])
    pay(order)
    line = order.lines.get()
    refund(order, Decimal("50.00"), lines={line.pk: Decimal("50.00")})
    original = Earning.objects.get(reverses__isnull=True)
    reversal = Earning.objects.get(reverses=original)
    assert original.amount == Decimal("10.00") and original.state == "pending"
    assert reversal.amount == Decimal("-2.50") and reversal.state == "pending"
    assert reversal.available_at == original.available_at
    refund(order, Decimal("50.00"), lines={line.pk: Decimal("50.00")})  # replayed signal
    assert Earning.objects.count() == 2
    # a later refund of the rest: the remaining 7.50 is reversed too, never more
    refund(order, Decimal("200.00"), lines={line.pk: Decimal("200.00")}, reference="re_2")
    assert sum(e.amount for e in Earning.objects.all()) == Decimal("0.00")


def test_refund_after_payout_books_a_negative_earning(creator):
    order = place_order([(product_with_price("100.00"), 1, creator)])
    pay(order)
    earning = Earning.objects.get()
    earnings_release_due(now=earning.available_at)
    earning_state_set(earning=Earning.objects.get(), to_state="in_run")
    earning_state_set(earning=Earning.objects.get(), to_state="paid")
    refund(order, order.total_incl_tax)
    original = Earning.objects.get(reverses__isnull=True)
    negative = Earning.objects.get(reverses=original)
    assert original.state == "paid"
    assert (negative.amount, negative.state) == (Decimal("-5.00"), "available")
    assert negative.source_ref == f"{original.source_ref}:refund:re_1"


def test_order_level_refund_reverses_proportionally(creator):
    a = product_with_price("100.00", commission_rate=Decimal("0.10"))
    b = product_with_price("300.00", commission_rate=Decimal("0.10"))
    order = place_order([(a, 1, creator), (b, 1, creator)])
    pay(order)
    refund(order, order.total_incl_tax / 2)  # half the order, no per-line split
    reversals = sorted(e.amount for e in Earning.objects.filter(reverses__isnull=False))
    assert reversals == [Decimal("-15.00"), Decimal("-5.00")]


def test_beat_task_makes_due_commission_available_once(creator):
    order = place_order([(product_with_price("100.00"), 1, creator)])
    pay(order)
    earning = Earning.objects.get()
    assert earnings_release_due(now=earning.available_at - timedelta(seconds=1)) == 0
    Earning.objects.filter(pk=earning.pk).update(available_at=timezone.now())
    assert commission_release_due.apply().get() == 1
    assert commission_release_due.apply().get() == 0
    assert Earning.objects.get().state == "available"
    change = EarningStateChange.objects.get()
    assert (change.from_state, change.to_state) == ("pending", "available")


def test_beat_schedule_names_the_task(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["payouts-commission-release"]
    assert entry["task"] == commission_release_due.name
    assert commission_release_due.acks_late


# --- Ledger: commission is accrued when released, reversals follow ---------------------------


def _earned(creator):
    from django.db.models import Sum

    from payouts.models import Posting

    total = Posting.objects.filter(account="creator_earned", creator=creator).aggregate(
        t=Sum("amount")
    )["t"]
    return total or Decimal("0")


def test_commission_is_accrued_when_released_not_while_pending(creator):
    from django.core.management import call_command

    from payouts.models import Entry

    pay(place_order([(product_with_price("100.00"), 1, creator)]))
    earning = Earning.objects.get()
    assert not Entry.objects.exists()  # pending in its return window: nothing owed yet
    earnings_release_due(now=earning.available_at)
    entry = Entry.objects.get()
    assert (entry.reference, entry.kind) == (f"earning:{earning.pk}:accrued", "earning_accrued")
    assert _earned(creator) == Decimal("-5.00")
    assert earnings_release_due(now=earning.available_at) == 0
    assert Entry.objects.count() == 1
    call_command("ledger_check")


def test_full_refund_of_released_commission_undoes_its_accrual(creator):
    from django.core.management import call_command

    from payouts.models import Entry

    order = place_order([(product_with_price("100.00"), 1, creator)])
    pay(order)
    earnings_release_due(now=Earning.objects.get().available_at)
    refund(order, order.total_incl_tax)
    earning = Earning.objects.get()
    assert earning.state == "reversed"
    assert Entry.objects.filter(reference=f"earning:{earning.pk}:reversed").exists()
    assert _earned(creator) == 0
    call_command("ledger_check")


def test_a_partial_refund_while_pending_is_accrued_with_its_original_on_release(creator):
    from django.core.management import call_command

    from payouts.models import Entry

    order = place_order([(product_with_price("100.00"), 2, creator)])
    pay(order)
    line = order.lines.get()
    refund(order, Decimal("50.00"), lines={line.pk: Decimal("50.00")})
    assert not Entry.objects.exists()
    assert earnings_release_due(now=Earning.objects.first().available_at) == 2
    assert Entry.objects.filter(kind="earning_accrued").count() == 2
    assert _earned(creator) == Decimal("-7.50")  # 10.00 owed less 2.50 refunded
    call_command("ledger_check")


def test_refund_of_paid_commission_accrues_the_negative_earning_for_the_next_run(creator):
    from django.core.management import call_command

    from payouts.runs import payout_run_compute, period_bounds

    order = place_order([(product_with_price("100.00"), 1, creator)])
    pay(order)
    original = Earning.objects.get()
    earnings_release_due(now=original.available_at)
    day = timezone.localdate(original.occurred_at)
    period = f"{day.year:04d}-{day.month:02d}"
    _, end = period_bounds(period=period)
    run = payout_run_compute(period=period, personal=True, now=end)
    assert run.lines.get().gross == Decimal("5.00")
    assert _earned(creator) == 0  # the run cleared the accrual
    earning_state_set(earning=Earning.objects.get(), to_state="paid")
    refund(order, order.total_incl_tax)
    negative = Earning.objects.get(reverses=original)
    assert negative.state == "available"
    assert _earned(creator) == Decimal("5.00")  # the creator owes it back
    call_command("ledger_check")
