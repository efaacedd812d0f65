"""Settings for every deployment, driven by environment variables.

With nothing set, Sangdam runs as the embedded default: SQLite in ``var/``, an in-memory
channel layer and cache, a generated development secret. Production sets ``DEBUG=false``,
``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("SANGDAM_DATA_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def development_secret(data_dir: Path) -> str:
    """Return a secret generated once per data folder, so sessions survive a restart."""
    path = data_dir / "development-secret-key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


# The embedded default is a developer's or a single office's machine; production turns it off.
DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = development_secret(DATA_DIR)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Addresses of reverse proxies whose X-Forwarded-For header is believed (access control, logs).
SANGDAM_TRUSTED_PROXIES = env_list("SANGDAM_TRUSTED_PROXIES", "")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "sangdam.core",
    "sangdam.accounts",
    "sangdam.fairs",
    "sangdam.crm",
    "sangdam.messaging",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sangdam.core.middleware.KoreanFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sangdam.accounts.middleware.ApiTokenMiddleware",
    "sangdam.accounts.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sangdam.core.context_processors.shell",
            ],
        },
    }
]


def database_config(url: str | None, data_dir: Path) -> dict[str, Any]:
    if not url:
        data_dir.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{data_dir / 'sangdam.sqlite3'}"
    config: dict[str, Any] = dict(dj_database_url.parse(url))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the worker write while the web process reads; IMMEDIATE makes a writer wait
        # for the lock at BEGIN instead of failing half-way through a transaction.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    else:
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": database_config(os.environ.get("DATABASE_URL"), DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["sangdam.accounts.backends.OrganizationLoginBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "sangdam.accounts.passwords.LettersAndDigitsValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Failed logins in a row before an account is locked, and for how long (SPEC G-PL-04).
SANGDAM_LOCKOUT_FAILURES = 5
SANGDAM_LOCKOUT_MINUTES = 10
# Organization admins are signed out after this much idleness (SPEC G-PL-05); others after a day.
SANGDAM_ADMIN_IDLE_SECONDS = 30 * 60
SESSION_COOKIE_AGE = 24 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True
SANGDAM_API_TOKEN_DAYS = 30

SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "sangdam_language"
# One catalog for the whole project: apps share words (login ID, agent, slot...).
LOCALE_PATHS = [BASE_DIR / "sangdam" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Seoul"
USE_TZ = True

STATIC_URL = "/static/"
# In DEBUG, WhiteNoise serves straight from the apps' folders; otherwise `serve` collects first.
STATIC_ROOT = None if DEBUG else BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = DATA_DIR / "media"

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
# Links in e-mails (invitations, notices) point here.
SITE_URL = os.environ.get("SANGDAM_SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sangdam@localhost")

# Text messages go out through one gateway (docs/messaging.md): "file" (development: a JSON line
# per message in var/sms-outbox.jsonl), "kannel" (Kannel's HTTP sendsms) or "smpp" (an SMSC).
SANGDAM_SMS_BACKEND = os.environ.get("SANGDAM_SMS_BACKEND", "file")
# Where gateways call back with delivery reports; each report URL is signed per message.
SANGDAM_SMS_REPORT_URL = os.environ.get(
    "SANGDAM_SMS_REPORT_URL", SITE_URL.rstrip("/") + "/messaging/reports/kannel"
)
_SMS_BACKEND_OPTIONS: dict[str, dict[str, Any]] = {
    "file": {"path": os.environ.get("SANGDAM_SMS_FILE", str(DATA_DIR / "sms-outbox.jsonl"))},
    "kannel": {
        "url": os.environ.get("SANGDAM_KANNEL_URL", "http://127.0.0.1:13013/cgi-bin/sendsms"),
        "username": os.environ.get("SANGDAM_KANNEL_USERNAME", ""),
        "password": os.environ.get("SANGDAM_KANNEL_PASSWORD", ""),
        "report_url": SANGDAM_SMS_REPORT_URL,
    },
    "smpp": {
        "host": os.environ.get("SANGDAM_SMPP_HOST", "127.0.0.1"),
        "port": int(os.environ.get("SANGDAM_SMPP_PORT", "2775")),
        "system_id": os.environ.get("SANGDAM_SMPP_SYSTEM_ID", ""),
        "password": os.environ.get("SANGDAM_SMPP_PASSWORD", ""),
        "system_type": os.environ.get("SANGDAM_SMPP_SYSTEM_TYPE", ""),
    },
}
SANGDAM_SMS_OPTIONS = _SMS_BACKEND_OPTIONS.get(SANGDAM_SMS_BACKEND, {})
# A worker that stops without finishing a batch holds its messages this long (decision 0008).
SANGDAM_SMS_CLAIM_LEASE_SECONDS = int(os.environ.get("SANGDAM_SMS_CLAIM_LEASE_SECONDS", "600"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Login IDs are unique per organization, not globally; our backend signs people in by
# service name + login ID (SPEC PL-11, PL-29).
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
