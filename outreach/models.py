"""What the compliance gate reads and writes (issue 5; DESIGN.md §2, §6).

Each table maps onto one family of the pure engine's inputs (compliance.regf.model): the loader in
outreach/gate.py turns rows into engine dataclasses with one query per table for a whole batch of
consumers. Every row carries `practice`. Identifiers (numbers, addresses, message text, notice
content) are encrypted; the plaintext columns hold only what the gate needs and are not identifiers
on their own (area code, possible time zones, a public e-mail domain such as gmail.com).

Account ids are kept as JSON lists (`account_ids`) rather than link tables: the history query is
always per consumer, and one row per contact keeps the batch loader to a single query per table.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from compliance.regf.rules import Channel, Party, Purpose, Verdict
from kinum.fields import BlindIndexField, EncryptedModel, EncryptedTextField


def _choices(enum: type) -> list[tuple[str, str]]:
    return [(m.value, m.value.replace("_", " ")) for m in enum]  # type: ignore[attr-defined]


class PointKind(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"


class PointType(models.TextChoices):
    MOBILE = "mobile", "Mobile"
    LANDLINE = "landline", "Residential landline"
    WORK = "work", "Work"
    PERSONAL = "personal", "Personal e-mail"


class PointSource(models.TextChoices):
    CREDITOR = "creditor", "From the practice (placement file)"
    CONSUMER = "consumer", "Given by the consumer to us"
    SKIP_TRACE = "skip_trace", "Skip trace"
    PRIOR_COLLECTOR = "prior_collector", "Previous agency"


class Via(models.TextChoices):
    """The channel through which something reached us (provenance)."""

    CALL = "call", "Phone call"
    SMS = "sms", "Text message"
    EMAIL = "email", "E-mail"
    LETTER = "letter", "Letter"
    PORTAL = "portal", "Patient page"
    AGENT = "agent", "Entered by an agent"
    PRACTICE = "practice", "Reported by the practice"
    IMPORT = "import", "Placement file"


class ContactPoint(EncryptedModel):
    """A phone number or e-mail address of a consumer, with its provenance and opt-out state.

    Opt-outs, consents and wrong-party marks are history rows (`PointEvent`); `opted_out_media` is a
    summary kept by the services for lists, the gate reads the history.
    """

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT)
    consumer = models.ForeignKey("balances.Consumer", on_delete=models.PROTECT, related_name="contact_points")
    consumer_phone = models.OneToOneField(
        "balances.ConsumerPhone", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=PointKind.choices)
    value = EncryptedTextField(help_text="E.164 digits or the e-mail address")
    value_index = BlindIndexField(db_index=True)
    type = models.CharField(max_length=10, choices=PointType.choices)
    party = models.CharField(max_length=12, choices=_choices(Party), default=Party.CONSUMER)
    source = models.CharField(max_length=16, choices=PointSource.choices, default=PointSource.CREDITOR)
    obtained_on = models.DateField(null=True, blank=True, help_text="When given (starts its TCPA consent)")
    area_code = models.CharField(max_length=3, blank=True)
    time_zones = models.JSONField(default=list, blank=True)
    public_domain = models.CharField(max_length=64, blank=True, help_text="Set only for public domains")
    # Creditor-notice procedure for e-mail (1006.6(d)(4)(ii)).
    creditor_notice_sent_on = models.DateField(null=True, blank=True)
    creditor_notice_optout_deadline = models.DateField(null=True, blank=True)
    creditor_notice_names_collector = models.BooleanField(default=False)
    opted_out_media = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "kind", "value_index"])]
        constraints = [
            models.UniqueConstraint(fields=["consumer", "kind", "value_index"], name="uniq_contact_point")
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.type})"


class Direction(models.TextChoices):
    OUT = "out", "Outbound"
    IN = "in", "Inbound"


class CallResult(models.TextChoices):
    NO_ANSWER = "no_answer", "No answer"
    VOICEMAIL = "voicemail", "Reached voicemail, no message"
    LCM = "lcm", "Left a limited-content message"
    CONVERSATION = "conversation", "Spoke with the consumer"
    THIRD_PARTY_CONVERSATION = "third_party_conversation", "Spoke with someone else"
    BUSY = "busy", "Busy"
    NOT_IN_SERVICE = "not_in_service", "Not in service"
    FAILED = "failed", "Did not connect"


class ContactEvent(EncryptedModel):
    """One call, voicemail, text, e-mail or letter, in or out. `at` is dial or send time (G-4)."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT)
    consumer = models.ForeignKey("balances.Consumer", on_delete=models.PROTECT, related_name="contact_events")
    contact_point = models.ForeignKey(ContactPoint, null=True, blank=True, on_delete=models.PROTECT)
    channel = models.CharField(max_length=20, choices=_choices(Channel))
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.OUT)
    purpose = models.CharField(max_length=24, choices=_choices(Purpose), default=Purpose.COLLECTION)
    at = models.DateTimeField()
    account_ids = models.JSONField(default=list, blank=True, help_text="Debts it was about / charged to")
    discussed_account_ids = models.JSONField(default=list, blank=True, help_text="Discussed, not charged")
    result = models.CharField(max_length=28, choices=CallResult.choices, blank=True)
    automated = models.BooleanField(default=False)
    prerecorded = models.BooleanField(default=False)
    in_reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField(blank=True, null=True, help_text="Message text (inbound replies, sent copy)")
    subject = EncryptedTextField(blank=True, null=True)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["consumer", "at"]), models.Index(fields=["practice", "at"])]

    def __str__(self) -> str:
        return f"{self.direction} {self.channel} #{self.pk}"


