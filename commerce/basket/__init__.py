default_app_config = "tmp.fork.out.basket.apps.BasketConfig"
