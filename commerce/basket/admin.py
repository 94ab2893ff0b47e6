from oscar.apps.basket.admin import *  # noqa: F403  (keep Oscar's admin)
