"""Project settings, read from the environment.

Without ``DATABASE_URL`` the project runs the demo: an embedded SQLite database and
Celery tasks run in-process. With it: PostgreSQL through psycopg 3 with persistent
connections, and a Redis broker at ``REDIS_URL``.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F403  (Oscar's documented way to take its defaults)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-demo-key-change-me-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000"
)

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# Behind PgBouncer in transaction pooling mode a session does not outlive a transaction:
# no server-side cursors (``.iterator()`` falls back to client-side fetching). Everything
# else the app does per session is transaction-local already (``set_config(..., true)``).
PGBOUNCER_TRANSACTION_POOLING = env_bool("PGBOUNCER_TRANSACTION_POOLING", False)


def database_from_url(url: str) -> dict:
    """One PostgreSQL database (global or a region's store) from its URL."""
    config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    config["DISABLE_SERVER_SIDE_CURSORS"] = PGBOUNCER_TRANSACTION_POOLING
    return config


if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "demo.sqlite3")),
        }
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# --- Production safety (commerce/settings_check.py; README, "Production settings") ---------
# With DATABASE_URL set (production) a missing or demo SECRET_KEY stops start-up with one
# line; HTTPS-only cookies, HSTS and the SSL redirect default on there and off in the demo.
from commerce.settings_check import int_env, proxy_ssl_header, secret_key_check  # noqa: E402

PRODUCTION = bool(DATABASE_URL)
secret_key_check(secret_key=os.environ.get("SECRET_KEY"), production=PRODUCTION)
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")  # old keys during a rotation
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
SECURE_HSTS_SECONDS = int_env(
    "SECURE_HSTS_SECONDS",
    os.environ.get("SECURE_HSTS_SECONDS"),
    31_536_000 if PRODUCTION else 0,  # one year
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
# Only behind a TLS proxy that overwrites it: SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https"
SECURE_PROXY_SSL_HEADER = proxy_ssl_header(os.environ.get("SECURE_PROXY_SSL_HEADER", ""))

# --- Personal data and regions (issue #17: commerce/residency; README) --------------------
# Each region names its database alias; the global region (cn) is "default". Other regions'
# databases come from DATABASE_URL_<REGION> (production: a region without one refuses to
# start); the demo keeps them in SQLite files under var/. Production lists its regions in
# RESIDENCY_REGIONS (default: the global one only).
from commerce.settings_check import demo_key, residency_check  # noqa: E402

RESIDENCY_GLOBAL_REGION = "cn"
RESIDENCY_COUNTRIES = {
    "cn": ["CN"],
    "us": ["US"],
    # The European store: the EEA, Switzerland and the United Kingdom.
    "eu": (
        "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
        "IS LI NO CH GB"
    ).split(),
    "sg": ["SG"],
}
# Overseas countries no region lists live in this region (when it is enabled).
RESIDENCY_OTHER_REGION = os.environ.get("RESIDENCY_OTHER_REGION", "sg")
# Celery queue of each overseas region: personal.<region> (commerce/residency/queues.py).
RESIDENCY_QUEUE_PREFIX = os.environ.get("RESIDENCY_QUEUE_PREFIX", "personal.")
RESIDENCY_REGIONS: dict[str, dict] = {}
FIELD_ENCRYPTION_KEYS: dict[str, list[str]] = {}
for _region in env_list("RESIDENCY_REGIONS", "cn" if PRODUCTION else "cn,us,eu,sg"):
    _region = _region.lower()
    _suffix = "" if _region == RESIDENCY_GLOBAL_REGION else f"_{_region.upper()}"
    _alias = "default" if not _suffix else f"region_{_region}"
    _url = os.environ.get(f"DATABASE_URL{_suffix}", "")
    if _suffix and _url:
        DATABASES[_alias] = database_from_url(_url)
    elif _suffix and not PRODUCTION:
        (BASE_DIR / "var").mkdir(exist_ok=True)
        DATABASES[_alias] = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get(
                f"SQLITE_PATH{_suffix}", str(BASE_DIR / "var" / f"region_{_region}.sqlite3")
            ),
        }
    RESIDENCY_REGIONS[_region] = {
        "database": _alias,
        "countries": RESIDENCY_COUNTRIES.get(_region, []),
    }
    # Fernet keys, newest first (comma-separated): ID and bank numbers and regional records.
    FIELD_ENCRYPTION_KEYS[_region] = env_list(f"FIELD_ENCRYPTION_KEYS{_suffix}") or (
        [] if PRODUCTION else [demo_key(purpose=f"field encryption {_region}")]
    )
