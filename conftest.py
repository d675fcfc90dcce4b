"""Shared fixtures: two practices (Alice's and Bob's) and one user of every role, plus an outsider.

Every fixture set includes an outsider from another practice (STYLE.md 16).
"""

from __future__ import annotations

import os
import shutil

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import settings as hypothesis_settings

from accounts.models import Role, User
from practices.models import Practice
from tests.factories import TEST_PASSWORD, MembershipFactory, PracticeFactory, UserFactory

PASSWORD = TEST_PASSWORD

# Property tests check behaviour, not speed: no per-example deadline (a GC pause on a loaded CI machine
# is not a failure), no example database written into the checkout, and in CI a fixed seed, so a red
# run can be replayed exactly.
hypothesis_settings.register_profile(
    "kinum", deadline=None, database=None, derandomize=bool(os.environ.get("CI"))
)
hypothesis_settings.load_profile("kinum")


def verified_client(user: User) -> Client:
    """A client signed in as `user` with a verified second factor."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture(autouse=True)
def _append_only_triggers(request):
    """Triggers are on for every test. A transactional test ends with a database flush, the one
    legitimate mass delete, so the triggers step aside for it and come back for the next test."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        yield
        return
    from django.db import connection

    from compliance import dbtriggers

    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    dbtriggers.install(connection)
    yield
    if marker.kwargs.get("transaction"):
        dbtriggers.uninstall(connection)


@pytest.fixture
def practice_a(db) -> Practice:
    return PracticeFactory(slug="alpha-dental", name="Alpha Dental")


@pytest.fixture
def practice_b(db) -> Practice:
    return PracticeFactory(slug="bravo-medical", name="Bravo Medical")


@pytest.fixture
def manager_a(practice_a) -> User:
    user = UserFactory(role=Role.PRACTICE_MANAGER, email="alice@alpha.example")
    MembershipFactory(user=user, practice=practice_a, role=Role.PRACTICE_MANAGER)
    return user


@pytest.fixture
def outsider(practice_b) -> User:
    """Bob: a practice manager of another practice."""
    user = UserFactory(role=Role.PRACTICE_MANAGER, email="bob@bravo.example")
    MembershipFactory(user=user, practice=practice_b, role=Role.PRACTICE_MANAGER)
    return user


@pytest.fixture
def collector_a(practice_a) -> User:
    user = UserFactory(role=Role.COLLECTOR, email="casey@agency.example")
    MembershipFactory(user=user, practice=practice_a, role=Role.COLLECTOR)
    return user


@pytest.fixture
def compliance_officer(db) -> User:
    return UserFactory(role=Role.COMPLIANCE_OFFICER, email="carmen@agency.example")


@pytest.fixture
def admin_user(db) -> User:
    return UserFactory(role=Role.ADMIN, email="admin@agency.example", is_staff=True, is_superuser=True)


@pytest.fixture
def client_a(manager_a) -> Client:
    return verified_client(manager_a)


@pytest.fixture
def client_outsider(outsider) -> Client:
    return verified_client(outsider)


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser_instance():
    """Debian's Chromium driven by Playwright. Skips on a machine without it, unless CI demands it."""
    path = chromium_path()
    if path is None:
        if os.environ.get("KINUM_REQUIRE_BROWSER"):
            pytest.fail("KINUM_REQUIRE_BROWSER is set but no chromium binary was found")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser_instance):
    context = browser_instance.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
