from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import user_deactivate, user_set_role
from compliance.models import AuditAction, AuditEvent
from conftest import PASSWORD, verified_client

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice, offset_steps: int = 0) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset_steps)
    return f"{code:06d}"


def _login(client: Client, email: str, password: str = PASSWORD):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_first_login_enrols_totp_and_shows_single_use_backup_codes(manager_a, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp delays retries after a wrong code; not under test here
    client = Client()
    response = _login(client, manager_a.email)
    assert response.status_code == 302
    # Everything but enrolment is closed until a second factor is verified.
    assert client.get(reverse("reporting:portal_home")).url == reverse("accounts:2fa_setup")
    page = client.get(reverse("accounts:2fa_setup"))
    assert b"data:image/svg+xml" in page.content  # the QR code
    device = TOTPDevice.objects.get(user=manager_a, confirmed=False)
    assert client.post(reverse("accounts:2fa_setup"), {"token": "000000"}).status_code == 200
    done = client.post(reverse("accounts:2fa_setup"), {"token": _code(device)})
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("reporting:portal_home")).status_code in (200, 302)
    assert client.get(reverse("reporting:portal", args=["alpha-dental"])).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.TWOFA_ENROL, actor=manager_a).exists()

    # Next login: verification, where a backup code works exactly once.
    for attempt, expected in [(0, 302), (1, 200)]:
        fresh = Client()
        _login(fresh, manager_a.email)
        assert fresh.get(reverse("reporting:portal_home")).url == reverse("accounts:2fa_verify")
        response = fresh.post(reverse("accounts:2fa_verify"), {"token": codes[0]})
        assert response.status_code == expected, f"attempt {attempt}"
    assert not StaticToken.objects.filter(token=codes[0]).exists()


def test_verification_with_totp_and_wrong_code_is_audited(manager_a, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=manager_a, name="app", confirmed=True)
    client = Client()
    _login(client, manager_a.email)
    assert (
        client.post(
            reverse("accounts:2fa_verify"), {"token": "123456" if _code(device) != "123456" else "654321"}
        ).status_code
        == 200
    )
    assert AuditEvent.objects.filter(action=AuditAction.AUTH_2FA_FAIL, actor=manager_a).count() == 1
    response = client.post(reverse("accounts:2fa_verify"), {"token": _code(device)})
    assert response.status_code == 302
    assert client.get(reverse("reporting:portal", args=["alpha-dental"])).status_code == 200


def test_login_logout_and_failures_are_audited_and_lock_the_account(manager_a):
    client = Client()
    for _ in range(5):
        response = _login(client, manager_a.email, "wrong password")
    assert AuditEvent.objects.filter(action=AuditAction.AUTH_LOGIN_FAILED).count() >= 4
    assert AuditEvent.objects.filter(action=AuditAction.AUTH_LOCKED_OUT).exists()
    # Locked: even the right password is refused now.
    response = _login(client, manager_a.email)
    assert response.status_code in (403, 429)
    assert b"locked" in response.content.lower()
    assert not AuditEvent.objects.filter(action=AuditAction.AUTH_LOGIN, actor=manager_a).exists()


def test_successful_login_and_logout_are_audited(manager_a):
    client = Client()
    _login(client, manager_a.email)
    client.post(reverse("accounts:logout"))
    actions = set(AuditEvent.objects.filter(actor=manager_a).values_list("action", flat=True))
    assert {AuditAction.AUTH_LOGIN, AuditAction.AUTH_LOGOUT} <= actions


def test_idle_session_is_logged_out_after_15_minutes(manager_a, settings, monkeypatch):
    client = verified_client(manager_a)
    url = reverse("reporting:portal", args=["alpha-dental"])
    assert client.get(url).status_code == 200
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + settings.SESSION_IDLE_TIMEOUT_SECONDS + 5)
    response = client.get(url)
    assert response.status_code == 302 and "timeout=1" in response.url
    assert client.get(url).status_code == 302  # really signed out


def test_session_policy_settings(settings):
    assert settings.SESSION_IDLE_TIMEOUT_SECONDS == 15 * 60
    assert settings.SESSION_COOKIE_AGE <= 15 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_users_are_deactivated_not_deleted(manager_a, admin_user):
    from django.db.models import ProtectedError

    user_deactivate(actor=admin_user, user=manager_a)
    manager_a.refresh_from_db()
    assert not manager_a.is_active
    with pytest.raises(ProtectedError):
        manager_a.delete()  # memberships and audit rows reference the user
    assert _login(Client(), manager_a.email).status_code == 200  # the form is shown again, no session


def test_role_change_is_audited(manager_a, admin_user):
    user_set_role(actor=admin_user, user=manager_a, role="collector")
    row = AuditEvent.objects.get(action=AuditAction.USER_ROLE_CHANGE)
    assert row.before == {"role": "practice_manager"} and row.after == {"role": "collector"}


def test_password_hashing_is_argon2_in_real_settings():
    from kinum import settings as real

    assert real.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert any("MinimumLength" in v["NAME"] for v in real.AUTH_PASSWORD_VALIDATORS)


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("collector", "outreach:workspace"),
        ("compliance_officer", "compliance:audit_log"),
        ("admin", "admin:index"),
    ],
)
def test_each_role_lands_on_its_page(role, landing, practice_a):
    from tests.factories import UserFactory

    user = UserFactory(
        role=role, email=f"{role}@x.example", is_staff=role == "admin", is_superuser=role == "admin"
    )
    client = verified_client(user)
    response = client.get(reverse("accounts:home"))
    assert response.url == reverse(landing)
    assert client.get(response.url).status_code == 200
