import os
import signal

import pytest

from kinum.forked import ForkedProducer, fork_available

pytestmark = pytest.mark.skipif(not fork_available(), reason="needs the fork start method")


def test_items_come_in_order_from_a_child_process_and_the_outcome_after_them():
    state = {"made": 0}

    def produce():
        for i in range(5):
            state["made"] += 1
            yield (os.getpid(), i)

    producer = ForkedProducer(produce, finish=lambda: {"made": state["made"]})
    items = list(producer)
    assert [i for _, i in items] == [0, 1, 2, 3, 4]
    assert {pid for pid, _ in items} != {os.getpid()}  # made elsewhere
    assert producer.outcome == {"made": 5} and state["made"] == 0  # the child's state, not ours


def test_a_child_exception_is_raised_in_the_parent_with_its_type():
    def produce():
        yield 1
        raise ValueError("bad row 7")

    seen = []
    with pytest.raises(ValueError, match="bad row 7"):
        for item in ForkedProducer(produce, finish=dict):
            seen.append(item)
    assert seen == [1]


def test_a_child_that_dies_becomes_a_child_process_error():
    def produce():
        yield 1
        os.kill(os.getpid(), signal.SIGKILL)
        yield 2

    with pytest.raises(ChildProcessError, match="exit code -9"):
        list(ForkedProducer(produce, finish=dict))


def test_stopping_early_terminates_and_reaps_the_child():
    def endless():
        while True:
            yield os.getpid()

    items = iter(ForkedProducer(endless, finish=dict))
    child_pid = next(items)
    assert child_pid != os.getpid() and _exists(child_pid)
    items.close()
    assert not _exists(child_pid)  # terminated and reaped (a zombie would still exist)


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
