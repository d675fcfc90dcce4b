"""Production settings: secrets have no defaults, and `check --deploy` reports nothing."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _production_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KINUM_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        KINUM_ENV="production",
        DJANGO_SETTINGS_MODULE="kinum.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="recover.example.com",
        KINUM_FIELD_KEYS=f"prod1:{_key()}",
        KINUM_INDEX_KEY=_key(),
        DATABASE_URL=f"sqlite:///{ROOT / 'var' / 'deploy-check.sqlite3'}",
    )
    env.update(overrides)
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = _manage(_production_env(), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "KINUM_FIELD_KEYS", "KINUM_INDEX_KEY", "ALLOWED_HOSTS"]
)
def test_production_refuses_to_boot_without_a_secret(missing):
    result = _manage(_production_env(**{missing: ""}), "check")
    assert result.returncode != 0
    assert missing in result.stderr


def test_security_headers_on_a_response(client):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Request-ID"]
