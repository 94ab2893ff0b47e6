"""Issue #17 for creators: a US creator's legal name, ID number and payout account live in
the US store; runs, bank files, exports and the agency portal read them from there.

Issue #14 item 7 (identity before money) with regional values: a creator is held only when
the values are missing from the store that holds them.
"""

import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.encryption.stores import RegionalStoreUnavailable, regional_store
from agencies.models import Contract, Creator
from agencies.personal import creator_personal_get, creator_personal_set
from agencies.services import creator_identity_set
from commerce.residency import services as residency
from commerce.residency.models import HomeRegion, PersonalRecord, PrivacyRequest
from payouts.exports import tax_export_prepare
from payouts.identity import creators_identity_missing
from payouts.models import PayoutBatch, Transfer
from payouts.runs import payout_run_approve, payout_run_compute
from payouts.transfers import payout_batch_settle, payout_run_send
from tests.factories import CreatorFactory, UserFactory

from .factories import agency_make, at, balance, creator_make, earning_make

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal

LEGAL_NAME = "JORDAN·AVERY·SMITH"
PASSPORT = "P48213377"
IBAN = "GB33BUKB20201555555555"
HOLDER = "Jordan Avery Smith"
EMAIL = "jordan.smith@example.us"


def homed_user(*, username: str, country: str, email: str) -> object:
    """A user signed up from ``country``: names and email only in the regional store."""
    user = UserFactory(username=username, email="", first_name="", last_name="")
    residency.personal_data_put(
        user=user,
        data={"first_name": "Jordan", "last_name": "Smith", "email": email},
        country=country,
    )
    return user


def us_creator(*, agency=None, kind="employment", n=1, handle="", account=True) -> Creator:
    """A US-homed creator, non-resident of China, with a passport (and an IBAN)."""
    user = homed_user(username=f"us-creator-{n}", country="US", email=f"c{n}.{EMAIL}")
    creator = CreatorFactory(
        user=user,
        handle=handle or f"us-creator-{n}",
        display_name=f"Stream Star {n}",
        country="US",
        tax_residency="non_resident",
        residency_basis="days_under_183",
        residency_days=20,
        residency_year=2026,
    )
    values = {"legal_name": f"{LEGAL_NAME}{'' if n == 1 else f'·{n}'}"}
    if account:
        values |= {
            "payout_bank_name": "Barclays London",
            "payout_account_name": HOLDER,
            "payout_account_number": IBAN,
        }
    creator_personal_set(creator=creator, values=values)
    Creator.objects.filter(pk=creator.pk).update(payout_bank_code="BUKBGB22")
    creator = creator_identity_set(
        creator=creator, document_type="外国护照", number=f"P4821{3377 + n - 1:04d}"
    )
    if agency is not None:
        Contract.objects.create(
            creator=creator, agency=agency, kind=kind, valid_from=at(2025, 1, 1).date()
        )
    creator.payout_agency, creator.payout_kind = agency, kind if agency else ""
    return creator


def us_payload(creator) -> dict:
    home = HomeRegion.objects.get(user=creator.user)
    return PersonalRecord.objects.using("region_us").get(token=home.token).payload


@pytest.fixture
def bank_dir(settings, tmp_path):
    settings.PAYOUT_BANK_FILE_DIR = str(tmp_path / "bank")
    return tmp_path / "bank"


@pytest.fixture
def eager(django_capture_on_commit_callbacks):
    """Sending queues one task per transfer after commit: run them, in-process."""
    from commerce.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True

    def send(run):
        with django_capture_on_commit_callbacks(execute=True):
            return payout_run_send(run=payout_run_approve(run=run, user=None))

    yield send
    app.conf.task_always_eager = before


