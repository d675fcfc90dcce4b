from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from compliance.audit import audit_record, audit_verify
from compliance.models import AuditAction, AuditEvent
from practices.services import membership_grant, membership_revoke

pytestmark = pytest.mark.django_db


def _three_events(practice, user) -> list[AuditEvent]:
    return [
        audit_record(
            action=AuditAction.PRACTICE_UPDATE, actor=user, practice=practice, target=practice, after={"n": i}
        )
        for i in range(3)
    ]


def _raw(sql: str, params: list) -> None:
    """Tamper the way an attacker with SQL access would: with the append-only triggers switched off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SET LOCAL session_replication_role = replica"
            )  # triggers off; test role is superuser
        else:
            cursor.execute("DROP TRIGGER IF EXISTS compliance_auditevent_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS compliance_auditevent_no_delete")
        cursor.execute(sql, params)


def test_rows_chain_and_verify(practice_a, manager_a):
    events = _three_events(practice_a, manager_a)
    assert events[1].prev_hash == events[0].row_hash
    assert events[2].prev_hash == events[1].row_hash
    checked, broken = audit_verify()
    assert broken is None and checked == AuditEvent.objects.count()


def test_orm_refuses_update_and_delete(practice_a, manager_a):
    event = _three_events(practice_a, manager_a)[0]
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditAction.USER_CREATE)
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        event.delete()
    event.target_label = "edited"
    with pytest.raises(PermissionError):
        event.save()


def test_database_trigger_refuses_raw_update_and_delete(practice_a, manager_a):
    event = _three_events(practice_a, manager_a)[0]
    for sql in (
        "UPDATE compliance_auditevent SET target_label = 'x' WHERE id = %s",
        "DELETE FROM compliance_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])


def test_verify_detects_an_edited_row(practice_a, manager_a):
    events = _three_events(practice_a, manager_a)
    _raw("UPDATE compliance_auditevent SET target_label = 'forged' WHERE id = %s", [events[1].pk])
    _, broken = audit_verify()
    assert broken is not None and broken.event_id == events[1].pk and "edited" in broken.problem


def test_verify_detects_a_deleted_row(practice_a, manager_a):
    events = _three_events(practice_a, manager_a)
    _raw("DELETE FROM compliance_auditevent WHERE id = %s", [events[1].pk])
    _, broken = audit_verify()
    assert broken is not None and broken.event_id == events[2].pk


def test_verify_detects_reordered_rows(practice_a, manager_a):
    events = _three_events(practice_a, manager_a)
    first, second = events[0], events[1]
    # Swap the content of two rows (ids keep their order): the links no longer line up.
    _raw(
        "UPDATE compliance_auditevent SET after = %s, row_hash = %s, prev_hash = %s WHERE id = %s",
        ['{"n": 1}', "tmp" + "0" * 61, first.prev_hash, first.pk],
    )
    _raw(
        "UPDATE compliance_auditevent SET after = %s, row_hash = %s, prev_hash = %s WHERE id = %s",
        ['{"n": 0}', first.row_hash, second.prev_hash, second.pk],
    )
    _, broken = audit_verify()
    assert broken is not None and broken.event_id in {first.pk, second.pk}


def test_audit_verify_command_names_the_first_broken_row(practice_a, manager_a, capsys):
    events = _three_events(practice_a, manager_a)
    call_command("audit_verify")
    assert "intact" in capsys.readouterr().out
    _raw("UPDATE compliance_auditevent SET action = 'user.create' WHERE id = %s", [events[0].pk])
    with pytest.raises(CommandError, match=f"#{events[0].pk}"):
        call_command("audit_verify")


def test_audited_change_rolls_back_with_its_row(practice_a, manager_a):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action=AuditAction.PRACTICE_UPDATE, actor=manager_a, practice=practice_a)
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before


def test_unknown_action_is_refused(practice_a):
    with pytest.raises(ValueError):
        audit_record(action="made.up", practice=practice_a)


def test_membership_changes_are_audited(practice_a, manager_a, admin_user):
    from tests.factories import UserFactory

    newcomer = UserFactory(email="new@alpha.example")
    membership = membership_grant(
        actor=admin_user, user=newcomer, practice=practice_a, role="practice_manager"
    )
    membership_revoke(actor=admin_user, membership=membership)
    actions = list(AuditEvent.objects.filter(target_id=str(membership.pk)).values_list("action", flat=True))
    assert actions == [AuditAction.MEMBERSHIP_GRANT, AuditAction.MEMBERSHIP_REVOKE]
    row = AuditEvent.objects.get(target_id=str(membership.pk), action=AuditAction.MEMBERSHIP_REVOKE)
    assert row.actor == admin_user and row.practice == practice_a and row.after == {"is_active": False}
