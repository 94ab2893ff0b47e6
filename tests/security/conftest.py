# The rewards API's fixtures (signing secret, settings, the creator "lily") from the payouts
# tests, so that the hostile-input tests post exactly what those tests post.
from tests.payouts.conftest import _rewards_settings, lily  # noqa: F401
