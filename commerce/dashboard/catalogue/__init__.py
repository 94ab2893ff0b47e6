default_app_config = "tmp.fork.out.dash.dashboard.catalogue.apps.CatalogueDashboardConfig"
