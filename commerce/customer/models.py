"""Customer fork (issue #17: sign-up country, sign-in and profile through the residency
service); the models are Oscar's."""

from oscar.apps.customer.models import *  # noqa: F403  (Oscar fork convention)
