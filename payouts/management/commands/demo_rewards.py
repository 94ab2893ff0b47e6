"""Post signed gift and tip events through the real rewards API and print the answers."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.utils import timezone

from payouts.api import signature_for


class Command(BaseCommand):
    help = (
        "Send demo gift and tip events to POST /api/rewards/, signed like the live-stream "
        "service, and print what happened (run demo_data first)."
    )

    def handle(self, *args, **options):
        if not settings.REWARDS_SIGNING_SECRETS:
            raise CommandError("Set REWARDS_SIGNING_SECRETS (the demo has a default secret).")
        secret = settings.REWARDS_SIGNING_SECRETS[0]
        client = Client()
        stamp = timezone.now().strftime("%Y%m%d%H%M%S")
        at = timezone.now().isoformat()

        def ev(n, creator, kind, amount, currency):
            return {
                "event_id": f"demo-{stamp}-{n}",
                "creator": creator,
                "kind": kind,
                "amount": amount,
                "currency": currency,
                "occurred_at": at,
                "stream_id": f"demo-stream-{stamp}",
            }

        def post(payload):
            body = json.dumps(payload).encode()
            return client.post(
                "/api/rewards/",
                data=body,
                content_type="application/json",
                HTTP_X_SIGNATURE=signature_for(body=body, secret=secret),
            )

        def show(title, status, data):
            if "earning" in data:
                e = data["earning"]
                detail = f"{e['amount']} {e['currency']} via {e['channel']} ({e['state']})"
                if "conversion" in e:
                    c = e["conversion"]
                    detail += f"; gross {c['gross_amount']}, platform share {c['platform_share']}"
                    if c["coins"] is not None:
                        detail += f", {c['coins']} coins at {c['coin_rate']}"
            else:
                detail = f"{data['error']['field']}: {data['error']['message']}"
            self.stdout.write(f"{status}  {title:<44} {detail}")

        singles = [
            ("gift of 500 coins to lily-shanghai", ev(1, "lily-shanghai", "gift", "500", "COIN")),
            ("tip of CNY 66.00 to xiaomei", ev(2, "xiaomei", "tip", "66.00", "CNY")),
            ("gift of HKD 120.00 to emma-london", ev(3, "emma-london", "gift", "120.00", "HKD")),
            ("tip of CNY 8.88 to chengdu-foodie", ev(4, "chengdu-foodie", "tip", "8.88", "CNY")),
            ("tip of USD 5.00 to mia-nyc (unverified)", ev(5, "mia-nyc", "tip", "5.00", "USD")),
            ("tip to kenji-osaka (no contract)", ev(6, "kenji-osaka", "tip", "1000", "JPY")),
        ]
        for title, payload in singles:
            response = post(payload)
            show(title, response.status_code, response.json())
        response = post(singles[1][1])
        show("replay of the tip to xiaomei", response.status_code, response.json())
        changed = dict(singles[1][1], amount="67.00")
        response = post(changed)
        show("same event id, different amount", response.status_code, response.json())
        response = post(dict(ev(7, "xiaomei", "tip", "1.005", "CNY")))
        show("tip with too many decimals", response.status_code, response.json())

        batch = {
            "events": [
                ev(
                    100 + n,
                    ["lily-shanghai", "xiaomei", "yuki-tokyo"][n % 3],
                    "gift",
                    "100",
                    "COIN",
                )
                for n in range(30)
            ]
            + [ev(200, "nobody", "tip", "1.00", "CNY")]
        }
        response = post(batch)
        self.stdout.write(
            f"{response.status_code}  batch of {len(batch['events'])} events: "
            f"per-event statuses {response.json()['counts']}"
        )
