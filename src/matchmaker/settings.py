"""Django settings. Everything that differs between machines comes from the environment."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from matchmaker.core.env import envbool, envint, envlist, envstr

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(envstr("MATCHMAKER_BASE_DIR", str(PACKAGE_DIR.parent.parent)))
VAR_DIR = Path(envstr("MATCHMAKER_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("MATCHMAKER_DEBUG", False)
# Development mode (MATCHMAKER_DEV=1, implied by MATCHMAKER_DEBUG=1) is the only way to run
# without a secret key, over plain HTTP and with email printed instead of sent. Everything else
# gets the production defaults, so a forgotten variable fails loudly instead of quietly.
DEVELOPMENT = DEBUG or envbool("MATCHMAKER_DEV", False)
_DEV_SECRET = "insecure-development-key-set-MATCHMAKER_SECRET_KEY-in-production"
SECRET_KEY = envstr("MATCHMAKER_SECRET_KEY") or (_DEV_SECRET if DEVELOPMENT else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "MATCHMAKER_SECRET_KEY is not set: give it a long random value "
        "(or set MATCHMAKER_DEV=1 on a development machine)."
    )
# Production serves only the host names it is given; Django's test client adds its own.
ALLOWED_HOSTS = envlist(
    "MATCHMAKER_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEVELOPMENT else []
)
CSRF_TRUSTED_ORIGINS = envlist("MATCHMAKER_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = envstr("MATCHMAKER_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "matchmaker.core",
    "matchmaker.accounts",
    "matchmaker.directory",
    "matchmaker.events",
    "matchmaker.meetings",
    "matchmaker.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "matchmaker.accounts.middleware.UserTimezoneMiddleware",
    "matchmaker.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "matchmaker.core.unavailable.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "matchmaker.urls"
WSGI_APPLICATION = "matchmaker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("MATCHMAKER_DATABASE_URL", f"sqlite:///{VAR_DIR / 'matchmaker.sqlite3'}"),
        conn_max_age=envint("MATCHMAKER_DB_CONN_MAX_AGE", 0),
        # a kept connection is tested before reuse, so a restarted database costs no errors
        conn_health_checks=envbool("MATCHMAKER_DB_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web server use the file at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "matchmaker.accounts.backends.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "events:mine"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("pl", _("Polish"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
# The SQLite file and collected static files live here; make it on first start.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Every message is stored in the outbox (core.OutboxMessage) and sent by a task through the
# delivery backend, with retries; MATCHMAKER_EMAIL_BACKEND chooses the delivery backend.
EMAIL_BACKEND = "matchmaker.core.mail.OutboxBackend"
# Development prints messages; production sends them over SMTP unless another backend is named
# explicitly (so nothing is marked sent that went nowhere by accident).
MATCHMAKER_EMAIL_DELIVERY_BACKEND = envstr("MATCHMAKER_EMAIL_BACKEND") or (
    "matchmaker.core.mail_console.EmailBackend"
    if DEVELOPMENT
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = envstr("MATCHMAKER_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("MATCHMAKER_EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("MATCHMAKER_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = envstr("MATCHMAKER_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = envbool("MATCHMAKER_EMAIL_TLS", False)
# seconds: a hung SMTP server must not hold a task worker for ever
EMAIL_TIMEOUT = envint("MATCHMAKER_EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = envstr("MATCHMAKER_FROM_EMAIL", "Matchmaker <noreply@localhost>")

TASKS = {
    "default": {
        "BACKEND": envstr("MATCHMAKER_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# A scheduler run's worker writes a heartbeat this often (seconds); a running run without one
# for MATCHMAKER_RUN_STALE_SECONDS is failed, and a run no worker picked up for
# MATCHMAKER_RUN_QUEUE_SECONDS too, so a killed worker never blocks the next run.
MATCHMAKER_RUN_HEARTBEAT_SECONDS = envint("MATCHMAKER_RUN_HEARTBEAT_SECONDS", 5)
MATCHMAKER_RUN_STALE_SECONDS = envint("MATCHMAKER_RUN_STALE_SECONDS", 45)
MATCHMAKER_RUN_QUEUE_SECONDS = envint("MATCHMAKER_RUN_QUEUE_SECONDS", 900)

# Sent mail is deleted this many days after sending (`matchmaker send_outbox`); 0 keeps it.
MATCHMAKER_OUTBOX_KEEP_DAYS = envint("MATCHMAKER_OUTBOX_KEEP_DAYS", 90)

# HTTPS only in production (docs/deploy.md, "Security settings"); development relaxes it.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = envbool("MATCHMAKER_SECURE_COOKIES", not DEVELOPMENT)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = envbool("MATCHMAKER_SSL_REDIRECT", not DEVELOPMENT)
SECURE_HSTS_SECONDS = envint("MATCHMAKER_HSTS_SECONDS", 0 if DEVELOPMENT else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("MATCHMAKER_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("MATCHMAKER_HSTS_PRELOAD", True)
if envbool("MATCHMAKER_TRUST_X_FORWARDED_PROTO", False):
    # only behind a proxy that sets X-Forwarded-Proto itself and drops the client's
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Scripts and styles come only from our static files (no inline code), so injected markup
# cannot run script or restyle a page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

DATA_UPLOAD_MAX_MEMORY_SIZE = envint("MATCHMAKER_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
IMPORT_MAX_ROWS = envint("MATCHMAKER_IMPORT_MAX_ROWS", 5000)
# Largest CSV/XLSX file an import accepts. Uploads up to this size are kept in memory; anything
# bigger goes to a temporary file, so an oversized upload is refused without being held in RAM.
IMPORT_MAX_BYTES = envint("MATCHMAKER_IMPORT_MAX_BYTES", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = min(IMPORT_MAX_BYTES, 2_621_440)
# seconds an import preview stays confirmable (core.UploadStash); purge_stashes removes old ones
UPLOAD_STASH_MAX_AGE = envint("MATCHMAKER_UPLOAD_STASH_MAX_AGE", 3600)
# "multilingual" (sentence embeddings, bundled weights) or "tfidf" (no model, faster start)
MATCHMAKER_EMBEDDER = envstr("MATCHMAKER_EMBEDDER", "multilingual")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "matchmaker.core.logs.Utf8StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("MATCHMAKER_LOG_LEVEL", "WARNING")},
}

# --- sign-in, sign-up and email-link limits ------------------------------------------------
# Links emailed to confirm an address, change it or accept an invitation expire after this.
MATCHMAKER_LINK_MAX_AGE = envint("MATCHMAKER_LINK_MAX_AGE_SECONDS", 3 * 24 * 3600)
PASSWORD_RESET_TIMEOUT = envint("MATCHMAKER_PASSWORD_RESET_SECONDS", 24 * 3600)
# django-axes: after this many failed sign-ins for one account from one client address, that
# pair is locked out for the cool-off (minutes). Failures are kept in the database.
AXES_FAILURE_LIMIT = envint("MATCHMAKER_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("MATCHMAKER_LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "matchmaker.accounts.backends.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_TEMPLATE = "429.html"
AXES_VERBOSE = False
# django-ratelimit: "count/period" (s, m, h, d) per client address and per target address.
# The counters live in the default cache; with several web processes, set
# MATCHMAKER_CACHE=database (and run `matchmaker createcachetable`) so they share them.
MATCHMAKER_RATE_LIMITS = {
    "signup_ip": envstr("MATCHMAKER_SIGNUP_RATE_IP", "10/h"),
    "signup_address": envstr("MATCHMAKER_SIGNUP_RATE_ADDRESS", "3/h"),
    "password_reset_ip": envstr("MATCHMAKER_RESET_RATE_IP", "10/h"),
    "password_reset_address": envstr("MATCHMAKER_RESET_RATE_ADDRESS", "3/h"),
    "email_change_ip": envstr("MATCHMAKER_EMAIL_CHANGE_RATE_IP", "10/h"),
    "invite_ip": envstr("MATCHMAKER_INVITE_RATE_IP", "30/h"),
    "invite_address": envstr("MATCHMAKER_INVITE_RATE_ADDRESS", "3/h"),
}
# Where the client's address is: REMOTE_ADDR, or behind a proxy the header it sets (which a
# client must not be able to set itself); for X-Forwarded-For, how many proxies append to it.
# One function reads it for both the sign-in lockout and the request limits.
MATCHMAKER_CLIENT_IP_HEADER = envstr("MATCHMAKER_CLIENT_IP_HEADER", "REMOTE_ADDR")
MATCHMAKER_TRUSTED_PROXY_HOPS = envint("MATCHMAKER_TRUSTED_PROXY_HOPS", 1)
RATELIMIT_IP_META_KEY = "matchmaker.accounts.throttle.client_ip"
AXES_CLIENT_IP_CALLABLE = "matchmaker.accounts.throttle.client_ip"
if envstr("MATCHMAKER_CACHE", "local") == "database":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "matchmaker_cache",
        }
    }
