from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayoutsConfig(AppConfig):
    name = "payouts"
    verbose_name = _("Payouts")

    def ready(self):
        from . import (  # noqa: F401
            queues,  # registers the tasks that touch personal data with their region
            receivers,  # connects the order signal receivers
        )
