"""Run a producer generator in a forked child process and receive its items in the parent.

The import's Python work (parse, encrypt) and its database writes each need a CPU; in one process
the GIL lets only one of them run at a time, so a large import hands the producing half to a child.
The child is forked, so it starts with the parent's memory (the lazily opened parse, the keys)
and needs no set-up; it never touches the parent's database connection (it inherits the socket but
sends nothing on it, and leaves with `os._exit`, which runs no clean-up that could).

Items and the final `finish()` value travel pickled through a pipe. An exception in the child is
raised again in the parent; a child that dies (killed, out of memory) becomes a `ChildProcessError`.
Every exit path of the parent reaps the child, killing it first if it stopped early.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def fork_available() -> bool:
    return hasattr(os, "fork")


class ForkedProducer(Generic[T]):
    """`for item in ForkedProducer(produce, finish)`: items of `produce()` made in a child process;
    afterwards `.outcome` holds what `finish()` returned in the child (e.g. its counters).

    A bare `os.fork`, not `multiprocessing.Process`: Celery's prefork workers are daemonic
    processes, which `multiprocessing` forbids to have children."""

    def __init__(self, produce: Callable[[], Iterable[T]], finish: Callable[[], Any]) -> None:
        self._produce, self._finish = produce, finish
        self.outcome: Any = None

    def __iter__(self) -> Iterator[T]:
        receive, send = multiprocessing.Pipe(duplex=False)
        pid = os.fork()
        if pid == 0:  # the child: produce, then leave without running any of the parent's clean-up
            receive.close()
            os._exit(self._run_child(send))
        send.close()  # the parent's copy: EOF on `receive` then means the child is gone
        reaped = False
        try:
            while True:
                try:
                    kind, payload = _receive_without_gc(receive)
                except EOFError:
                    _, status = os.waitpid(pid, 0)
                    reaped = True
                    code = os.waitstatus_to_exitcode(status)
                    raise ChildProcessError(f"the producer process stopped (exit code {code})") from None
                if kind == "item":
                    yield payload
                elif kind == "done":
                    self.outcome = payload
                    return
                else:
                    raise payload
        finally:
            receive.close()
            if not reaped:
                # It holds nothing to clean up; if it already finished, this only reaps it.
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)

    def _run_child(self, send: Connection) -> int:
        # Everything inherited stays alive until the child exits: keep it out of the collector's
        # way (full collections would walk it, and touching it copies the parent's pages).
        gc.freeze()
        try:
            for item in self._produce():
                send.send(("item", item))
            send.send(("done", self._finish()))
            return 0
        except BaseException as exc:
            with contextlib.suppress(BaseException):
                send.send(("error", _picklable(exc)))
            return 1
        finally:
            send.close()


def _receive_without_gc(receive: Connection) -> Any:
    """Unpickling a chunk allocates thousands of containers that all stay alive; with the collector
    running, it would examine them again and again (it doubled the time to receive a chunk)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return receive.recv()
    finally:
        if was_enabled:
            gc.enable()


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 (our own bytes, made a line above)
        return exc
    except Exception:  # an exception that does not survive pickling keeps its type's name
        return RuntimeError(f"{type(exc).__name__} in the producer process")
