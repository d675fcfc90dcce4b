from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kinum.crypto import generate_key


class Command(BaseCommand):
    help = "Print a fresh KINUM_FIELD_KEYS entry and KINUM_INDEX_KEY (for production secrets or a new key)."

    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--key-id", default="k1")

    def handle(self, *args: Any, key_id: str, **options: Any) -> None:
        self.stdout.write(f"KINUM_FIELD_KEYS={key_id}:{generate_key()}")
        self.stdout.write(f"KINUM_INDEX_KEY={generate_key()}")
