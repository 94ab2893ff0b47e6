"""Comments and replies: counts, deletes, bad input, rate limits; likes and collects."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from catalog.community import services
from catalog.community.models import Comment, Reaction
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(creator):
    return services.note_save(
        creator=creator, title="Cat tax #cattax", body="Mochi.", language="en"
    )


def comment_url(note):
    return reverse("notes:comment", args=[note.pk])


def test_comment_and_reply_through_the_page(client, note, readers):
    client.force_login(readers["CN"])
    response = client.post(comment_url(note), {"body": "猫税已收到"})
    assert response.status_code == 302
    parent = Comment.objects.get()
    client.force_login(readers["GB"])
    client.post(comment_url(note), {"body": "So cute", "parent": parent.pk})
    reply = Comment.objects.get(parent=parent)
    note.refresh_from_db()
    assert note.comment_count == 2
    html = client.get(note.get_absolute_url()).content.decode()
    assert "猫税已收到" in html and "So cute" in html and 'class="replies"' in html
    assert f"comment-{reply.pk}" in html


def test_empty_comment_is_refused_with_the_field(client, note, readers):
    client.force_login(readers["US"])
    response = client.post(comment_url(note), {"body": "   "})
    assert response.status_code == 400
    assert "Write a comment first." in response.content.decode()
    assert not Comment.objects.exists()


def test_anonymous_cannot_comment(client, note):
    response = client.post(comment_url(note), {"body": "hi"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Comment.objects.exists()


def test_no_comment_on_a_withheld_or_deleted_note(client, creator, note, readers, rules):
    withheld = services.note_save(creator=creator, title="VPN", body="x", language="en")
    client.force_login(readers["CN"])
    response = client.post(comment_url(withheld), {"body": "hello"})
    assert response.status_code == 400
    assert "not available" in response.content.decode()
    services.note_delete(note=note, user=creator.user)
    with pytest.raises(ValidationError):
        services.comment_post(note=note, user=readers["US"], body="hi", region="US")
    assert not Comment.objects.exists()


def test_reply_to_a_comment_of_another_note_is_refused(creator, note, readers):
    other = services.note_save(creator=creator, title="Other", body="x", language="en")
    stranger = services.comment_post(note=other, user=readers["US"], body="hi", region="US")
    with pytest.raises(ValidationError) as error:
        services.comment_post(
            note=note, user=readers["US"], body="re", region="US", parent_id=stranger.pk
        )
    assert "parent" in error.value.message_dict


def test_author_staff_may_delete_others_may_not(client, note, readers):
    comment = services.comment_post(note=note, user=readers["US"], body="hi", region="US")
    client.force_login(readers["GB"])
    assert client.post(reverse("community:comment-delete", args=[comment.pk])).status_code == 403
    client.force_login(readers["US"])
    client.post(reverse("community:comment-delete", args=[comment.pk]))
    comment.refresh_from_db()
    note.refresh_from_db()
    assert comment.state == "deleted" and note.comment_count == 0
    other = services.comment_post(note=note, user=readers["GB"], body="yo", region="GB")
    client.force_login(UserFactory(username="mod", is_staff=True))
    client.post(reverse("community:comment-delete", args=[other.pk]))
    other.refresh_from_db()
    assert other.state == "deleted"


def test_comment_flood_is_rate_limited(settings, note, readers):
    settings.COMMUNITY_COMMENTS_PER_MINUTE = 3
    for n in range(3):
        services.comment_post(note=note, user=readers["US"], body=f"c{n}", region="US")
    with pytest.raises(ValidationError) as error:
        services.comment_post(note=note, user=readers["US"], body="again", region="US")
    assert "too fast" in str(error.value)
    assert Comment.objects.count() == 3


def test_like_and_collect_toggle_with_counts(client, note, readers):
    client.force_login(readers["US"])
    url = reverse("notes:react", args=[note.pk, "like"])
    answer = client.post(url, HTTP_ACCEPT="application/json").json()
    assert answer == {"active": True, "count": 1}
    client.post(reverse("notes:react", args=[note.pk, "collect"]))
    assert client.post(url, HTTP_ACCEPT="application/json").json() == {"active": False, "count": 0}
    note.refresh_from_db()
    assert (note.like_count, note.collect_count) == (0, 1)
    assert Reaction.objects.filter(kind="collect").count() == 1
    assert client.post(reverse("notes:react", args=[note.pk, "hug"])).status_code == 404
