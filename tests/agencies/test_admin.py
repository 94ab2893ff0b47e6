import pytest

from agencies.models import Creator
from tests.factories import CreatorFactory, UserFactory

from .conftest import VALID_RIC

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client.force_login(user)
    client.user = user
    return client


def test_verification_decision_is_an_admin_action_recording_who(admin_client):
    creator = CreatorFactory(country="JP", id_document_type="外国护照", id_number="TZ1234567")
    response = admin_client.post(
        "/admin/agencies/creator/",
        {"action": "verification_verified", "_selected_action": [creator.pk]},
    )
    assert response.status_code == 302
    creator.refresh_from_db()
    assert creator.verification_state == "verified"
    assert creator.verification_decided_by == admin_client.user
    change = creator.verification_changes.get()
    assert (change.to_state, change.decided_by) == ("verified", admin_client.user)


def test_admin_never_shows_the_full_id_number(admin_client):
    creator = CreatorFactory(id_document_type="居民身份证", id_number=VALID_RIC)
    listing = admin_client.get("/admin/agencies/creator/").content.decode()
    page = admin_client.get(f"/admin/agencies/creator/{creator.pk}/change/").content.decode()
    for html in (listing, page):
        assert VALID_RIC not in html
        assert "002X" in html


def test_admin_sets_a_new_id_number_through_validation(admin_client):
    creator = CreatorFactory()
    url = f"/admin/agencies/creator/{creator.pk}/change/"
    data = {
        "user": creator.user_id,
        "handle": creator.handle,
        "display_name": creator.display_name,
        "country": "CN",
        "tax_residency": "resident",
        "residency_basis": "domicile",
        "id_document_type": "居民身份证",
        "new_id_number": "110105194912310021",
        "contracts-TOTAL_FORMS": 0,
        "contracts-INITIAL_FORMS": 0,
        "verification_changes-TOTAL_FORMS": 0,
        "verification_changes-INITIAL_FORMS": 0,
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200  # form redisplayed with the error
    assert "110105194912310021" not in response.content.decode()
    data["new_id_number"] = VALID_RIC
    assert admin_client.post(url, data).status_code == 302
    assert Creator.objects.get(pk=creator.pk).id_number == VALID_RIC


def test_agency_and_contract_admin_pages_load(admin_client, cn_agency):
    for url in (
        "/admin/agencies/agency/",
        "/admin/agencies/contract/",
        "/admin/agencies/agency/add/",
    ):
        assert admin_client.get(url).status_code == 200


def test_contract_admin_refuses_an_overlap_with_a_form_error(admin_client, cn_agency, hk_agency):
    from .conftest import contract

    creator = CreatorFactory()
    contract(creator, cn_agency, kind="service")
    response = admin_client.post(
        "/admin/agencies/contract/add/",
        {
            "creator": creator.pk,
            "agency": hk_agency.pk,
            "kind": "employment",
            "valid_from": "2026-05-01",
            "valid_to": "",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert creator.contracts.count() == 1