def test_a_us_creators_values_live_in_the_us_store_and_the_row_keeps_masks():
    creator = us_creator()
    creator.refresh_from_db()
    assert creator.personal_data_regional
    assert creator.legal_name == "J*****·A****·S****"
    assert (creator.id_number, creator.id_number_last4) == ("", "3377")
    assert (creator.payout_account_number, creator.payout_account_last4) == ("", "5555")
    assert creator.payout_account_name == "J***** A**** S****"
    assert creator.payout_bank_name == ""
    assert creator.id_number_masked == "****3377" and creator.has_id_number
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, payout_account_number FROM agencies_creator WHERE id = %s",
            [creator.pk],
        )
        assert cursor.fetchone() == ("", "")
    stored = us_payload(creator)["creator"]
    assert stored == {
        "legal_name": LEGAL_NAME,
        "id_number": PASSPORT,
        "payout_bank_name": "Barclays London",
        "payout_account_name": HOLDER,
        "payout_account_number": IBAN,
    }
    # The US record is ciphertext at rest.
    with connections["region_us"].cursor() as cursor:
        cursor.execute("SELECT payload FROM residency_personalrecord")
        assert all(PASSPORT not in row[0] for row in cursor.fetchall())
    personal = creator_personal_get(creator=creator)
    assert (personal.legal_name, personal.id_number, personal.regional) == (
        LEGAL_NAME,
        PASSPORT,
        True,
    )
    call_command("residency_audit")  # exits 0


def test_a_us_creator_is_paid_through_an_agency_run_and_exported_from_the_us_store(
    bank_dir, eager, tmp_path
):
    agency = agency_make(code="harbour", share="0.2")
    creator = us_creator(agency=agency)
    earning_make(creator, "9000.00", when=at(2026, 1, 10))
    run = payout_run_compute(period="2026-01", agency=agency)
    assert creators_identity_missing(creator_ids=[creator.pk]) == {}
    run = eager(run)
    transfer = Transfer.objects.get(run=run)
    assert (transfer.agency_id, transfer.state) == (agency.pk, "submitted")
    payout_batch_settle(batch=PayoutBatch.objects.get(run=run))
    transfer.refresh_from_db()
    assert transfer.state == "paid"

    # Non-residents' wages: (7,200 - 5,000) x 3% = 66 (income 9,000 less the 20% share).
    export = tax_export_prepare(kind="cn-nonresident", period="2026-01")
    [row] = list(export.rows())
    assert row[1:4] == (LEGAL_NAME, "外国护照", PASSPORT)
    assert row[7] == D("7200.00") and row[-2] == D("66.00")
    platform = tax_export_prepare(kind="platform-income", period="2026-Q1")
    [row] = list(platform.rows())
    assert row[:4] == (LEGAL_NAME, "外国护照", PASSPORT, "US")
    assert row[-1] == D("9000.00")
    out = tmp_path / "nonresident.csv"
    call_command("tax_export", "--period=2026-01", "--kind=cn-nonresident", "-o", str(out))
    assert PASSPORT in out.read_text("utf-8-sig")

    # The US store holds every value; the global database none (the audit passes).
    assert us_payload(creator)["creator"]["id_number"] == PASSPORT
    assert us_payload(creator)["email"] == "c1." + EMAIL
    call_command("residency_audit")
    call_command("ledger_check")


def test_a_us_creator_is_paid_to_their_iban_read_from_the_us_store(bank_dir, eager):
    creator = us_creator()
    creator.payout_agency, creator.payout_kind = None, ""
    earning_make(creator, "3000.00", when=at(2026, 1, 10))
    run = eager(payout_run_compute(period="2026-01", personal=True))
    transfer = Transfer.objects.get(run=run, creator=creator)
    assert transfer.state == "submitted"
    # The global database keeps the account masked; the bank file carries it in full.
    assert transfer.destination == "******************5555"
    batch = PayoutBatch.objects.get(run=run)
    xml = open(batch.xml_path, encoding="utf-8").read()
    assert f"<IBAN>{IBAN}</IBAN>" in xml and f"<Nm>{HOLDER}</Nm>" in xml
    assert "<BIC>BUKBGB22</BIC>" in xml
    with open(batch.csv_path, encoding="utf-8-sig") as handle:
        [line] = list(csv.DictReader(handle))
    assert (line["payee"], line["account"], line["amount"]) == (HOLDER, IBAN, str(transfer.amount))
    payout_batch_settle(batch=batch)
    export = tax_export_prepare(kind="cn-nonresident", period="2026-01")
    [row] = list(export.rows())
    assert row[1:4] == (LEGAL_NAME, "外国护照", PASSPORT)
    call_command("residency_audit")
    call_command("ledger_check")


