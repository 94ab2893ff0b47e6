"""Demo data for issue #17: a US shopper and a UK creator whose personal data lives only in
their regions' stores (idempotent)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from agencies.models import Creator
from commerce.residency import services

SHOPPER = {
    "first_name": "Dakota",
    "last_name": "Whitfield",
    "email": "dakota.whitfield@example.us",
    "phone": "+12125550199",
    "addresses": [
        {
            "line1": "350 Fifth Avenue",
            "city": "New York",
            "state": "NY",
            "postcode": "10118",
            "country": "US",
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
            "residency_demo: us-shopper (region us) and uk-creator (region eu) stored regionally"
        )
