"""A signed-in user uploads a community avatar; oversized or non-image files are refused
clearly and nothing is stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.community.models import Profile

from .conftest import image_upload

pytestmark = pytest.mark.django_db


def stored_files(media):
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_avatar_page_needs_sign_in(client):
    response = client.get(reverse("community:avatar"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_upload_sets_the_avatar_shown_on_the_creator_page(client, media, creator):
    client.force_login(creator.user)
    page = client.get(creator_url := reverse("community:creator", args=[creator.handle]))
    assert reverse("community:avatar") in page.content.decode()
    response = client.post(
        reverse("community:avatar"),
        {"avatar": image_upload("me.png", size=(300, 200))},
        follow=True,
    )
    assert "Your avatar was updated." in response.content.decode()
    profile = Profile.objects.get(user=creator.user)
    assert profile.avatar.name.startswith("avatars/") and profile.avatar_url
    assert profile.avatar_url in client.get(creator_url).content.decode()


def test_oversized_avatar_is_refused_and_nothing_stored(client, media, creator, settings):
    settings.COMMUNITY_IMAGE_MAX_BYTES = 1000
    client.force_login(creator.user)
    response = client.post(
        reverse("community:avatar"), {"avatar": image_upload("big.png", size=(400, 400))}
    )
    assert response.status_code == 400
    assert "big.png is too large" in response.content.decode()
    assert not Profile.objects.filter(user=creator.user).exclude(avatar="").exists()
    assert stored_files(media) == []


def test_non_image_avatar_is_refused_and_nothing_stored(client, media, creator):
    client.force_login(creator.user)
    fake = SimpleUploadedFile("cv.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = client.post(reverse("community:avatar"), {"avatar": fake})
    assert response.status_code == 400
    assert "cv.png is not an image" in response.content.decode()
    assert not Profile.objects.filter(user=creator.user).exclude(avatar="").exists()
    assert stored_files(media) == []


def test_missing_file_is_a_field_error(client, creator):
    client.force_login(creator.user)
    response = client.post(reverse("community:avatar"), {})
    assert response.status_code == 400 and 'id="avatar-errors"' in response.content.decode()
