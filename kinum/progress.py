"""Progress of long-running work (imports), readable by the web process while a worker writes it.

It lives outside the database on purpose: the import runs in one transaction (all or nothing), so a
progress row written inside it would be invisible until the end. Redis when REDIS_URL is set
(several hosts), a small JSON file under var/ otherwise (the embedded single-host default).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

_TTL_SECONDS = 24 * 60 * 60


@lru_cache(maxsize=1)
def _redis() -> Any:
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


def _namespaced(key: str) -> str:
    """Ids restart in every database (each test process, each deployment sharing a Redis), so the key
    carries which database it belongs to."""
    database = str(connections["default"].settings_dict["NAME"])
    return f"{hashlib.sha256(database.encode()).hexdigest()[:12]}-{key}"


def _path(key: str) -> Path:
    folder = Path(settings.KINUM_PROGRESS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{key}.json"


def progress_set(key: str, *, done: int, total: int, stage: str) -> None:
    key = _namespaced(key)
    payload = json.dumps({"done": done, "total": max(total, 1), "stage": stage})
    if settings.REDIS_URL:
        _redis().set(f"kinum:progress:{key}", payload, ex=_TTL_SECONDS)
        return
    target = _path(key)
    fd, tmp = tempfile.mkstemp(dir=target.parent)
    with os.fdopen(fd, "w") as fh:
        fh.write(payload)
    os.replace(tmp, target)  # atomic: a reader never sees half a file


def progress_get(key: str) -> dict[str, Any] | None:
    key = _namespaced(key)
    if settings.REDIS_URL:
        raw = _redis().get(f"kinum:progress:{key}")
    else:
        target = _path(key)
        raw = target.read_text() if target.exists() else None
    if not raw:
        return None
    data = json.loads(raw)
    data["percent"] = min(100, int(100 * data["done"] / data["total"]))
    return data
