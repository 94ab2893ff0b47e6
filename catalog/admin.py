from oscar.apps.catalogue.admin import *  # noqa: F403  (keep Oscar's admin)
