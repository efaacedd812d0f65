from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.test import override_settings

from config import settings as base_settings
from config.settings import database_config

ROOT = Path(__file__).resolve().parents[2]


def test_sqlite_is_the_embedded_default_in_wal_mode(tmp_path: Path) -> None:
    config = database_config(None, tmp_path)

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "sangdam.sqlite3")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_database_url_selects_postgresql(tmp_path: Path) -> None:
    config = database_config("postgres://sangdam:pw@db.example:5433/prod", tmp_path)

    assert (config["ENGINE"], config["HOST"], config["PORT"], config["NAME"]) == (
        "django.db.backends.postgresql",
        "db.example",
        5433,
        "prod",
    )


def _settings_process(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import django, os; django.setup(); from django.conf import settings; "
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.DEBUG)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _settings_process({"DEBUG": "false", "SANGDAM_DATA_DIR": str(tmp_path)})

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_production_uses_secure_cookies(tmp_path: Path) -> None:
    result = _settings_process(
        {"DEBUG": "false", "SECRET_KEY": "x" * 50, "SANGDAM_DATA_DIR": str(tmp_path)}
    )

    assert result.stdout.split() == ["True", "True", "False"]


def test_development_generates_and_keeps_a_secret(tmp_path: Path) -> None:
    first = base_settings.development_secret(tmp_path)
    second = base_settings.development_secret(tmp_path)

    assert first == second
    assert len(first) > 40
    assert (tmp_path / "development-secret-key").stat().st_mode & 0o777 == 0o600


def test_passwords_are_hashed_with_argon2() -> None:
    with override_settings(PASSWORD_HASHERS=base_settings.PASSWORD_HASHERS):
        assert make_password("demo1234!").startswith("argon2$argon2id$")


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_malformed_boolean_setting_is_named(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", value)

    with pytest.raises(Exception, match=f"DEBUG must be true or false, not '{value}'"):
        base_settings.env_bool("DEBUG", True)
