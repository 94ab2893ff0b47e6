import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.community.models import ModerationRule, Profile
from tests.factories import CreatorFactory, UserFactory


def image_upload(name="photo.png", size=(64, 80), colour=(255, 36, 66), kind="PNG"):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, kind)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{kind.lower()}")


def reader(username, region):
    user = UserFactory(username=username)
    Profile.objects.create(user=user, region=region)
    return user


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def creator(db):
    return CreatorFactory(handle="mia", display_name="Mia NYC", country="US")


@pytest.fixture
def cn_creator(db):
    return CreatorFactory(handle="xiaomei", display_name="小美", country="CN")


@pytest.fixture
def readers(db):
    return {
        region: reader(f"reader-{region.lower()}", region) for region in ("US", "CN", "DE", "GB")
    }


@pytest.fixture
def rules(db):
    """The same note: withheld in China, held for review in Germany, visible in the US."""
    return {
        "cn": ModerationRule.objects.create(jurisdiction="CN", pattern="VPN", action="withhold"),
        "de": ModerationRule.objects.create(jurisdiction="DE", pattern="VPN", action="review"),
        "us": ModerationRule.objects.create(
            jurisdiction="US", pattern="#ad", action="label", label="Paid partnership"
        ),
        "all": ModerationRule.objects.create(
            jurisdiction="*", pattern="counterfeit", action="block"
        ),
    }
