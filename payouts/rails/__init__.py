"""Payout rails as a registry: each rail is one module with the same small interface.

A rail module defines:

- ``CODE`` (stored on ``Transfer.rail`` and ``Agency.payout_rail``) and ``LABEL``;
- ``PAYS_CREATORS``: whether it can pay a creator's personal account;
- ``route_agency(agency) -> Route`` and ``route_creator(personal) -> Route``: where the
  money goes, or why it is held (``Route.held`` with the reason, ``Route.hold`` a code);
  ``personal`` is the creator's ``agencies.personal.CreatorPersonal`` (the values may live
  in a regional store, issue #17);
- ``submit(*, transfer)``: send one pending transfer (idempotent; ``TransferRetry`` to be
  tried again with the same key), moving it through ``payouts.lifecycle``;
- how its outcome comes back: ``WEBHOOK`` (a view, dotted path) or ``RETURNS`` (a
  return-file import, dotted path).

A new rail (say Alipay) is one module here and one line in ``RAILS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from types import ModuleType

RAILS: dict[str, str] = {
    "stripe_connect": "payouts.rails.stripe_connect",
    "bank_file": "payouts.rails.bank_file",
}
# The rail that pays creators' personal accounts.
PERSONAL_RAIL = "bank_file"


@dataclass(frozen=True, slots=True)
class Route:
    rail: str
    destination: str = ""
    held: str = ""  # why the transfer is held (empty: it can be sent)
    hold: str = ""  # Transfer.Hold code when held


def rail_get(code: str) -> ModuleType | None:
    """The rail module of ``code`` (None for an unknown or empty code)."""
    path = RAILS.get(code or "")
    return import_module(path) if path else None


def rails_all() -> list[ModuleType]:
    return [import_module(path) for path in RAILS.values()]
