"""Reports feed the queue; staff decide in the admin; every decision is recorded."""

import pytest
from django.urls import reverse

from agencies.live import State, live_permission_change
from catalog.community import services
from catalog.community.models import ModerationCase, ModerationDecision, Report, Strike
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def note_of(creator, title="Trip", body="Nice trip."):
    return services.note_save(creator=creator, title=title, body=body, language="en")


def decide(admin_client, case, action):
    return admin_client.post(
        reverse("admin:community_moderationcase_changelist"),
        {"action": action, "_selected_action": [case.pk]},
        follow=True,
    )


def test_review_case_approved_in_the_admin_shows_the_note_and_records_it(
    admin_client, admin_user, client, creator, readers, rules
):
    note = note_of(creator, title="My VPN")
    case = ModerationCase.objects.get(note=note, region="DE")
    queue = admin_client.get(reverse("admin:community_moderationcase_changelist")).content.decode()
    assert "DE" in queue
    decide(admin_client, case, "decide_approved")
    case.refresh_from_db()
    note.refresh_from_db()
    assert case.state == "approved"
    assert note.hidden_in == ",CN,"  # still withheld in China by its own rule
    decision = ModerationDecision.objects.get(case=case)
    assert decision.decided_by == admin_user
    assert decision.rule == rules["de"] and "VPN" in decision.rule_text
    assert decision.region == "DE" and decision.text.startswith("My VPN")
    client.force_login(readers["DE"])
    assert client.get(note.get_absolute_url()).status_code == 200
    # Deciding twice is refused: the record stays one.
    decide(admin_client, case, "decide_removed")
    assert ModerationDecision.objects.filter(case=case).count() == 1


def test_text_at_decision_time_is_kept_after_edits(admin_client, creator, rules):
    note = note_of(creator, title="VPN guide", body="First text")
    case = ModerationCase.objects.get(note=note, region="DE")
    decide(admin_client, case, "decide_withheld")
    services.note_save(creator=creator, note=note, title="Guide", body="Edited", language="en")
    assert ModerationDecision.objects.get(case=case).text == "VPN guide\n\nFirst text"
    note.refresh_from_db()
    assert note.hidden_in == ",DE,"  # staff's withholding stays after the edit


def test_reports_feed_one_case_and_removal_strikes_the_creator(
    client, admin_client, creator, readers
):
    note = note_of(creator)
    for user in (readers["CN"], readers["GB"]):
        client.force_login(user)
        client.post(reverse("notes:report", args=[note.pk]), {"reason": "spam"})
    case = ModerationCase.objects.get(note=note)
    assert (case.source, case.report_count, Report.objects.count()) == ("report", 2, 2)
    decide(admin_client, case, "decide_removed")
    note.refresh_from_db()
    assert note.state == "removed"
    assert Strike.objects.filter(creator=creator, case=case).exists()
    client.force_login(readers["US"])
    assert client.get(note.get_absolute_url()).status_code == 404


def test_report_of_own_note_and_twice_are_refused(client, creator, readers):
    note = note_of(creator)
    client.force_login(creator.user)
    response = client.post(reverse("notes:report", args=[note.pk]), {"reason": "spam"}, follow=True)
    assert "You cannot report your own post." in response.content.decode()
    client.force_login(readers["CN"])
    client.post(reverse("notes:report", args=[note.pk]), {"reason": "spam"})
    response = client.post(reverse("notes:report", args=[note.pk]), {"reason": "spam"}, follow=True)
    assert "You have already reported this." in response.content.decode()
    assert Report.objects.count() == 1
    assert ModerationCase.objects.get(note=note).report_count == 1


def test_strikes_revoke_live_permission(settings, creator):
    settings.COMMUNITY_STRIKES_REVOKE_LIVE = 2
    creator.verification_state = "verified"
    creator.save()
    live_permission_change(creator=creator, to_state=State.GRANTED)
    staff = UserFactory(username="mod", is_staff=True)
    for n in range(2):
        note = note_of(creator, title=f"Note {n}")
        services.report_file(user=UserFactory(), note=note, reason="spam")
        services.case_decide(
            case=ModerationCase.objects.get(note=note), decision="removed", user=staff
        )
    creator.live_permission.refresh_from_db()
    assert creator.live_permission.state == "revoked"
    assert creator.live_permission.changes.last().reason == "2 moderation strikes."


def reported_case(client, note, readers):
    client.force_login(readers["GB"])
    client.post(reverse("notes:report", args=[note.pk]), {"reason": "spam"})
    return ModerationCase.objects.get(note=note)


def test_withhold_on_a_report_case_applies_only_in_the_regions_chosen(
    client, admin_client, creator, readers
):
    note = note_of(creator)
    case = reported_case(client, note, readers)
    admin_client.post(
        reverse("admin:community_moderationcase_changelist"),
        {"action": "decide_withheld", "_selected_action": [case.pk], "regions": "cn, de"},
        follow=True,
    )
    note.refresh_from_db()
    assert note.hidden_in in (",CN,DE,", ",DE,CN,")
    decision = ModerationDecision.objects.get(case=case)
    assert (decision.decision, decision.regions) == ("withheld", "CN,DE")
    client.force_login(readers["US"])
    assert client.get(note.get_absolute_url()).status_code == 200
    client.force_login(readers["CN"])
    assert client.get(note.get_absolute_url()).status_code != 200


def test_withhold_with_an_unknown_region_is_refused_and_decides_nothing(
    client, admin_client, creator, readers
):
    note = note_of(creator)
    case = reported_case(client, note, readers)
    response = admin_client.post(
        reverse("admin:community_moderationcase_changelist"),
        {"action": "decide_withheld", "_selected_action": [case.pk], "regions": "CN, XX"},
        follow=True,
    )
    assert "Unknown region code: XX." in response.content.decode()
    case.refresh_from_db()
    note.refresh_from_db()
    assert (case.state, note.hidden_in, ModerationDecision.objects.count()) == ("open", "", 0)


def test_withhold_without_regions_keeps_the_case_region(client, admin_client, creator, readers):
    note = note_of(creator)
    case = reported_case(client, note, readers)
    decide(admin_client, case, "decide_withheld")
    decision = ModerationDecision.objects.get(case=case)
    assert (decision.region, decision.regions) == ("*", "*")
