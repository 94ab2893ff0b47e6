from django.core.management.base import BaseCommand

from catalog.translation.standins import StandIn


class Command(BaseCommand):
    help = "Serve a local stand-in for LibreTranslate or an OpenAI-compatible API (no network)."

    def add_arguments(self, parser):
        parser.add_argument("api", choices=["libretranslate", "openai"])
        parser.add_argument("--port", type=int, default=5000)

    def handle(self, *args, api, port, **options):
        server = StandIn(api, port)
        self.stdout.write(f"{api} stand-in on {server.url}")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
