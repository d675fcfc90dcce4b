"""Celery interfaces of scoring: take ids, call one service (STYLE.md 4)."""

from __future__ import annotations

import logging

from celery import shared_task

from practices.models import Practice, PracticeStatus

logger = logging.getLogger(__name__)


@shared_task(name="balances.scoring.tasks.score_practice_task", acks_late=True)
def score_practice_task(practice_id: int) -> dict[str, object]:
    from balances.scoring.services import scoring_run

    return scoring_run(practice_id=practice_id)


@shared_task(name="balances.scoring.tasks.score_all_practices_task")
def score_all_practices_task() -> dict[str, object]:
    """Nightly: one scoring task per practice that has accounts (each runs and retries on its own)."""
    ids = list(
        Practice.objects.exclude(status=PracticeStatus.CLOSED)
        .filter(accounts__isnull=False)
        .values_list("id", flat=True)
        .distinct()
    )
    for practice_id in ids:
        score_practice_task.delay(practice_id)
    return {"practices": len(ids)}


def scoring_enqueue_after_import(practice_id: int) -> None:
    """Called on commit of an import (balances.services.import_batch_run). The import has committed:
    a failure to queue must not turn it into an error; the nightly run scores the accounts anyway."""
    try:
        score_practice_task.delay(practice_id)
    except Exception:
        logger.exception("Could not queue scoring for practice %s", practice_id)