# Keyed hashes: the cross-border buyer-ID hash and look-ups of personal values (e.g. email).
BUYER_ID_HASH_KEY = os.environ.get("BUYER_ID_HASH_KEY") or (
    "" if PRODUCTION else "NOT FOR PRODUCTION demo buyer-id hash key"
)
PERSONAL_DATA_HASH_KEY = os.environ.get("PERSONAL_DATA_HASH_KEY") or (
    "" if PRODUCTION else "NOT FOR PRODUCTION demo personal-data hash key"
)
residency_check(
    regions=RESIDENCY_REGIONS,
    databases=DATABASES,
    encryption_keys=FIELD_ENCRYPTION_KEYS,
    hash_keys={
        "BUYER_ID_HASH_KEY": BUYER_ID_HASH_KEY,
        "PERSONAL_DATA_HASH_KEY": PERSONAL_DATA_HASH_KEY,
    },
    production=PRODUCTION,
)
DATABASE_ROUTERS = ["agencies.encryption.regions.ResidencyRouter"]
# Creators' legal names, ID numbers and payout accounts of users homed outside the global
# region live in their regional record; agencies (which never imports commerce) reaches it
# by these dotted paths (agencies.personal).
CREATOR_PERSONAL_STORE = {
    "get_many": "commerce.residency.selectors.creator_values_get_many",
    "put": "commerce.residency.services.creator_values_put",
}

# --- Celery -------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not DATABASE_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE: dict = {}
# Tasks that touch an overseas person's data go to that region's queue (personal.<region>).
CELERY_TASK_ROUTES = ["commerce.residency.queues.personal_task_route"]

# --- Applications -------------------------------------------------------------------------
INSTALLED_APPS = [
    # Per-language product fields; must come before the admin (its documented order).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.postgres",
    "oscar.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "commerce.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "commerce.shipping.apps.ShippingConfig",
    "catalog.apps.CatalogueConfig",
    "catalog.community.apps.CommunityConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "commerce.partner.apps.PartnerConfig",
    "commerce.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "commerce.order.apps.OrderConfig",
    "commerce.customer.apps.CustomerConfig",
    "commerce.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "commerce.dashboard.apps.DashboardConfig",
    "commerce.dashboard.reports.apps.ReportsDashboardConfig",
    "commerce.dashboard.users.apps.UsersDashboardConfig",
    "commerce.dashboard.orders.apps.OrdersDashboardConfig",
    "commerce.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "sorl.thumbnail",
    "django_countries",  # flag images (static/flags); country names in the reader's language
    "django_tables2",
    "agencies.apps.AgenciesConfig",
    "payouts.apps.PayoutsConfig",
    "commerce.residency.apps.ResidencyConfig",
    "commerce.demo.apps.DemoConfig",
    "catalog.translation.apps.TranslationConfig",
    "commerce.storefront.apps.StorefrontConfig",
]
SITE_ID = 1
# The sites framework's record (pages and emails name the shop and link to it) is written
# from these on every migrate (commerce/storefront/sites.py).
SITE_DOMAIN = os.environ.get("SITE_DOMAIN", "127.0.0.1:8000")
SITE_NAME = os.environ.get("SITE_NAME", "Rednote Global Shop")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A regional personal-data store that is down: a 503 page (issue #17).
    "commerce.residency.middleware.RegionalStoreUnavailableMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "commerce.partner.middleware.CurrencyMiddleware",
    "commerce.basket.middleware.BasketMiddleware",
    "catalog.middleware.NoteAttributionMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    "payouts.middleware.AgencyStaffLandingMiddleware",
]

ROOT_URLCONF = "commerce.urls"
WSGI_APPLICATION = "commerce.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
                "commerce.partner.context_processors.currency",
                "commerce.partner.ship_to.ship_to",
            ],
        },
    }
]

AUTHENTICATION_BACKENDS = (
    # Oscar's EmailBackend, plus overseas users found by keyed email hash (issue #17).
    "commerce.residency.auth_backends.ResidencyEmailBackend",
    "django.contrib.auth.backends.ModelBackend",
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_REDIRECT_URL = "/"

HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}

# Product cards, listing counts and product-page data are cached: give production a
# shared cache (CACHE_URL=redis://...) so every worker reuses them.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

