default_app_config = "tmp.fork.out.catalogue.apps.CatalogueConfig"
