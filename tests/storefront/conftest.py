"""Storefront fixtures: a small demo shop (every category, merchant, creators, notes)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from oscar.core.loading import get_model

from commerce.demo.services import demo_data_load

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
Note = get_model("catalogue", "Note")


@pytest.fixture
def demo_shop(db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()
    demo_data_load(products=48, notes=6, creators=22)
    product = Product.objects.order_by("upc").first()
    category = Category.objects.get(name="Skincare")
    return {
        "product": product,
        "category": category,
        "note": Note.objects.order_by("id").first(),
        "merchant": get_user_model().objects.get(username="tokyo-goods"),
        "agency_staff": get_user_model().objects.get(username="starlight-staff"),
    }


def shopper_paths(demo_shop) -> list[str]:
    """The pages a shopper meets, signed in or not."""
    return [
        "/",
        reverse("notes:list"),
        demo_shop["note"].get_absolute_url(),
        demo_shop["product"].get_absolute_url(),
        reverse("catalogue:index"),
        demo_shop["category"].get_absolute_url(),
        reverse("search:search") + "?q=cream",
        reverse("basket:summary"),
        reverse("customer:login"),
        "/no-such-page/",
    ]


ACCOUNT_PATHS = [
    "/accounts/profile/",
    "/accounts/addresses/",
    "/accounts/addresses/add/",
    "/accounts/orders/",
    "/accounts/emails/",
    "/accounts/wishlists/",
    "/accounts/alerts/",
    "/accounts/profile/edit/",
    "/accounts/change-password/",
]
