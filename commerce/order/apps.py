import oscar.apps.order.apps as apps


class OrderConfig(apps.OrderConfig):
    name = "commerce.order"

    def ready(self):
        super().ready()
        from .analytics import order_analytics_install

        order_analytics_install()
