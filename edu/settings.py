"""Baeum settings: one file, driven by environment variables (see README "Configuration").

With no variables at all this is the *embedded default*: SQLite under ``var/``, the in-memory
channel layer, local-memory cache and Celery tasks run eagerly. ``DATABASE_URL`` and ``REDIS_URL``
switch the same code to PostgreSQL, the channels-redis pub/sub layer, a Redis cache and a Redis
Celery broker. Bad values stop start-up with a message (``edu.env``).
"""

from __future__ import annotations

from pathlib import Path

from edu.env import Env, read_or_create_secret

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

VAR_DIR = Path(env.str("BAEUM_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", False)
SECRET_KEY = env.str("SECRET_KEY") or read_or_create_secret(VAR_DIR / "secret_key")
BASE_URL = env.url("BASE_URL", ("http", "https"), "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [BASE_URL])

# --- HTTPS hardening (production sets HTTPS=1; `manage.py check --deploy` is then clean) ---
HTTPS = env.bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", 31_536_000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env.bool("HSTS_PRELOAD", HTTPS)
if env.bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", 60 * 60 * 12, minimum=300)

INSTALLED_APPS = [
    "edu.accounts",
    "edu.records",
    "classrooms",
    "courses",
    "lti",
    "lti_tool",
    # Wagtail
    "wagtail.api.v2",
    "rest_framework",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Django and friends
    "channels",
    "django_vite",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lti.tool.session.LtiSessionMiddleware",  # Django's, plus the LTI session cookie (ADR 0010)
    "edu.locale.KoreanFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lti.tool.framing.LtiFramingMiddleware",  # after XFrameOptions: the LMS may frame launched pages
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "edu.urls"
ASGI_APPLICATION = "edu.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "edu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database ---
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.database(
        "DATABASE_URL",
        {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "baeum.sqlite3",
            # WAL + IMMEDIATE transactions: readers never block the writer, writers queue
            # instead of failing with "database is locked" under one ASGI process.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        },
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tests run on a file too (WAL, busy timeout), as the server does: the live hub's lanes are
    # threads with connections of their own, and an in-memory shared-cache database answers
    # "table is locked" at once where a file waits its turn.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(VAR_DIR / "test-baeum.sqlite3")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's native pool (psycopg_pool), one per process: a connection is handed back, not ended,
    # when a request or a trip of Channels' database thread finishes; a new PostgreSQL backend per
    # trip cost as much CPU as the app under a join storm (docs/performance.md). Each process holds
    # at most DB_POOL_MAX_SIZE: PostgreSQL's max_connections must allow workers x that, plus Celery
    # (docs/deployment.md). DB_POOL_MAX_SIZE=0 turns the pool off (then DB_CONN_MAX_AGE applies).
    POOL_MAX_SIZE = env.int("DB_POOL_MAX_SIZE", 10, minimum=0)
    if POOL_MAX_SIZE:
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them; Django requires 0 with a pool
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(env.int("DB_POOL_MIN_SIZE", 2, minimum=0), POOL_MAX_SIZE),
            "max_size": POOL_MAX_SIZE,
            "timeout": env.int("DB_POOL_TIMEOUT", 20, minimum=1),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", 0, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer, cache, Celery ---
REDIS_URL = env.url("REDIS_URL", ("redis", "rediss"))
REDIS_MAX_CONNECTIONS = env.int("REDIS_MAX_CONNECTIONS", 200, minimum=10)
KEY_PREFIX = env.str("REDIS_KEY_PREFIX", "baeum")

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # The pub/sub layer: a group broadcast is one PUBLISH per process, not one write per socket.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "max_connections": REDIS_MAX_CONNECTIONS}],
                "prefix": f"{KEY_PREFIX}:ch",
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": KEY_PREFIX,
            "OPTIONS": {"max_connections": REDIS_MAX_CONNECTIONS},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 1000}}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "baeum"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": f"{KEY_PREFIX}:celery:"}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"global_keyprefix": f"{KEY_PREFIX}:celery:"}
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Modules with tasks outside an app's tasks.py.
CELERY_IMPORTS = ["edu.health", "classrooms.privacy.tasks", "lti.tool.tasks"]
# Periodic tasks for `celery -A edu beat` (docs/deployment.md): the LTI score sweep (retries after backoff,
# nudges lost with a broker outage), the signing-key rotation, and the purge of expired data exports.
CELERY_BEAT_SCHEDULE = {
    "lti-send-due-scores": {"task": "lti.send_due_scores", "schedule": 60.0},
    "lti-rotate-keys": {"task": "lti.rotate_keys", "schedule": 24 * 3600.0},
    "privacy-exports-purge": {"task": "privacy.exports_purge", "schedule": 3600.0},
}

# --- LTI 1.3 (docs/lti-tool.md, ADR 0010) ---
LTI_CLOCK_LEEWAY = env.int("LTI_CLOCK_LEEWAY", 60, minimum=0)  # seconds of clock skew allowed on exp/iat
# Other audiences a launch token may name besides Baeum's client id (OIDC aud/azp); none by default.
LTI_TRUSTED_AUDIENCES = env.list("LTI_TRUSTED_AUDIENCES", [])
# Plain-http LMS addresses on loopback only (tests, a laptop); never with HTTPS on.
LTI_ALLOW_HTTP_LOOPBACK = env.bool("LTI_ALLOW_HTTP_LOOPBACK", DEBUG or not HTTPS)
LTI_KEY_MAX_AGE_DAYS = env.int("LTI_KEY_MAX_AGE_DAYS", 90, minimum=1)  # rotate Baeum's signing key after this

# --- Accounts ---
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "edu.accounts.backends.TeacherPasswordBackend",
    "edu.accounts.backends.LoginCodeBackend",
    "lti.tool.backends.LtiLaunchBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed sign-ins allowed per client address (and per username / code) in LOGIN_THROTTLE_WINDOW seconds.
LOGIN_THROTTLE_FAILURES = env.int("LOGIN_THROTTLE_FAILURES", 10, minimum=1)
LOGIN_THROTTLE_WINDOW = env.int("LOGIN_THROTTLE_WINDOW", 600, minimum=10)
# Wrong login codes allowed from one address (a whole school may share one) per window.
LOGIN_CODE_FAILURES_PER_ADDRESS = env.int("LOGIN_CODE_FAILURES_PER_ADDRESS", 100, minimum=1)

# --- i18n: Korean first, English too ---
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", "한국어"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", "Asia/Seoul")
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static files: Vite builds frontend/ into frontend/dist; WhiteNoise serves everything ---
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "frontend" / "dist"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", str(VAR_DIR / "media")))
DJANGO_VITE = {
    "default": {
        "dev_mode": env.bool("VITE_DEV_MODE", False),
        "manifest_path": BASE_DIR / "frontend" / "dist" / ".vite" / "manifest.json",
    }
}

# --- Wagtail ---
WAGTAIL_SITE_NAME = "Baeum"
WAGTAILADMIN_BASE_URL = BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip", "hwp"]

# --- Logging: no personal data; request logs carry paths and status only ---
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO")},
    # Per-task chatter from Wagtail's background tasks is noise at INFO.
    "loggers": {"django_tasks": {"level": "WARNING"}},
}
