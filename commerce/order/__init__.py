default_app_config = "tmp.fork.out.order.apps.OrderConfig"
