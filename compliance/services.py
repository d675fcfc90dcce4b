"""Writes owned by compliance: audit rows and PHI access rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from compliance.audit import audit_record
from compliance.models import PhiAccess, PhiAccessReason
from kinum.middleware import current_request_id

__all__ = ["audit_record", "phi_access_record"]


def phi_access_record(
    *, user: Any, practice: Any, subject: Any, fields: Iterable[str], reason: str, ip: str | None = None
) -> PhiAccess:
    """Call whenever decrypted PHI is shown to a person (not for machine processing)."""
    PhiAccessReason(reason)
    request_id = current_request_id()
    return PhiAccess.objects.create(
        practice=practice,
        user=user,
        user_label=user.label,
        subject_type=subject._meta.label,
        subject_id=str(subject.pk),
        fields=sorted(fields),
        reason=reason,
        request_id="" if request_id == "-" else request_id,
        ip=ip,
    )
