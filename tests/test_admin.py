"""The Django admin: behind the second factor, and never showing or searching encrypted columns."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, verified_client
from kinum.fields import EncryptedTextField


def _encrypted_names(model) -> set[str]:
    return {f.name for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)}


def test_no_admin_lists_or_searches_an_encrypted_field():
    from balances.models import Consumer

    assert Consumer in admin.site._registry  # the check below must have something to check
    for model, model_admin in admin.site._registry.items():
        encrypted = _encrypted_names(model)
        if not encrypted:
            continue
        shown = set(model_admin.list_display) | set(model_admin.list_filter) | set(model_admin.ordering or ())
        searched = {name.lstrip("^=@").split("__")[0] for name in model_admin.search_fields}
        assert not (shown & encrypted), f"{model.__name__} lists encrypted {shown & encrypted}"
        assert not (searched & encrypted), f"{model.__name__} searches encrypted {searched & encrypted}"


@pytest.mark.django_db
def test_admin_needs_a_verified_second_factor(admin_user):
    password_only = Client()
    password_only.post(reverse("accounts:login"), {"username": admin_user.email, "password": PASSWORD})
    assert password_only.get(reverse("admin:index")).status_code == 302
    assert verified_client(admin_user).get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_consumer_change_form_shows_no_encrypted_field(admin_user, practice_a):
    from balances.models import Consumer

    consumer = Consumer.objects.create(practice=practice_a, full_name="Jane Patient", address1="12 Oak St")
    page = verified_client(admin_user).get(reverse("admin:balances_consumer_change", args=[consumer.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Jane Patient" not in body and "12 Oak St" not in body and "v1:" not in body
