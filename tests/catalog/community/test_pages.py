"""Feed, topic, note and creator pages: what they show, the viewer's region, and a
fixed number of queries whatever they show."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from catalog.community import services
from catalog.community.models import Comment, NoteTopic, Profile, Topic
from catalog.community.selectors import viewer_region
from tests.factories import CreatorFactory, NoteProduct, UserFactory, product_with_price

pytestmark = pytest.mark.django_db
# page -> (cold, warm) anonymous, (cold, warm) signed in; the same for 3 and 25 cards.
# Cold: the first request after the shared cache is emptied (process-wide memos filled
# beforehand); warm: the next one. Measured 2026-12-01 (tests/catalog/test_query_counts.py
# pins the shop's pages the same way).
PINS = {
    "feed": ((6, 2), (14, 10)),
    "feed-fragment": ((4, 2), (8, 6)),
    "topic": ((5, 3), (13, 11)),
    "note": ((13, 7), (21, 15)),
    "creator": ((12, 6), (20, 14)),
}
Note = get_model("catalogue", "Note")


def populate(cards: int, rates=None):
    creators = [CreatorFactory(country=c) for c in ("CN", "US", "JP")]
    for creator in creators:
        Profile.objects.create(user=creator.user, avatar_url="/media/a.png")
    topics = [Topic.objects.create(name=f"t{n}", key=f"t{n}", note_count=cards) for n in range(4)]
    products = [product_with_price(f"{10 + n}.00", "CNY") for n in range(cards % 7 + 2)]
    users = [UserFactory() for _ in range(3)]
    notes = []
    for n in range(cards):
        note = Note.objects.create(
            creator=creators[n % 3],
            title=f"Note {n}",
            body="Body #t0",
            language="en",
            region=creators[n % 3].country,
            cover_url="/media/c.jpg",
        )
        for topic in topics:
            NoteTopic.objects.create(note=note, topic=topic)
        for i, product in enumerate(products):
            NoteProduct.objects.create(note=note, product=product, position=i)
        for _ in range(cards // 5 + 1):  # 2 or 12 comments a note, with replies
            for user in users[:2]:
                parent = Comment.objects.create(note=note, author=user, body="hi")
                Comment.objects.create(note=note, author=user, body="re", parent=parent)
        notes.append(note)
    return notes, topics, creators, users


@pytest.mark.parametrize("cards", [3, 25])
@pytest.mark.parametrize("page", ["feed", "feed-fragment", "topic", "note", "creator"])
@pytest.mark.parametrize("signed_in", [False, True])
def test_pages_answer_in_a_fixed_number_of_queries(client, rates, page, cards, signed_in):
    notes, topics, creators, users = populate(cards)
    if signed_in:
        client.force_login(users[0])
    url = {
        "feed": "/",
        "feed-fragment": "/?page=1&fragment=1",
        "topic": topics[0].get_absolute_url(),
        "note": notes[0].get_absolute_url(),
        "creator": reverse("community:creator", args=[creators[0].handle]),
    }[page]
    assert client.get(url).status_code == 200  # warm process-wide memos
    cache.clear()
    counts = []
    for _ in ("cold", "warm"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert tuple(counts) == PINS[page][signed_in]


def test_feed_cards_show_cover_avatar_flag_image_and_likes(client):
    notes, *_ = populate(3)
    html = client.get("/").content.decode()
    assert html.count('class="note-card"') == 3
    assert "/media/c.jpg" in html and "/media/a.png" in html
    assert "/static/flags/us.gif" in html  # a flag image, never an emoji
    assert "\U0001f1fa\U0001f1f8" not in html


def test_feed_pages_and_fragment(client):
    populate(25)
    first = client.get("/").content.decode()
    assert first.count('class="note-card"') == 20 and "page=2&amp;fragment=1" in first
    fragment = client.get("/?page=2&fragment=1").content.decode()
    assert fragment.count('class="note-card"') == 5 and "<html" not in fragment


def test_creator_page_lists_notes_and_shop_links(client, rates):
    notes, topics, creators, users = populate(3)
    html = client.get(reverse("community:creator", args=[creators[0].handle])).content.decode()
    assert "Note 0" in html and "Note 1" not in html
    assert "Shop from this creator" in html


def test_viewer_region_profile_then_address_then_header_then_default(rf, settings):
    settings.COMMUNITY_REGION_HEADER = "HTTP_CF_IPCOUNTRY"
    settings.COMMUNITY_DEFAULT_REGION = "CN"
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/", HTTP_CF_IPCOUNTRY="de")
    request.user = AnonymousUser()
    assert viewer_region(request) == "DE"
    request = rf.get("/", HTTP_CF_IPCOUNTRY="XX")
    request.user = AnonymousUser()
    assert viewer_region(request) == "CN"
    user = UserFactory()
    UserAddress = get_model("address", "UserAddress")
    Country = get_model("address", "Country")
    Country.objects.get_or_create(iso_3166_1_a2="JP", defaults={"name": "Japan"})
    UserAddress.objects.create(
        user=user,
        first_name="A",
        last_name="B",
        line1="1 Street",
        line4="Tokyo",
        postcode="100-0001",
        country_id="JP",
        is_default_for_shipping=True,
    )
    request = rf.get("/", HTTP_CF_IPCOUNTRY="DE")
    request.user = user
    assert viewer_region(request) == "JP"
    services.profile_save(user=user, region="US")
    request = rf.get("/", HTTP_CF_IPCOUNTRY="DE")
    request.user = user
    assert viewer_region(request) == "US"


def test_region_page_sets_the_profile(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("community:region"), {"region": "GB"})
    assert Profile.objects.get(user=user).region == "GB"
