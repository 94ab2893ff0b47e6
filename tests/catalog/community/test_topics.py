"""Topics: parsing, case-insensitivity, Chinese, counts (also under concurrent posts)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from catalog.community import services
from catalog.community.models import NoteTopic, Topic
from catalog.community.topics import topics_in_text
from catalog.community.views_count import note_views_flush
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db


def post(creator, title, body="Text", **kwargs):
    return services.note_save(creator=creator, title=title, body=body, language="en", **kwargs)


def test_hashtags_in_text():
    assert topics_in_text("Hi #TikTokRefugee, #tiktokrefugee again #学中文!", "Tea #1 a#b") == [
        "TikTokRefugee",
        "学中文",
    ]


def test_topics_are_case_insensitive_and_chinese_topics_work(client, creator):
    post(creator, "Hello #TikTokRefugee")
    post(creator, "Again", body="from #tiktokrefugee and #学中文", topics=["#TIKTOKREFUGEE"])
    topic = Topic.objects.get(key="tiktokrefugee")
    assert topic.name == "TikTokRefugee" and topic.note_count == 2
    chinese = Topic.objects.get(key="学中文")
    assert chinese.note_count == 1
    page = client.get(reverse("community:topic", kwargs={"key": "学中文"}))
    assert page.status_code == 200 and "Again" in page.content.decode()
    assert client.get("/topics/TikTokRefugee/").status_code == 200


def test_topic_of_200_characters_is_refused_and_nothing_written(creator):
    with pytest.raises(ValidationError) as error:
        post(creator, "Long", topics=["x" * 200])
    assert "too long" in str(error.value)
    with pytest.raises(ValidationError):
        post(creator, "Long #" + "y" * 200)
    assert not Topic.objects.exists() and not creator.notes.exists()


def test_counts_follow_edits_deletes_and_comments(creator, readers):
    note = post(creator, "#alpha #beta")
    services.comment_post(note=note, user=readers["US"], body="Nice", region="US")
    alpha = Topic.objects.get(key="alpha")
    assert (alpha.note_count, alpha.comment_count) == (1, 1)
    services.note_save(creator=creator, note=note, title="#beta only", body="x", language="en")
    alpha.refresh_from_db()
    assert (alpha.note_count, alpha.comment_count) == (0, 0)
    services.note_delete(note=note, user=creator.user)
    beta = Topic.objects.get(key="beta")
    assert (beta.note_count, beta.comment_count) == (0, 0)


def test_topic_page_newest_and_hottest_with_counts(client, creator, readers):
    old = post(creator, "Old #tea")
    post(creator, "New #tea")
    services.reaction_toggle(note=old, user=readers["US"], kind="like", region="US")
    newest = client.get("/topics/tea/").content.decode()
    hottest = client.get("/topics/tea/?order=hot").content.decode()
    assert newest.index("New #tea") < newest.index("Old #tea")
    assert hottest.index("Old #tea") < hottest.index("New #tea")
    assert '<b class="notes-count">2</b>' in newest


def test_views_are_batched_into_note_and_topic_counts(client, creator):
    note = post(creator, "Seen #views")
    for _ in range(3):
        client.get(note.get_absolute_url())
    note_views_flush()
    note.refresh_from_db()
    assert note.view_count == 3
    assert Topic.objects.get(key="views").view_count == 3


@pytest.mark.django_db(transaction=True)
def test_topic_counts_stay_right_under_concurrent_posts():
    creators = [CreatorFactory(handle=f"c{n}", country="CN") for n in range(8)]
    errors = []
    barrier = threading.Barrier(len(creators))

    def worker(creator):
        try:
            barrier.wait()
            for n in range(3):
                post(creator, f"{creator.handle} {n} #Concurrent #并发", topics=[f"own{n}"])
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(c,)) for c in creators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for key in ("concurrent", "并发"):
        topic = Topic.objects.get(key=key)
        assert topic.note_count == 24 == NoteTopic.objects.filter(topic=topic).count()
    assert Topic.objects.get(key="own0").note_count == 8
