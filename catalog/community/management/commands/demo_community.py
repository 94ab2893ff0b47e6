from django.core.management.base import BaseCommand
from django.test import Client
from django.urls import reverse

from agencies.live import live_signature_for


class Command(BaseCommand):
    help = (
        "Load the demo community (covers, avatars, topics, comments, likes, moderation "
        "rules, live permissions); idempotent. Run after demo_data."
    )

    def handle(self, *args, **options):
        from django.conf import settings

        from catalog.community.demo import READER_PASSWORD, READERS, community_demo_load

        summary = community_demo_load()
        self.stdout.write(
            f"Demo community: {summary.notes} notes, {summary.images} covers, "
            f"{summary.avatars} avatars, {summary.comments} comments, {summary.reactions} "
            f"likes, {summary.rules} rules created; readers "
            f"{', '.join(u for u, _ in READERS)} (password {READER_PASSWORD})"
        )
        secrets = list(
            getattr(settings, "LIVE_SIGNING_SECRETS", None) or settings.REWARDS_SIGNING_SECRETS
        )
        if not secrets:
            return
        client = Client()
        for handle in summary.live:
            path = reverse("live-permission", kwargs={"handle": handle})
            answer = client.get(
                path, HTTP_X_SIGNATURE=live_signature_for(path=path, secret=secrets[0])
            ).json()
            self.stdout.write(
                f"  GET {path} -> allowed={answer['allowed']} ({answer['state']}): "
                f"{answer['reason']}"
            )
