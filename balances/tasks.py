from __future__ import annotations

from celery import shared_task

from balances.scoring import tasks as scoring_tasks  # noqa: F401 - registers the scoring tasks with the worker
from balances.services import import_batch_run, import_uploads_purge_stale


@shared_task(name="balances.tasks.import_batch_run_task", acks_late=True)
def import_batch_run_task(batch_id: int) -> dict[str, object]:
    """Interface only: load by id, call the service. The service claims the batch, so a redelivered
    message does nothing the second time."""
    batch = import_batch_run(batch_id=batch_id)
    return {"batch_id": batch.pk, "status": batch.status}


@shared_task(name="balances.tasks.import_uploads_purge_stale_task")
def import_uploads_purge_stale_task() -> int:
    return import_uploads_purge_stale()
