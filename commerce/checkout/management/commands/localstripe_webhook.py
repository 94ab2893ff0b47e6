"""Wait for a localstripe server, then register our webhook with it (used by `make demo`)."""

import time

import requests
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Wait for localstripe at --base and register --url as its webhook with --secret."

    def add_arguments(self, parser):
        parser.add_argument("--base", required=True)
        parser.add_argument("--url", required=True)
        parser.add_argument("--secret", required=True)

    def handle(self, *args, base, url, secret, **options):
        deadline = time.monotonic() + 15
        while True:
            try:
                requests.get(f"{base}/js.stripe.com/v3/", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise CommandError(f"localstripe did not answer at {base}") from None
                time.sleep(0.2)
        requests.post(
            f"{base}/_config/webhooks/demo", data={"url": url, "secret": secret}, timeout=5
        ).raise_for_status()
        self.stdout.write(f"localstripe at {base} delivers webhooks to {url}")
