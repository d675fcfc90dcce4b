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


def request_audit(**fields: Any) -> None:
    """Ask for one audit row; the keywords are those of `compliance.audit.audit_record` (action, actor,
    practice, target, target_label, before, after, ip, actor_label)."""
    responses = audit_requested.send(sender=None, **fields)
    if not responses:
        # Fail closed: an audited change must never happen without its audit row.
        raise RuntimeError("No audit receiver is connected; is the compliance app installed?")
