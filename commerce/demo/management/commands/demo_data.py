from django.core.management.base import BaseCommand, CommandError

from commerce.demo.services import demo_data_load


class Command(BaseCommand):
    help = "Load the demo data set (idempotent: a second run changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=210)
        parser.add_argument("--notes", type=int, default=66)
        parser.add_argument("--creators", type=int, default=22)

    def handle(self, *args, products, notes, creators, **options):
        if min(products, notes, creators) < 1:
            raise CommandError("--products, --notes and --creators must be at least 1")
        summary = demo_data_load(products=products, notes=notes, creators=creators)
        self.stdout.write(
            f"Demo data: {summary.products_created} products, {summary.notes_created} notes, "
            f"{summary.creators_created} creators created"
        )
