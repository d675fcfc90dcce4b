"""The practice-scoped JSON APIs: scoped, fail closed, no PHI, and a constant number of queries."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIRequestFactory

from balances.tests.test_import_persistence import generic_csv, row, run_import
from practices.api import PracticeScopedListApi

pytestmark = pytest.mark.django_db


def _import(practice, rows: int, *, first_key: int = 0) -> None:
    keys = range(first_key, first_key + rows)
    run_import(practice, generic_csv([row(str(k), f"Person{k}, Pat", "100.00") for k in keys]))


def test_lists_only_the_practices_own_rows_without_phi(client_a, practice_a, practice_b):
    _import(practice_a, 3)
    _import(practice_b, 2)
    data = client_a.get(reverse("balances:api_accounts", args=[practice_a.slug])).json()
    assert data["count"] == 3
    assert "Person" not in str(data) and "Oak St" not in str(data)
    imports = client_a.get(reverse("balances:api_imports", args=[practice_a.slug])).json()
    assert imports["count"] == 1 and imports["results"][0]["accounts_imported"] == 3


def test_outsider_and_anonymous_are_refused(client_outsider, practice_a):
    _import(practice_a, 1)
    for name in ("balances:api_accounts", "balances:api_imports"):
        url = reverse(name, args=[practice_a.slug])
        assert client_outsider.get(url).status_code == 404  # same as a practice that does not exist
        assert client_outsider.get(reverse(name, args=["no-such-practice"])).status_code == 404
        assert Client().get(url).status_code == 403


def test_query_count_does_not_grow_with_rows(client_a, practice_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("balances:api_accounts", args=[practice_a.slug])
    _import(practice_a, 3)
    with CaptureQueriesContext(connection) as few:
        client_a.get(url)
    _import(practice_a, 40, first_key=100)
    with CaptureQueriesContext(connection) as many:
        assert client_a.get(url).json()["count"] == 43
    assert len(many) == len(few) <= 10


def test_a_scoped_view_without_a_model_fails_closed(manager_a, practice_a):
    class Forgetful(PracticeScopedListApi):
        pass

    request = APIRequestFactory().get("/")
    request.user = manager_a
    view = Forgetful()
    view.kwargs = {"practice_slug": practice_a.slug}
    view.practice = practice_a
    with pytest.raises(ImproperlyConfigured):
        view.get_queryset()
