default_app_config = "commerce.customer.apps.CustomerConfig"
