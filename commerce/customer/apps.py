import oscar.apps.customer.apps as apps


class CustomerConfig(apps.CustomerConfig):
    """Oscar's customer app; forms, views and dispatcher overridden for issue #17."""

    name = "commerce.customer"
