"""Rails and exports as registries; regimes keyed by the engine's codes; identity first."""

from __future__ import annotations

import inspect
from decimal import Decimal

import pytest
from django.core.management import call_command

from agencies.models import Agency, Creator
from payouts import rails
from payouts.exporters import EXPORTERS, PORTAL_EXPORTERS, exporter_get, exporters_all
from payouts.exports import EXPORT_KINDS, tax_export_prepare
from payouts.models import Transfer
from payouts.regimes import REGIMES
from payouts.runs import payout_run_approve, payout_run_compute
from payouts.transfers import payout_run_send, transfer_resend
from tax.exports import INCOME_ITEM_LABOUR_CONTINUOUS
from tax.withholding import REGIMES as ENGINE_REGIMES

from .factories import at, creator_make, earning_make


def test_every_regime_of_the_engine_has_a_label_and_an_income_item_entry():
    assert set(REGIMES) == set(ENGINE_REGIMES)
    for code, info in REGIMES.items():
        assert str(info.label) and str(info.label) != code
    filed = {r for e in exporters_all() for r in e.regimes}
    for code in filed:
        assert REGIMES[code].income_item, code
    # Every CN regime is filed by exactly one exporter.
    cn = {code for code in ENGINE_REGIMES if code.startswith("cn-")}
    assert filed == cn
    assert sum(len(e.regimes) for e in exporters_all()) == len(cn)


def test_every_rail_has_the_interface_and_every_agency_rail_is_registered():
    assert set(rails.RAILS) == set(Agency.Rail.values)
    for module in rails.rails_all():
        assert module.CODE in rails.RAILS and str(module.LABEL)
        for name in ("route_agency", "route_creator", "submit"):
            assert callable(getattr(module, name)), (module.CODE, name)
        assert hasattr(module, "WEBHOOK") or hasattr(module, "RETURNS")
    assert rails.rail_get(rails.PERSONAL_RAIL).PAYS_CREATORS
    assert rails.rail_get("") is None and rails.rail_get("alipay") is None


def test_every_exporter_has_the_interface():
    assert EXPORT_KINDS == tuple(EXPORTERS)
    for identifier in [*EXPORTERS, *PORTAL_EXPORTERS]:
        exporter = exporter_get(identifier)
        assert exporter.identifier == identifier and str(exporter.label)
        assert exporter.headers and exporter.sheet
        assert "export" in inspect.signature(exporter.rows).parameters
        assert {"period", "agency", "format"} <= set(exporter.form_fields())


@pytest.mark.django_db
def test_a_creator_without_identity_is_held_and_the_exports_list_them(bank_dir, capsys):
    paid = creator_make()
    unknown = creator_make(identity=False)
    for creator in (paid, unknown):
        Creator.objects.filter(pk=creator.pk).update(payout_account_number="6222000011112222")
        earning_make(creator, "3000.00", when=at(2026, 1))
    run = payout_run_send(
        run=payout_run_approve(run=payout_run_compute(period="2026-01", personal=True), user=None)
    )

    held = Transfer.objects.get(run=run, creator=unknown)
    assert (held.state, held.hold) == ("held", "identity")
    assert "legal name, ID type, ID number" in held.reason
    assert Transfer.objects.get(run=run, creator=paid).state == "pending"

    # Every line that is paid can be exported; the held creator is listed, not refused.
    for kind, period in (("cn-labour", "2026-01"), ("platform-income", "2026-Q1")):
        export = tax_export_prepare(kind=kind, period=period)
        rows = list(export.rows())
        assert len(rows) == 1, kind
        assert [h["handle"] for h in export.held()] == [unknown.handle]
    labour = tax_export_prepare(kind="cn-labour", period="2026-01")
    [row] = list(labour.rows())
    assert row[0] == paid.handle and row[4] == INCOME_ITEM_LABOUR_CONTINUOUS
    assert row[5] == run.lines.get(creator=paid).income

    call_command("tax_export", kind="cn-labour", period="2026-01", output=str(bank_dir / "l.csv"))
    assert unknown.handle in capsys.readouterr().err

    # Identity completed and the money re-sent: the line is exported.
    Creator.objects.filter(pk=unknown.pk).update(
        legal_name="王五", id_document_type="居民身份证", id_number="11010519900101001X"
    )
    again = transfer_resend(transfer=held)
    assert again.state == "pending"
    assert len(list(tax_export_prepare(kind="cn-labour", period="2026-01").rows())) == 2
    assert tax_export_prepare(kind="cn-labour", period="2026-01").held() == []
    assert Decimal(0) < run.lines.get(creator=unknown).net


@pytest.fixture
def bank_dir(settings, tmp_path):
    settings.PAYOUT_BANK_FILE_DIR = str(tmp_path / "bank")
    (tmp_path / "bank").mkdir()
    return tmp_path / "bank"
