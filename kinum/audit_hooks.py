"""The one seam through which lower layers ask for an audit row.

The audit log lives in `compliance`, to the right of `accounts` and `practices` in the dependency
order, so their services cannot import it. They send `audit_requested` instead; `compliance`
connects the receiver that writes the hash-chained row. Signals are delivered synchronously, so the
row is written inside the caller's transaction and rolls back with it.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

audit_requested = Signal()


def request_audit(
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
) -> None:
    responses = audit_requested.send(
        sender=None,
        action=action,
        actor=actor,
        practice=practice,
        target=target,
        target_label=target_label,
        before=before or {},
        after=after or {},
        ip=ip,
        actor_label=actor_label,
    )
    if not responses:
        # Fail closed: an audited change must never happen without its audit row.
        raise RuntimeError("No audit receiver is connected; is the compliance app installed?")
