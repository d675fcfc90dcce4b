"""The Celery application. Periodic schedules live in one place: `BEAT_SCHEDULE` below."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinum.settings")

app = Celery("kinum")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic schedule of the product, declared once (STYLE.md 4). django-celery-beat's
# DatabaseScheduler picks these up at start.
BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "audit-verify-nightly": {"task": "compliance.tasks.audit_verify_task", "schedule": 24 * 60 * 60},
    "score-accounts-nightly": {
        "task": "balances.scoring.tasks.score_all_practices_task",
        "schedule": 24 * 60 * 60,
    },
    "purge-stale-uploads-hourly": {
        "task": "balances.tasks.import_uploads_purge_stale_task",
        "schedule": 60 * 60,
    },
}
app.conf.beat_schedule = BEAT_SCHEDULE


@app.task(name="kinum.ping")
def ping(value: str) -> str:
    """Round-trip probe used by the health check and the Redis integration test."""
    return f"pong:{value}"
