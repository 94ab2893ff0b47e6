"""Names of duties and taxes from ``tax.duties``, marked for translation.

The engine labels its charges in English; checkout shows them through gettext, so the
labels of the destinations we ship to are listed here for ``makemessages``.
"""

from django.utils.translation import gettext, gettext_noop

LABELS = (
    gettext_noop("Import VAT (UK)"),
    gettext_noop("Import duty (UK)"),
    gettext_noop("Import duty (EU)"),
    gettext_noop("Import VAT (Germany)"),
    gettext_noop("Import VAT (France)"),
    gettext_noop("Import VAT (Italy)"),
    gettext_noop("Import VAT (Spain)"),
    gettext_noop("Import VAT (Netherlands)"),
    gettext_noop("Import duty (US)"),
    gettext_noop("Import duty (China)"),
    gettext_noop("Import VAT (China)"),
    gettext_noop("Consumption tax (China)"),
    gettext_noop("China cross-border import tax"),
    gettext_noop("Import duty (Japan)"),
    gettext_noop("Consumption tax (Japan)"),
    gettext_noop("GST (Australia)"),
    gettext_noop("GST (Singapore)"),
    gettext_noop("GST (Canada)"),
    gettext_noop("Sales tax (Malaysia)"),
)


def charge_label(label: str) -> str:
    """The engine's label in the active language (unchanged where no translation)."""
    return gettext(label)