# --- Languages and money ------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers per language: English ones day-first (not US style), see the module.
FORMAT_MODULE_PATH = ["commerce.storefront.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"

OSCAR_SHOP_NAME = "Rednote Global Shop"
OSCAR_SHOP_TAGLINE = ""
OSCAR_DEFAULT_CURRENCY = "CNY"
OSCAR_FROM_EMAIL = "shop@example.com"
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_PRODUCTS_PER_PAGE = 20


def _merchant_commission_access(user, *args, **kwargs):
    # By dotted path, resolved when the menu is drawn: settings never import payouts.
    from django.utils.module_loading import import_string

    return import_string(MERCHANT_COMMISSION_ACCESS)(user)


MERCHANT_COMMISSION_ACCESS = "payouts.views_merchant.merchant_can_see_commission"


OSCAR_DASHBOARD_NAVIGATION = [
    *OSCAR_DASHBOARD_NAVIGATION,  # noqa: F405  (from oscar.defaults)
    {
        "label": _("Commission"),
        "icon": "fas fa-hand-holding-usd",
        "url_name": "merchant-commission",
        "access_fn": _merchant_commission_access,
    },
]

# Display currencies a shopper can pick; every price is converted with stored FX rates.
# Country names: mainland readers expect 中国香港 / 中国台湾 / 中国澳门 (English unchanged).
COUNTRIES_OVERRIDE = {"HK": _("Hong Kong"), "TW": _("Taiwan"), "MO": _("Macao")}
SHOP_CURRENCIES = ["CNY", "USD", "EUR", "GBP", "JPY", "HKD"]
SHOP_DEFAULT_CURRENCY_BY_LANGUAGE = {"zh-hans": "CNY", "en": "USD"}
# How long a visit from a note attributes later basket lines to its creator.
NOTE_ATTRIBUTION_DAYS = 30

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# The project's own assets (served locally like every other; nothing from a CDN).
STATICFILES_DIRS = [BASE_DIR / "static"]
# Products without a photo show a neutral picture (Oscar's says "Image Not Available" in
# English); found under static/oscar/img/.
OSCAR_MISSING_IMAGE_URL = "no-image.png"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "var" / "media"
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
THUMBNAIL_KVSTORE = "sorl.thumbnail.kvstores.cached_db_kvstore.KVStore"

# --- Stripe -------------------------------------------------------------------------------
STRIPE_API_KEY = os.environ.get("STRIPE_API_KEY", "")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
OSCAR_HOMEPAGE = "/"
OSCAR_SLUG_ALLOW_UNICODE = True

# --- Checkout, Stripe and landed cost -----------------------------------------------------
# Stripe.js is loaded from here; with STRIPE_API_BASE pointing at localstripe, its own.
STRIPE_JS_URL = os.environ.get(
    "STRIPE_JS_URL",
    (
        f"{STRIPE_API_BASE.rstrip('/')}/js.stripe.com/v3/"
        if STRIPE_API_BASE
        else "https://js.stripe.com/v3/"
    ),
)
# An order is placed unpaid; only Stripe's signed webhook moves it to "Paid", once.
OSCAR_INITIAL_ORDER_STATUS = "Pending payment"
OSCAR_INITIAL_LINE_STATUS = "Pending payment"
OSCAR_ORDER_STATUS_PIPELINE = {
    "Pending payment": ("Paid", "Cancelled"),
    "Paid": ("Being processed", "Shipped", "Cancelled"),
    "Being processed": ("Shipped", "Cancelled"),
    "Shipped": ("Complete",),
    "Complete": (),
    "Cancelled": (),
}
OSCAR_LINE_STATUS_PIPELINE = OSCAR_ORDER_STATUS_PIPELINE
# Order confirmations: the demo writes each email as a file under var/emails/ (one
# .log file per connection); production sets its backend.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    (
        "django.core.mail.backends.smtp.EmailBackend"
        if DATABASE_URL
        else "django.core.mail.backends.filebased.EmailBackend"
    ),
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "emails"))

