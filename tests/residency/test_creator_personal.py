"""Issue #17 for creators: writes (identity, verification, the admin, a relocation, a move
between regions) go to the regional store of the user's home region first; the global
row keeps masks and flags."""

from io import StringIO

import pytest
from django.core.management import call_command

from agencies.models import Creator
from agencies.personal import creator_personal_get, creator_personal_relocate, name_mask
from agencies.services import creator_identity_set, creator_verification_set
from commerce.residency import services
from commerce.residency.models import HomeRegion, PersonalRecord
from tests.factories import CreatorFactory, UserFactory

pytestmark = pytest.mark.django_db(databases="__all__")


def regional_creator(*, username="gb-creator", country="GB", **fields):
    user = UserFactory(username=username, email="", first_name="", last_name="")
    services.personal_data_put(user=user, data={"email": f"{username}@example.eu"}, country=country)
    return CreatorFactory(user=user, country=country, **fields)


def stored(creator, alias="region_eu") -> dict:
    token = HomeRegion.objects.get(user=creator.user).token
    return PersonalRecord.objects.using(alias).get(token=token).payload.get("creator", {})


def test_names_are_masked_part_by_part():
    assert name_mask("Eleanor Hartley") == "E****** H******"
    assert name_mask("SATO·YUKI") == "S***·Y***"
    assert name_mask("王小美") == "王**"
    assert name_mask("") == ""


def test_an_identity_document_is_stored_regionally_and_verification_sees_it():
    creator = regional_creator()
    creator = creator_identity_set(creator=creator, document_type="外国护照", number="533112745")
    assert stored(creator) == {"id_number": "533112745"}
    assert (creator.id_number, creator.id_number_last4, creator.personal_data_regional) == (
        "",
        "2745",
        True,
    )
    officer = UserFactory(username="officer-eu")
    creator_verification_set(creator=creator, state="verified", actor=officer)
    # The same document again changes nothing; a new one needs verification again.
    creator_identity_set(creator=creator, document_type="外国护照", number="533112745")
    assert Creator.objects.get(pk=creator.pk).verification_state == "verified"
    creator_identity_set(creator=creator, document_type="外国护照", number="987654321")
    creator.refresh_from_db()
    assert creator.verification_state == "pending"
    assert stored(creator)["id_number"] == "987654321"
    assert creator_personal_get(creator=creator).id_number == "987654321"


def test_the_admin_edits_a_regional_creators_values_in_their_store(client):
    admin = UserFactory(username="boss-eu", is_staff=True, is_superuser=True)
    client.force_login(admin)
    creator = regional_creator(handle="maple", display_name="Maple Streams")
    creator_identity_set(creator=creator, document_type="外国护照", number="533112745")
    url = f"/admin/agencies/creator/{creator.pk}/change/"
    data = {
        "user": creator.user_id,
        "handle": "maple",
        "display_name": "Maple Streams",
        "legal_name": "Eleanor Hartley",
        "country": "GB",
        "tax_residency": "non_resident",
        "residency_basis": "days_under_183",
        "residency_days": 10,
        "residency_year": 2026,
        "id_document_type": "外国护照",
        "payout_bank_name": "Barclays",
        "payout_account_name": "Eleanor Hartley",
        "payout_account_number": "GB33BUKB20201555555555",
        "payout_bank_code": "BUKBGB22",
        "contracts-TOTAL_FORMS": 0,
        "contracts-INITIAL_FORMS": 0,
        "verification_changes-TOTAL_FORMS": 0,
        "verification_changes-INITIAL_FORMS": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert stored(creator) == {
        "id_number": "533112745",
        "legal_name": "Eleanor Hartley",
        "payout_bank_name": "Barclays",
        "payout_account_name": "Eleanor Hartley",
        "payout_account_number": "GB33BUKB20201555555555",
    }
    creator.refresh_from_db()
    assert (creator.legal_name, creator.payout_account_number, creator.payout_bank_code) == (
        "E****** H******",
        "",
        "BUKBGB22",
    )
    # The change page shows the stored values (never the full ID number).
    page = client.get(url).content.decode()
    assert "Eleanor Hartley" in page and "GB33BUKB20201555555555" in page
    assert "533112745" not in page and "****2745" in page
    # Saving the page unchanged writes nothing new and leaves the row masked.
    assert client.post(url, data).status_code == 302
    creator.refresh_from_db()
    assert creator.legal_name == "E****** H******"
    call_command("residency_audit")


def test_a_new_creator_made_in_the_admin_for_a_regional_user_is_stored_regionally(client):
    admin = UserFactory(username="boss-eu-2", is_staff=True, is_superuser=True)
    client.force_login(admin)
    user = UserFactory(username="fresh-eu", email="", first_name="", last_name="")
    services.personal_data_put(user=user, data={"email": "fresh@example.eu"}, country="FR")
    response = client.post(
        "/admin/agencies/creator/add/",
        {
            "user": user.pk,
            "handle": "fresh",
            "display_name": "Fresh",
            "legal_name": "Camille Dubois",
            "country": "FR",
            "tax_residency": "non_resident",
            "residency_basis": "domicile",
            "contracts-TOTAL_FORMS": 0,
            "contracts-INITIAL_FORMS": 0,
            "verification_changes-TOTAL_FORMS": 0,
            "verification_changes-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    creator = Creator.objects.get(handle="fresh")
    assert creator.legal_name == "C****** D*****" and creator.personal_data_regional
    assert stored(creator)["legal_name"] == "Camille Dubois"
    call_command("residency_audit")


def test_a_creator_given_a_home_region_later_is_relocated_and_the_audit_passes():
    creator = CreatorFactory(
        country="GB",
        legal_name="Emma Wilson",
        id_document_type="外国护照",
        id_number="533112745",
        payout_account_name="Emma Wilson",
        payout_account_number="GB33BUKB20201555555555",
    )
    # A global-region creator: nothing moves.
    assert not creator_personal_relocate(creator=creator)
    assert Creator.objects.get(pk=creator.pk).legal_name == "Emma Wilson"
    services.personal_data_put(user=creator.user, data={"email": "emma@example.eu"}, country="GB")
    out = StringIO()
    call_command("creator_residency_relocate", stdout=out)
    assert out.getvalue().strip() == "creator_residency_relocate: 1 creators moved to their region"
    assert not creator_personal_relocate(creator=creator)  # idempotent
    creator.refresh_from_db()
    assert (creator.legal_name, creator.id_number, creator.id_number_masked) == (
        "E*** W*****",
        "",
        "****2745",
    )
    assert stored(creator)["payout_account_number"] == "GB33BUKB20201555555555"
    call_command("residency_audit")


def test_a_staff_move_between_regions_takes_the_creators_values_along():
    creator = regional_creator(username="mover", country="US")
    creator_identity_set(creator=creator, document_type="外国护照", number="X1234567")
    staff = UserFactory(username="mover-staff", is_staff=True)
    services.home_region_move(user=creator.user, region="eu", moved_by=staff, reason="moved")
    assert stored(creator, alias="region_eu")["id_number"] == "X1234567"
    assert creator_personal_get(creator=creator).id_number == "X1234567"
    # Moved to the global region: the next write brings every value back to the row.
    services.home_region_move(user=creator.user, region="cn", moved_by=staff, reason="back")
    creator_identity_set(creator=creator, document_type="外国护照", number="X7654321")
    creator.refresh_from_db()
    assert (creator.personal_data_regional, creator.id_number) == (False, "X7654321")
