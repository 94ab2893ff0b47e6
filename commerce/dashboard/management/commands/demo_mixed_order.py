"""Demo: a paid London order with a Tokyo parcel and a Brooklyn parcel (two consignments).

Until the marketplace checkout writes consignments itself, this shows the merchant side:
sign in as merchant-jp@example.com and open the order in the dashboard.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from oscar.core.loading import get_model
from oscar.test.factories import create_order

from commerce.checkout.payments import payment_mark_paid
from commerce.partner.strategy import Selector
from commerce.stripe_api import amount_to_minor, stripe_client

Basket = get_model("basket", "Basket")
Consignment = get_model("order", "Consignment")
Country = get_model("address", "Country")
Partner = get_model("partner", "Partner")
ShippingAddress = get_model("order", "ShippingAddress")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
StripePayment = get_model("order", "StripePayment")

PARCELS = {  # partner code: (shipping, UK import VAT) in GBP
    "tokyo-goods": (Decimal("4.00"), Decimal("6.52")),
    "brooklyn-makers": (Decimal("6.00"), Decimal("8.40")),
}


class Command(BaseCommand):
    help = "Create a paid two-merchant order (Tokyo + Brooklyn to London) for the demo."

    def handle(self, *args, **options):
        partners = {p.code: p for p in Partner.objects.filter(code__in=PARCELS)}
        if len(partners) != len(PARCELS):
            raise CommandError("Run demo_data first: the Tokyo and Brooklyn merchants are missing.")
        user, _ = get_user_model().objects.get_or_create(
            username="shopper-london",
            defaults={"email": "shopper-london@example.com", "first_name": "Ada"},
        )
        user.set_password("shopper")
        user.save()
        basket = Basket.objects.create(owner=user)
        basket.strategy = Selector().strategy(currency="GBP")
        for code, partner in partners.items():
            record = partner.stockrecords.select_related("product").order_by("pk").first()
            basket.add_product(record.product, quantity=1 if code == "tokyo-goods" else 2)
        country = Country.objects.get(iso_3166_1_a2="GB")
        address = ShippingAddress.objects.create(
            first_name="Ada",
            last_name="Lovelace",
            line1="10 Downing Street",
            line4="London",
            postcode="SW1A 2AA",
            country=country,
            phone_number="",
        )
        with transaction.atomic():
            order = create_order(basket=basket, user=user, shipping_address=address)
            total = Decimal("0")
            for code, partner in partners.items():
                lines = order.lines.filter(partner=partner)
                shipping, vat = PARCELS[code]
                consignment = Consignment.objects.create(
                    order=order,
                    partner=partner,
                    ship_from=str(partner.ship_from_country),
                    destination="GB",
                    kind=Consignment.Kind.IMPORT,
                    collected=Consignment.Collected.AT_CHECKOUT,
                    currency=order.currency,
                    goods=sum(line.line_price_incl_tax for line in lines),
                    shipping=shipping,
                    taxes=vat,
                    weight_grams=sum(
                        (line.product.weight_grams or 0) * line.quantity for line in lines
                    ),
                    quote={
                        "lines": [
                            {"code": "uk_vat", "label": "Import VAT (UK)", "amount": str(vat)}
                        ]
                    },
                )
                lines.update(consignment=consignment)
                total += consignment.total
            order.total_incl_tax = order.total_excl_tax = total
            order.save(update_fields=["total_incl_tax", "total_excl_tax"])
        intent = stripe_client().v1.payment_intents.create(
            params={
                "amount": amount_to_minor(amount=total, currency=order.currency),
                "currency": order.currency.lower(),
                "payment_method": "pm_card_visa",
                "confirm": True,
                "metadata": {"order_number": order.number},
            }
        )
        with transaction.atomic():
            payment = StripePayment.objects.create(
                order_number=order.number,
                order=order,
                intent_id=intent.id,
                amount=total,
                currency=order.currency,
                state=StripePayment.State.PROCESSING,
            )
            source_type, _ = SourceType.objects.get_or_create(name="Stripe")
            Source.objects.create(
                order=order,
                source_type=source_type,
                currency=order.currency,
                amount_allocated=total,
                reference=intent.id,
            )
            payment_mark_paid(payment=payment, order=order, reference=intent.id)
        self.stdout.write(f"Order {order.number}: {total} {order.currency}, two parcels, paid.")
