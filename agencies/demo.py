"""Demo agencies, contracts and creator identities (idempotent; called by demo_data_load).

Two agencies: a Chinese MCN paid by bank file and a Hong Kong agency on Stripe Connect;
contracts of both kinds; verified and unverified overseas creators.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from stdnum.cn import ric, uscc

from .models import Agency, Contract, Creator
from .services import contract_create, creator_identity_set, creator_verification_set

V = Creator.Verification


def _uscc(body: str) -> str:
    return body + uscc.calc_check_digit(body)


def _ric(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


AGENCIES = [
    dict(
        code="starlight-mcn",
        legal_name="上海星光文化传媒有限公司",
        country="CN",
        registration_number=_uscc("91310000MA1FL8KQ3"),
        share=Decimal("0.3000"),
        payout_rail=Agency.Rail.BANK_FILE,
        bank_name="中国工商银行上海分行",
        bank_account_name="上海星光文化传媒有限公司",
        bank_account_number="1001202309000123456",
        bank_code="102290020238",
    ),
    dict(
        code="harbour-talent",
        legal_name="Harbour Talent Ltd",
        country="HK",
        registration_number="73251906",
        share=Decimal("0.2000"),
        payout_rail=Agency.Rail.STRIPE_CONNECT,
        stripe_account_id="acct_demo_harbour",
    ),
]

# handle: (document type, number, verification state wanted)
IDENTITIES = {
    "lily-shanghai": ("居民身份证", _ric("31010119950312002"), V.VERIFIED),
    "xiaomei": ("居民身份证", _ric("11010519980704003"), V.VERIFIED),
    "yuki-tokyo": ("外国护照", "TK1234567", V.VERIFIED),
    "emma-london": ("外国护照", "533112745", V.VERIFIED),
    "kenji-osaka": ("外国护照", "TR7654321", V.VERIFIED),
    "mia-nyc": ("外国护照", "567123890", V.PENDING),
}

# handle, agency code, kind, valid from
CONTRACTS = [
    ("lily-shanghai", "starlight-mcn", Contract.Kind.SERVICE, date(2026, 1, 1)),
    ("xiaomei", "starlight-mcn", Contract.Kind.EMPLOYMENT, date(2026, 1, 1)),
    ("yuki-tokyo", "harbour-talent", Contract.Kind.EMPLOYMENT, date(2026, 1, 1)),
    ("emma-london", "harbour-talent", Contract.Kind.EMPLOYMENT, date(2026, 3, 1)),
]


def agencies_demo_load() -> dict[str, int]:
    """Create whatever of the demo agencies, contracts and identities is missing."""
    created = {"agencies": 0, "contracts": 0, "verifications": 0}
    agencies = {}
    for spec in AGENCIES:
        agency = Agency.objects.filter(code=spec["code"]).first()
        if agency is None:
            agency = Agency(**spec)
            agency.full_clean()
            agency.save()
            created["agencies"] += 1
        agencies[agency.code] = agency
    staff_user = get_user_model().objects.filter(username="starlight-staff").first()
    if staff_user is None:
        staff_user = get_user_model().objects.create_user(
            "starlight-staff", "staff@starlight.example.com", "agency"
        )
    agencies["starlight-mcn"].staff.add(staff_user)
    # Harbour Talent's portal shows the overseas employees (emma-london's values come from
    # the EU store once residency_demo has moved them, issue #17).
    harbour_staff = get_user_model().objects.filter(username="harbour-staff").first()
    if harbour_staff is None:
        harbour_staff = get_user_model().objects.create_user(
            "harbour-staff", "staff@harbour.example.com", "agency"
        )
    agencies["harbour-talent"].staff.add(harbour_staff)

    creators = {c.handle: c for c in Creator.objects.filter(handle__in=IDENTITIES)}
    admin = get_user_model().objects.filter(username="admin").first()
    for handle, (document_type, number, wanted) in IDENTITIES.items():
        creator = creators.get(handle)
        if creator is None:
            continue
        if not creator.has_id_number:
            creator_identity_set(creator=creator, document_type=document_type, number=number)
        if creator.verification_state == V.UNVERIFIED:
            if wanted == V.VERIFIED:
                creator_verification_set(creator=creator, state=V.PENDING)
            creator_verification_set(creator=creator, state=wanted, actor=admin, reason="demo data")
            created["verifications"] += 1

    for handle, agency_code, kind, valid_from in CONTRACTS:
        creator = Creator.objects.filter(handle=handle).first()
        if creator is None or creator.contracts.exists():
            continue
        contract_create(
            creator=creator, agency=agencies[agency_code], kind=kind, valid_from=valid_from
        )
        created["contracts"] += 1

    # Live permission (issue #15): verified overseas creators asked and were granted it, so
    # their stream rewards count; the unverified one is refused (see demo_community).
    from .live import State as LiveState
    from .live import live_permission_change, live_permission_of

    for creator in Creator.objects.filter(handle__in=IDENTITIES):
        permission = live_permission_of(creator=creator)
        if creator.is_overseas and (permission is None or permission.state == LiveState.NONE):
            live_permission_change(creator=creator, to_state=LiveState.REQUESTED, by=admin)
            live_permission_change(
                creator=creator, to_state=LiveState.GRANTED, by=admin, reason="demo data"
            )
    return created
