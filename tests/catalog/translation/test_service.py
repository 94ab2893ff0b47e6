"""Stored translations: reused, redone when the source changes, failures retried with
back-off; the JSON endpoint the note page calls; Celery for long texts; admin validation."""

import logging
from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse
from django.utils import timezone

from catalog.translation import services
from catalog.translation.models import SlangTerm, Translation
from catalog.translation.tasks import translation_run
from tests.factories import NoteFactory

pytestmark = pytest.mark.django_db

BODY = "这个面霜真的绝绝子，强烈种草！"


@pytest.fixture
def zh_note():
    return NoteFactory(title="面霜分享", body=BODY, language="zh-hans")


def test_a_note_is_translated_once_and_reused(zh_note, django_assert_num_queries):
    first = services.translation_request(kind="note", object_id=zh_note.pk, target="en")
    assert first.status == "done" and first.engine == "glossary" and first.is_gloss
    assert {hit["term"] for hit in first.slang} == {"绝绝子", "种草"}
    with django_assert_num_queries(2):  # the note's text, the stored row
        again = services.translation_request(kind="note", object_id=zh_note.pk, target="en")
    assert again.pk == first.pk
    assert Translation.objects.count() == 1


def test_an_edited_note_is_translated_again_and_the_old_one_dropped(zh_note):
    old = services.translation_request(kind="note", object_id=zh_note.pk, target="en")
    zh_note.body = "周末就想在家躺平。"
    zh_note.save()
    new = services.translation_request(kind="note", object_id=zh_note.pk, target="en")
    assert new.pk != old.pk and "躺平" in new.text
    assert list(Translation.objects.values_list("pk", flat=True)) == [new.pk]


def test_the_same_text_elsewhere_reuses_the_translation(zh_note):
    first = services.translation_request(kind="note", object_id=zh_note.pk, target="en")
    raw = services.translation_request(text=f"面霜分享\n\n{BODY}", source="zh-hans", target="en")
    assert raw.pk == first.pk


def test_an_engine_failure_is_recorded_and_retried_after_back_off(
    zh_note, settings, libretranslate, caplog
):
    settings.TRANSLATION_ENGINE = "libretranslate"
    libretranslate.mode = "error"
    with caplog.at_level(logging.WARNING, logger="catalog.translation.services"):
        row = services.translation_request(kind="note", object_id=zh_note.pk, target="en")
    assert row.status == "failed" and row.retryable and row.attempts == 1
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=25)
    assert "HTTP 500" in caplog.text and BODY not in caplog.text
    # Within the back-off nobody calls the engine again.
    calls = len(libretranslate.requests)
    assert (
        services.translation_request(kind="note", object_id=zh_note.pk, target="en").attempts == 1
    )
    assert len(libretranslate.requests) == calls
    # Once it has passed, the next request retries; the server is well again.
    libretranslate.mode = "ok"
    Translation.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    row = services.translation_request(kind="note", object_id=zh_note.pk, target="en")
    assert row.status == "done" and row.text.startswith("[en] ")