def test_identity_missing_in_the_store_holds_a_personal_payee_and_is_listed(bank_dir, eager):
    complete = us_creator(n=1)
    nameless = us_creator(n=2)
    creator_personal_set(creator=nameless, values={"legal_name": ""})
    local = creator_make(identity=False)
    Creator.objects.filter(pk=local.pk).update(payout_account_number="6222000011112222")
    for creator in (complete, nameless, local):
        creator.payout_agency, creator.payout_kind = None, ""
        earning_make(creator, "1000.00", when=at(2026, 1, 10))
    missing = creators_identity_missing(creator_ids=[complete.pk, nameless.pk, local.pk])
    assert missing == {
        nameless.pk: ["legal name"],
        local.pk: ["legal name", "ID type", "ID number"],
    }
    # A long list (sent to PostgreSQL as one array) and a queryset give the same answer.
    many = [*range(10**6, 10**6 + 1500), complete.pk, nameless.pk, local.pk]
    assert creators_identity_missing(creator_ids=many) == missing
    assert creators_identity_missing(creator_ids=Creator.objects.values_list("pk")) == missing
    run = eager(payout_run_compute(period="2026-01", personal=True))
    states = {t.creator_id: (t.state, t.hold) for t in Transfer.objects.filter(run=run)}
    assert states == {
        complete.pk: ("submitted", ""),
        nameless.pk: ("held", "identity"),
        local.pk: ("held", "identity"),
    }
    export = tax_export_prepare(kind="cn-nonresident", period="2026-01")
    assert [r[1] for r in export.rows()] == [LEGAL_NAME]
    assert {h["handle"]: h["missing"] for h in export.held()} == {
        nameless.handle: ["legal name"],
        local.handle: ["legal name", "ID type", "ID number"],
    }


def _portal_world(*, count: int):
    """An agency run with ``count`` creators: US-homed, EU-homed and global, in turn."""
    agency = agency_make(code=f"portal{count}", share="0.2")
    creators = []
    for n in range(count):
        if n % 3 == 0:
            creator = us_creator(agency=agency, n=100 * count + n)
        elif n % 3 == 1:
            user = homed_user(username=f"eu-{count}-{n}", country="DE", email=f"e{n}@x.de")
            creator = CreatorFactory(user=user, country="DE", tax_residency="non_resident")
            creator_personal_set(creator=creator, values={"legal_name": f"HANNA·MÜLLER·{n}"})
            creator_identity_set(creator=creator, document_type="外国护照", number=f"C0{n:07d}")
            Contract.objects.create(
                creator=creator, agency=agency, kind="employment", valid_from=at(2025, 1).date()
            )
            creator.payout_agency, creator.payout_kind = agency, "employment"
        else:
            creator = creator_make(agency=agency, kind="employment")
        earning_make(creator, "6000.00", when=at(2026, 1, 10))
        creators.append(creator)
    run = payout_run_compute(period="2026-01", agency=agency)
    staff = UserFactory(username=f"staff-{count}")
    agency.staff.add(staff)
    return run, creators, staff


def _queries(client, url) -> int:
    with (
        CaptureQueriesContext(connection) as default,
        CaptureQueriesContext(connections["region_us"]) as us,
        CaptureQueriesContext(connections["region_eu"]) as eu,
    ):
        assert client.get(url).status_code == 200
    return len(default) + len(us) + len(eu), len(us), len(eu)


