"""Errors of payout runs and transfers (shared by the state machines and their writers)."""


class PayoutRunError(Exception):
    """A run that cannot be computed or moved; the message says why."""


class PayoutRunRefused(PayoutRunError):
    """Refused before anything was written (period not over, rate missing, bad scope)."""


class PayoutRunFailed(PayoutRunError):
    """Computing failed; nothing was written but the run's failed state and reason."""


class TransferError(Exception):
    """A transfer or batch that cannot be moved; the message says why."""


class TransferRetry(Exception):
    """The rail could not be reached or asked us to slow down: try again, same key."""
