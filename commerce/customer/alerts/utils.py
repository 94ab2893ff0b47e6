"""Product-alert emails reach overseas users at the address kept in their region
(``commerce.residency.dispatch``)."""

from oscar.apps.customer.alerts import utils as core
from oscar.apps.customer.alerts.utils import *  # noqa: F403  (Oscar fork convention)

from commerce.residency.dispatch import dispatcher_residency_install


class AlertsDispatcher(core.AlertsDispatcher):
    def __init__(self, logger=None, mail_connection=None):
        super().__init__(logger=logger, mail_connection=mail_connection)
        dispatcher_residency_install(self)
