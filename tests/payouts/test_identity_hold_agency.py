"""Identity before money in agency runs (#14 item 7).

An agency withholds its creators' wages or labour-remuneration tax and files it with each
creator's legal name, ID type and ID number. A creator without them is held from the run:
no line, no postings, their earnings stay available and accrued; the run's record names
them and what is missing (the admin run page shows it); a later run, once the ID is on
file, pays them.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse

from agencies.models import Contract, Creator
from payouts.exports import tax_export_prepare
from payouts.models import Earning, Entry
from payouts.regimes import REGIMES
from payouts.runs import payout_run_compute, regime_for

from .factories import agency_make, at, balance, creator_make, earning_make, resident_id

pytestmark = pytest.mark.django_db


def totals(run) -> dict[str, D]:
    return run.lines.aggregate(
        gross=Sum("gross"), share=Sum("agency_share"), tax=Sum("tax"), net=Sum("net")
    )


def test_every_regime_of_an_agency_run_is_filed_with_the_creators_identity():
    for kind in Contract.Kind.values:
        for residency in Creator.Residency.values:
            regime = regime_for(contract_kind=kind, residency=residency, personal=False)
            assert REGIMES[regime].income_item, regime


def test_a_creator_without_an_id_is_held_from_the_agency_run_and_paid_once_it_is_on_file(
    admin_client,
):
    agency = agency_make(share="0.2")
    ada = creator_make(agency=agency, kind="service")
    bea = creator_make(agency=agency, kind="service", identity=False)
    Creator.objects.filter(pk=bea.pk).update(legal_name="Bea Lin")
    earning_make(ada, "5000.00", when=at(2026, 1))
    held = [
        earning_make(bea, "1200.00", when=at(2026, 1)),
        earning_make(bea, "800.00", when=at(2026, 1, 20)),
    ]

    january = payout_run_compute(period="2026-01", agency=agency)

    # Only Ada is paid: 5000 gross, 1000 agency share, labour remuneration on 4000:
    # (4000 - 800) x 20% = 640 tax, 3360 net.
    assert list(january.lines.values_list("creator_id", flat=True)) == [ada.pk]
    assert totals(january) == {
        "gross": D("5000.00"),
        "share": D("1000.00"),
        "tax": D("640.00"),
        "net": D("3360.00"),
    }
    assert balance("agency_payable", agency=agency) == D("-1000.00")
    # Bea's earnings stay available, not in the run, still accrued to her.
    assert set(Earning.objects.filter(creator=bea).values_list("state", "payout_run")) == {
        ("available", None)
    }
    assert balance("creator_earned", creator=bea) == D("-2000.00")
    assert not Entry.objects.filter(reference=f"payout-line:{january.pk}:{bea.pk}").exists()
    # The reason is recorded with the run's computing, naming her and what is missing.
    record = january.state_changes.get(to_state="computed").reason
    assert "Earnings taken (available → in_run): 1." in record
    held_text = f"Creators held, their earnings stay available (1): {bea.handle}: Held until"
    assert held_text in record
    assert "(missing: ID type, ID number)" in record
    assert ada.handle not in record
    page = admin_client.get(reverse("admin:payouts_payoutrun_change", args=[january.pk]))
    assert page.status_code == 200
    assert bea.handle in page.content.decode() and "missing: ID type, ID number" in (
        page.content.decode()
    )
    call_command("ledger_check")
    # The agency's tax file has Ada's line and names Bea as held, with what is missing.
    export = tax_export_prepare(kind="cn-labour", period="2026-01", agency_code=agency.code)
    assert [row[0] for row in export.rows()] == [ada.handle]
    assert export.held() == [
        {"handle": bea.handle, "period": "2026-01", "missing": ["ID type", "ID number"]}
    ]
    assert bea.handle in export.held_summary()

    # Her ID arrives; February's run pays her January earnings (2000 gross, 400 share,
    # (1600 - 800) x 20% = 160 tax, 1440 net) and nothing is held.
    bea = Creator.objects.get(pk=bea.pk)
    bea.id_document_type = "居民身份证"
    bea.id_number = resident_id(bea.pk)
    bea.save(update_fields=["id_document_type", "id_number"])
    february = payout_run_compute(period="2026-02", agency=agency)
    line = february.lines.get()
    assert (line.creator_id, line.gross, line.agency_share, line.tax, line.net) == (
        bea.pk,
        D("2000.00"),
        D("400.00"),
        D("160.00"),
        D("1440.00"),
    )
    assert line.earnings_count == 2
    assert set(
        Earning.objects.filter(pk__in=[e.pk for e in held]).values_list("state", flat=True)
    ) == {"in_run"}
    assert "held" not in february.state_changes.get(to_state="computed").reason
    assert balance("creator_earned", creator=bea) == D("0.00")
    call_command("ledger_check")
    # Paid, she blocks neither month's file any more.
    for period in ("2026-01", "2026-02"):
        export = tax_export_prepare(kind="cn-labour", period=period, agency_code=agency.code)
        assert export.held() == [], period


def test_a_personal_run_keeps_the_line_and_holds_the_transfer_instead():
    cai = creator_make(identity=False)
    earning_make(cai, "100.00", when=at(2026, 1))
    run = payout_run_compute(period="2026-01", personal=True)
    assert run.lines.get().creator_id == cai.pk
    assert "held" not in run.state_changes.get(to_state="computed").reason


def test_a_creator_missing_everything_is_named_with_every_missing_item():
    agency = agency_make()
    dan = creator_make(agency=agency, kind="employment", identity=False)
    earning_make(dan, "300.00", when=at(2026, 1))
    run = payout_run_compute(period="2026-01", agency=agency)
    assert not run.lines.exists() and run.state == "computed"
    record = run.state_changes.get(to_state="computed").reason
    assert "Earnings taken (available → in_run): 0." in record
    assert f"{dan.handle}: Held until" in record
    assert "(missing: legal name, ID type, ID number)" in record
    assert Earning.objects.get(creator=dan).state == "available"
