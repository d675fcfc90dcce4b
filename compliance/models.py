from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    """Every audited action, one enum, dotted names (STYLE.md 10)."""

    AUTH_LOGIN = "auth.login", "Signed in (password)"
    AUTH_LOGOUT = "auth.logout", "Signed out"
    AUTH_LOGIN_FAILED = "auth.login_failed", "Failed sign-in"
    AUTH_LOCKED_OUT = "auth.locked_out", "Locked out after repeated failures"
    AUTH_2FA_VERIFY = "auth.2fa_verify", "Passed second factor"
    AUTH_2FA_FAIL = "auth.2fa_fail", "Failed second factor"
    TWOFA_ENROL = "2fa.enrol", "Enrolled an authenticator"
    TWOFA_BACKUP_REGEN = "2fa.backup_codes_regenerate", "Regenerated backup codes"
    TWOFA_RESET = "2fa.reset", "Second factor reset"
    USER_CREATE = "user.create", "User created"
    USER_ROLE_CHANGE = "user.role_change", "User role changed"
    USER_DEACTIVATE = "user.deactivate", "User deactivated"
    PRACTICE_CREATE = "practice.create", "Practice created"
    PRACTICE_UPDATE = "practice.update", "Practice updated"
    MEMBERSHIP_GRANT = "membership.grant", "Access to a practice granted"
    MEMBERSHIP_REVOKE = "membership.revoke", "Access to a practice revoked"
    IMPORT_RUN = "import.run", "Balance file imported"
    IMPORT_CONFIRM = "import.confirm", "Placement confirmed"
    ACCOUNT_PLACE = "account.place", "Account placed"
    CONTACT_ALLOW = "contact.allow", "Contact allowed by the gate"
    CONTACT_BLOCK = "contact.block", "Contact blocked by the gate"
    OPTOUT_RECORD = "optout.record", "Opt-out recorded"
    DISPUTE_RECORD = "dispute.record", "Dispute recorded"
    DISPUTE_RESPOND = "dispute.respond", "Dispute answered (verification sent)"
    CEASE_RECORD = "cease.record", "Cease notice recorded"
    CONSUMER_FLAG = "consumer.flag", "Attorney, bankruptcy or death recorded"
    VALIDATION_NOTICE_SEND = "validation_notice.send", "Validation notice sent"
    VALIDATION_NOTICE_RESULT = "validation_notice.result", "Validation notice delivery result"
    ACCOUNT_EXCLUDE = "account.exclude", "Account excluded from outreach"
    ACCOUNT_INCLUDE = "account.include", "Account returned to outreach"
    SEGMENT_EXCLUDE = "segment.exclude", "Segment excluded from outreach"
    SEGMENT_INCLUDE = "segment.include", "Segment returned to outreach"
    ANALYSIS_APPROVE = "analysis.approve", "Recovery projection approved"
    ANALYSIS_DECLINE = "analysis.decline", "Recovery projection declined (analysis data purged)"


class _AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit rows are append-only: they cannot be updated")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise PermissionError("Audit rows are append-only: they cannot be deleted")


class AuditEvent(models.Model):
    """Append-only, hash-chained record of every change that matters.

    `row_hash` = SHA-256 over this row's content and `prev_hash` (the previous row's `row_hash`), so an
    edited, deleted or reordered row breaks the chain; `manage.py audit_verify` names the first break.
    Labels are copied so rows stay readable after renames; PROTECT keeps referenced users and
    practices from being deleted.
    """

    practice = models.ForeignKey("practices.Practice", null=True, blank=True, on_delete=models.PROTECT)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(max_length=300, blank=True)
    # No `choices=` on purpose: new actions are added to AuditAction without a migration; the service
    # refuses values outside the enum.
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    row_hash = models.CharField(max_length=64, unique=True)

    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["practice", "action", "created_at"]),
            models.Index(fields=["created_at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} by {self.actor_label or 'system'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit rows are append-only: they cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise PermissionError("Audit rows are append-only: they cannot be deleted")

    @property
    def action_label(self) -> str:
        try:
            return AuditAction(self.action).label
        except ValueError:
            return self.action


class PhiAccessReason(models.TextChoices):
    COLLECTION_WORK = "collection_work", "Working the account"
    PATIENT_REQUEST = "patient_request", "Patient asked"
    DISPUTE_REVIEW = "dispute_review", "Reviewing a dispute"
    COMPLIANCE_REVIEW = "compliance_review", "Compliance review"
    PRACTICE_REVIEW = "practice_review", "Practice reviewing its placement"
    SUPPORT = "support", "Support"


class PhiAccess(models.Model):
    """Who viewed whose decrypted PHI, when and why (HIPAA access accounting). Append-only too."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    user_label = models.CharField(max_length=300)
    subject_type = models.CharField(max_length=100)
    subject_id = models.CharField(max_length=64)
    fields = models.JSONField(default=list, help_text="Names of the decrypted fields shown")
    reason = models.CharField(max_length=32, choices=PhiAccessReason.choices)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["practice", "created_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_label} viewed {self.subject_type}#{self.subject_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("PHI access rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise PermissionError("PHI access rows are append-only")
