"""An overseas shopper edits and deletes their saved addresses one by one; the addresses
live in their region's store (issue #17), never in ``UserAddress``."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from commerce.residency import services
from commerce.residency.models import HomeRegion, PersonalRecord
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(databases="__all__")

UserAddress = get_model("address", "UserAddress")
FIFTH = {
    "first_name": "Riley",
    "last_name": "Chen",
    "line1": "350 Fifth Avenue",
    "line4": "New York",
    "state": "NY",
    "postcode": "10118",
    "country": "US",
}
MERCER = {**FIFTH, "line1": "77 Mercer Street", "postcode": "10012"}


@pytest.fixture
def riley(client, shop):
    user = UserFactory(username="us-riley", email="", first_name="", last_name="")
    services.personal_data_put(
        user=user,
        data={"email": "riley@example.us", "addresses": [FIFTH, MERCER]},
        country="US",
    )
    client.force_login(user)
    return user


def _saved(user) -> list[dict]:
    token = HomeRegion.objects.get(user=user).token
    return PersonalRecord.objects.using("region_us").get(token=token).payload["addresses"]


def _links(client) -> dict[str, list[str]]:
    book = client.get(reverse("customer:address-list")).content.decode()
    table = book.split('id="regional-addresses"', 1)[1].split("</table>", 1)[0]
    hrefs = [part.split('"', 1)[0] for part in table.split('href="')[1:]]
    return {
        "edit": [h for h in hrefs if not h.endswith("/delete/")],
        "delete": [h for h in hrefs if h.endswith("/delete/")],
    }


def test_an_overseas_shopper_edits_one_saved_address_in_their_region(client, riley):
    links = _links(client)
    form = client.get(links["edit"][1])
    assert form.status_code == 200 and "77 Mercer Street" in form.content.decode()
    posted = {**MERCER, "line1": "80 Mercer Street", "country": "US", "phone_number": ""}
    response = client.post(links["edit"][1], posted, follow=True)
    assert "Address saved" in response.content.decode()
    assert [a["line1"] for a in _saved(riley)] == ["350 Fifth Avenue", "80 Mercer Street"]
    assert _saved(riley)[1]["postcode"] == "10012"
    assert not UserAddress.objects.exists()


def test_a_bad_edit_shows_field_errors_and_changes_nothing(client, riley):
    response = client.post(_links(client)["edit"][0], {**FIFTH, "line1": "", "country": "US"})
    assert response.status_code == 200
    assert response.context["form"].errors["line1"]
    assert _saved(riley) == [FIFTH, MERCER]


def test_an_overseas_shopper_deletes_one_saved_address(client, riley):
    delete = _links(client)["delete"][0]
    confirm = client.get(delete)
    assert confirm.status_code == 200 and "350 Fifth Avenue" in confirm.content.decode()
    response = client.post(delete, follow=True)
    assert "Address deleted" in response.content.decode()
    assert _saved(riley) == [MERCER]


def test_a_link_to_an_address_that_changed_meanwhile_does_nothing(client, riley):
    # Two tabs: the first deletes Fifth Avenue, so Mercer Street moves to place 0; the
    # second tab's links (place 1, and place 0 naming Fifth Avenue) must not touch it.
    links = _links(client)
    client.post(links["delete"][0])
    for stale in (links["edit"][1], links["delete"][0]):
        response = client.post(stale, {**FIFTH, "country": "US"}, follow=True)
        assert "changed in the meantime" in response.content.decode()
    assert _saved(riley) == [MERCER]


def test_someone_elses_links_reach_only_their_own_address_book(client, riley):
    links = _links(client)
    mallory = UserFactory(username="us-mallory", email="", first_name="", last_name="")
    services.personal_data_put(
        user=mallory, data={"email": "m@example.us", "addresses": []}, country="US"
    )
    client.force_login(mallory)
    response = client.post(links["delete"][0], follow=True)
    assert "changed in the meantime" in response.content.decode()
    assert _saved(riley) == [FIFTH, MERCER]
