"""End to end on PostgreSQL with a real Celery worker process (issue 6, "Tests and targets").

Three consecutive months of rewards come in through the signed API for four creators: a
resident under an agency employment contract (wages), a resident under an agency service
contract (labour), a non-resident under an employment contract, and a creator paid to a
personal account. Each month the worker computes every scope, finance approves and sends
in the admin, the Stripe agency is paid through the stand-in, the bank files are settled;
the lines' tax matches the tax engine called directly on the month's cumulative payments,
the agency portal shows the figures, and the tax exports carry the creators.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from agencies.models import Agency, Contract
from payouts.models import PayoutBatch, PayoutLine, PayoutRun, Transfer
from payouts.tasks import payout_runs_monthly
from tax.money import quantize_money
from tax.withholding import Payment, withhold
from tests.factories import CreatorFactory, UserFactory

from .conftest import post_signed
from .factories import balance
from .workers import celery_workers

pytestmark = [
    pytest.mark.usefixtures("postgresql"),  # worker processes need a server
    pytest.mark.django_db(transaction=True),
]

D = Decimal
YEAR = 2026
MONTHS = ("2026-04", "2026-05", "2026-06")  # one quarter, for the platform income report
CUMULATIVE = {"cn-resident-wages", "cn-platform-labour"}
# Tips (CNY) per creator and month, chosen to cross brackets as the year goes on; each
# creator also gets a gift in the second month (the creator keeps half of it).
TIPS = {
    "wendy": ("20000.00", "30000.00", "45000.00"),
    "larry": ("5000.00", "3000.00", "800.00"),
    "nora": ("15000.00", "8000.00", "60000.00"),
    "pat": ("10000.00", "20000.00", "40000.00"),
}
GIFT = D("600.00")


def resident_id(n: int) -> str:
    """A resident ID card number with a valid GB 11643 check character."""
    body = f"11010519900101{n:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


@pytest.fixture
def world(db, settings):
    # Events of April on are still open: months back from today to April.
    today = timezone.localdate()
    settings.REWARDS_OPEN_MONTHS_BACK = (today.year - YEAR) * 12 + today.month - 4
    harbour = Agency.objects.create(
        code="harbour",
        legal_name="Harbour Talent Ltd",
        country="HK",
        registration_number="12345678",
        share=D("0.2"),
        payout_rail=Agency.Rail.STRIPE_CONNECT,
        stripe_account_id="acct_harbour",
    )
    river = Agency.objects.create(
        code="river",
        legal_name="River Media Co",
        country="CN",
        registration_number="91350211M000100Y43",
        share=D("0.3"),
        payout_rail=Agency.Rail.BANK_FILE,
        bank_account_number="6222020200001234567",
        bank_account_name="River Media Co",
        bank_code="ICBKCNBJ",
    )
    people = {
        "wendy": dict(country="CN", legal_name="王文迪", id_number=resident_id(1)),
        "larry": dict(country="CN", legal_name="李拉里", id_number=resident_id(2)),
        "nora": dict(
            country="GB",
            legal_name="NORA SMITH",
            tax_residency="non_resident",
            verification_state="verified",
            id_document_type="外国护照",
            id_number="123456789",
        ),
        "pat": dict(
            country="CN",
            legal_name="潘帕特",
            id_number=resident_id(3),
            payout_account_name="潘帕特",
            payout_account_number="6222020200009876543",
            payout_bank_code="ICBKCNBJ",
        ),
    }
    creators = {}
    for handle, fields in people.items():
        fields.setdefault("id_document_type", "居民身份证")
        creators[handle] = CreatorFactory(handle=handle, display_name=handle.title(), **fields)
    for handle, agency, kind in (
        ("wendy", harbour, "employment"),
        ("nora", harbour, "employment"),
        ("larry", river, "service"),
    ):
        Contract.objects.create(
            creator=creators[handle], agency=agency, kind=kind, valid_from=date(2025, 1, 1)
        )
    # Issue #15: an overseas creator's stream rewards need live permission granted.
    from agencies.live import State, live_permission_change

    for creator in creators.values():
        if creator.is_overseas:
            live_permission_change(creator=creator, to_state=State.GRANTED)
    ann, rob = UserFactory(username="ann"), UserFactory(username="rob")
    harbour.staff.add(ann)
    river.staff.add(rob)
    return {"harbour": harbour, "river": river, "ann": ann, "rob": rob, **creators}


def events_of(month_index: int, period: str) -> list[dict]:
    when = timezone.make_aware(datetime(YEAR, int(period[5:]), 10, 12)).isoformat()
    events = []
    for handle, tips in TIPS.items():
        events.append(
            {
                "event_id": f"{period}-{handle}-tip",
                "creator": handle,
                "kind": "tip",
                "amount": tips[month_index],
                "currency": "CNY",
                "occurred_at": when,
                "stream_id": f"stream-{handle}",
            }
        )
        if month_index == 1:
            events.append(
                {
                    "event_id": f"{period}-{handle}-gift",
                    "creator": handle,
                    "kind": "gift",
                    "amount": str(GIFT),
                    "currency": "CNY",
                    "occurred_at": when,
                }
            )
    return events


def earned(handle: str, month_index: int) -> Decimal:
    """What the creator earned in the month, as the test computes it from the events."""
    amount = D(TIPS[handle][month_index])
    if month_index == 1:
        amount += quantize_money(GIFT * D("0.5"), "CNY", ROUND_HALF_UP)
    return amount


def money_in(html: str, element_id: str) -> Decimal:
    match = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert match, f"no #{element_id} in the page"
    return D(re.sub(r"[^\d.\-]", "", match.group(1)))


def run_states(period: str) -> set[str]:
    return set(PayoutRun.objects.filter(period=period).values_list("state", flat=True))


def test_three_months_of_rewards_are_paid_with_the_engines_tax_and_reported(
    world, stand_in, admin_client, client, tmp_path
):
    incomes: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    with celery_workers(directory=tmp_path) as pool:
        pool.start()
        for index, period in enumerate(MONTHS):
            # Rewards in, through the signed API (one batch for the month).
            response = post_signed(client, {"events": events_of(index, period)})
            assert response.status_code == 200, response.content
            assert response.json()["counts"] == {"201": 4 + (4 if index == 1 else 0)}

            # Computed by the worker: every scope of the month.
            payout_runs_monthly.delay(period)
            pool.wait_for(
                lambda p=period: PayoutRun.objects.filter(period=p, state="computed").count() == 3,
                what=f"the {period} runs computed",
            )
            runs = {
                (r.agency.code if r.agency_id else "personal"): r
                for r in PayoutRun.objects.filter(period=period).select_related("agency")
            }
            ids = [r.pk for r in runs.values()]

            # Finance approves and sends in the admin; the worker submits the transfers.
            for action in ("approve", "payout_runs_send"):
                response = admin_client.post(
                    "/admin/payouts/payoutrun/",
                    {"action": action, "_selected_action": ids},
                    follow=True,
                )
                assert response.status_code == 200
            pool.wait_for(
                lambda p=period: (
                    not Transfer.objects.filter(run__period=p, state="pending").exists()
                ),
                what=f"the {period} transfers submitted",
            )
            batches = PayoutBatch.objects.filter(run__period=period)
            assert {b.run.agency.code if b.run.agency_id else "personal" for b in batches} == {
                "river",
                "personal",
            }
            response = admin_client.post(
                "/admin/payouts/payoutbatch/",
                {"action": "settle", "_selected_action": [b.pk for b in batches]},
                follow=True,
            )
            assert response.status_code == 200
            assert run_states(period) == {"completed"}
            assert set(
                Transfer.objects.filter(run__period=period).values_list("state", flat=True)
            ) == {"paid"}

            # Each line: the figures the test expects, tax as the engine computes it.
            for handle in TIPS:
                creator = world[handle]
                scope = {"wendy": "harbour", "nora": "harbour", "larry": "river"}.get(
                    handle, "personal"
                )
                line = runs[scope].lines.get(creator=creator)
                gross = earned(handle, index)
                share_rate = world[scope].share if scope != "personal" else D(0)
                share = quantize_money(gross * share_rate, "CNY", ROUND_HALF_UP)
                incomes[handle].append((period, gross - share))
                payments = [Payment(period=p, gross=income) for p, income in incomes[handle]]
                expected = withhold(line.regime, payments)[-1]
                assert (line.gross, line.agency_share, line.income) == (
                    gross,
                    share,
                    gross - share,
                ), handle
                assert line.tax == expected.tax, (handle, period)
                assert line.net == gross - share - expected.tax
                if line.regime in CUMULATIVE:  # the earlier months carried over
                    total = sum(income for _p, income in incomes[handle])
                    assert D(line.working["cumulative_income"]) == total, handle
                else:  # per payment: this month alone
                    assert line.tax == withhold(line.regime, payments[-1:])[0].tax, handle

            # The agency portal: statements and the run's CSV, as the agency's staff.
            for staff, scope, handles in (
                ("ann", "harbour", ("wendy", "nora")),
                ("rob", "river", ("larry",)),
            ):
                client.force_login(world[staff])
                run = runs[scope]
                for handle in handles:
                    line = run.lines.get(creator=world[handle])
                    url = f"/agency/runs/{run.pk}/statements/{line.creator_id}/"
                    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
                    assert page.status_code == 200
                    assert money_in(page.content.decode(), "tax") == line.tax
                data = client.get(f"/agency/runs/{run.pk}/payout.csv", HTTP_ACCEPT_LANGUAGE="en")
                assert data.status_code == 200
                text = b"".join(data.streaming_content).decode("utf-8-sig")
                rows = {r["Creator"]: r for r in csv.DictReader(io.StringIO(text))}
                assert set(rows) == set(handles)
                for handle in handles:
                    line = run.lines.get(creator=world[handle])
                    assert D(rows[handle]["Tax withheld"]) == line.tax
                    assert D(rows[handle]["Net"]) == line.net
                    assert D(rows[handle]["Gross"]) == line.gross
                other = runs["river" if scope == "harbour" else "harbour"]
                assert client.get(f"/agency/runs/{other.pk}/").status_code == 404
            client.logout()

    # Stripe: one transfer a month to the connected agency, of its share plus its net.
    assert PayoutLine.objects.count() == 4 * 3
    harbour_transfers = Transfer.objects.filter(agency=world["harbour"])
    assert stand_in.created_per_destination == {"acct_harbour": 3}
    assert sorted(b["amount"] for b in stand_in.transfers.values()) == sorted(
        int(t.amount * 100) for t in harbour_transfers
    )

    # Tax exports of the last month and the quarter.
    def export(kind: str, period: str) -> list[dict]:
        path = tmp_path / f"{kind}-{period}.csv"
        call_command("tax_export", "--period", period, "--kind", kind, "-o", str(path))
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))

    june = {
        line.creator.handle: line
        for line in PayoutLine.objects.filter(period="2026-06").select_related("creator")
    }
    wages = export("cn-wages", "2026-06")
    assert [(r["*证件号码"], D(r["本期收入"])) for r in wages] == [
        (world["wendy"].id_number, june["wendy"].income)
    ]
    labour = {r["*证件号码"]: r for r in export("cn-labour", "2026-06")}
    assert set(labour) == {world["larry"].id_number, world["pat"].id_number}
    assert D(labour[world["larry"].id_number]["本期收入"]) == june["larry"].income
    assert labour[world["larry"].id_number]["*所得项目"] == "一般劳务报酬所得"
    assert D(labour[world["pat"].id_number]["本期收入"]) == june["pat"].income
    assert labour[world["pat"].id_number]["*所得项目"] == "其他连续劳务报酬"
    [foreign] = export("cn-nonresident", "2026-06")
    assert foreign["身份证件号码"] == world["nora"].id_number
    assert foreign["是否为非居民个人"] == "是"
    assert (D(foreign["收入"]), D(foreign["应补退税额"])) == (june["nora"].income, june["nora"].tax)
    quarter = export("platform-income", "2026-Q2")
    by_id = defaultdict(list)
    for row in quarter:
        by_id[row["证件号码"]].append(row)
    for handle in TIPS:
        creator = world[handle]
        [row] = by_id[creator.id_number]
        total = sum(earned(handle, i) for i in range(3))
        assert D(row["收入净额合计"]) == total, handle

    # The books: agencies and creators paid in full, the tax withheld owed to the office.
    for agency in ("harbour", "river"):
        assert balance("agency_payable", agency=world[agency]) == 0
    assert balance("creator_payable") == 0
    assert balance("cash_in_transit") == 0
    assert balance("tax_payable") == -PayoutLine.objects.aggregate(t=Sum("tax"))["t"]
    call_command("ledger_check")
