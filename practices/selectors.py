"""Every read of practices goes through these access functions (STYLE.md 6-7).

"Not yours" answers exactly like "does not exist": Http404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Role, User
from practices.models import Membership, Practice


def practices_for_user(user: User) -> QuerySet[Practice]:
    """Practices this user may see. Compliance officers and admins see every practice's audit trail;
    practice managers and collectors see the practices they are members of or assigned to."""
    if not user.is_authenticated or not user.is_active:
        return Practice.objects.none()
    if user.role in {Role.COMPLIANCE_OFFICER, Role.ADMIN}:
        return Practice.objects.all()
    return Practice.objects.filter(memberships__user=user, memberships__is_active=True).distinct()


def practice_get_for_user(user: User, *, slug: str | None = None, practice_id: int | None = None) -> Practice:
    queryset = practices_for_user(user)
    lookup = {"slug": slug} if slug is not None else {"pk": practice_id}
    try:
        return queryset.get(**lookup)
    except (Practice.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such practice") from exc


def memberships_for_practice(practice: Practice) -> QuerySet[Membership]:
    return Membership.objects.filter(practice=practice).select_related("user").order_by("user__email")


def practice_get_for_manager(user: User, *, slug: str) -> Practice:
    """A practice the user manages (practice managers of it, and admins). Agency collectors and
    compliance officers do not upload or approve for a practice: for them it is a 404 like any other."""
    if user.is_authenticated and user.role == Role.ADMIN:
        return practice_get_for_user(user, slug=slug)
    if not user.is_authenticated or user.role != Role.PRACTICE_MANAGER:
        raise Http404("No such practice")
    return practice_get_for_user(user, slug=slug)
