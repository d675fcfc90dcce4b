from __future__ import annotations

import logging

from celery import shared_task

from compliance.audit import audit_verify

logger = logging.getLogger(__name__)


@shared_task(name="compliance.tasks.audit_verify_task")
def audit_verify_task() -> dict[str, object]:
    checked, broken = audit_verify()
    if broken is not None:
        logger.error("Audit chain broken at event #%s: %s", broken.event_id, broken.problem)
    return {"checked": checked, "broken_at": broken.event_id if broken else None}
