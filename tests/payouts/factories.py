"""Builders for payout-run tests: creators under contracts, earnings, payout rates."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from agencies.models import Agency, Contract
from payouts.ledger import ledger_earnings_post
from payouts.models import Earning, Posting
from tests.factories import CreatorFactory, RateFactory

_refs = itertools.count(1)


def at(year: int, month: int, day: int = 15, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


def agency_make(*, code: str = "harbour", share: str = "0.2") -> Agency:
    return Agency.objects.create(
        code=code,
        legal_name=f"{code.title()} Talent Ltd",
        country="CN",
        registration_number="91350211M000100Y43",
        share=Decimal(share),
        payout_rail=Agency.Rail.BANK_FILE,
        bank_account_number="6222000000000001",
    )


def resident_id(n: int) -> str:
    """A resident ID card number with a valid GB 11643 check character."""
    body = f"1101051990{n % 10**7:07d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def creator_make(
    *, agency: Agency | None = None, kind: str = "", residency: str = "resident", identity=True
):
    """A creator under a contract with ``agency`` (or paid to a personal account).

    With ``identity`` (the default) the creator has what a tax filing needs: a legal name
    (the display name) and a resident ID card. Issue #14 item 7, identity before money:
    a personal payee without it is held, so tests of paying creators give them one.
    """
    creator = CreatorFactory(tax_residency=residency)
    if identity:
        creator.legal_name = creator.display_name
        creator.id_document_type = "居民身份证"
        creator.id_number = resident_id(creator.pk)
        creator.save(update_fields=["legal_name", "id_document_type", "id_number"])
    if agency is not None:
        Contract.objects.create(
            creator=creator, agency=agency, kind=kind, valid_from=date(2025, 1, 1)
        )
    creator.payout_agency, creator.payout_kind = agency, kind
    return creator


def earning_make(creator, amount: str, *, when: datetime, currency: str = "CNY", **fields):
    """An available earning through the creator's channel (set by ``creator_make``),
    accrued on the ledger like every available earning (nothing for other states)."""
    agency = getattr(creator, "payout_agency", None)
    values = dict(
        creator=creator,
        kind="tip",
        amount=Decimal(amount),
        currency=currency,
        occurred_at=when,
        available_at=when,
        source_ref=f"test-earning-{next(_refs)}",
        state=Earning.State.AVAILABLE,
        channel="agency" if agency else "personal",
        agency=agency,
        contract_kind=getattr(creator, "payout_kind", ""),
    )
    values.update(fields)
    if values["state"] == Earning.State.PENDING and "kind" not in fields:
        values["kind"] = Earning.Kind.COMMISSION  # only commission waits (a constraint)
    earning = Earning.objects.create(**values)
    # Every real path accrues an earning when it becomes available (payouts.services).
    ledger_earnings_post(earnings=Earning.objects.filter(pk=earning.pk), step="accrued")
    return earning


def payout_rate_make(*, base: str, rate: str, as_of: date = date(2026, 1, 1)):
    return RateFactory(kind="customs", base=base, quote="CNY", rate=Decimal(rate), as_of=as_of)


def balance(account: str, **filters) -> Decimal:
    """The ledger balance of ``account`` (positive = debit) over postings matching ``filters``
    (``currency``, ``creator``, ``agency``...)."""
    total = Posting.objects.filter(account=account, **filters).aggregate(t=Sum("amount"))["t"]
    return total or Decimal(0)
