from django.core.management.base import BaseCommand, CommandError

from commerce.partner.services import RateFileError, rates_load_csv


class Command(BaseCommand):
    help = "Load FX rates from a CSV file (base,quote,rate,source,as_of[,kind])."

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV file of rates")

    def handle(self, *args, path, **options):
        try:
            with open(path, newline="", encoding="utf-8-sig") as file:
                count = rates_load_csv(file=file)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        except RateFileError as error:
            raise CommandError(f"{path} {error}") from None
        self.stdout.write(f"Loaded {count} rates from {path}")
