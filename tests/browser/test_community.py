"""Browser: a creator posts a note with an image and a topic, sees it in the feed and on
the topic page, comments on it; a reader in another region finds it withheld."""

import pytest
from PIL import Image

from catalog.community.models import Comment, ModerationRule, Profile, Topic
from tests.factories import CreatorFactory, UserFactory, product_with_price

from .conftest import click_and_load

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SERVE_MEDIA = True
    creator = CreatorFactory(handle="mia", display_name="Mia NYC", country="US")
    creator.user.set_password("pw-mia-123")
    creator.user.save()
    Profile.objects.create(user=creator.user, region="US")
    reader = UserFactory(username="wang", email="wang@example.com")
    reader.set_password("pw-wang-123")
    reader.save()
    Profile.objects.create(user=reader, region="CN")
    ModerationRule.objects.create(jurisdiction="CN", pattern="VPN", action="withhold")
    return creator, reader


def login(page, base, email, password):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", password)
    click_and_load(page, "button[name=login_submit]")


def test_post_see_comment_and_withheld_elsewhere(page, live_server, people, tmp_path):
    creator, reader = people
    base = live_server.url
    image = tmp_path / "cover.png"
    Image.new("RGB", (600, 800), (255, 36, 66)).save(image)
    login(page, base, creator.user.email, "pw-mia-123")

    page.goto(f"{base}/notes/new/")
    page.fill("#id_title", "My travel VPN tips")
    page.fill("#id_body", "Staying connected abroad. #TikTokRefugee")
    page.set_input_files("#id_images", str(image))
    click_and_load(page, "button[type=submit].btn-post")
    assert page.inner_text(".note-side h1") == "My travel VPN tips"
    assert page.locator(".gallery img").count() == 1
    note = creator.notes.get()

    page.goto(f"{base}/")
    card = page.locator(f'.note-card[data-note="{note.pk}"]')
    assert card.count() == 1 and card.locator(".cover img").count() == 1
    page.goto(f"{base}/topics/tiktokrefugee/")
    assert page.locator(f'.note-card[data-note="{note.pk}"]').count() == 1
    assert page.inner_text(".notes-count") == "1"

    page.goto(f"{base}{note.get_absolute_url()}")
    page.fill(".comment-form textarea", "Thanks for reading!")
    page.click(".comment-form button[type=submit]")
    page.wait_for_selector("text=Thanks for reading!")
    assert Comment.objects.filter(note=note, body="Thanks for reading!").exists()
    assert Topic.objects.get(key="tiktokrefugee").comment_count == 1

    page.context.clear_cookies()
    login(page, base, reader.email, "pw-wang-123")
    response = page.goto(f"{base}{note.get_absolute_url()}")
    assert response.status == 451
    assert "not available in your region" in page.content()
    page.goto(f"{base}/")
    assert page.locator(f'.note-card[data-note="{note.pk}"]').count() == 0


def test_product_picker_finds_by_chinese_title_and_links_the_product(page, live_server, people):
    creator, _reader = people
    cream = product_with_price(title_en="Hydrating face cream", title_zh_hans="保湿面霜")
    base = live_server.url
    login(page, base, creator.user.email, "pw-mia-123")
    page.goto(f"{base}/notes/new/")
    page.fill("#id_title", "My skincare")
    page.fill("#id_body", "Winter routine.")
    page.fill("#product-search", "面霜")
    page.click("#product-results button")
    assert page.input_value("#id_products") == str(cream.pk)
    assert page.inner_text("#picked-products").startswith("Hydrating face cream")
    page.press("#product-search", "Enter")  # Enter in the search box does not submit
    assert "/notes/new/" in page.url
    click_and_load(page, "button[type=submit].btn-post")
    note = creator.notes.get()
    assert list(note.note_products.values_list("product_id", flat=True)) == [cream.pk]
