from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from compliance.audit import audit_verify


class Command(BaseCommand):
    help = "Walk the audit log's hash chain and name the first broken row (exit status 1 when broken)."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = audit_verify()
        if broken is not None:
            raise CommandError(
                f"Audit chain BROKEN at event #{broken.event_id}: {broken.problem}. "
                f"{checked} rows before it are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} rows verified."))
