import oscar.apps.partner.apps as apps


class PartnerConfig(apps.PartnerConfig):
    name = "commerce.partner"

    def ready(self):
        super().ready()
        from . import receivers  # noqa: F401  (drops cached FX rates when one changes)
