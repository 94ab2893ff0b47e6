"""``make demo`` for issue #17, the creator side: the UK creator emma-london (home region
eu) has her legal name, passport number and email only in the EU store, and Harbour
Talent's portal and the tax exports show them from there; the audit passes."""

import csv
import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from agencies.models import Creator
from commerce.celery import app
from commerce.demo.services import demo_data_load
from commerce.residency.models import HomeRegion, PersonalRecord
from payouts.demo import payouts_demo_load
from payouts.exports import tax_export_prepare
from payouts.models import PayoutRun

TODAY = date(2026, 11, 21)


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_the_demos_uk_creator_lives_in_the_eu_store_and_shows_in_portal_and_exports(
    stand_in, client
):
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        demo_data_load(products=10, notes=5, creators=22)
        payouts_demo_load(today=TODAY)
        call_command("residency_demo")
        call_command("residency_demo")  # idempotent
    finally:
        app.conf.task_always_eager = eager

    emma = Creator.objects.select_related("user").get(handle="emma-london")
    assert emma.personal_data_regional
    assert (emma.legal_name, emma.id_number, emma.id_number_masked) == (
        "E***·W*****",
        "",
        "****2745",
    )
    assert emma.user.email == ""
    home = HomeRegion.objects.get(user=emma.user)
    assert home.region == "eu"
    payload = PersonalRecord.objects.using("region_eu").get(token=home.token).payload
    assert payload["email"] == "emma-london@example.com"
    assert payload["creator"]["legal_name"] == "EMMA·WILSON"
    assert payload["creator"]["id_number"] == "533112745"
    call_command("residency_audit")

    # Harbour Talent's staff read her statement of the paid month, from the EU store.
    run = PayoutRun.objects.get(period="2026-09", agency__code="harbour-talent")
    client.force_login(get_user_model().objects.get(username="harbour-staff"))
    page = client.get(reverse("agency-portal-run", args=[run.pk])).content.decode()
    assert "EMMA·WILSON" in page
    statement = client.get(
        reverse("agency-portal-statement", args=[run.pk, emma.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "EMMA·WILSON" in statement and "*****2745" in statement
    body = b"".join(client.get(reverse("agency-portal-run-csv", args=[run.pk])).streaming_content)
    rows = {row[1]: row for row in csv.reader(io.StringIO(body.decode("utf-8-sig")))}
    assert rows["emma-london"][2:5] == ["EMMA·WILSON", "外国护照", "*****2745"]

    # The non-residents' export files her name and passport number from the EU store.
    export = tax_export_prepare(kind="cn-nonresident", period="2026-09")
    filed = {row[1]: row[3] for row in export.rows()}
    assert filed["EMMA·WILSON"] == "533112745"
    call_command("ledger_check")
