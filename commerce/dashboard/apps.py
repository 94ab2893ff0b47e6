import oscar.apps.dashboard.apps as apps


class DashboardConfig(apps.DashboardConfig):
    # Forked so that get_class("dashboard.catalogue.forms", ...) finds our sub-app's forms.
    name = "commerce.dashboard"
