default_app_config = "tmp.fork.out.partner.apps.PartnerConfig"
