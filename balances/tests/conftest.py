import pytest


@pytest.fixture(params=["thread", "process"])
def producer(request, settings):
    """Small files are parsed in a thread, large ones in a forked child process (see
    balances.services._sealed_chunks): a test that takes this fixture runs both ways."""
    settings.KINUM_IMPORT_PROCESS_MIN_LINES = 0 if request.param == "process" else 10**9
    return request.param
