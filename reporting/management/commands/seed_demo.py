"""Demo data for the embedded default: two practices and one user of every role.

Idempotent: running it again resets the demo users' passwords and prints them again. Refuses to run
under production settings.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from accounts.services import user_create
from balances.demo import seed_demo_balances
from balances.scoring.services import scoring_run
from outreach.services import contact_points_from_ledger
from practices.models import FeeModel, PmSystem, Practice, PracticeStatus
from practices.services import membership_grant, practice_create

DEMO_PRACTICES = [
    dict(
        name="Bright Smiles Dental",
        slug="bright-smiles",
        time_zone="America/Chicago",
        city="Springfield",
        state="IL",
        zip_code="62701",
        pm_system=PmSystem.OPEN_DENTAL,
        status=PracticeStatus.ACTIVE,
        fee_model=FeeModel.CONTINGENCY,
        contingency_bps=2500,
    ),
    dict(
        name="Riverside Family Medicine",
        slug="riverside-family",
        time_zone="America/Los_Angeles",
        city="Eugene",
        state="OR",
        zip_code="97401",
        pm_system=PmSystem.OPENEMR,
        status=PracticeStatus.ACTIVE,
        fee_model=FeeModel.FIXED_FEE,
        contingency_bps=0,
        fixed_fee_cents=1500,
    ),
]

DEMO_USERS = [
    ("manager@bright-smiles.example", "Pat Manager", Role.PRACTICE_MANAGER, ["bright-smiles"]),
    ("manager@riverside.example", "Rita Riverside", Role.PRACTICE_MANAGER, ["riverside-family"]),
    ("collector@kinum.example", "Casey Collector", Role.COLLECTOR, ["bright-smiles", "riverside-family"]),
    ("compliance@kinum.example", "Carmen Compliance", Role.COMPLIANCE_OFFICER, []),
    ("admin@kinum.example", "Alex Admin", Role.ADMIN, []),
]


class Command(BaseCommand):
    help = "Create demo practices and one user of every role; print their passwords and 2FA secrets."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run with KINUM_ENV=production")
        with transaction.atomic():
            practices = {p["slug"]: self._practice(p) for p in DEMO_PRACTICES}
            rows = [
                self._user(email, name, role, [practices[s] for s in slugs])
                for email, name, role, slugs in DEMO_USERS
            ]
        for index, practice in enumerate(practices.values()):
            # One placed portfolio and one awaiting the practice's review, through the real pipeline.
            seed_demo_balances(practice, rows=300, seed=index + 1, place=index == 0)
            scoring_run(practice_id=practice.pk)  # now, so the demo's segments page is filled at once
            # The gate's contact points for the imported phones and e-mails (the why page's channels).
            contact_points_from_ledger(consumer_ids=practice.consumers.values_list("id", flat=True))
        self.stdout.write(self.style.SUCCESS("\nDemo users (passwords are new on every seed):"))
        for email, role, password, secret in rows:
            self.stdout.write(f"  {role:<20} {email:<34} password: {password}   TOTP secret: {secret}")
        self.stdout.write(
            "\nSecond factor: add the TOTP secret to any authenticator app, or print the current code with\n"
            "  .venv/bin/python manage.py demo_otp EMAIL\n"
        )

    def _practice(self, spec: dict[str, Any]) -> Practice:
        existing = Practice.objects.filter(slug=spec["slug"]).first()
        if existing:
            return existing
        fields = {k: v for k, v in spec.items() if k not in {"name", "slug"}}
        return practice_create(actor=None, name=spec["name"], slug=spec["slug"], **fields)

    def _user(self, email: str, name: str, role: str, practices: list[Practice]) -> tuple[str, str, str, str]:
        password = "demo-" + secrets.token_urlsafe(9)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(actor=None, email=email, full_name=name, role=role, password=password)
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        for practice in practices:
            membership_grant(actor=None, user=user, practice=practice, role=role)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
        secret = base64.b32encode(device.bin_key).decode("ascii")
        return email, role, password, secret


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
