"""Import a bank return file (pain.002 or camt.054): ``payout_bank_return FILE [--user NAME]``."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from payouts.bank_returns import BankReturnError, bank_return_import


class Command(BaseCommand):
    help = (
        "Import a bank's pain.002.001.03 status report for a written bank-file batch, or a "
        "camt.054.001.02 notification of returned payments."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the pain.002 or camt.054 XML file")
        parser.add_argument("--user", help="username recorded as the importer")

    def handle(self, *args, file, user=None, **options):
        found = None
        if user:
            found = get_user_model().objects.filter(username=user).first()
            if found is None:
                raise CommandError(_("Unknown user %(name)r.") % {"name": user})
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": exc.strerror}
            ) from exc
        try:
            summary = bank_return_import(data=data, filename=path.name, user=found)
        except BankReturnError as exc:
            raise CommandError(" ".join(str(exc).split())) from exc
        self.stdout.write(str(summary))
