"""The demo community: covers, topics, the China-only rule, live permission; idempotent."""

import pytest
from django.core.management import call_command
from oscar.core.loading import get_model

from catalog.community.demo import community_demo_load
from catalog.community.models import NoteImage, Topic
from commerce.demo.services import demo_data_load

pytestmark = pytest.mark.django_db
Note = get_model("catalogue", "Note")


def test_demo_community_is_complete_and_idempotent(settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REWARDS_SIGNING_SECRETS = ["demo-secret"]
    demo_data_load(products=10, notes=5, creators=22)
    call_command("demo_community")
    out = capsys.readouterr().out
    assert "live/permission/yuki-tokyo/ -> allowed=True" in out
    assert "live/permission/mia-nyc/ -> allowed=False" in out
    assert Topic.objects.get(key="tiktokrefugee").note_count >= 5
    assert Topic.objects.filter(key="学中文").exists()
    vpn = Note.objects.get(title__contains="VPN")
    assert vpn.hidden_for("CN") and not vpn.hidden_for("US")
    assert not Note.objects.filter(images__isnull=True).exists()
    counts = (Note.objects.count(), NoteImage.objects.count(), Topic.objects.count())
    second = community_demo_load()
    assert (second.notes, second.images, second.avatars, second.rules) == (0, 0, 0, 0)
    assert (Note.objects.count(), NoteImage.objects.count(), Topic.objects.count()) == counts
