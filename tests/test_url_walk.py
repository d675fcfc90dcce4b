"""Walk every URL in the URL configuration as an outsider, as an anonymous visitor and as a user who
has not passed the second factor. Each must get nothing of practice A's."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

PUBLIC_NAMES = {"landing", "healthz", "accounts:login", "admin:login"}  # login pages and public pages
LOGIN_PAGES = {"/accounts/login/", "/admin/login/"}
OPEN_BEFORE_2FA = {"accounts:2fa_setup", "accounts:2fa_verify", "accounts:logout"}


def _named_patterns(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def _argument_names(pattern: URLPattern) -> list[str]:
    return list(re.compile(pattern.pattern.regex.pattern).groupindex)


def _urls_for(ids: dict[str, str]) -> list[tuple[str, str, bool]]:
    """(name, url, takes_object_arguments) for every named URL, filled with practice A's ids."""
    urls = []
    for name, pattern in _named_patterns(get_resolver()):
        args = _argument_names(pattern)
        kwargs = {arg: ids.get(arg, ids["default"]) for arg in args}
        try:
            urls.append((name, reverse(name, kwargs=kwargs), bool(args)))
        except NoReverseMatch:
            continue
    return urls


@pytest.fixture
def practice_a_ids(practice_a, manager_a, collector_a) -> dict[str, str]:
    """Real ids of practice A's objects: an import batch, an account and its consumer."""
    from balances.models import Account
    from balances.services import import_batch_confirm
    from balances.tests.test_import_persistence import generic_csv, row, run_import

    batch = run_import(practice_a, generic_csv([row("1", "Smith, Jane", "100.00")]))
    import_batch_confirm(actor=None, batch=batch)
    account = Account.objects.get(import_batch=batch)
    membership = manager_a.memberships.first()
    return {
        "batch_id": str(batch.pk),
        "account_id": str(account.pk),
        "consumer_id": str(account.consumer_id),
        "segment": "standard",
        "practice_slug": practice_a.slug,
        "slug": practice_a.slug,
        "app_label": "practices",
        "object_id": str(practice_a.pk),
        "pk": str(membership.pk),
        "content_type_id": "1",
        "default": str(practice_a.pk),
    }


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and (
        "/accounts/login/" in response.url or "/admin/login/" in response.url
    )


def test_the_walk_covers_the_url_configuration(practice_a_ids):
    urls = _urls_for(practice_a_ids)
    names = {name for name, _, _ in urls}
    assert {"reporting:portal", "practices:api_detail", "compliance:audit_log", "admin:index"} <= names
    assert len(urls) > 30


def test_outsider_gets_nothing_of_practice_a(practice_a_ids, client_outsider, practice_a):
    for name, url, has_args in _urls_for(practice_a_ids):
        response = client_outsider.get(url)
        if has_args:
            assert response.status_code in (403, 404, 405) or _is_login_redirect(response), (
                name,
                url,
                response.status_code,
            )
        else:
            assert response.status_code in (200, 302, 403, 404, 405), (name, url)
        if response.status_code == 200:
            body = response.content.decode()
            assert practice_a.name not in body and practice_a.slug not in body, (name, url)


def test_collector_of_another_practice_is_an_outsider_too(practice_a_ids, practice_b, practice_a):
    from conftest import verified_client
    from tests.factories import MembershipFactory, UserFactory

    collector_b = UserFactory(role="collector", email="other-collector@agency.example")
    MembershipFactory(user=collector_b, practice=practice_b, role="collector")
    client = verified_client(collector_b)
    for name, url, has_args in _urls_for(practice_a_ids):
        response = client.get(url)
        if has_args:
            assert response.status_code in (403, 404, 405) or _is_login_redirect(response), (name, url)
        if response.status_code == 200:
            assert practice_a.name not in response.content.decode(), (name, url)


def test_anonymous_visitor_is_sent_to_login_everywhere_but_public_pages(practice_a_ids):
    client = Client()
    for name, url, _ in _urls_for(practice_a_ids):
        response = client.get(url)
        if name in PUBLIC_NAMES:
            assert response.status_code == 200, (name, url)
        elif url.startswith("/api/"):
            assert response.status_code in (401, 403), (name, url)
        else:
            final = client.get(url, follow=True)
            assert response.status_code == 302 and final.request["PATH_INFO"] in LOGIN_PAGES, (name, url)


def test_user_without_second_factor_reaches_only_enrolment(practice_a_ids, manager_a):
    client = Client()
    client.post(reverse("accounts:login"), {"username": manager_a.email, "password": TEST_PASSWORD})
    two_factor_pages = (reverse("accounts:2fa_setup"), reverse("accounts:2fa_verify"))
    for name, url, _ in _urls_for(practice_a_ids):
        response = client.get(url)
        if name in PUBLIC_NAMES | OPEN_BEFORE_2FA:
            continue
        if url.startswith("/api/"):
            assert response.status_code == 403, (name, url)
        else:
            assert response.status_code == 302 and response.url in two_factor_pages, (
                name,
                url,
                response.status_code,
            )
    assert client.get(reverse("accounts:2fa_setup")).status_code == 200


def test_insider_sees_their_practice(client_a, practice_a):
    assert client_a.get(reverse("reporting:portal", args=[practice_a.slug])).status_code == 200
    assert (
        client_a.get(reverse("practices:api_detail", args=[practice_a.slug])).json()["name"]
        == practice_a.name
    )


def test_outsider_cannot_write_to_practice_a_anywhere(practice_a_ids, client_outsider, practice_a):
    """POST to every URL that takes practice A's ids: nothing may succeed, and nothing of A changes."""
    from compliance.models import AuditEvent

    before = AuditEvent.objects.filter(practice=practice_a).count()
    for name, url, has_args in _urls_for(practice_a_ids):
        if not has_args or name.startswith("admin:"):
            continue  # the admin is staff-only and walked above; argument-free URLs are the outsider's own
        response = client_outsider.post(url, {"excluded": "1", "reason": "x", "token": "000000"})
        assert response.status_code in (403, 404, 405) or _is_login_redirect(response), (
            name,
            url,
            response.status_code,
        )
    assert AuditEvent.objects.filter(practice=practice_a).count() == before


def test_the_walks_ids_are_real_for_insiders(practice_a_ids, client_a, collector_a, practice_a):
    """The outsider walks above mean something only if the same URLs work for practice A's own people."""
    from conftest import verified_client

    ids = practice_a_ids
    assert (
        client_a.get(reverse("balances:import_detail", args=[practice_a.slug, ids["batch_id"]])).status_code
        == 200
    )
    assert (
        client_a.get(reverse("reporting:segment_accounts", args=[practice_a.slug, "standard"])).status_code
        == 200
    )
    why = reverse("outreach:why", args=[practice_a.slug, ids["consumer_id"]])
    assert verified_client(collector_a).get(why).status_code == 200
