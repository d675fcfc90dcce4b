from __future__ import annotations

import pytest
from django.urls import reverse

from balances.models import Account
from balances.services import import_batch_confirm
from balances.tests.test_import_persistence import generic_csv, row, run_import
from conftest import verified_client
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_workspace_lists_assigned_practices_accounts_only(practice_a, practice_b, collector_a):
    import_batch_confirm(
        actor=None, batch=run_import(practice_a, generic_csv([row("1", "Smith, Jane", "100.00")]))
    )
    import_batch_confirm(
        actor=None, batch=run_import(practice_b, generic_csv([row("9", "Doe, John", "300.00")]))
    )
    mine = Account.objects.get(practice=practice_a)
    theirs = Account.objects.get(practice=practice_b)

    page = verified_client(collector_a).get(reverse("outreach:workspace")).content.decode()
    assert reverse("outreach:why", args=[practice_a.slug, mine.consumer_id]) in page
    assert f"#{theirs.pk}<" not in page and practice_b.name not in page
    assert "Smith" not in page  # no decrypted PHI on the list

    other = UserFactory(role="collector", email="other@agency.example")
    MembershipFactory(user=other, practice=practice_b, role="collector")
    page_b = verified_client(other).get(reverse("outreach:workspace")).content.decode()
    assert f"#{mine.pk}<" not in page_b and f"#{theirs.pk}<" in page_b