def test_back_off_doubles_and_stops(zh_note, settings, libretranslate):
    assert [services.backoff_seconds(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert services.backoff_seconds(20) == 3600
    settings.TRANSLATION_ENGINE = "libretranslate"
    libretranslate.mode = "malformed"
    row = services.translation_request(kind="note", object_id=zh_note.pk, target="en")
    for _ in range(services.MAX_ATTEMPTS - 1):
        row = services.translation_compute(translation_id=row.pk)
    assert row.attempts == services.MAX_ATTEMPTS and not row.retryable
    assert row.next_attempt_at is None


def test_long_texts_go_to_celery_which_retries_with_back_off(zh_note, settings, monkeypatch):
    settings.TRANSLATION_SYNC_CHARS = 5
    queued = []
    monkeypatch.setattr(translation_run, "delay", lambda pk: queued.append(pk))
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        row = services.translation_request(kind="note", object_id=zh_note.pk, target="en")
    assert row.status == "pending" and queued == [row.pk]
    assert translation_run.apply(args=[row.pk]).get() == "done"
    assert Translation.objects.get(pk=row.pk).status == "done"


def test_the_task_asks_celery_to_retry_a_failure(zh_note, settings, libretranslate, monkeypatch):
    from celery.exceptions import Retry

    settings.TRANSLATION_ENGINE = "libretranslate"
    libretranslate.mode = "timeout"
    row = Translation.objects.create(
        source_hash="x",
        source_language="zh-hans",
        target_language="en",
        engine="libretranslate",
        source_text=BODY,
    )
    retries = []

    def fake_retry(countdown=None, **kwargs):
        retries.append(countdown)
        raise Retry()

    monkeypatch.setattr(translation_run, "retry", fake_retry)
    with pytest.raises(Retry):
        translation_run.run(row.pk)
    assert retries == [30]
    assert Translation.objects.get(pk=row.pk).error.endswith("within 0.5 s.")


# --- the endpoint -------------------------------------------------------------------------
def test_the_endpoint_translates_a_note_for_an_english_reader(client, zh_note):
    response = client.post(reverse("translation:request"), {"kind": "note", "id": zh_note.pk})
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "done" and data["target_language"] == "en"
    assert data["engine_label"] == "Word-by-word glossary (not a translation)"
    assert "not a translation" in data["notice"]
    assert "种草" in {hit["term"] for hit in data["slang"]}
    poll = client.get(data["poll_url"]).json()
    assert poll["text"] == data["text"]


def test_the_endpoint_answers_in_the_readers_language(client, zh_note):
    note = NoteFactory(body="This serum is lowkey amazing, no cap.", language="en")
    response = client.post(
        reverse("translation:request"),
        {"kind": "note", "id": note.pk},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    data = response.json()
    assert data["target_language"] == "zh-hans"
    assert data["engine_label"] == "逐词词汇表（不是翻译）"
    assert {"lowkey", "no cap"} <= {hit["term"] for hit in data["slang"]}


@pytest.mark.parametrize(
    "post,status,field",
    [
        ({"kind": "order", "id": 1}, 400, "kind"),
        ({"kind": "note", "id": "abc"}, 400, "id"),
        ({"kind": "note", "id": 999999}, 404, "id"),
        ({"kind": "note", "target": "fr"}, 400, "target"),
    ],
)
def test_the_endpoint_rejects_bad_input_with_the_field(client, zh_note, post, status, field):
    post = {"id": zh_note.pk, **post}
    response = client.post(reverse("translation:request"), post)
    assert response.status_code == status
    assert field in response.json()["errors"]


def test_a_note_already_in_the_readers_language_is_refused_clearly(client, zh_note):
    response = client.post(
        reverse("translation:request"), {"kind": "note", "id": zh_note.pk, "target": "zh-hans"}
    )
    assert response.status_code == 400
    assert "already in this language" in response.json()["errors"]["target"][0]


def test_an_engine_failure_is_no_500_for_the_reader(client, zh_note, settings, libretranslate):
    settings.TRANSLATION_ENGINE = "libretranslate"
    libretranslate.mode = "timeout"
    response = client.post(reverse("translation:request"), {"kind": "note", "id": zh_note.pk})
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "failed" and "try again later" in data["message"]
    assert "retry_at" in data


def test_the_note_page_shows_the_control_only_to_readers_of_another_language(client, zh_note):
    page = client.get(zh_note.get_absolute_url())
    assert b'class="translate-control"' in page.content
    assert b'data-kind="note"' in page.content
    page = client.get(zh_note.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert b'class="translate-control"' not in page.content


# --- curated slang in the admin -------------------------------------------------------------
def test_a_slang_entry_with_an_empty_explanation_is_a_form_error(admin_client):
    url = reverse("admin:translation_slangterm_add")
    response = admin_client.post(
        url,
        {
            "term": "拿捏",
            "language": "zh-hans",
            "gloss_en": "nailed it",
            "gloss_zh": "完全掌控",
            "explanation_en": "   ",
            "explanation_zh": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "explanation_en" in errors and "explanation_zh" in errors
    assert SlangTerm.objects.filter(term="拿捏").count() == 1  # only the seeded one


def test_the_seeded_slang_covers_both_languages():
    terms = set(SlangTerm.objects.values_list("term", flat=True))
    assert {
        "种草",
        "拔草",
        "绝绝子",
        "yyds",
        "宝子",
        "平替",
        "躺平",
        "吃瓜",
        "凡尔赛",
        "破防",
    } <= terms
    assert {"no cap", "slay", "rizz", "lowkey", "it's giving"} <= terms
    assert not SlangTerm.objects.filter(explanation_en="").exists()
    assert site.is_registered(SlangTerm)


def test_the_same_button_gives_a_real_translation_from_an_ai_engine(
    client, zh_note, settings, openai
):
    settings.TRANSLATION_ENGINE = "openai"
    response = client.post(reverse("translation:request"), {"kind": "note", "id": zh_note.pk})
    data = response.json()
    assert data["status"] == "done" and data["engine"] == "openai"
    assert data["engine_label"] == "AI translation" and data["notice"] == ""
    assert data["text"] == f"[English] 面霜分享\n\n{BODY}"
    assert {hit["term"] for hit in data["slang"]} == {"绝绝子", "种草"}
    # Stored per engine: the glossary's translation of the same note is another row.
    settings.TRANSLATION_ENGINE = "glossary"
    client.post(reverse("translation:request"), {"kind": "note", "id": zh_note.pk})
    assert sorted(Translation.objects.values_list("engine", flat=True)) == ["glossary", "openai"]
