"""Helpers shared by the scoring, analysis and projection tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from balances.models import ImportBatch, ImportMode
from balances.services import import_batch_create, import_batch_run

SAMPLES = Path("/work/shared/samples")
AS_OF = dt.date(2025, 3, 14)
USER_QUERY = "opendental_user-query_collections-list.txt"


def import_sample(practice, name: str = USER_QUERY, *, analysis: bool = False, actor=None) -> ImportBatch:
    batch = import_batch_create(
        actor=actor,
        practice=practice,
        data=(SAMPLES / name).read_bytes(),
        filename=name,
        as_of=AS_OF,
        mode=ImportMode.ANALYSIS if analysis else ImportMode.PLACEMENT,
        enqueue=False,
    )
    return import_batch_run(batch_id=batch.pk)
