from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from accounts.models import Role
from compliance.models import AuditAction, AuditEvent
from practices.selectors import practice_get_for_manager, practice_get_for_user, practices_for_user
from practices.services import membership_grant, membership_revoke, practice_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_who_sees_which_practice(
    practice_a, practice_b, manager_a, collector_a, compliance_officer, outsider
):
    assert list(practices_for_user(manager_a)) == [practice_a]
    assert list(practices_for_user(collector_a)) == [practice_a]  # by assignment only
    assert set(practices_for_user(compliance_officer)) == {practice_a, practice_b}  # every audit trail
    assert list(practices_for_user(outsider)) == [practice_b]


def test_not_yours_is_a_404_exactly_like_missing(practice_a, outsider):
    for lookup in (
        {"slug": practice_a.slug},
        {"slug": "missing"},
        {"practice_id": practice_a.pk},
        {"practice_id": "x"},
    ):
        with pytest.raises(Http404):
            practice_get_for_user(outsider, **lookup)


def test_only_managers_and_admins_act_for_a_practice(
    practice_a, manager_a, collector_a, compliance_officer, admin_user
):
    assert practice_get_for_manager(manager_a, slug=practice_a.slug) == practice_a
    assert practice_get_for_manager(admin_user, slug=practice_a.slug) == practice_a
    for user in (collector_a, compliance_officer):
        with pytest.raises(Http404):
            practice_get_for_manager(user, slug=practice_a.slug)


def test_revoked_and_deactivated_users_lose_access(practice_a, manager_a, admin_user):
    membership = manager_a.memberships.get()
    membership_revoke(actor=admin_user, membership=membership)
    assert not practices_for_user(manager_a).exists()
    membership_grant(actor=admin_user, user=manager_a, practice=practice_a, role=Role.PRACTICE_MANAGER)
    assert practices_for_user(manager_a).exists()
    manager_a.is_active = False
    assert not practices_for_user(manager_a).exists()


def test_practice_create_validates_and_is_audited(admin_user):
    practice = practice_create(
        actor=admin_user, name="Cedar Clinic", slug="cedar", time_zone="America/Denver"
    )
    assert AuditEvent.objects.filter(action=AuditAction.PRACTICE_CREATE, practice=practice).exists()
    with pytest.raises(ValidationError):
        practice_create(actor=admin_user, name="Bad", slug="bad", time_zone="Mars/Olympus")
    with pytest.raises(ValidationError):
        practice_create(actor=admin_user, name="Bad", slug="bad2", contingency_bps=12_000)


def test_new_member_gets_access_audited(practice_a, admin_user):
    newcomer = UserFactory(email="new@alpha.example", role=Role.PRACTICE_MANAGER)
    membership_grant(actor=admin_user, user=newcomer, practice=practice_a, role=Role.PRACTICE_MANAGER)
    assert practice_get_for_user(newcomer, slug=practice_a.slug) == practice_a
