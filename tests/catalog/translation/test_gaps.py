"""Comments' Translate control, the endpoint's rate limit and visibility, the preload."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.community.models import Comment
from catalog.translation import apps as translation_apps
from catalog.translation.models import Translation
from tests.factories import NoteFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/translation/"
ZH_COMMENT = "这个面霜真的绝绝子，强烈种草！"


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def en_note():
    return NoteFactory(title="Serum", body="A light serum.", language="en")


@pytest.fixture
def zh_note():
    return NoteFactory(title="面霜分享", body=ZH_COMMENT, language="zh-hans")


def comment_on(note, body, **fields):
    return Comment.objects.create(note=note, author=UserFactory(), body=body, **fields)


def post(client, kind, pk, **extra):
    return client.post(URL, {"kind": kind, "id": pk}, **extra)


# --- 1. comments ------------------------------------------------------------------------------
def test_a_chinese_comment_has_a_translate_control_for_an_english_reader(client, en_note):
    zh = comment_on(en_note, ZH_COMMENT)
    en = comment_on(en_note, "Love it, no cap.")
    page = client.get(en_note.get_absolute_url()).content.decode()
    assert f'data-kind="comment" data-id="{zh.pk}"' in page
    assert f'data-kind="comment" data-id="{en.pk}"' not in page
    assert 'data-kind="note"' not in page  # the note is in English too

    page = client.get(en_note.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'data-kind="comment" data-id="{en.pk}"' in page
    assert f'data-kind="comment" data-id="{zh.pk}"' not in page


def test_the_comment_controls_add_no_query_per_comment(client, en_note):
    comment_on(en_note, ZH_COMMENT)
    client.get(en_note.get_absolute_url())  # warm caches
    with CaptureQueriesContext(connection) as one:
        client.get(en_note.get_absolute_url())
    for n in range(6):
        comment_on(en_note, f"第{n}条评论，绝绝子")
    with CaptureQueriesContext(connection) as seven:
        page = client.get(en_note.get_absolute_url())
    assert page.content.decode().count('data-kind="comment"') == 7
    assert len(seven) == len(one)


def test_the_comment_button_translates_the_comment_with_its_slang(client, en_note):
    comment = comment_on(en_note, ZH_COMMENT)
    response = post(client, "comment", comment.pk)
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "done" and data["target_language"] == "en"
    assert {"绝绝子", "种草"} <= {hit["term"] for hit in data["slang"]}
    assert client.get(data["poll_url"]).json()["text"] == data["text"]


# --- 2. rate limit ----------------------------------------------------------------------------
def test_translation_requests_are_limited_per_client(client, zh_note, settings):
    settings.TRANSLATION_RATE_LIMIT = "3/m"
    for _ in range(3):
        assert post(client, "note", zh_note.pk).status_code == 200
    refused = post(client, "note", zh_note.pk)
    assert refused.status_code == 429
    body = refused.json()
    assert body["limit"] == "3/m"
    assert "3/m" in body["errors"]["rate"][0]
    assert 0 < int(refused["Retry-After"]) <= 60
    # Another address has its own allowance; so has a signed-in user on the first one.
    assert post(client, "note", zh_note.pk, REMOTE_ADDR="10.0.0.9").status_code == 200
    client.force_login(UserFactory())
    assert post(client, "note", zh_note.pk).status_code == 200


def test_the_rate_limit_can_be_turned_off(client, zh_note, settings):
    settings.TRANSLATION_RATE_LIMIT = ""
    assert all(post(client, "note", zh_note.pk).status_code == 200 for _ in range(5))


# --- 2/3. visibility --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "fields",
    [{"hidden_in": ",CN,"}, {"hidden_in": ",*,"}, {"state": "removed"}],
    ids=["withheld-in-region", "held-everywhere", "removed"],
)
def test_a_note_the_reader_may_not_see_is_not_translated(client, zh_note, fields):
    # The anonymous reader's region is COMMUNITY_DEFAULT_REGION, CN.
    done = post(client, "note", zh_note.pk).json()
    type(zh_note).objects.filter(pk=zh_note.pk).update(**fields)
    response = post(client, "note", zh_note.pk)
    assert response.status_code == 404 and "id" in response.json()["errors"]
    assert client.get(done["poll_url"]).status_code == 404


def test_a_note_withheld_elsewhere_is_translated_here(client, zh_note):
    type(zh_note).objects.filter(pk=zh_note.pk).update(hidden_in=",DE,")
    assert post(client, "note", zh_note.pk).status_code == 200
    assert post(client, "note", zh_note.pk, HTTP_CF_IPCOUNTRY="DE").status_code == 404


def test_the_author_and_staff_still_translate_a_withheld_note(client, zh_note):
    type(zh_note).objects.filter(pk=zh_note.pk).update(hidden_in=",CN,")
    client.force_login(zh_note.creator.user)
    assert post(client, "note", zh_note.pk).status_code == 200
    client.force_login(UserFactory(is_staff=True))
    assert post(client, "note", zh_note.pk).status_code == 200


@pytest.mark.parametrize(
    "comment_fields,note_fields",
    [
        ({"hidden_in": ",CN,"}, {}),
        ({"state": "removed"}, {}),
        ({}, {"hidden_in": ",CN,"}),
        ({}, {"state": "removed"}),
    ],
    ids=["comment-withheld", "comment-removed", "note-withheld", "note-removed"],
)
def test_a_comment_the_reader_may_not_see_is_not_translated(
    client, en_note, comment_fields, note_fields
):
    comment = comment_on(en_note, ZH_COMMENT)
    done = post(client, "comment", comment.pk).json()
    Comment.objects.filter(pk=comment.pk).update(**comment_fields)
    type(en_note).objects.filter(pk=en_note.pk).update(**note_fields)
    assert post(client, "comment", comment.pk).status_code == 404
    assert client.get(done["poll_url"]).status_code == 404
    assert Translation.objects.filter(pk=done["id"]).exists()  # kept for who may read it


def test_its_author_translates_their_own_comment_held_for_review(client, en_note):
    comment = comment_on(en_note, ZH_COMMENT, hidden_in=",CN,")
    client.force_login(comment.author)
    assert post(client, "comment", comment.pk).status_code == 200


# --- 4. preload -------------------------------------------------------------------------------
def test_the_glossary_preloads_in_servers_and_workers_only(settings):
    settings.TRANSLATION_PRELOAD = True
    wanted = translation_apps.preload_wanted
    assert wanted(["/srv/.venv/bin/gunicorn", "commerce.wsgi"])
    assert wanted(["/srv/.venv/bin/celery", "-A", "commerce", "worker"])
    assert wanted(["manage.py", "runserver", "--noreload", "127.0.0.1:8000"])
    assert not wanted(["manage.py", "migrate"])
    assert not wanted(["manage.py", "runserver"])  # the autoreloader's parent serves nothing
    settings.TRANSLATION_PRELOAD = False
    assert not wanted(["/srv/.venv/bin/gunicorn", "commerce.wsgi"])


def test_the_test_suite_does_not_preload():
    from django.conf import settings

    assert settings.TRANSLATION_PRELOAD is False


def test_preloading_loads_the_dictionary_before_the_first_press(monkeypatch):
    from catalog.translation.engines import glossary

    loaded = []

    class FakeDictionary:
        def en_index(self):
            loaded.append("en")

    monkeypatch.setattr(glossary, "dictionary", lambda: FakeDictionary())
    threads = []
    real_thread = translation_apps.threading.Thread

    def thread(**kwargs):
        t = real_thread(**kwargs)
        threads.append(t)
        return t

    monkeypatch.setattr(translation_apps.threading, "Thread", thread)
    translation_apps.glossary_preload()
    threads[0].join(5)
    assert loaded == ["en"] and threads[0].daemon
