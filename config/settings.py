"""Settings for the tracker: one module, read from the environment (and `.env` when present).

With nothing but DEBUG=1 set it runs on an embedded SQLite file and runs Celery tasks eagerly;
DATABASE_URL and CELERY_BROKER_URL switch to PostgreSQL and a real broker.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.storage import stored_files

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (for local work, `make setup` writes a .env with DEBUG=1)."
        )
    SECRET_KEY = "insecure-local-development-key"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "accounts",
    "workprogramme",
    "difap",
    "reporting",
    "reports",
    "charts",
    "opendata",
    "transparency",
    "idempotency",
    "outbox",
    "publiccache",
]
INSTALLED_APPS += [
    "axes",
    "csp",
    "backup",
    "benchmark",
]  # login lockout; Content-Security-Policy header; backup and restore; scale data and `make bench`

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.RefuseNullCharacters",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into its answer. HTTP Basic is checked inside it, before
    # the view's transaction opens (see accounts/authentication.py).
    "axes.middleware.AxesMiddleware",
    "accounts.authentication.BasicCredentialsMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.navigation.section",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A kept connection may have been dropped by the server meanwhile (restart, failover, idle timeout): check it at the
# start of each request and reconnect, instead of failing that request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # PostgreSQL's JIT compiles a query whose cost it overestimates (the dashboards' per-period figures on fresh
    # tables): 2.5 s compiling for 20 ms of work. Pages here run short queries that never gain from it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-axes first: it refuses a locked-out account and address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Brute-force protection (browser login, admin login, HTTP Basic on the API): after LOGIN_FAILURE_LIMIT wrong
# passwords for one account from one address, that account is refused from that address until
# LOGIN_COOLOFF_MINUTES pass without a new attempt, or an administrator unlocks it (README, "Login lockout").
# Locking the pair, not the account alone, keeps a stranger from locking a real user out from everywhere.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # a right password forgets the earlier typos
AXES_VERBOSE = False  # no banner on every command; lockouts are still logged
AXES_LOCKOUT_CALLABLE = "accounts.authentication.lockout_response"
# Behind N reverse proxies (e.g. 1 for nginx in front of gunicorn) the client's address is the Nth from the right
# in X-Forwarded-For; without this every client would look like the proxy.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
if PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
    AXES_IPWARE_PROXY_ORDER = "right-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Jakarta")  # the ASEAN Secretariat's clock
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

STORAGES = {
    "default": stored_files(env),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="tracker@localhost")

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Connecting to a broker that is away fails within seconds, not minutes (Redis transport).
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}
CELERY_BEAT_SCHEDULE = {
    # Escalating reminders to bodies that still owe reports; idempotent, so running it again sends nothing new.
    # Hourly through the working day, so that a run lost with the broker is made up by the next one.
    "reporting-reminders": {"task": "reporting.send_due_reminders", "schedule": crontab(hour="8-18", minute=0)},
    # Hands the outbox's pending work to the worker (after a broker outage, or a message lost in a restart).
    "outbox-relay": {"task": "outbox.relay", "schedule": 30.0},
    # Progress reports still building long after they were issued get their build queued again.
    "reports-stuck-builds": {"task": "reports.requeue_stuck_builds", "schedule": 300.0},
    # Subscribers hear that a consultation closes in three days; each consultation's notice is sent once.
    "consultation-closing-notices": {
        "task": "transparency.send_closing_notices",
        "schedule": crontab(hour=8, minute=0),
    },
}
# The outbox (outbox/services.py): seconds to wait for the broker when handing work over after a commit; a
# job handed over but not done after the lease is handed over again; failed attempts back off exponentially.
OUTBOX_PUBLISH_TIMEOUT = env.float("OUTBOX_PUBLISH_TIMEOUT", default=1.0)
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=600)
OUTBOX_BACKOFF_SECONDS = 15
OUTBOX_BACKOFF_MAX_SECONDS = 600

# Absolute links in emails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Requests and consultation responses the public may send an hour, per network address and per email address.
TRANSPARENCY_SUBMISSIONS_PER_HOUR = env.int("TRANSPARENCY_SUBMISSIONS_PER_HOUR", default=5)


def _cache_url_beside_broker(broker_url):
    """The broker's Redis server, one database number up (0 -> 1, 15 -> 0), so the cache never shares the queue."""
    parsed = urlparse(broker_url)
    if parsed.scheme not in ("redis", "rediss"):
        return "locmemcache://"
    broker_db = int(parsed.path.strip("/") or 0)
    return parsed._replace(path=f"/{(broker_db + 1) % 16}").geturl()


