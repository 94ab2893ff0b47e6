"""Moderation by region: one note, different outcomes per jurisdiction."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from catalog.community import services
from catalog.community.models import ModerationCase, ModerationRule, Restriction
from catalog.community.moderation import Matcher, RuleSpec, text_moderate

pytestmark = pytest.mark.django_db


def post(creator, title="My VPN for travel", body="Works everywhere.", **kwargs):
    return services.note_save(creator=creator, title=title, body=body, language="en", **kwargs)


def test_same_note_visible_in_us_withheld_in_china_held_for_review_in_germany(
    client, creator, readers, rules
):
    note = post(creator)
    assert note.hidden_in == ",CN,DE,"
    url = note.get_absolute_url()
    client.force_login(readers["US"])
    assert client.get(url).status_code == 200
    assert note.title in client.get(reverse("home")).content.decode()
    client.force_login(readers["CN"])
    assert client.get(url).status_code == 451  # unavailable for legal reasons
    assert note.title not in client.get(reverse("home")).content.decode()
    client.force_login(readers["DE"])
    assert client.get(url).status_code == 404  # waiting for review
    assert note.title not in client.get(reverse("home")).content.decode()
    case = ModerationCase.objects.get(note=note)
    assert (case.source, case.region, case.rule, case.state) == ("rule", "DE", rules["de"], "open")


def test_case_and_unicode_width_do_not_hide_a_term(creator, rules):
    assert post(creator, title="ｖｐｎ deals", body="x").hidden_in == ",CN,DE,"
    assert post(creator, title="vpn", body="x").hidden_in == ",CN,DE,"


def test_chinese_term_matches_inside_chinese_text(cn_creator):
    ModerationRule.objects.create(jurisdiction="CN", pattern="翻墙", action="withhold")
    note = post(cn_creator, title="旅行必备", body="教你怎么翻墙看剧")
    assert note.hidden_in == ",CN,"


def test_topic_counts_as_text_for_rules(creator):
    ModerationRule.objects.create(jurisdiction="RU", pattern="#pride", action="withhold")
    note = post(creator, title="June", body="Parade day", topics=["Pride"])
    assert note.hidden_in == ",RU,"


def test_block_rule_refuses_the_post_with_its_reason_and_writes_nothing(creator, rules):
    rules["all"].reason = "No counterfeit goods"
    rules["all"].save()
    with pytest.raises(ValidationError) as error:
        post(creator, title="Counterfeit bags cheap", topics=["bags"])
    assert "No counterfeit goods" in str(error.value)
    assert not creator.notes.exists()
    from catalog.community.models import Topic

    assert not Topic.objects.exists()


def test_block_rule_of_another_region_withholds_there(creator):
    ModerationRule.objects.create(jurisdiction="CN", pattern="tank man", action="block")
    note = post(creator, title="History class", body="About tank man.")
    assert note.hidden_in == ",CN,"  # a US creator may post it; China does not show it


def test_label_shows_only_in_its_region(client, creator, readers, rules):
    note = post(creator, title="Sunscreen haul #ad", body="My picks.")
    assert note.hidden_in == ""
    client.force_login(readers["US"])
    assert "Paid partnership" in client.get(note.get_absolute_url()).content.decode()
    client.force_login(readers["GB"])
    assert "Paid partnership" not in client.get(note.get_absolute_url()).content.decode()


def test_comment_rules_apply_per_region(client, creator, readers, rules):
    note = post(creator, title="Trip", body="Nice trip.")
    comment = services.comment_post(
        note=note, user=readers["US"], body="Use a VPN there", region="US"
    )
    assert comment.hidden_in == ",CN,DE,"
    client.force_login(readers["CN"])
    assert "Use a VPN there" not in client.get(note.get_absolute_url()).content.decode()
    client.force_login(readers["GB"])
    assert "Use a VPN there" in client.get(note.get_absolute_url()).content.decode()


def test_editing_the_text_recomputes_restrictions(creator, rules):
    note = post(creator)
    note = post(creator, note=note, title="Travel tips", body="Pack light.")
    assert note.hidden_in == ""
    assert not Restriction.objects.filter(note=note).exists()
    assert not ModerationCase.objects.filter(note=note, state="open").exists()


def test_rules_changed_are_picked_up_without_restart(creator):
    assert post(creator, title="Kite festival").hidden_in == ""
    rule = ModerationRule.objects.create(jurisdiction="JP", pattern="kite", action="withhold")
    assert post(creator, title="Kite festival 2").hidden_in == ",JP,"
    rule.is_active = False
    rule.save()
    assert post(creator, title="Kite festival 3").hidden_in == ""
    rule.delete()
    assert text_moderate("kite").hits == []


@pytest.mark.parametrize(
    "jurisdiction, pattern, field",
    [
        ("XX", "vpn", "jurisdiction"),
        ("China", "vpn", "jurisdiction"),
        ("CN", "", "pattern"),
        ("CN", "*", "pattern"),
        ("CN", ".*", "pattern"),
        ("CN", "a", "pattern"),
        ("CN", "  ", "pattern"),
    ],
)
def test_bad_rules_are_refused_with_the_field_named(jurisdiction, pattern, field):
    rule = ModerationRule(jurisdiction=jurisdiction, pattern=pattern, action="withhold")
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert field in error.value.message_dict


def test_good_rules_validate():
    ModerationRule(jurisdiction="cn", pattern="翻", action="withhold").full_clean()
    ModerationRule(jurisdiction="*", pattern="vpn", action="review").full_clean()


def test_admin_refuses_a_rule_for_an_unknown_region(admin_client):
    response = admin_client.post(
        reverse("admin:community_moderationrule_add"),
        {"jurisdiction": "ZZ", "pattern": "vpn", "action": "withhold", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "Unknown region code" in response.content.decode()
    assert not ModerationRule.objects.exists()


def test_matcher_finds_every_region_in_one_pass():
    matcher = Matcher(
        [
            RuleSpec(1, "CN", "vpn", "withhold"),
            RuleSpec(2, "DE", "VPN", "review"),
            RuleSpec(3, "*", "学中文", "label"),
        ]
    )
    hits = matcher.match("Best Vpn for #学中文 learners")
    assert sorted((h.region, h.rule.action) for h in hits.hits) == [
        ("*", "label"),
        ("CN", "withhold"),
        ("DE", "review"),
    ]


def test_product_page_leaves_out_notes_withheld_in_the_viewers_region(client, creator, readers):
    from tests.factories import NoteProduct, product_with_price

    ModerationRule.objects.create(jurisdiction="CN", pattern="VPN", action="withhold")
    product = product_with_price()
    note = post(creator, title="VPN and tea")
    NoteProduct.objects.create(note=note, product=product, position=0)
    client.force_login(readers["CN"])
    assert "VPN and tea" not in client.get(product.get_absolute_url()).content.decode()
    client.force_login(readers["US"])
    assert "VPN and tea" in client.get(product.get_absolute_url()).content.decode()
