"""Produce the items of an iterator in a background thread, a few ahead of the consumer.

The import's hot loop alternates CPU work in Python (parse, encrypt) with waiting for PostgreSQL
(a COPY's end, where the server checks foreign keys and finishes its index inserts). While the
consumer waits on the database it holds no GIL, so a producer thread can parse and encrypt the next
chunk in the meantime: the two overlap instead of taking turns.

The producer must not touch the database (Django connections are per thread; a second connection
would not see the consumer's uncommitted transaction).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

_DONE = object()
_POLL_SECONDS = 0.1


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def run_ahead(items: Iterable[T], *, depth: int = 2, name: str = "run-ahead") -> Iterator[T]:
    """Yield `items` in order while a thread produces up to `depth` of them in advance.

    An exception in the producer is raised in the consumer at the point it happened. If the consumer
    stops early (an exception, or `close()`), the producer stops at its next item and the thread is
    joined before this generator returns, so nothing keeps running behind the caller's back.
    """
    buffer: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                buffer.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as exc:  # handed to the consumer, which re-raises it
            put(_Failed(exc))
            return
        put(_DONE)

    thread = threading.Thread(target=produce, name=name, daemon=True)
    thread.start()
    try:
        while True:
            item = buffer.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.exc
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()
