"""`score_accounts --practice SLUG`: score a practice's open accounts now (the nightly task does the same)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from balances.scoring.services import scoring_run
from practices.models import Practice


class Command(BaseCommand):
    help = "Calibrate (when there are enough outcomes) and score a practice's open accounts; prints JSON."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--practice", required=True, help="practice slug")

    def handle(self, *args: Any, **opts: Any) -> None:
        practice = Practice.objects.filter(slug=opts["practice"]).first()
        if practice is None:
            raise CommandError(f"No practice with slug {opts['practice']!r}")
        self.stdout.write(json.dumps(scoring_run(practice_id=practice.pk), sort_keys=True))