def test_portal_pages_read_every_creator_with_one_look_up_per_store(
    client, django_assert_num_queries
):
    counts = {}
    for count in (3, 9):
        run, creators, staff = _portal_world(count=count)
        client.force_login(staff)
        page = client.get(f"/agency/runs/{run.pk}/").content.decode()
        assert f"{LEGAL_NAME}·{100 * count}" in page and "HANNA·MÜLLER·1" in page
        csv_body = b"".join(client.get(f"/agency/runs/{run.pk}/payout.csv").streaming_content)
        rows = list(csv.reader(io.StringIO(csv_body.decode("utf-8-sig"))))
        names = {row[1]: (row[2], row[4]) for row in rows[1:]}
        assert names[creators[0].handle] == (
            f"{LEGAL_NAME}·{100 * count}",
            "*****" + f"{3377 + 100 * count - 1:04d}"[-4:],
        )
        counts[count] = (
            _queries(client, f"/agency/runs/{run.pk}/"),
            _queries(client, f"/agency/runs/{run.pk}/statements/{creators[0].pk}/"),
        )
    # The same queries for 3 creators as for 9: one look-up per store, not per row; the
    # run page reads the US and the EU store once each, a US statement the US store once.
    assert counts[3] == counts[9]
    # (all databases, US store, EU store): the run page 12 queries on the global database
    # (session, user, agencies, run, lines, home regions...) and one per regional store.
    assert counts[9] == ((14, 1, 1), (12, 1, 0))
    run, creators, staff = _portal_world(count=4)
    client.force_login(staff)
    client.get(f"/agency/runs/{run.pk}/")  # the session's first request loads more
    with django_assert_num_queries(12):  # the global database's share
        client.get(f"/agency/runs/{run.pk}/")


def test_erasing_a_us_creator_with_an_unpaid_balance_is_refused(client):
    agency = agency_make(code="erase-refused")
    creator = us_creator(agency=agency)
    earning_make(creator, "120.50", when=at(2026, 1, 10))
    client.force_login(creator.user)
    response = client.post(reverse("residency:privacy-erase"), {"confirm": "1"})
    assert response.status_code == 200
    outcome = PrivacyRequest.objects.get(user=creator.user, kind="erasure")
    assert outcome.outcome == "refused" and "unpaid balance (120.50 CNY)" in outcome.detail
    assert us_payload(creator)["creator"]["payout_account_number"] == IBAN


def test_after_erasing_a_paid_us_creator_the_ledger_balances_and_exports_still_total(
    bank_dir, eager, client
):
    creator = us_creator()
    creator.payout_agency, creator.payout_kind = None, ""
    earning_make(creator, "3000.00", when=at(2026, 1, 10))
    run = eager(payout_run_compute(period="2026-01", personal=True))
    payout_batch_settle(batch=PayoutBatch.objects.get(run=run))
    before = list(tax_export_prepare(kind="cn-nonresident", period="2026-01").rows())
    platform_before = list(tax_export_prepare(kind="platform-income", period="2026-Q1").rows())
    paid = balance("bank", currency="CNY")

    client.force_login(creator.user)
    response = client.post(reverse("residency:privacy-erase"), {"confirm": "1"})
    assert response.status_code == 200
    outcome = PrivacyRequest.objects.get(user=creator.user, kind="erasure")
    assert outcome.outcome == "done", outcome.detail
    # The US store keeps the legal name and ID for the withholding filings; the payout
    # account and everything else are gone.
    assert us_payload(creator) == {"creator": {"legal_name": LEGAL_NAME, "id_number": PASSPORT}}
    creator.refresh_from_db()
    assert (creator.payout_account_name, creator.payout_account_last4) == ("", "")
    assert creator_personal_get(creator=creator).payout_account_number == ""

    call_command("ledger_check")
    assert balance("bank", currency="CNY") == paid
    assert list(tax_export_prepare(kind="cn-nonresident", period="2026-01").rows()) == before
    assert (
        list(tax_export_prepare(kind="platform-income", period="2026-Q1").rows()) == platform_before
    )
    call_command("residency_audit")


