"""Writes of consent, opt-outs, disputes, cease notices and inbound messages (issue 5).

Everything that changes what the gate may allow is recorded here, in one transaction with its
audit row, and takes effect at once: the gate reads these tables on every decision, so the next
decision after a commit already sees a dispute or cease received by text. The gate itself is in
outreach/gate.py, validation notices in outreach/notices.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from balances.import_rows import email_index, phone_index
from balances.models import Account, AccountStatus, Consumer, ConsumerPhone, PhoneKind
from compliance.audit import audit_record
from compliance.models import AuditAction
from compliance.regf import timezones
from compliance.regf.engine import PUBLIC_EMAIL_DOMAINS
from compliance.regf.inbound import InboundClassification, classify_inbound, normalise
from compliance.regf.rules import Channel, InboundClass, Overlay, Party, Profile
from compliance.regf.templates import TemplateCheck, TemplateContext, check_template
from outreach.models import (
    CallConsent,
    CallResult,
    CeaseNotice,
    ConsumerFlag,
    ContactEvent,
    ContactPoint,
    DesignationKind,
    Direction,
    Dispute,
    DisputeRequest,
    FlagKind,
    InconvenientDesignation,
    PointEvent,
    PointEventKind,
    PointKind,
    PointSource,
    PointType,
    Via,
)

_PHONE_TYPES: dict[str, str] = {
    PhoneKind.MOBILE: PointType.MOBILE,
    PhoneKind.HOME: PointType.LANDLINE,
    PhoneKind.WORK: PointType.WORK,
}


# --------------------------------------------------------------------------- contact points


def _point(
    consumer: Consumer,
    *,
    kind: str,
    value: str,
    type: str,
    source: str,
    party: str,
    obtained_on: dt.date | None,
) -> ContactPoint:
    common: dict[str, Any] = {
        "practice_id": consumer.practice_id,
        "consumer": consumer,
        "kind": kind,
        "type": type,
        "source": source,
        "party": party,
        "obtained_on": obtained_on,
    }
    if kind == PointKind.PHONE:
        digits = "".join(ch for ch in value if ch.isdigit())[-10:]
        return ContactPoint(
            **common,
            value=digits,
            value_index=phone_index(digits),
            area_code=digits[:3],
            time_zones=sorted(timezones.zones_for_area_code(digits[:3])),
        )
    address = value.strip()
    domain = address.rpartition("@")[2].lower()
    return ContactPoint(
        **common,
        value=address,
        value_index=email_index(address),
        public_domain=domain if domain in PUBLIC_EMAIL_DOMAINS else "",
    )


def contact_point_add(
    *,
    consumer: Consumer,
    kind: str,
    value: str,
    type: str,
    source: str = PointSource.CONSUMER,
    party: str = Party.CONSUMER,
    obtained_on: dt.date | None = None,
) -> ContactPoint:
    """Add a phone or e-mail (or return the existing one with the same blind index)."""
    point = _point(
        consumer, kind=kind, value=value, type=type, source=source, party=party, obtained_on=obtained_on
    )
    existing = ContactPoint.objects.filter(
        consumer=consumer, kind=kind, value_index=point.value_index
    ).first()
    if existing is not None:
        return existing
    point.save()
    return point


@transaction.atomic
def contact_points_from_ledger(*, consumer_ids: Iterable[int]) -> int:
    """Create contact points for the phones and e-mail the import stored: a constant number of
    queries for any number of consumers. Numbers from the placement file are the creditor's
    (source `creditor`, TCPA consent from the date the practice was given it: the placement date)."""
    ids = list(consumer_ids)
    existing = set(
        ContactPoint.objects.filter(consumer_id__in=ids).values_list("consumer_id", "kind", "value_index")
    )
    linked = set(ContactPoint.objects.filter(consumer_id__in=ids).values_list("consumer_phone_id", flat=True))
    consumers = {c.pk: c for c in Consumer.objects.filter(id__in=ids)}
    placed = {pk: c.created_at for pk, c in consumers.items()}
    new: list[ContactPoint] = []
    for phone in ConsumerPhone.objects.filter(consumer_id__in=ids).order_by("id"):
        if phone.pk in linked or (phone.consumer_id, PointKind.PHONE, phone.number_index) in existing:
            continue
        point = _point(
            consumers[phone.consumer_id],
            kind=PointKind.PHONE,
            value=phone.number,
            type=_PHONE_TYPES.get(phone.kind, PointType.LANDLINE),
            source=PointSource.CREDITOR,
            party=Party.CONSUMER,
            obtained_on=placed[phone.consumer_id].date(),
        )
        point.consumer_phone = phone
        existing.add((phone.consumer_id, PointKind.PHONE, point.value_index))
        new.append(point)
    for consumer in consumers.values():
        if not consumer.email:
            continue
        point = _point(
            consumer, kind=PointKind.EMAIL, value=consumer.email, type=PointType.PERSONAL,
            source=PointSource.CREDITOR, party=Party.CONSUMER, obtained_on=placed[consumer.pk].date(),
        )  # fmt: skip
        if (consumer.pk, PointKind.EMAIL, point.value_index) not in existing:
            existing.add((consumer.pk, PointKind.EMAIL, point.value_index))
            new.append(point)
    ContactPoint.objects.bulk_create(new)
    return len(new)


# --------------------------------------------------------------------------- opt-outs and consent


@transaction.atomic
def opt_out_record(
    *,
    actor: Any,
    consumer: Consumer,
    contact_point: ContactPoint | None,
    media: Sequence[str],
    via: str,
    at: dt.datetime,
    pending_review: bool = False,
    source_event: ContactEvent | None = None,
) -> PointEvent:
    """An opt-out from one contact point (or every point when None) for the given media. Immediate."""
    event = PointEvent.objects.create(
        practice_id=consumer.practice_id,
        consumer=consumer,
        contact_point=contact_point,
        kind=PointEventKind.OPT_OUT,
        at=at,
        media=sorted(set(media)),
        pending_review=pending_review,
        via=via,
        source_event=source_event,
        recorded_by=_user(actor),
    )
    points = [contact_point] if contact_point else list(ContactPoint.objects.filter(consumer=consumer))
    for point in points:
        point.opted_out_media = sorted(set(point.opted_out_media) | set(media))
        point.save(update_fields=["opted_out_media"])
    audit_record(
        action=AuditAction.OPTOUT_RECORD,
        actor=actor,
        practice=consumer.practice,
        target=event,
        after={
            "media": event.media,
            "contact_point_id": getattr(contact_point, "pk", None),
            "via": via,
            "pending_review": pending_review,
        },
    )
    return event


def consent_record(
    *,
    actor: Any,
    contact_point: ContactPoint,
    medium: str,
    via: str,
    at: dt.datetime,
    disclosed: bool = True,
    written: bool = False,
    kind: str = PointEventKind.CONSENT,
    source_event: ContactEvent | None = None,
) -> PointEvent:
    """Direct consent to text or e-mail this point (or another point-level fact: `kind`)."""
    return PointEvent.objects.create(
        practice_id=contact_point.practice_id,
        consumer_id=contact_point.consumer_id,
        contact_point=contact_point,
        kind=kind,
        at=at,
        medium=medium,
        disclosed=disclosed,
        written=written,
        via=via,
        source_event=source_event,
        recorded_by=_user(actor),
    )


def call_consent_record(
    *,
    consumer: Consumer,
    account_ids: Sequence[int],
    at: dt.datetime,
    via: str,
    from_date: dt.date | None = None,
    until_date: dt.date | None = None,
    source_event: ContactEvent | None = None,
) -> CallConsent:
    _check_accounts(consumer, account_ids)
    return CallConsent.objects.create(
        practice_id=consumer.practice_id,
        consumer=consumer,
        account_ids=list(account_ids),
        at=at,
        via=via,
        from_date=from_date,
        until_date=until_date,
        source_event=source_event,
    )


def designation_record(
    *,
    consumer: Consumer,
    at: dt.datetime,
    via: str,
    place: str = "",
    days: Sequence[int] | None = None,
    start: dt.time | None = None,
    end: dt.time | None = None,
    oral: bool = False,
    from_date: dt.date | None = None,
    until_date: dt.date | None = None,
) -> InconvenientDesignation:
    """ "Don't call me at work" (place) or "not before 10am" (a local time window)."""
    return InconvenientDesignation.objects.create(
        practice_id=consumer.practice_id,
        consumer=consumer,
        kind=DesignationKind.PLACE if place else DesignationKind.TIME,
        place=place,
        days=sorted(days) if days else None,
        start=start,
        end=end,
        oral=oral,
        from_date=from_date,
        until_date=until_date,
        at=at,
        via=via,
    )


# --------------------------------------------------------------------------- disputes, cease, flags


@transaction.atomic
def dispute_record(
    *,
    actor: Any,
    consumer: Consumer,
    via: str,
    received_at: dt.datetime,
    account_ids: Sequence[int] | None = None,
    written: bool = True,
    request: str = DisputeRequest.DISPUTE,
    new_information: bool | None = None,
    source_event: ContactEvent | None = None,
) -> Dispute:
    """A dispute or original-creditor request from any channel. `account_ids` None = every debt of the
    consumer (a dispute that names no account pauses all of them: PO-06, fail closed)."""
    ids = list(account_ids) if account_ids is not None else _all_accounts(consumer)
    _check_accounts(consumer, ids)
    dispute = Dispute.objects.create(
        practice_id=consumer.practice_id,
        consumer=consumer,
        account_ids=ids,
        request=request,
        written=written,
        new_information=new_information,
        received_at=received_at,
        via=via,
        source_event=source_event,
        recorded_by=_user(actor),
    )
    # The ledger shows it too (reports, the work list); the gate pauses collection from the dispute row.
    Account.objects.filter(pk__in=ids, status__in=_DISPUTABLE).update(status=AccountStatus.DISPUTED)
    audit_record(
        action=AuditAction.DISPUTE_RECORD,
        actor=actor,
        practice=consumer.practice,
        target=dispute,
        after={"account_ids": ids, "request": request, "written": written, "via": via},
    )
    return dispute


_DISPUTABLE = (AccountStatus.REVIEW, AccountStatus.PLACED, AccountStatus.IN_PLAN)


def _release_answered_disputes(dispute: Dispute) -> None:
    """Accounts of an answered dispute go back to placed, unless another open dispute still covers them."""
    still_open = {
        account_id
        for ids in Dispute.objects.filter(consumer_id=dispute.consumer_id, responded_at__isnull=True)
        .exclude(pk=dispute.pk)
        .values_list("account_ids", flat=True)
        for account_id in ids
    }
    released = [account_id for account_id in dispute.account_ids if account_id not in still_open]
    Account.objects.filter(pk__in=released, status=AccountStatus.DISPUTED).update(status=AccountStatus.PLACED)


@transaction.atomic
def dispute_respond(*, actor: Any, dispute: Dispute, kind: str, at: dt.datetime) -> bool:
    """Verification (or the original-creditor answer) sent: collection may resume. Claimed once."""
    done = Dispute.objects.filter(pk=dispute.pk, responded_at__isnull=True).update(
        responded_at=at, response_kind=kind
    )
    if done:
        _release_answered_disputes(dispute)
        audit_record(
            action=AuditAction.DISPUTE_RESPOND,
            actor=actor,
            practice=dispute.practice,
            target=dispute,
            after={"kind": kind},
        )
    return bool(done)


@transaction.atomic
def cease_record(
    *,
    actor: Any,
    consumer: Consumer,
    via: str,
    received_at: dt.datetime,
    account_ids: Sequence[int] | None = None,
    written: bool = True,
    pending_review: bool = False,
    source_event: ContactEvent | None = None,
) -> CeaseNotice:
    """A cease notice, effective at receipt. No account ids = every debt at this practice (PO-09)."""
    ids = list(account_ids or [])
    _check_accounts(consumer, ids)
    notice = CeaseNotice.objects.create(
        practice_id=consumer.practice_id,
        consumer=consumer,
        account_ids=ids,
        limited=bool(ids),
        written=written,
        received_at=received_at,
        pending_review=pending_review,
        via=via,
        source_event=source_event,
        recorded_by=_user(actor),
    )
    audit_record(
        action=AuditAction.CEASE_RECORD,
        actor=actor,
        practice=consumer.practice,
        target=notice,
        after={"account_ids": ids, "written": written, "via": via, "pending_review": pending_review},
    )
    return notice


@transaction.atomic
def flag_record(
    *,
    actor: Any,
    consumer: Consumer,
    kind: str,
    at: dt.datetime,
    via: str,
    on: dt.date | None = None,
    account_ids: Sequence[int] | None = None,
) -> ConsumerFlag:
    """Attorney representation, bankruptcy or death: a hard stop from `at`."""
    FlagKind(kind)
    flag = ConsumerFlag.objects.create(
        practice_id=consumer.practice_id,
        consumer=consumer,
        kind=kind,
        at=at,
        on=on,
        account_ids=list(account_ids) if account_ids else None,
        via=via,
        recorded_by=_user(actor),
    )
    audit_record(
        action=AuditAction.CONSUMER_FLAG,
        actor=actor,
        practice=consumer.practice,
        target=flag,
        after={"kind": kind},
    )
    return flag


def call_result_record(
    *, event: ContactEvent, result: str, discussed_account_ids: Sequence[int] = ()
) -> bool:
    """The outcome of a call the gate allowed. Set once (conditional update): it never changes later,
    because the charge to a debt is fixed at dial time (RF-CALL-ALLOC)."""
    CallResult(result)
    return bool(
        ContactEvent.objects.filter(
            pk=event.pk, result="", channel__in=[c.value for c in Channel if c.is_call]
        ).update(result=result, discussed_account_ids=list(discussed_account_ids))
    )


# --------------------------------------------------------------------------- inbound messages


@dataclass(frozen=True, slots=True)
class InboundResult:
    event: ContactEvent
    classification: InboundClassification
    opt_out: PointEvent | None = None
    cease: CeaseNotice | None = None
    dispute: Dispute | None = None

    @property
    def needs_review(self) -> bool:
        return self.classification.review


def inbound_classify(*, channel: str, text: str, subject: str | None = None) -> InboundClassification:
    """RF-ELEC-KEYWORDS: what an inbound text or e-mail asks (compliance.regf.inbound)."""
    return classify_inbound(channel, text, subject)


def _media_named(channel: str, text: str) -> set[str]:
    """The media an opt-out names: its own channel, plus calls or e-mail when the words say so."""
    words = f" {normalise(text)} "
    media = {Channel(channel).medium}
    if " call" in words or " calling" in words or " phone" in words:
        media.add("call")
    if " email" in words or " e mail" in words:
        media.add("email")
    if " text" in words:
        media.add("sms")
    return media


@transaction.atomic
def inbound_message_record(
    *,
    consumer: Consumer,
    contact_point: ContactPoint,
    channel: str,
    text: str,
    at: dt.datetime,
    subject: str | None = None,
) -> InboundResult:
    """Record an inbound text or e-mail and act on it at once (PO-08): an opt-out suppresses the point,
    free text that may be one suppresses it pending review, "stop all" or refusal-to-pay language opens
    a cease review that blocks every channel, and dispute language records a written dispute of every
    debt (SMS and e-mail are channels through which we accept disputes and cease notices)."""
    if channel not in (Channel.SMS, Channel.EMAIL):
        raise ValueError("inbound messages are texts or e-mails")
    if contact_point.consumer_id != consumer.pk:
        raise ValueError("contact point of another consumer")
    event = ContactEvent.objects.create(
        practice_id=consumer.practice_id,
        consumer=consumer,
        contact_point=contact_point,
        channel=channel,
        direction=Direction.IN,
        at=at,
        body=text,
        subject=subject or None,
    )
    found = inbound_classify(channel=channel, text=text, subject=subject)
    classes = found.classes
    opt_out = cease = dispute = None
    if InboundClass.OPT_OUT in classes or InboundClass.SUPPRESS_PENDING_REVIEW in classes:
        exact = InboundClass.OPT_OUT in classes and not found.review
        media = {Channel(channel).medium} if exact else _media_named(channel, f"{subject or ''} {text}")
        opt_out = opt_out_record(
            actor=None,
            consumer=consumer,
            contact_point=contact_point,
            media=sorted(media),
            via=channel,
            at=at,
            pending_review=not exact,
            source_event=event,
        )
    if InboundClass.CEASE_REVIEW in classes:
        cease = cease_record(
            actor=None,
            consumer=consumer,
            via=channel,
            received_at=at,
            written=True,
            pending_review=True,
            source_event=event,
        )
    if InboundClass.DISPUTE in classes:
        dispute = dispute_record(
            actor=None, consumer=consumer, via=channel, received_at=at, written=True, source_event=event
        )
    return InboundResult(event, found, opt_out, cease, dispute)


# --------------------------------------------------------------------------- templates


def template_check(
    *,
    kind: str,
    text: str,
    subject: str | None = None,
    purpose: str = "collection",
    consumer_state: str | None = None,
    practice_name: str | None = None,
    practice_display_name: str | None = None,
    send_at: dt.datetime | None = None,
    validation_end: dt.date | None = None,
    agency_name: str | None = None,
    lcm_business_name: str | None = None,
    profile: Profile = Profile.PRODUCT,
) -> TemplateCheck:
    """May this voicemail, SMS, e-mail or letter text go out? (LCM structure, debt-collector
    disclosure, opt-out line, no health detail, overshadowing.) Wraps compliance.regf.templates."""
    context = TemplateContext(
        agency_name=agency_name,
        lcm_business_name=lcm_business_name,
        practice_name=practice_name,
        practice_display_name=practice_display_name,
        consumer_state=consumer_state,
        send_at=send_at.isoformat() if send_at else None,
        validation_end=validation_end,
    )
    return check_template(
        kind=kind,
        text=text,
        profile=profile.value,
        overlays=frozenset(Overlay),
        purpose=purpose,
        subject=subject,
        context=context,
    )


# --------------------------------------------------------------------------- helpers


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _all_accounts(consumer: Consumer) -> list[int]:
    return list(Account.objects.filter(consumer=consumer).order_by("id").values_list("id", flat=True))


def _check_accounts(consumer: Consumer, account_ids: Sequence[int]) -> None:
    if not account_ids:
        return
    mine = set(Account.objects.filter(consumer=consumer, id__in=account_ids).values_list("id", flat=True))
    if mine != set(account_ids):
        raise ValueError("account of another consumer")


__all__ = [
    "InboundResult",
    "Via",
    "call_consent_record",
    "call_result_record",
    "cease_record",
    "consent_record",
    "contact_point_add",
    "contact_points_from_ledger",
    "designation_record",
    "dispute_record",
    "dispute_respond",
    "flag_record",
    "inbound_classify",
    "inbound_message_record",
    "opt_out_record",
    "template_check",
]  # fmt: skip
