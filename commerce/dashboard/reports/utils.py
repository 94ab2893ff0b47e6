"""Reports fork: the user analytics report is ours (commerce.dashboard.reports.users)."""

from oscar.apps.dashboard.reports import utils as core
from oscar.apps.dashboard.reports.utils import *  # noqa: F403  (Oscar fork convention)

from .users import UserReportGenerator


class GeneratorRepository(core.GeneratorRepository):
    generators = [
        UserReportGenerator if generator is core.UserReportGenerator else generator
        for generator in core.GeneratorRepository.generators
    ]
