"""Surcharge applicator: duties and import taxes once the shipping address is known.

One surcharge per charge code, summed over the order's import consignments (each quoted on
its own); the per-consignment breakdown is kept on the order's consignments.
"""

from oscar.apps.checkout.applicator import *  # noqa: F403  (Oscar fork convention)
from oscar.apps.checkout.applicator import SurchargeApplicator as CoreSurchargeApplicator

from .context import request_consignments, session_address
from .labels import charge_label
from .surcharges import LandedCostCharge


class SurchargeApplicator(CoreSurchargeApplicator):
    def get_surcharges(self, basket, **kwargs):
        if self.request is None or basket.is_empty:
            return ()
        shipping_charge = kwargs.get("shipping_charge")
        address = (self.context or {}).get("shipping_address")
        if address is not None:
            country, state = address.country_id, address.state
        else:
            found = session_address(self.request)
            if found is None:
                return ()
            country, state = found
        if shipping_charge is None or not country:
            return ()
        quote = request_consignments(self.request, basket=basket, country=country, state=state)
        if not quote.allowed:
            return ()
        return tuple(
            LandedCostCharge(
                code=charge.code, label=charge_label(charge.label), amount=charge.amount
            )
            for charge in quote.charges
        )
