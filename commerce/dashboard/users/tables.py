"""The customers table: Oscar's, with its "Name" header through gettext (Oscar leaves it to
django-tables2, which titles the column name in English) and the active and staff flags
as a translated yes/no instead of Python's "True"/"False"."""

from django.utils.translation import gettext_lazy as _
from django_tables2 import BooleanColumn, Column
from oscar.apps.dashboard.users.tables import UserTable as CoreUserTable

YES_NO = (_("Yes"), _("No"))


class UserTable(CoreUserTable):
    name = Column(
        accessor="get_full_name", order_by=("last_name", "first_name"), verbose_name=_("Name")
    )
    active = BooleanColumn(accessor="is_active", yesno=YES_NO, verbose_name=_("Active"))
    staff = BooleanColumn(accessor="is_staff", yesno=YES_NO, verbose_name=_("Staff status"))

    # django-tables2 reads Meta from the class itself, never a parent: without this the
    # table lost Oscar's template (its caption and bulk actions) and classes.
    class Meta(CoreUserTable.Meta):
        pass
