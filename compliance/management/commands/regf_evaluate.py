"""`python manage.py regf_evaluate [FILE|-]`: answer compliance questions in JSON (REGF-SCENARIOS.md).

A thin wrapper over compliance.regf.cli.evaluate_document: no database, no clock, no network.
Stdout carries only the JSON answer; exit status is 0 for valid JSON input, non-zero otherwise.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from compliance.regf.cli import evaluate_document


class Command(BaseCommand):
    help = "Evaluate regf questions (decide, validation_period_end, classify_inbound, check_template)."
    requires_system_checks: list[str] = []  # pure: needs neither the database nor app checks
    requires_migrations_checks = False

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("source", nargs="?", default="-", help="JSON file, or - for stdin (default)")

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["source"]
        try:
            raw = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read {source}: {exc}") from exc
        try:
            doc = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CommandError(f"input is not valid JSON: {exc}") from exc
        self.stdout.write(json.dumps(evaluate_document(doc), indent=1))
