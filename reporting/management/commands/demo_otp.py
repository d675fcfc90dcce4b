from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from reporting.management.commands.seed_demo import current_code


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo user (refused in production)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo_otp is a demo convenience and refuses to run in production")
        device = TOTPDevice.objects.filter(user__email=email.lower(), confirmed=True).first()
        if device is None:
            raise CommandError(
                f"No confirmed authenticator for {email}; sign in once to enrol, or run seed_demo"
            )
        self.stdout.write(current_code(device))
