"""Serve the local Stripe Connect stand-in for `make demo` (`--port 8421`)."""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from payouts.stripe_stand_in import StripeConnectStandIn


class Command(BaseCommand):
    help = "Serve a local stand-in for Stripe's /v1/transfers (demo only, never production)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8421)

    def handle(self, *args, host, port, **options):
        try:
            server = StripeConnectStandIn(host=host, port=port).start()
        except OSError as exc:
            raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
        self.stdout.write(f"Stripe Connect stand-in on {server.url}")
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        try:
            stopped.wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
