import threading

import pytest

from kinum.run_ahead import run_ahead


def test_items_arrive_in_order_and_are_produced_in_another_thread():
    producers = []

    def items():
        for i in range(20):
            producers.append(threading.current_thread())
            yield i

    assert list(run_ahead(items(), depth=3)) == list(range(20))
    assert producers and all(t is not threading.main_thread() for t in producers)


def test_a_producer_error_is_raised_in_the_consumer_after_the_items_before_it():
    def items():
        yield 1
        yield 2
        raise ValueError("bad row")

    seen = []
    with pytest.raises(ValueError, match="bad row"):
        for item in run_ahead(items()):
            seen.append(item)
    assert seen == [1, 2]


def test_a_consumer_that_stops_early_stops_the_producer_and_joins_it():
    produced = []

    def endless():
        i = 0
        while True:
            produced.append(i)
            yield i
            i += 1

    before = threading.active_count()
    items = run_ahead(endless(), depth=2)
    assert next(items) == 0
    items.close()
    assert threading.active_count() == before  # the thread is gone, not parked on a full queue
    assert len(produced) <= 4  # it ran at most `depth` (+ the one in hand) ahead
