"""Connects the audit log to events raised by lower layers (see kinum.audit_hooks) and to Django's
authentication signals, so sign-ins, sign-outs and failures are audited from day one."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from compliance.audit import audit_record
from compliance.models import AuditAction
from kinum.audit_hooks import audit_requested
from kinum.middleware import client_ip


@receiver(audit_requested, dispatch_uid="compliance.audit_requested")
def _on_audit_requested(sender: Any, **kwargs: Any) -> None:
    kwargs.pop("signal", None)
    audit_record(**kwargs)


def _ip(request: Any) -> str | None:
    return client_ip(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="compliance.login")
def _on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(action=AuditAction.AUTH_LOGIN, actor=user, target=user, ip=_ip(request))


@receiver(user_logged_out, dispatch_uid="compliance.logout")
def _on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action=AuditAction.AUTH_LOGOUT, actor=user, target=user, ip=_ip(request))


@receiver(user_login_failed, dispatch_uid="compliance.login_failed")
def _on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # The attempted e-mail is kept as a label (it is staff identity, not patient data); never the password.
    attempted = str(credentials.get("username") or credentials.get("email") or "")[:150]
    audit_record(
        action=AuditAction.AUTH_LOGIN_FAILED,
        actor_label=f"unauthenticated: {attempted}",
        target_label=attempted,
        ip=_ip(request),
    )


@receiver(user_locked_out, dispatch_uid="compliance.locked_out")
def _on_locked_out(
    sender: Any, request: Any = None, username: str = "", ip_address: str = "", **kwargs: Any
) -> None:
    audit_record(
        action=AuditAction.AUTH_LOCKED_OUT,
        actor_label=f"unauthenticated: {username}",
        target_label=username,
        ip=ip_address or _ip(request),
    )
