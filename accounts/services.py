"""Every write to users and their second factors. Each audited change writes its audit row in the
same transaction (through `kinum.audit_hooks`)."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from kinum.audit_hooks import request_audit

BACKUP_CODE_COUNT = 10
_TOTP_NAME = "Authenticator app"


@transaction.atomic
def user_create(*, actor: User | None, email: str, full_name: str, role: str, password: str | None) -> User:
    user = User.objects.create_user(email=email, password=password, full_name=full_name, role=role)
    if role == Role.ADMIN:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    request_audit(action="user.create", actor=actor, target=user, after={"role": role})
    return user


@transaction.atomic
def user_set_role(*, actor: User, user: User, role: str) -> User:
    before = user.role
    user.role = role
    user.is_staff = user.is_superuser = role == Role.ADMIN
    user.save(update_fields=["role", "is_staff", "is_superuser"])
    request_audit(
        action="user.role_change", actor=actor, target=user, before={"role": before}, after={"role": role}
    )
    return user


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    """Users are deactivated, never deleted: audit rows and ledger history keep pointing at them."""
    user.is_active = False
    user.deactivated_at = timezone.now()
    user.save(update_fields=["is_active", "deactivated_at"])
    request_audit(action="user.deactivate", actor=actor, target=user)
    return user


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (created on first call, reused after)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_TOTP_NAME, confirmed=False)
    return device


def user_has_confirmed_totp(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def totp_enrol_confirm(*, user: User, device: TOTPDevice, token: str, ip: str | None) -> list[str] | None:
    """Confirm enrolment when the token is right; returns fresh backup codes, or None when it is wrong."""
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = _backup_codes_replace(user=user)
    request_audit(action="2fa.enrol", actor=user, target=user, after={"device": "totp"}, ip=ip)
    return codes


def _backup_codes_replace(*, user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="Backup codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def backup_codes_regenerate(*, user: User, ip: str | None) -> list[str]:
    codes = _backup_codes_replace(user=user)
    request_audit(action="2fa.backup_codes_regenerate", actor=user, target=user, ip=ip)
    return codes


@transaction.atomic
def second_factor_reset(*, actor: User, user: User) -> None:
    """An admin resets a user's 2FA (lost phone); the user enrols again at next login."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    request_audit(action="2fa.reset", actor=actor, target=user)