class PointEventKind(models.TextChoices):
    CONSENT = "consent", "Consent to text or e-mail"
    OPT_OUT = "opt_out", "Opt-out"
    TCPA_REVOKE = "tcpa_revoke", "Revoked consent to automated calls or texts"
    WRONG_PARTY = "wrong_party", "Not the consumer's"
    RND_CHECK = "rnd_check", "Reassigned-number check"
    ESIGN_CONSENT = "esign_consent", "E-SIGN consent for electronic notices"


class ReviewOutcome(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class PointEvent(models.Model):
    """Consent, opt-out, revocation, wrong party, reassigned-number check: each with its provenance.

    `contact_point` empty = every contact point of the consumer (an opt-out of a whole medium).
    """

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT)
    consumer = models.ForeignKey("balances.Consumer", on_delete=models.PROTECT, related_name="point_events")
    contact_point = models.ForeignKey(ContactPoint, null=True, blank=True, on_delete=models.PROTECT)
    kind = models.CharField(max_length=16, choices=PointEventKind.choices)
    at = models.DateTimeField()
    media = models.JSONField(default=list, blank=True, help_text="opt_out: call, sms, email, letter")
    medium = models.CharField(max_length=8, blank=True, help_text="consent: sms or email")
    disclosed = models.BooleanField(default=True, help_text="consent: the form said how it would be used")
    written = models.BooleanField(default=False)
    result = models.CharField(max_length=20, blank=True, help_text="rnd_check result")
    since = models.DateField(null=True, blank=True)
    pending_review = models.BooleanField(default=False)
    review_outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    via = models.CharField(max_length=10, choices=Via.choices)
    source_event = models.ForeignKey(ContactEvent, null=True, blank=True, on_delete=models.PROTECT)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["consumer", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class CallConsent(models.Model):
    """The consumer asked us to call again (RF-CALL-CONSENT): excluded from the frequency limits."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT)
    consumer = models.ForeignKey("balances.Consumer", on_delete=models.PROTECT, related_name="call_consents")
    account_ids = models.JSONField(default=list)
    at = models.DateTimeField(help_text="When the consent reached us")
    from_date = models.DateField(null=True, blank=True)
    until_date = models.DateField(null=True, blank=True)
    via = models.CharField(max_length=10, choices=Via.choices)
    source_event = models.ForeignKey(ContactEvent, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"call consent #{self.pk}"


class DesignationKind(models.TextChoices):
    TIME = "time", "Inconvenient time"
    PLACE = "place", "Inconvenient place"


class InconvenientDesignation(models.Model):
    """A time window (local wall clock) or a place (home / work) the consumer said is inconvenient."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT)
    consumer = models.ForeignKey("balances.Consumer", on_delete=models.PROTECT, related_name="designations")
    kind = models.CharField(max_length=5, choices=DesignationKind.choices)
    days = models.JSONField(null=True, blank=True, help_text="Weekdays, Monday = 0; empty = every day")
    start = models.TimeField(null=True, blank=True)
    end = models.TimeField(null=True, blank=True)
    from_date = models.DateField(null=True, blank=True)
    until_date = models.DateField(null=True, blank=True)
    place = models.CharField(max_length=4, blank=True, help_text="home | work")
    oral = models.BooleanField(default=False)
    at = models.DateTimeField()
    via = models.CharField(max_length=10, choices=Via.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} designation #{self.pk}"


class DisputeRequest(models.TextChoices):
    DISPUTE = "dispute", "Dispute"
    ORIGINAL_CREDITOR = "original_creditor", "Original-creditor request"


class VerificationKind(models.TextChoices):
    VERIFICATION = "verification", "Verification sent"
    DUPLICATIVE_NOTICE = "duplicative_notice", "Duplicative-dispute notice sent"
    ORIGINAL_CREDITOR_INFO = "original_creditor_info", "Original-creditor information sent"


class Dispute(models.Model):
    """A dispute or original-creditor request; pauses collection on its debts from `received_at`."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT)
    consumer = models.ForeignKey("balances.Consumer", on_delete=models.PROTECT, related_name="disputes")
    account_ids = models.JSONField(default=list)
    request = models.CharField(max_length=20, choices=DisputeRequest.choices, default=DisputeRequest.DISPUTE)
    written = models.BooleanField(default=True)
    new_information = models.BooleanField(null=True, blank=True)
    received_at = models.DateTimeField()
    via = models.CharField(max_length=10, choices=Via.choices)
    source_event = models.ForeignKey(ContactEvent, null=True, blank=True, on_delete=models.PROTECT)
    responded_at = models.DateTimeField(null=True, blank=True, help_text="Verification or answer sent")
    response_kind = models.CharField(max_length=24, choices=VerificationKind.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "received_at"])]

    def __str__(self) -> str:
        return f"{self.request} #{self.pk}"


class CeaseNotice(models.Model):
    """ "Stop contacting me" / refusal to pay. Effective at receipt; `account_ids` empty = every debt."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT)
    consumer = models.ForeignKey("balances.Consumer", on_delete=models.PROTECT, related_name="cease_notices")
    account_ids = models.JSONField(default=list, blank=True)
    limited = models.BooleanField(default=False, help_text="The notice clearly names only these debts")
    written = models.BooleanField(default=True)
    received_at = models.DateTimeField()
    pending_review = models.BooleanField(default=False, help_text="Free text that may be a cease (PO-08)")
    review_outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    via = models.CharField(max_length=10, choices=Via.choices)
    source_event = models.ForeignKey(ContactEvent, null=True, blank=True, on_delete=models.PROTECT)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"cease notice #{self.pk}"


class FlagKind(models.TextChoices):
    ATTORNEY = "attorney", "Represented by an attorney"
    BANKRUPTCY = "bankruptcy", "Bankruptcy filed"
    DECEASED = "deceased", "Deceased"


class ConsumerFlag(models.Model):
    """Hard stops: attorney representation, bankruptcy, death. `at` = when we learned of it."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT)
    consumer = models.ForeignKey("balances.Consumer", on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(max_length=12, choices=FlagKind.choices)
    at = models.DateTimeField()
    on = models.DateField(null=True, blank=True, help_text="Filing date or date of death")
    account_ids = models.JSONField(null=True, blank=True, help_text="attorney: debts; empty = all")
    attorney_contacted_at = models.DateTimeField(null=True, blank=True)
    via = models.CharField(max_length=10, choices=Via.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} flag #{self.pk}"


class NoticeMethod(models.TextChoices):
    MAIL = "mail", "Mail"
    EMAIL = "email", "E-mail"


class NoticeDelivery(models.TextChoices):
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    UNDELIVERABLE = "undeliverable", "Undeliverable"


class ValidationNotice(EncryptedModel):
    """A 12 CFR 1006.34 validation notice as sent: the content snapshot (encrypted: it holds the
    consumer's name and address), the figures, the period end date, delivery method and result."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT)
    consumer = models.ForeignKey(
        "balances.Consumer", on_delete=models.PROTECT, related_name="validation_notices"
    )
    account_ids = models.JSONField(default=list)
    method = models.CharField(max_length=5, choices=NoticeMethod.choices)
    contact_point = models.ForeignKey(ContactPoint, null=True, blank=True, on_delete=models.PROTECT)
    provided_on = models.DateField(help_text="Send date: starts the validation period")
    period_end = models.DateField()
    itemization_date = models.DateField()
    itemization_basis = models.CharField(max_length=24)
    amount_on_itemization_cents = models.BigIntegerField()
    interest_cents = models.BigIntegerField(default=0)
    fees_cents = models.BigIntegerField(default=0)
    payments_credits_cents = models.BigIntegerField(default=0)
    current_amount_cents = models.BigIntegerField()
    content = EncryptedTextField(help_text="JSON snapshot of everything printed")
    content_sha256 = models.CharField(max_length=64)
    delivery = models.CharField(max_length=14, choices=NoticeDelivery.choices, default=NoticeDelivery.SENT)
    delivery_result_at = models.DateTimeField(null=True, blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    sent_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["consumer", "sent_at"])]

    def __str__(self) -> str:
        return f"validation notice #{self.pk} ({self.delivery})"


class ContactDecision(models.Model):
    """One answer of the gate (G-6, RF-REC): verdict, rule IDs, when allowed, and a SHA-256 digest
    of the exact engine input, so the decision can be replayed and checked later."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.PROTECT)
    consumer = models.ForeignKey("balances.Consumer", on_delete=models.PROTECT, related_name="decisions")
    channel = models.CharField(max_length=20, choices=_choices(Channel))
    purpose = models.CharField(max_length=24, choices=_choices(Purpose), default=Purpose.COLLECTION)
    contact_point = models.ForeignKey(ContactPoint, null=True, blank=True, on_delete=models.PROTECT)
    account_ids = models.JSONField(default=list)
    proposed_at = models.DateTimeField()
    profile = models.CharField(max_length=10)
    verdict = models.CharField(max_length=6, choices=_choices(Verdict))
    rule_ids = models.JSONField(default=list)
    review_rule_ids = models.JSONField(default=list, blank=True)
    next_allowed_at = models.DateTimeField(null=True, blank=True)
    charged_account_ids = models.JSONField(default=list, blank=True)
    flags = models.JSONField(default=list, blank=True)
    explanation = models.TextField(blank=True, help_text="Engine text: rule reasons, no PHI")
    inputs_sha256 = models.CharField(max_length=64)
    contact_event = models.OneToOneField(
        ContactEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="decision"
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["consumer", "proposed_at"]),
            models.Index(fields=["practice", "verdict", "proposed_at"]),
        ]

    def __str__(self) -> str:
        return f"decision #{self.pk} {self.verdict}"
