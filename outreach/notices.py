"""Validation notices (12 CFR 1006.34, RF-VAL-*): content from the ledger, PDF letter, HTML e-mail.

Layout follows Reg F model form B-1 (the safe harbour): who we are and who the creditor is, the
itemization since the itemization date, the current amount, the dispute and original-creditor
rights with the validation period end date, the Spanish-language offer and a tear-off response form.

One notice covers one account. Sending goes through the gate (purpose `validation_notice`) in the
same transaction that records the notice; the letter batch or the e-mail provider transmits the
rendered artifact afterwards (this module never transmits: the dev e-mail backend prints to the
console, and a notice is PHI). An undeliverable notice was never provided: it is re-sent and the
new one gets a new validation period (comment 34(b)(5)-2).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone

from balances.models import Account, EntryKind, LedgerEntry
from compliance.audit import audit_record
from compliance.models import AuditAction
from compliance.regf.rules import Channel, Purpose, Verdict
from compliance.regf.validation import NoticeSent, validation_period_end
from outreach.gate import GateResult, Proposal, gate_decide_and_record
from outreach.models import ContactPoint, NoticeDelivery, NoticeMethod, ValidationNotice
from outreach.services import template_check

# Who the agency is. The lead adds these to settings/.env.example; the fallbacks are demo values.

# Itemization date (1006.34(b)(3)): the first of these the ledger has; chosen once per account.
ITEMIZATION_BASES = (
    ("last_statement_on", "last statement"),
    ("last_payment_on", "last payment"),
    ("last_service_on", "date of service"),
    ("balance_began_on", "date the balance began"),
)


class NoticeRefused(Exception):
    """The notice cannot lawfully go out now (gate or content check); nothing was recorded."""

    def __init__(self, message: str, rule_ids: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.rule_ids = rule_ids


@dataclass(frozen=True)
class NoticeContent:
    """Everything printed on the notice. Snapshotted (encrypted) on the ValidationNotice row."""

    collector_name: str
    collector_address: list[str]
    collector_phone: str
    collector_email: str
    collector_hours: str
    consumer_name: str
    consumer_address: list[str]
    reference: str
    creditor_name: str
    itemization_date: dt.date
    itemization_basis: str
    amount_on_itemization_cents: int
    interest_cents: int
    fees_cents: int
    payments_credits_cents: int
    current_amount_cents: int
    provided_on: dt.date
    period_end: dt.date
    electronic: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, default=str)

    def money(self, cents: int) -> str:
        return f"${cents / 100:,.2f}"


def validation_notice_content(
    *, account: Account, provided_on: dt.date, electronic: bool = False
) -> NoticeContent:
    """The B-1 content for one account, from the ledger (2 queries: the account's entries by kind)."""
    consumer = account.consumer
    practice = account.practice
    by_kind = dict(
        LedgerEntry.objects.filter(account=account)
        .exclude(kind=EntryKind.PLACEMENT)
        .values_list("kind")
        .annotate(total=Sum("amount_cents"))
        .values_list("kind", "total")
    )
    fees = max(0, by_kind.pop(EntryKind.FEE, 0) or 0)
    other = sum(v or 0 for v in by_kind.values())  # payments, credits, write-offs (negative), raises
    payments_credits = max(0, -other)
    # A newer export that raised the balance is treated as part of the itemization-date amount, so
    # that amount + interest + fees - payments and credits always equals the ledger balance.
    amount_on_itemization = account.placed_amount_cents + max(0, other)
    current = account.balance_cents
    if amount_on_itemization + fees - payments_credits != current:
        raise ValueError(f"ledger of account {account.pk} does not add up to its cached balance")
    basis, label = next(
        ((f, lbl) for f, lbl in ITEMIZATION_BASES if getattr(account, f)),
        ("placement", "placement date"),
    )
    itemization_date = getattr(account, basis) if basis != "placement" else account.import_batch.as_of
    name = consumer.full_name or " ".join(p for p in (consumer.first_name, consumer.last_name) if p)
    city_line = " ".join(
        p for p in (f"{consumer.city}," if consumer.city else "", consumer.state, consumer.zip_code) if p
    )
    period = validation_period_end([NoticeSent(provided_on, "email" if electronic else "mail")])
    assert period.end_date is not None
    return NoticeContent(
        collector_name=settings.KINUM_AGENCY_NAME,
        collector_address=list(settings.KINUM_AGENCY_ADDRESS),
        collector_phone=settings.KINUM_AGENCY_PHONE,
        collector_email=settings.KINUM_AGENCY_DISPUTE_EMAIL,
        collector_hours=settings.KINUM_AGENCY_HOURS,
        consumer_name=name or "",
        consumer_address=[line for line in (consumer.address1, consumer.address2, city_line) if line],
        reference=f"KR-{practice.pk}-{account.pk}",
        creditor_name=practice.patient_facing_name,
        itemization_date=itemization_date,
        itemization_basis=label,
        amount_on_itemization_cents=amount_on_itemization,
        interest_cents=0,  # we never charge interest
        fees_cents=fees,
        payments_credits_cents=payments_credits,
        current_amount_cents=current,
        provided_on=provided_on,
        period_end=period.end_date,
        electronic=electronic,
    )


def _context(content: NoticeContent) -> dict[str, Any]:
    return {
        "n": content,
        "amount_then": content.money(content.amount_on_itemization_cents),
        "interest": content.money(content.interest_cents),
        "fees": content.money(content.fees_cents),
        "credits": content.money(content.payments_credits_cents),
        "current": content.money(content.current_amount_cents),
    }


def validation_notice_text(content: NoticeContent) -> str:
    """Plain text: the e-mail's text part, and what the content check reads."""
    return render_to_string("outreach/validation_notice.txt", _context(content))


def validation_notice_html(content: NoticeContent, *, email: bool = False) -> str:
    name = "outreach/validation_notice_email.html" if email else "outreach/validation_notice_letter.html"
    return render_to_string(name, _context(content))


def validation_notice_email_subject(content: NoticeContent) -> str:
    # RF-VAL-DELIVERY: the current creditor plus one more identifier that is not the amount.
    return f"Validation notice about your {content.creditor_name} account, reference {content.reference}"


def validation_notice_pdf(content: NoticeContent) -> bytes:
    """The letter as PDF (WeasyPrint; fonts from the system, nothing fetched)."""
    from weasyprint import HTML  # imported here: loading pango is slow and only letters need it

    return HTML(string=validation_notice_html(content), base_url=None).write_pdf()


def _check_content(content: NoticeContent, account: Account, at: dt.datetime) -> None:
    practice = account.practice
    check = template_check(
        kind="letter",
        text=validation_notice_text(content),
        purpose=Purpose.VALIDATION_NOTICE.value,
        practice_name=practice.name,
        practice_display_name=practice.patient_facing_name,
        consumer_state=account.consumer.state or None,
        send_at=at,
    )
    if check.verdict is Verdict.BLOCK:
        raise NoticeRefused("; ".join(check.reasons), tuple(r.value for r in check.rule_ids))


@transaction.atomic
def validation_notice_send(
    *,
    actor: Any,
    account: Account,
    method: str = NoticeMethod.MAIL,
    contact_point: ContactPoint | None = None,
    sent_at: dt.datetime | None = None,
    replaces: ValidationNotice | None = None,
) -> tuple[ValidationNotice | None, GateResult]:
    """Gate, check and record a validation notice for one account, in one transaction.

    Mail goes to the mailing address on file; e-mail to `contact_point`. When the gate says no, the
    decision row is recorded and no notice is (None, result). A content check failure raises
    NoticeRefused before anything is recorded.
    """
    sent_at = sent_at or timezone.now()
    NoticeMethod(method)
    if method == NoticeMethod.EMAIL and contact_point is None:
        raise ValueError("an e-mailed notice needs the e-mail contact point")
    content = validation_notice_content(
        account=account, provided_on=timezone.localdate(sent_at), electronic=method == NoticeMethod.EMAIL
    )
    _check_content(content, account, sent_at)
    proposal = Proposal(
        consumer_id=account.consumer_id,
        channel=Channel.EMAIL if method == NoticeMethod.EMAIL else Channel.LETTER,
        at=sent_at,
        contact_point_id=contact_point.pk if method == NoticeMethod.EMAIL and contact_point else None,
        account_ids=(account.pk,),
        purpose=Purpose.VALIDATION_NOTICE,
    )
    [gated] = gate_decide_and_record(actor=actor, proposals=[proposal])
    if not gated.allowed:
        return None, gated  # the decision row stays: it is the evidence of why nothing was sent
    snapshot = content.to_json()
    notice = ValidationNotice.objects.create(
        practice_id=account.practice_id,
        consumer_id=account.consumer_id,
        account_ids=[account.pk],
        method=method,
        contact_point=contact_point if method == NoticeMethod.EMAIL else None,
        provided_on=content.provided_on,
        period_end=content.period_end,
        itemization_date=content.itemization_date,
        itemization_basis=content.itemization_basis,
        amount_on_itemization_cents=content.amount_on_itemization_cents,
        interest_cents=content.interest_cents,
        fees_cents=content.fees_cents,
        payments_credits_cents=content.payments_credits_cents,
        current_amount_cents=content.current_amount_cents,
        content=snapshot,
        content_sha256=hashlib.sha256(snapshot.encode()).hexdigest(),
        sent_at=sent_at,
        replaces=replaces,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        action=AuditAction.VALIDATION_NOTICE_SEND,
        actor=actor,
        practice=account.practice,
        target=notice,
        after={"method": method, "period_end": content.period_end.isoformat(), "account_id": account.pk,
               "replaces": replaces.pk if replaces else None, "contact_event_id": gated.contact.pk if gated.contact else None},
    )  # fmt: skip
    return notice, gated


def notice_content(notice: ValidationNotice) -> NoticeContent:
    """The snapshot as it was sent (decrypts: the caller logs PHI access when a person sees it)."""
    raw = json.loads(notice.content)
    for key in ("itemization_date", "provided_on", "period_end"):
        raw[key] = dt.date.fromisoformat(raw[key])
    return NoticeContent(**raw)


@transaction.atomic
def validation_notice_result_record(
    *,
    actor: Any,
    notice: ValidationNotice,
    delivery: str,
    at: dt.datetime,
    resend_method: str | None = None,
    resend_contact_point: ContactPoint | None = None,
) -> ValidationNotice | None:
    """Store the delivery result (set once, conditional update). An undeliverable notice is re-sent
    at once when `resend_method` is given; the new notice has a new validation period. Returns it."""
    NoticeDelivery(delivery)
    claimed = ValidationNotice.objects.filter(pk=notice.pk, delivery=NoticeDelivery.SENT).update(
        delivery=delivery, delivery_result_at=at
    )
    if not claimed:
        return None
    audit_record(
        action=AuditAction.VALIDATION_NOTICE_RESULT, actor=actor, practice=notice.practice, target=notice,
        after={"delivery": delivery},
    )  # fmt: skip
    if delivery != NoticeDelivery.UNDELIVERABLE or resend_method is None:
        return None
    account = Account.objects.select_related("consumer", "practice", "import_batch").get(
        pk=notice.account_ids[0], practice_id=notice.practice_id
    )
    new, _ = validation_notice_send(
        actor=actor, account=account, method=resend_method, contact_point=resend_contact_point,
        sent_at=max(at, notice.sent_at + dt.timedelta(seconds=1)), replaces=notice,
    )  # fmt: skip
    return new  # None when the gate refused the re-send (its decision row says why)
