"""A real Celery worker against the real Redis in REDIS_URL: a task round-trips.

Runs only when REDIS_URL is set (CI sets it); unit tests elsewhere run tasks eagerly."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not REDIS_URL, reason="REDIS_URL not set: the Redis round-trip test needs a Redis server"
    ),
]


def test_task_round_trips_through_a_real_worker():
    from kinum.celery import app

    queue = f"roundtrip-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kinum.settings", "KINUM_ENV": "development"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kinum",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert app.conf.broker_url.startswith("redis://")
        result = app.send_task("kinum.ping", args=["hello"], queue=queue)  # never eager, unlike .delay()
        assert result.get(timeout=60) == "pong:hello"
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
