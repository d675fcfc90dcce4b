"""Writing and verifying the hash-chained audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from compliance.models import AuditAction, AuditEvent
from kinum.locks import lock_until_commit
from kinum.middleware import current_request_id

GENESIS_HASH = "0" * 64
_HASHED_FIELDS = (
    "practice_id", "actor_id", "actor_label", "action", "target_type", "target_id", "target_label",
    "before", "after", "request_id", "ip", "created_at", "prev_hash",
)  # fmt: skip


def _canonical(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return value


def compute_row_hash(event: AuditEvent) -> str:
    content = {name: _canonical(getattr(event, name)) for name in _HASHED_FIELDS}
    payload = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _lock_chain() -> None:
    """Serialise appends so two writers never chain onto the same predecessor."""
    lock_until_commit("kinum.audit_chain")


def _target_fields(target: Any, target_label: str) -> tuple[str, str, str]:
    if target is None:
        return "", "", target_label
    return target._meta.label, str(target.pk), target_label or str(target)


@transaction.atomic
def audit_record(
    *,
    action: str,
    actor: Any = None,
    practice: Any = None,
    target: Any = None,
    target_label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ip: str | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one audit row. Callers pass no PHI in labels or before/after (ids and codes only)."""
    AuditAction(action)  # unknown actions are a programming error, not a new free-text value
    _lock_chain()
    last = AuditEvent.objects.order_by("-id").values_list("row_hash", flat=True).first()
    target_type, target_id, label = _target_fields(target, target_label)
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        practice=practice,
        actor=actor_obj,
        actor_label=actor_label or (actor_obj.label if actor_obj else "system"),
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=label[:300],
        before=before or {},
        after=after or {},
        request_id=current_request_id() if current_request_id() != "-" else "",
        ip=ip,
        created_at=timezone.now(),
        prev_hash=last or GENESIS_HASH,
    )
    event.row_hash = compute_row_hash(event)
    event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    problem: str


def _events_in_order(batch_size: int = 2000) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def audit_verify() -> tuple[int, ChainBreak | None]:
    """Walk the chain in id order; return (rows checked, first break or None)."""
    expected_prev = GENESIS_HASH
    checked = 0
    for event in _events_in_order():
        if event.prev_hash != expected_prev:
            return checked, ChainBreak(
                event.id, "previous-hash link broken (a row was deleted, inserted or reordered)"
            )
        if compute_row_hash(event) != event.row_hash:
            return checked, ChainBreak(event.id, "content does not match its hash (the row was edited)")
        expected_prev = event.row_hash
        checked += 1
    return checked, None
