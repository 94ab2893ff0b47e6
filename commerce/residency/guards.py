"""Objects holding personal values resolved from a regional store are never saved.

``selectors.orders_personal_resolve`` (and the sign-up form) put regional values on model
instances in memory so Oscar's templates and dispatchers show them; these receivers refuse
to save such an instance, so a full value cannot travel back into the global database.
A user's save that touches no identifying column (``update_fields=["last_login"]``) passes.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models.signals import pre_save

USER_IDENTIFYING_FIELDS = frozenset({"first_name", "last_name", "email", "username"})


class ResolvedInstanceSave(RuntimeError):
    pass


def _refuse_resolved(sender, instance, update_fields=None, **kwargs):
    if not getattr(instance, "_personal_resolved", False):
        return
    if (
        sender is get_user_model()
        and update_fields is not None
        and not (set(update_fields) & USER_IDENTIFYING_FIELDS)
    ):
        return
    raise ResolvedInstanceSave(
        f"{sender._meta.label} #{instance.pk} holds personal values read from a regional "
        "store and must not be saved to the global database"
    )


def guards_connect() -> None:
    for label in ("order.ShippingAddress", "order.BillingAddress", "address.UserAddress"):
        pre_save.connect(_refuse_resolved, sender=apps.get_model(label), weak=False)
    pre_save.connect(_refuse_resolved, sender=get_user_model(), weak=False)