# --- Creators, agencies, rewards and commission -------------------------------------------
# Rewards intake (POST /api/rewards/): HMAC-SHA256 secrets shared with the live-stream
# service, comma-separated so an old and a new secret are both valid during rotation.
# The demo (no DATABASE_URL) has a fixed secret; production must set its own.
REWARDS_SIGNING_SECRETS = env_list(
    "REWARDS_SIGNING_SECRETS", "" if DATABASE_URL else "demo-rewards-secret"
)
# Accepted currencies and the largest amount of one event in each ("COIN": virtual coins).
REWARDS_AMOUNT_CEILINGS = {
    "CNY": "100000",
    "USD": "15000",
    "EUR": "15000",
    "GBP": "12000",
    "HKD": "110000",
    "JPY": "2000000",
    "COIN": "1000000",
}
# Gifts in coins are converted at this rate (money per coin) into this currency; the
# platform keeps its share of every gift (coins or money) before the creator's earning.
REWARDS_COIN_CURRENCY = "CNY"
REWARDS_COIN_RATE = os.environ.get("REWARDS_COIN_RATE", "0.10")
REWARDS_PLATFORM_SHARE = os.environ.get("REWARDS_PLATFORM_SHARE", "0.50")
# Clock skew tolerated for events stamped in the future, in seconds.
REWARDS_CLOCK_SKEW_SECONDS = 300
# Open period: events may be dated from the first day of the month this many calendar
# months back (1 = the previous month, while its payout run is not closed).
REWARDS_OPEN_MONTHS_BACK = int(os.environ.get("REWARDS_OPEN_MONTHS_BACK", "1"))
REWARDS_BATCH_MAX = 1000
# Largest rewards body accepted (a full batch of 1,000 events is about 250 KB): 413 above.
REWARDS_BODY_MAX_BYTES = int(os.environ.get("REWARDS_BODY_MAX_BYTES", str(1024 * 1024)))
# Affiliate commission: default rate when neither the product nor its category sets one,
# and the return window after which pending commission becomes available.
COMMISSION_DEFAULT_RATE = os.environ.get("COMMISSION_DEFAULT_RATE", "0.05")
COMMISSION_RETURN_WINDOW_DAYS = int(os.environ.get("COMMISSION_RETURN_WINDOW_DAYS", "15"))
CELERY_BEAT_SCHEDULE["payouts-commission-release"] = {
    "task": "payouts.tasks.commission_release_due",
    "schedule": 3600.0,
}

# --- Payout runs --------------------------------------------------------------------------
# Last month's runs (every agency with available earnings, and personal accounts) are
# computed on the 1st at 03:00 Asia/Shanghai; approval and sending stay manual.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE["payouts-runs-monthly"] = {
    "task": "payouts.tasks.payout_runs_monthly",
    "schedule": crontab(minute=0, hour=3, day_of_month=1),
}

# --- Payout rails -------------------------------------------------------------------------
# Bank-file batches (ISO 20022 pain.001.001.03 XML and a CSV) are written here; the debtor
# is the platform's own account that the bank debits.
PAYOUT_BANK_FILE_DIR = os.environ.get("PAYOUT_BANK_FILE_DIR", str(BASE_DIR / "var" / "payouts"))
PAYOUT_DEBTOR_NAME = os.environ.get("PAYOUT_DEBTOR_NAME", "Commerce Platform Ltd")
PAYOUT_DEBTOR_ACCOUNT = os.environ.get("PAYOUT_DEBTOR_ACCOUNT", "6222000000000000")
PAYOUT_DEBTOR_BANK_CODE = os.environ.get("PAYOUT_DEBTOR_BANK_CODE", "")
# Stripe Connect transfers go to Stripe (empty) or a local server: localstripe has no
# Connect, so tests and ``make demo`` point this at ``payouts.stripe_stand_in``.
STRIPE_CONNECT_API_BASE = os.environ.get("STRIPE_CONNECT_API_BASE", STRIPE_API_BASE)
# Transfers left pending by a worker that died mid-task are queued again (idempotent).
CELERY_BEAT_SCHEDULE["payouts-transfers-requeue"] = {
    "task": "payouts.tasks.payout_transfers_requeue",
    "schedule": 300.0,
}
# Stripe Connect webhook (transfer reversals): the endpoint's signing secret (whsec_...).
STRIPE_CONNECT_WEBHOOK_SECRET = os.environ.get("STRIPE_CONNECT_WEBHOOK_SECRET", "")

# --- Community (catalog/community) --------------------------------------------------------
# The viewer's region: their profile, else their default ship-to country, else this
# request header set by the edge (a CDN's country header), else the default.
COMMUNITY_REGION_HEADER = os.environ.get("COMMUNITY_REGION_HEADER", "HTTP_CF_IPCOUNTRY")
COMMUNITY_DEFAULT_REGION = os.environ.get("COMMUNITY_DEFAULT_REGION", "CN")
COMMUNITY_IMAGE_MAX_BYTES = 8 * 1024 * 1024
COMMUNITY_COMMENTS_PER_MINUTE = 5
COMMUNITY_COMMENTS_PER_HOUR = 60
COMMUNITY_STRIKES_REVOKE_LIVE = 3

