"""factory-boy factories for the storefront."""

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from oscar.core.loading import get_model

from agencies.models import Creator

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
Category = get_model("catalogue", "Category")
Note = get_model("catalogue", "Note")
NoteProduct = get_model("catalogue", "NoteProduct")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Rate = get_model("partner", "Rate")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("password")


class CreatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Creator

    user = factory.SubFactory(UserFactory)
    handle = factory.Sequence(lambda n: f"creator-{n}")
    display_name = factory.Sequence(lambda n: f"Creator {n}")
    country = "CN"


class ProductClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductClass
        django_get_or_create = ("slug",)

    name = "Cross-border goods"
    slug = "cross-border-goods"
    track_stock = True


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"partner-{n}")
    name = factory.LazyAttribute(lambda p: p.code.title())


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    title = factory.Sequence(lambda n: f"Product {n}")
    upc = factory.Sequence(lambda n: f"UPC{n:06d}")
    product_class = factory.SubFactory(ProductClassFactory)
    structure = "standalone"
    is_public = True
    origin_country = "JP"
    hs_code = "330499"
    customs_value = Decimal("1000")
    customs_currency = "JPY"
    weight_grams = 200


class StockRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockRecord

    product = factory.SubFactory(ProductFactory)
    partner = factory.SubFactory(PartnerFactory)
    partner_sku = factory.Sequence(lambda n: f"SKU{n:06d}")
    price = Decimal("100.00")
    price_currency = "CNY"
    num_in_stock = 100


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    creator = factory.SubFactory(CreatorFactory)
    title = factory.Sequence(lambda n: f"Note {n}")
    body = "A note about products."
    language = "en"
    region = "CN"
    published_at = factory.LazyFunction(timezone.now)


class RateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rate

    kind = "display"
    base = "CNY"
    quote = "USD"
    rate = Decimal("0.1405")
    source = "test"
    as_of = date(2026, 1, 1)


def product_with_price(price="100.00", currency="CNY", **kwargs):
    stockrecord = StockRecordFactory(
        price=Decimal(price), price_currency=currency, product=ProductFactory(**kwargs)
    )
    return stockrecord.product


def note_linking(products, **kwargs):
    note = NoteFactory(**kwargs)
    for position, product in enumerate(products):
        NoteProduct.objects.create(note=note, product=product, position=position)
    return note
