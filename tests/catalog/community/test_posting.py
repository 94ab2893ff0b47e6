"""Creators post and edit notes from the site: images, products, topics; bad input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.community.models import NoteImage, Topic
from tests.catalog.community.conftest import image_upload
from tests.factories import product_with_price

pytestmark = pytest.mark.django_db


def form(**overrides):
    data = {"title": "Hello #TikTokRefugee", "body": "First note", "language": "en"}
    data.update(overrides)
    return data


def test_creator_posts_a_note_with_images_products_and_topics(client, creator, media, rates):
    product = product_with_price("88.00", "CNY", title="Tea set")
    client.force_login(creator.user)
    response = client.post(
        reverse("notes:new"),
        form(
            topics="#学中文 ootd",
            products=str(product.pk),
            images=[image_upload("a.png", (300, 400)), image_upload("b.jpg", kind="JPEG")],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    note = creator.notes.get()
    assert note.region == "US" and note.cover_url
    assert note.cover_ratio == 133
    assert list(note.images.values_list("position", flat=True)) == [0, 1]
    assert sorted(Topic.objects.values_list("key", flat=True)) == [
        "ootd",
        "tiktokrefugee",
        "学中文",
    ]
    page = client.get(note.get_absolute_url()).content.decode()
    assert "Tea set" in page and "#学中文" in page and note.cover_url.split("/")[-1] in page
    assert note.title in client.get("/").content.decode()


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("x.png", b"not an image at all"), "is not an image"),
        (SimpleUploadedFile("x.pdf", b"%PDF-1.4 ..."), "is not an image"),
    ],
)
def test_non_image_upload_is_refused_and_nothing_stored(client, creator, media, upload, message):
    client.force_login(creator.user)
    response = client.post(reverse("notes:new"), form(images=[upload]))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not creator.notes.exists() and not NoteImage.objects.exists()
    assert not Topic.objects.exists()
    assert not any(media.rglob("*.*")) if media.exists() else True


def test_oversized_upload_is_refused(client, settings, creator, media):
    settings.COMMUNITY_IMAGE_MAX_BYTES = 1000
    client.force_login(creator.user)
    big = image_upload("big.png", (400, 400), colour=(1, 2, 3))
    big.size = 5000
    response = client.post(reverse("notes:new"), form(images=[image_upload("big.png", (600, 600))]))
    assert response.status_code == 400
    assert "is too large" in response.content.decode()
    assert not creator.notes.exists()


def test_unknown_product_is_refused(client, creator):
    client.force_login(creator.user)
    response = client.post(reverse("notes:new"), form(products="999999, abc"))
    assert response.status_code == 400
    assert "is not a product number" in response.content.decode()
    response = client.post(reverse("notes:new"), form(products="999999"))
    assert "No product on sale has the number 999999" in response.content.decode()
    assert not creator.notes.exists()


def test_edit_keeps_images_and_moves_the_cover(client, creator, media):
    client.force_login(creator.user)
    client.post(
        reverse("notes:new"),
        form(images=[image_upload("a.png", (100, 100)), image_upload("b.png", (100, 150))]),
    )
    note = creator.notes.get()
    first, second = note.images.all()
    response = client.post(
        reverse("notes:edit", args=[note.pk]),
        form(
            title="Edited #TikTokRefugee", cover_image=str(second.pk), remove_image=[str(first.pk)]
        ),
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.title == "Edited #TikTokRefugee" and note.updated_at is not None
    assert list(note.images.all()) == [second] and note.cover_ratio == 150
    assert Topic.objects.get(key="tiktokrefugee").note_count == 1


def test_only_creators_post_and_only_the_author_edits(client, creator, readers):
    client.force_login(readers["US"])
    assert client.get(reverse("notes:new")).status_code == 403
    client.force_login(creator.user)
    client.post(reverse("notes:new"), form())
    note = creator.notes.get()
    from tests.factories import CreatorFactory

    other = CreatorFactory(handle="other")
    client.force_login(other.user)
    assert client.post(reverse("notes:edit", args=[note.pk]), form()).status_code == 403


def test_posting_page_in_chinese(client, creator):
    client.force_login(creator.user)
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("notes:new")).content.decode()
    assert "发布笔记" in html and "话题" in html
