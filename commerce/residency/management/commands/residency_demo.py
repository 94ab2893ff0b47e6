"""Demo data for issue #17: a US shopper (with an order) and a UK creator whose personal data
lives only in their regions' stores (idempotent).

The shopper's order is written the way checkout writes one: its contact details to the US
store first (``order_contact_prepare``), the global address row masked, then the
``OrderResidency`` link (``order_contact_attach``). Sign in as dakota.whitfield@example.us /
us-shopper to see it resolved on the order pages."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from oscar.core.loading import get_model

from agencies.models import Creator
from commerce.checkout.personal import order_contact_attach, order_contact_prepare
from commerce.residency import services

Basket = get_model("basket", "Basket")
Country = get_model("address", "Country")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
StockRecord = get_model("partner", "StockRecord")

SHOPPER = {
    "first_name": "Dakota",
    "last_name": "Whitfield",
    "email": "dakota.whitfield@example.us",
    "phone": "+12125550199",
    # As checkout saves a shopper's address (``selectors.address_values``).
    "addresses": [
        {
            "title": "",
            "first_name": "Dakota",
            "last_name": "Whitfield",
            "line1": "350 Fifth Avenue",
            "line2": "",
            "line3": "",
            "line4": "New York",
            "state": "NY",
            "postcode": "10118",
            "country": "US",
            "phone_number": "+12125550199",
            "notes": "",
        }
    ],
}
CREATOR = {
    "first_name": "Eleanor",
    "last_name": "Hartley",
    "legal_name": "Eleanor Hartley",
    "email": "eleanor.hartley@example.co.uk",
    "phone": "+442079460958",
    "addresses": [{"line1": "221 Camden High Street", "city": "London", "postcode": "NW1 7BU"}],
}


class Command(BaseCommand):
    help = "Create the residency demo users (US shopper, UK creator)."

    def handle(self, *args, **options):
        User = get_user_model()
        shopper, _created = User.objects.get_or_create(username="us-shopper")
        if _created:
            shopper.set_password("us-shopper")
            shopper.save()
        services.personal_data_put(user=shopper, data=SHOPPER, country="US")
        order = self.shopper_order(shopper)
        creator_user, _created = User.objects.get_or_create(username="uk-creator")
        if _created:
            creator_user.set_password("uk-creator")
            creator_user.save()
        Creator.objects.get_or_create(
            user=creator_user,
            defaults={"handle": "maple-streams", "display_name": "Maple Streams", "country": "GB"},
        )
        services.personal_data_put(user=creator_user, data=CREATOR, country="GB")
        self.stdout.write(
            "residency_demo: us-shopper (region us, order "
            f"{order.number if order else '-'}) and uk-creator (region eu) stored regionally"
        )
        creators_demo_load(stdout=self.stdout)

    def shopper_order(self, shopper):
        """One order of the US shopper, shipped to New York (once)."""
        from oscar.test.factories import create_order

        from commerce.partner.strategy import Selector

        existing = Order.objects.filter(user=shopper).first()
        if existing is not None:
            return existing
        record = StockRecord.objects.select_related("product").order_by("pk").first()
        country = Country.objects.filter(iso_3166_1_a2="US").first()
        if record is None or country is None:
            self.stdout.write("residency_demo: no products yet (run demo_data): no order")
            return None
        basket = Basket.objects.create(owner=shopper)
        basket.strategy = Selector().strategy(currency="USD")
        basket.add_product(record.product, quantity=1)
        home = SHOPPER["addresses"][0]
        address = ShippingAddress(
            first_name=SHOPPER["first_name"],
            last_name=SHOPPER["last_name"],
            line1=home["line1"],
            line4=home["line4"],
            state=home["state"],
            postcode=home["postcode"],
            country=country,
            phone_number=SHOPPER["phone"],
        )
        contact = order_contact_prepare(
            user=shopper, shipping_address=address, billing_address=None, guest_email=""
        )
        with transaction.atomic():
            address.save()  # masked by order_contact_prepare
            order = create_order(basket=basket, user=shopper, shipping_address=address)
            order_contact_attach(order=order, contact=contact)
        return order


# --- Creators (issue #17, the creator side) ---------------------------------------------

# The UK creator the payouts demo paid (Harbour Talent, non-resident wages): her account's
# email and her legal name, passport number and payout details move to the EU store.
UK_CREATOR_HANDLE = "emma-london"


def creators_demo_load(*, stdout) -> None:
    """Creators homed in the EU whose personal values live only in the EU store: the
    residency demo's uk-creator (legal name) and emma-london (paid by the payouts demo;
    she then appears in the agency portal and the exports from the EU store). Idempotent."""
    from agencies.personal import creator_personal_relocate, creator_personal_set

    maple = Creator.objects.filter(user__username="uk-creator").first()
    if maple is not None:
        creator_personal_set(creator=maple, values={"legal_name": CREATOR["legal_name"]})
    emma = Creator.objects.select_related("user").filter(handle=UK_CREATOR_HANDLE).first()
    if emma is None:
        return
    user = emma.user
    # As sign-up does for an overseas user: the account's values go to the region's store
    # first, then the global row keeps none of them.
    values = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
    if any(values.values()):
        services.personal_data_put(user=user, data=values, country=str(emma.country))
        type(user).objects.filter(pk=user.pk).update(first_name="", last_name="", email="")
    else:
        services.home_region_ensure(user=user, country=str(emma.country))
    moved = creator_personal_relocate(creator=emma)
    stdout.write(
        f"residency_demo: {UK_CREATOR_HANDLE} (region eu): creator values "
        f"{'moved to' if moved else 'already in'} the EU store"
    )
