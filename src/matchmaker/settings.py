"""Django settings. Everything that differs between machines comes from the environment."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from matchmaker.core.env import envbool, envint, envlist, envstr

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(envstr("MATCHMAKER_BASE_DIR", str(PACKAGE_DIR.parent.parent)))
VAR_DIR = Path(envstr("MATCHMAKER_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("MATCHMAKER_DEBUG", False)
_DEV_SECRET = "insecure-development-key-set-MATCHMAKER_SECRET_KEY-in-production"
SECRET_KEY = envstr("MATCHMAKER_SECRET_KEY", _DEV_SECRET)
if SECRET_KEY == _DEV_SECRET and not (DEBUG or envbool("MATCHMAKER_ALLOW_DEV_SECRET", True)):
    raise RuntimeError("Set MATCHMAKER_SECRET_KEY.")
ALLOWED_HOSTS = envlist("MATCHMAKER_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("MATCHMAKER_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = envstr("MATCHMAKER_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
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
    "matchmaker.core.unavailable.DatabaseUnavailableMiddleware",
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
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
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
MATCHMAKER_EMAIL_DELIVERY_BACKEND = envstr(
    "MATCHMAKER_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
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

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = envbool("MATCHMAKER_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

DATA_UPLOAD_MAX_MEMORY_SIZE = envint("MATCHMAKER_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
IMPORT_MAX_ROWS = envint("MATCHMAKER_IMPORT_MAX_ROWS", 5000)
# "multilingual" (sentence embeddings, bundled weights) or "tfidf" (no model, faster start)
MATCHMAKER_EMBEDDER = envstr("MATCHMAKER_EMBEDDER", "multilingual")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("MATCHMAKER_LOG_LEVEL", "WARNING")},
}
