from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from accounts.models import Role, User
from balances.models import Account, AccountScore, AccountStatus, ImportBatch
from outreach.models import ContactPoint
from practices.models import Practice

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_every_role_practices_and_balances_and_is_idempotent():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert Practice.objects.count() == 2
    assert "password: demo-" in printed and "TOTP secret:" in printed
    placed = Account.objects.filter(status=AccountStatus.PLACED).count()
    assert (
        AccountScore.objects.filter(account__status=AccountStatus.PLACED).count() == placed
    )  # segments page
    assert placed > 150 and Account.objects.filter(status=AccountStatus.REVIEW).count() > 150

    points = ContactPoint.objects.count()
    assert points > 300  # phones and e-mails of the demo consumers, for the gate and the why page

    call_command("seed_demo", stdout=io.StringIO())
    assert Practice.objects.count() == 2 and ImportBatch.objects.count() == 2
    assert ContactPoint.objects.count() == points
    assert Account.objects.filter(status=AccountStatus.PLACED).count() == placed


def test_demo_otp_prints_the_current_code():
    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_otp", "admin@kinum.example", stdout=out)
    assert out.getvalue().strip().isdigit() and len(out.getvalue().strip()) == 6