# --- Translation (notes, comments, product content) ----------------------------------------
# Engines: "glossary" (offline word-by-word gloss), "libretranslate", "openai" (any
# OpenAI-compatible chat-completions server). See catalog/translation/engines/.
TRANSLATION_ENGINE = os.environ.get("TRANSLATION_ENGINE", "glossary")
TRANSLATION_TIMEOUT = float(os.environ.get("TRANSLATION_TIMEOUT", "10"))
TRANSLATION_MAX_CHARS = int(os.environ.get("TRANSLATION_MAX_CHARS", "20000"))
# Longer texts are translated on Celery; the page polls until the result is stored.
TRANSLATION_SYNC_CHARS = int(os.environ.get("TRANSLATION_SYNC_CHARS", "1500"))
# Translate presses per client (signed-in user, else IP) and window: "N/s|m|h|d"; "" = off.
TRANSLATION_RATE_LIMIT = os.environ.get("TRANSLATION_RATE_LIMIT", "30/m")
# Load the glossary's dictionaries (jieba, CC-CEDICT: 3-8 s) when a web or Celery worker
# starts, not on the first Translate press; off in the test suite (settings_test).
TRANSLATION_PRELOAD = env_bool("TRANSLATION_PRELOAD", True)
LIBRETRANSLATE_URL = os.environ.get("LIBRETRANSLATE_URL", "http://127.0.0.1:5000")
LIBRETRANSLATE_API_KEY = os.environ.get("LIBRETRANSLATE_API_KEY", "")
LIBRETRANSLATE_MAX_CHARS = int(os.environ.get("LIBRETRANSLATE_MAX_CHARS", "5000"))
TRANSLATION_OPENAI_URL = os.environ.get("TRANSLATION_OPENAI_URL", "http://127.0.0.1:8080/v1")
TRANSLATION_OPENAI_API_KEY = os.environ.get("TRANSLATION_OPENAI_API_KEY", "")
TRANSLATION_OPENAI_MODEL = os.environ.get("TRANSLATION_OPENAI_MODEL", "default")
TRANSLATION_OPENAI_MAX_CHARS = int(os.environ.get("TRANSLATION_OPENAI_MAX_CHARS", "4000"))
# Product titles/descriptions, category names and attribute texts per language
# (django-modeltranslation: a column per language; the registrations are in this module).
MODELTRANSLATION_TRANSLATION_FILES = ("catalog.translation.product_fields",)
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "zh-hans")}

# --- Webhook deliveries (both Stripe webhooks; commerce/webhook_store.py) -----------------
# Bodies larger than this are refused with 413 before they are read. Before a delivery's
# signature is verified only its size, SHA-256, headers of interest and first few KB are
# stored; unverified deliveries are deleted after the retention time by the beat job.
WEBHOOK_BODY_MAX_BYTES = int(os.environ.get("WEBHOOK_BODY_MAX_BYTES", str(512 * 1024)))
WEBHOOK_UNVERIFIED_HEAD_BYTES = int(os.environ.get("WEBHOOK_UNVERIFIED_HEAD_BYTES", "2048"))
WEBHOOK_UNVERIFIED_RETENTION_HOURS = float(
    os.environ.get("WEBHOOK_UNVERIFIED_RETENTION_HOURS", "72")
)
WEBHOOK_DELIVERY_MODELS = ["order.StripeEvent", "payouts.ConnectWebhookEvent"]
CELERY_BEAT_SCHEDULE["webhooks-unverified-prune"] = {
    "task": "commerce.order.tasks.webhook_deliveries_prune_task",
    "schedule": 3600.0,
}

# Issue #17: regional records no global row points at (a write whose global half failed)
# are deleted once older than this many hours (manage.py residency_sweep; daily beat job).
RESIDENCY_ORPHAN_GRACE_HOURS = int(os.environ.get("RESIDENCY_ORPHAN_GRACE_HOURS", "24"))
CELERY_BEAT_SCHEDULE["residency-orphans-sweep"] = {
    "task": "commerce.residency.tasks.personal_records_sweep_task",
    "schedule": crontab(minute=30, hour=4),
}
