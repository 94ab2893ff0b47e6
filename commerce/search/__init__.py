default_app_config = "tmp.fork.out.search.apps.SearchConfig"
