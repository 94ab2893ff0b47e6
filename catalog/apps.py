import oscar.apps.catalogue.apps as apps


class CatalogueConfig(apps.CatalogueConfig):
    name = "catalog"

    def ready(self):
        super().ready()
        from . import receivers  # noqa: F401  (connects the attribution receiver)
        from .product_views import product_views_install

        product_views_install()
