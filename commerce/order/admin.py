from oscar.apps.order.admin import *  # noqa: F403  (keep Oscar's admin)