def test_a_data_export_lists_the_creators_values_masked_from_the_us_store(client):
    creator = us_creator()
    client.force_login(creator.user)
    response = client.get(reverse("residency:privacy-export"))
    body = response.content.decode()
    assert PASSPORT not in body and IBAN not in body
    data = response.json()
    assert data["creator"]["legal_name"] == LEGAL_NAME
    assert data["creator"]["stored_in"] == "us"
    assert data["creator"]["id_number_masked"].endswith("3377")
    assert data["creator"]["payout_account_number_masked"].endswith("5555")
    assert data["regional_store"]["us"]["data"]["creator"]["legal_name"] == LEGAL_NAME


def test_a_regional_store_that_is_down_is_a_clear_503_and_global_pages_keep_working(
    client, monkeypatch, tmp_path
):
    run, creators, staff = _portal_world(count=3)  # US, EU, then a global creator
    masked = Creator.objects.get(pk=creators[0].pk).legal_name

    def down(**kwargs):
        # What the real store functions raise when the US server does not answer: the
        # driver's error, turned into the one store-down error by ``regional_store``.
        with regional_store(alias="region_us"):
            raise OperationalError("connection to server failed")

    monkeypatch.setattr("commerce.residency.selectors.creator_values_get_many", down)
    monkeypatch.setattr("commerce.residency.services.creator_values_put", down)
    client.force_login(staff)
    response = client.get(f"/agency/runs/{run.pk}/")
    assert response.status_code == 503
    assert "A regional personal-data store is unavailable" in response.content.decode()
    statement = f"/agency/runs/{run.pk}/statements/{creators[0].pk}/"
    assert client.get(statement).status_code == 503
    assert client.get(f"/agency/runs/{run.pk}/payout.csv").status_code == 503
    # A global creator's statement needs no regional store.
    assert client.get(f"/agency/runs/{run.pk}/statements/{creators[2].pk}/").status_code == 200
    # A write needing the store writes nothing.
    with pytest.raises(RegionalStoreUnavailable):
        creator_personal_set(creator=creators[0], values={"legal_name": "NEW·NAME"})
    assert Creator.objects.get(pk=creators[0].pk).legal_name == masked
    out = tmp_path / "down.csv"
    with pytest.raises(CommandError, match="regional personal-data store is unavailable"):
        call_command("tax_export", "--period=2026-01", "--kind=cn-nonresident", "-o", str(out))
    assert list(tmp_path.iterdir()) == []

    finance = UserFactory(username="finance-down", is_staff=True, is_superuser=True)
    client.force_login(finance)
    response = client.post(
        "/finance/tax-exports/",
        {"kind": "cn-nonresident", "period": "2026-01", "format": "csv"},
    )
    assert response.status_code == 503
    assert "A regional personal-data store is unavailable" in response.content.decode()


def test_a_verified_us_creator_earns_through_the_signed_api_and_is_paid_via_the_agency(
    client, bank_dir, eager
):
    from agencies.live import State, live_permission_change
    from agencies.services import creator_verification_set
    from payouts.models import Earning

    from .conftest import event, post_signed

    agency = agency_make(code="harbour-api", share="0.2")
    creator = us_creator(agency=agency, handle="star-api")
    creator_verification_set(creator=creator, state="pending")
    creator_verification_set(creator=creator, state="verified")  # the ID is in the US store
    live_permission_change(creator=creator, to_state=State.GRANTED)
    response = post_signed(client, event(1, creator="star-api", amount="500.00"))
    assert response.status_code in (200, 201), response.content
    earning = Earning.objects.get(creator=creator)
    assert (earning.state, earning.agency_id) == ("available", agency.pk)
    local = timezone.localtime(earning.occurred_at)
    period = f"{local.year}-{local.month:02d}"
    after = timezone.make_aware(datetime(local.year + local.month // 12, local.month % 12 + 1, 2))
    run = eager(payout_run_compute(period=period, agency=agency, now=after))
    [line] = run.lines.all()
    assert (line.creator_id, line.gross, line.income) == (creator.pk, D("500.00"), D("400.00"))
    export = tax_export_prepare(kind="cn-nonresident", period=period)
    [row] = list(export.rows())
    assert row[1:4] == (LEGAL_NAME, "外国护照", PASSPORT)
    call_command("residency_audit")
