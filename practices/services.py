from __future__ import annotations

from django.db import transaction

from accounts.models import User
from kinum.audit_hooks import request_audit
from practices.models import Membership, Practice


@transaction.atomic
def practice_create(*, actor: User | None, name: str, slug: str, **fields: object) -> Practice:
    practice = Practice(name=name, slug=slug, **fields)
    practice.full_clean()
    practice.save()
    request_audit(action="practice.create", actor=actor, practice=practice, target=practice)
    return practice


@transaction.atomic
def membership_grant(*, actor: User | None, user: User, practice: Practice, role: str) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, practice=practice, defaults={"role": role, "is_active": True}
    )
    before = {} if created else {"role": membership.role, "is_active": membership.is_active}
    if not created:
        membership.role = role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active"])
    request_audit(
        action="membership.grant",
        actor=actor,
        practice=practice,
        target=membership,
        target_label=user.label,
        before=before,
        after={"role": role, "is_active": True},
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: User, membership: Membership) -> Membership:
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    request_audit(
        action="membership.revoke",
        actor=actor,
        practice=membership.practice,
        target=membership,
        target_label=membership.user.label,
        before={"is_active": True},
        after={"is_active": False},
    )
    return membership
