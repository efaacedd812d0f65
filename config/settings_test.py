"""Test settings: the real settings, with cheaper password hashing and no outgoing mail."""

import tempfile
from pathlib import Path

from config.settings import *  # noqa: F403
from config.settings import DATABASES

# SQLite tests use a real file (pytest-xdist adds a suffix per worker), so WAL and IMMEDIATE
# transactions behave as in production and the live server's threads share the data.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / "sangdam-test.sqlite3")
    }

PASSWORD_HASHERS = ["sangdam.accounts.passwords.FastArgon2PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SANGDAM_SMS_BACKEND = "memory"
SANGDAM_SMS_OPTIONS = {}
# Live-server threads (browser tests, Kannel's delivery reports) would otherwise keep their
# PostgreSQL connections open past the test, and dropping the test database would warn.
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
