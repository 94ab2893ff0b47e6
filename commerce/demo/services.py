"""Loads the demo data set: merchants, a cross-border catalogue, creators, notes, FX rates.

Idempotent: every object is found by a natural key (partner code, UPC, creator handle,
note title) and only what is missing is created, so a second run changes nothing.
Large sizes (the benchmark's 2,000 products) are written with bulk inserts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model
from oscar.core.utils import slugify

from agencies.demo import agencies_demo_load
from agencies.models import Creator
from commerce.partner.services import rates_load_csv
from commerce.shipping.services import shipping_countries_ensure

from . import catalogue_data as data

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
Category = get_model("catalogue", "Category")
Note = get_model("catalogue", "Note")
NoteProduct = get_model("catalogue", "NoteProduct")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")


ADMIN_EMAIL, ADMIN_PASSWORD = "admin@example.com", "admin"
MERCHANT_PASSWORD = "merchant"


@dataclass
class DemoSummary:
    products_created: int = 0
    notes_created: int = 0
    creators_created: int = 0


def _users():
    User = get_user_model()
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", ADMIN_EMAIL, ADMIN_PASSWORD)
    dashboard_access = Permission.objects.get(
        codename="dashboard_access", content_type__app_label="partner"
    )
    partners = {}
    for code, name, country, currency, email in data.MERCHANTS:
        partner, _ = Partner.objects.get_or_create(
            code=code, defaults={"name": name, "ship_from_country": country}
        )
        if partner.ship_from_country != country:
            partner.ship_from_country = country
            partner.save(update_fields=["ship_from_country"])
        user = User.objects.filter(username=code).first()
        if user is None:
            # Oscar's merchant model: a partner user with dashboard access, not staff, so
            # the dashboard shows them only their own products and orders.
            user = User.objects.create_user(code, email, MERCHANT_PASSWORD)
            user.user_permissions.add(dashboard_access)
            partner.users.add(user)
        partners[code] = (partner, country, currency)
    return partners


def _creators(count: int, summary: DemoSummary) -> list[Creator]:
    User = get_user_model()
    wanted = list(data.CREATORS)
    for n in range(len(wanted), count):
        wanted.append((f"creator-{n}", f"Creator {n}", ["CN", "JP", "US", "GB"][n % 4]))
    existing = {c.handle: c for c in Creator.objects.filter(handle__in=[w[0] for w in wanted])}
    creators = []
    for handle, name, country in wanted[:count]:
        creator = existing.get(handle)
        if creator is None:
            user = User.objects.create_user(handle, f"{handle}@example.com")
            user.set_unusable_password()
            user.save(update_fields=["password"])
            creator = Creator.objects.create(
                user=user, handle=handle, display_name=name, country=country
            )
            summary.creators_created += 1
        creators.append(creator)
    return creators


def _products_refresh(specs: list[data.ProductSpec]) -> None:
    """Bring demo products an older data set wrote up to date: titles, HS codes, weights."""
    fields = ("title_en", "title_zh_hans", "slug", "description_en", "hs_code", "weight_grams")
    by_upc = {spec.upc: spec for spec in specs}
    stale = []
    for product in Product.objects.filter(upc__in=by_upc).only("upc", *fields):
        spec = by_upc[product.upc]
        wanted = (
            spec.title_en or spec.title,
            spec.title_zh or spec.title,
            slugify(spec.title) or spec.upc.lower(),
            spec.description,
            spec.hs_code,
            spec.weight_grams,
        )
        if tuple(getattr(product, f) for f in fields) != wanted:
            for field, value in zip(fields, wanted, strict=True):
                setattr(product, field, value)
            stale.append(product)
    Product.objects.bulk_update(stale, fields, batch_size=500)


def _products(count: int, partners, summary: DemoSummary) -> list[Product]:
    product_class, _ = ProductClass.objects.get_or_create(
        slug="cross-border-goods",
        defaults={"name": "Cross-border goods", "requires_shipping": True, "track_stock": True},
    )
    categories = {spec[0]: create_from_breadcrumbs(spec[0]) for spec in data.CATEGORIES}
    for english, chinese in data.CATEGORY_NAMES_ZH.items():  # the storefront in Chinese
        Category.objects.filter(name_en=english).update(name_zh_hans=chinese)
    specs = list(data.product_specs(count))
    existing = set(
        Product.objects.filter(upc__in=[s.upc for s in specs]).values_list("upc", flat=True)
    )
    _products_refresh([spec for spec in specs if spec.upc in existing])
    new_specs = [spec for spec in specs if spec.upc not in existing]
    new_products = [
        Product(
            upc=spec.upc,
            title=spec.title,
            title_en=spec.title_en or spec.title,
            title_zh_hans=spec.title_zh or spec.title,
            slug=slugify(spec.title) or spec.upc.lower(),
            description=spec.description,
            product_class=product_class,
            structure=Product.STANDALONE,
            is_public=True,
            origin_country=spec.origin_country,
            hs_code=spec.hs_code,
            customs_value=spec.customs_value,
            customs_currency=spec.currency,
            weight_grams=spec.weight_grams,
            consumption_tax_rate=spec.consumption_tax_rate,
            cbec_eligible=spec.cbec_eligible,
        )
        for spec in new_specs
    ]
    category_links = [categories[spec.category] for spec in new_specs]
    stock = [(partners[spec.merchant][0], spec.price, spec.currency) for spec in new_specs]
    with transaction.atomic():
        Product.objects.bulk_create(new_products, batch_size=500)
        created = list(
            Product.objects.filter(upc__in=[p.upc for p in new_products]).order_by("upc")
        )
        by_upc = {p.upc: p for p in created}
        ProductCategory.objects.bulk_create(
            [
                ProductCategory(product=by_upc[p.upc], category=category)
                for p, category in zip(new_products, category_links, strict=True)
            ],
            batch_size=1000,
        )
        StockRecord.objects.bulk_create(
            [
                StockRecord(
                    product=by_upc[p.upc],
                    partner=partner,
                    partner_sku=p.upc,
                    price=price,
                    price_currency=currency,
                    num_in_stock=1000,
                )
                for p, (partner, price, currency) in zip(new_products, stock, strict=True)
            ],
            batch_size=1000,
        )
    summary.products_created += len(new_products)
    return list(Product.objects.filter(upc__in=[s.upc for s in specs]).order_by("upc"))


def _notes(count: int, creators, products, summary: DemoSummary, rng: random.Random) -> None:
    now = timezone.now()
    # A note is known by its creator and its number (the "#n" its title ends with), so a
    # product renamed by a newer data set does not make the same note twice.
    # Its title and body follow the product's current name.
    existing = {
        (note.creator_id, note.title.rsplit(" #", 1)[-1]): note
        for note in Note.objects.only("id", "creator_id", "title", "body")
    }
    stale = []
    links = []
    for n in range(count):
        creator = creators[n % len(creators)]
        language = "zh-hans" if creator.country == "CN" or n % 5 == 0 else "en"
        picked = rng.sample(products, k=min(len(products), 2 + n % 3))
        title_tpl, body_tpl = data.NOTE_TEMPLATES[language][n % 3]
        item = picked[0].title_zh_hans if language == "zh-hans" else picked[0].title_en
        title = f"{title_tpl.format(item=item)} #{n + 1}"
        body = body_tpl.format(item=item)
        known = existing.get((creator.pk, str(n + 1)))
        if known is not None:
            if (known.title, known.body) != (title, body):
                known.title, known.body = title, body
                stale.append(known)
            continue
        note = Note.objects.create(
            creator=creator,
            title=title,
            body=body,
            language=language,
            region=creator.country,
            published_at=now - timedelta(hours=7 * n + 1),
        )
        links += [NoteProduct(note=note, product=p, position=i) for i, p in enumerate(picked)]
        summary.notes_created += 1
    NoteProduct.objects.bulk_create(links, batch_size=1000)
    Note.objects.bulk_update(stale, ["title", "body"], batch_size=500)


def demo_data_load(*, products: int = 210, notes: int = 66, creators: int = 22) -> DemoSummary:
    """Create whatever of the demo data set is missing; returns what was created."""
    summary = DemoSummary()
    rng = random.Random(20261121)  # fixed seed: the same notes on every machine and every run
    with transaction.atomic():
        with data.RATES_FILE.open(newline="", encoding="utf-8") as file:
            rates_load_csv(file=file)
        partners = _users()
        shipping_countries_ensure()
        creator_rows = _creators(creators, summary)
        agencies_demo_load()
        product_rows = _products(products, partners, summary)
        _notes(notes, creator_rows, product_rows, summary, rng)
    return summary
