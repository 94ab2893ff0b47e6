"""Menus per role: a merchant sees only the dashboard menus it may open (no bare 403)."""

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PLATFORM_ONLY = ("dashboard:users-index", "dashboard:partner-list", "dashboard:reports-index")


def menu_links(client):
    html = client.get(reverse("dashboard:index")).content.decode()
    nav = (
        html[html.index('id="navbarSupportedContent"') :]
        if "navbarSupportedContent" in html
        else html
    )
    return set(re.findall(r'href="(/dashboard/[^"#?]*)"', nav))


def test_merchant_menu_has_only_what_it_may_open(client, merchants):
    client.force_login(merchants["tokyo_user"])
    links = menu_links(client)
    for name in (
        "dashboard:order-list",
        "dashboard:order-stats",
        "dashboard:catalogue-product-list",
    ):
        assert reverse(name) in links
    for name in PLATFORM_ONLY:
        assert reverse(name) not in links
    # Every link in the merchant's menu opens.
    for link in links:
        assert client.get(link).status_code == 200, link


def test_platform_staff_menu_has_users_partners_and_reports(client):
    client.force_login(UserFactory(username="ops", is_staff=True, is_superuser=True))
    links = menu_links(client)
    for name in PLATFORM_ONLY:
        assert reverse(name) in links


def test_a_staff_flagged_merchant_still_sees_only_merchant_menus(client, merchants):
    user = merchants["tokyo_user"]
    user.is_staff = True
    user.save()
    client.force_login(user)
    links = menu_links(client)
    for name in PLATFORM_ONLY:
        assert reverse(name) not in links
    for link in links:
        assert client.get(link).status_code == 200, link