# Shared by every web process, so the API rate limit counts a client's calls across gunicorn workers: Redis when
# CACHE_URL names it or, without CACHE_URL, whenever the broker is Redis; process memory only when neither is set.
CACHES = {"default": env.cache_url_config(env.str("CACHE_URL", default=_cache_url_beside_broker(CELERY_BROKER_URL)))}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # Django's own Redis backend, whatever else is installed; a Redis that does not answer fails fast.
    CACHES["default"]["BACKEND"] = "django.core.cache.backends.redis.RedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(socket_connect_timeout=2, socket_timeout=2)

# How long a public page is kept for visitors who are not logged in (publiccache.pages); any change to the record
# replaces it sooner. Off by default without a shared cache: several processes with caches of their own would not
# learn of each other's changes.
PUBLIC_CACHE_SECONDS = env.int(
    "PUBLIC_CACHE_SECONDS", default=300 if CACHES["default"]["BACKEND"].endswith("RedisCache") else 0
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Per-client tokens, stored hashed, with expiry and revocation: "Authorization: Token <key>".
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        # Username and password over HTTPS, for scripts and curl until per-client tokens exist; under the login lockout.
        "accounts.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's parsers, with JSON nested beyond Python's recursion limit refused as a 400 instead of a crash.
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["workprogramme.filters.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "workprogramme.api.pagination.PagePagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "reporting.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["accounts.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "client": env.str("API_RATE_LIMIT", default="600/hour"),
        # Anonymous readers of the open-data endpoints, per address (accounts.throttling.PublicRateThrottle).
        "public": env.str("PUBLIC_API_RATE_LIMIT", default="1000/hour"),
    },
}

REST_KNOX = {
    "TOKEN_TTL": None,  # a token lasts until revoked, unless issued with an expiry
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "ASEAN Digital Action Plans Tracker API",
    "DESCRIPTION": "Catalogue of AWPEC 2017-2025 and DIFAP 2019-2025, and their implementation reporting.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # A text the API refuses when empty says so in the schema (minLength 1), so generated clients check it too.
    "ENFORCE_NON_BLANK_FIELDS": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.openapi.add_common_errors",
        "config.openapi.one_encoding_per_body",
        "config.openapi.strict_request_bodies",
        "config.openapi.etag_and_links",
    ],
    # Swagger UI's assets come from the sidecar package: nothing is loaded from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name with another app's ("kind", "reason") get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "ReasonEnum": "reporting.models.Reason",
        "DatePrecisionEnum": "workprogramme.models.DatePrecision",
        "RegisterDocumentKindEnum": "transparency.models.Document.Kind",
        "DisclosureEnum": "transparency.models.Document.Disclosure",
        "DecidableDisclosureEnum": "transparency.services.DECIDABLE_CHOICES",
        "RestrictionReasonEnum": "transparency.models.RestrictionReason",
        "RejectionReasonEnum": "transparency.models.RejectionReason",
        "OrganisationKindEnum": "transparency.models.Organisation.Kind",
    },
}

# Content-Security-Policy on every page (django-csp): the site serves all its own scripts, styles and images, so
# nothing inline and nothing from elsewhere runs, even if some text ever slipped past escaping. Responses that set
# their own policy keep it (evidence downloads are sandboxed).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Swagger UI draws its icons as data: URIs
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Production hardening: on whenever DEBUG is off.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the container health check speaks plain HTTP from inside
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Joining the browsers' preload list binds the whole domain; that is the domain owner's call, not ours.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

SILENCED_SYSTEM_CHECKS = [
    *globals().get("SILENCED_SYSTEM_CHECKS", []),
    # SQLite (local work only) cannot hold "one update per line" when the output is NULL; PostgreSQL does,
    # and the services check it before inserting either way.
    "models.W047",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
