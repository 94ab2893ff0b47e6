"""Names the platform writes once and shows in the reader's language.

Category names of the platform's own tree (and the product type) are gettext msgids
with the context "product category"; a name without a translation (a category a merchant
added) is shown as written. Country names come from django-countries' catalogues (CLDR
names, in Chinese too) instead of the English ``printable_name`` Oscar stores.
"""

from django.utils.translation import gettext_noop, pgettext
from django_countries import countries

CATEGORY_CONTEXT = "product category"


def category_label(name: str) -> str:
    """``name`` in the active language when the catalogue has it, else as written."""
    return pgettext(CATEGORY_CONTEXT, name) if name else name


def country_label(code: str, *, fallback: str = "") -> str:
    """The ISO 3166-1 alpha-2 ``code``'s name in the active language."""
    return str(countries.name(code)) or fallback


def oscar_country_str(country) -> str:
    """``str()`` of Oscar's Country (form choices, address summaries, postcode errors)."""
    return country_label(country.iso_3166_1_a2, fallback=country.printable_name or country.name)


# Order and line statuses are settings (OSCAR_ORDER_STATUS_PIPELINE), shown through
# gettext; listed here so ``makemessages`` keeps their translations.
ORDER_STATUSES = (
    gettext_noop("Pending payment"),
    gettext_noop("Paid"),
    gettext_noop("Being processed"),
    gettext_noop("Shipped"),
    gettext_noop("Complete"),
    gettext_noop("Cancelled"),
)
