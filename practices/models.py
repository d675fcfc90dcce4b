from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone")


class PmSystem(models.TextChoices):
    OPEN_DENTAL = "open_dental", "Open Dental"
    DENTRIX = "dentrix", "Dentrix"
    DENTRIX_ASCEND = "dentrix_ascend", "Dentrix Ascend"
    EAGLESOFT = "eaglesoft", "Eaglesoft"
    OPENEMR = "openemr", "OpenEMR"
    TEBRA = "tebra", "Tebra (Kareo)"
    OTHER = "other", "Other"


class FeeModel(models.TextChoices):
    CONTINGENCY = "contingency", "Contingency (% of recovered)"
    FIXED_FEE = "fixed_fee", "Fixed fee per account"


class PracticeStatus(models.TextChoices):
    PROSPECT = "prospect", "Prospect (analysis only)"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    CLOSED = "closed", "Closed"


class Practice(models.Model):
    """The tenant. Every practice-owned row points here."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    status = models.CharField(max_length=16, choices=PracticeStatus.choices, default=PracticeStatus.PROSPECT)
    time_zone = models.CharField(max_length=64, default="America/New_York", validators=[validate_time_zone])
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True, validators=[RegexValidator(r"^[A-Z]{2}$")])
    zip_code = models.CharField(max_length=10, blank=True, validators=[RegexValidator(r"^\d{5}(-\d{4})?$")])
    phone = models.CharField(max_length=20, blank=True)
    pm_system = models.CharField(max_length=32, choices=PmSystem.choices, default=PmSystem.OTHER)

    # Contract: money in cents, percentages in basis points (1% = 100 bps).
    fee_model = models.CharField(max_length=16, choices=FeeModel.choices, default=FeeModel.CONTINGENCY)
    contingency_bps = models.PositiveIntegerField(
        default=2500,
        validators=[MaxValueValidator(10_000)],
        help_text="Share of recovered dollars, in basis points",
    )
    fixed_fee_cents = models.PositiveIntegerField(default=0, help_text="Fee per placed account, in cents")
    baa_signed_on = models.DateField(null=True, blank=True, help_text="HIPAA business associate agreement")

    # Outreach policy: what the cadence engine may use for this practice's patients.
    allow_email = models.BooleanField(default=True)
    allow_sms = models.BooleanField(default=True)
    allow_calls = models.BooleanField(default=True)
    allow_letters = models.BooleanField(default=True)
    max_plan_months = models.PositiveSmallIntegerField(default=6, validators=[MinValueValidator(1)])
    min_plan_payment_cents = models.PositiveIntegerField(default=2500)
    display_name = models.CharField(max_length=200, blank=True, help_text="Name patients see in messages")

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contingency_bps__lte=10_000), name="contingency_bps_max_100pct"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def patient_facing_name(self) -> str:
        return self.display_name or self.name


class Membership(models.Model):
    """A user's access to a practice: practice managers are its staff; collectors and compliance
    officers are agency staff assigned to it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=32)  # accounts.Role values
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "practice"], name="uniq_membership")]
        indexes = [models.Index(fields=["practice", "role"])]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.practice_id} ({self.role})"
