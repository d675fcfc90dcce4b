"""Reads of outreach data for views and tasks (STYLE.md 1, 6, 7).

Tenant-owned rows are fetched only through `consumer_get_for_user`: another practice's consumer
answers exactly like a missing one (Http404).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.http import Http404
from django.utils import timezone

from accounts.models import Role, User
from balances.models import Account, Consumer
from compliance.regf.rules import Channel, Purpose
from outreach.explain import explain, rule_sentence
from outreach.gate import Proposal, gate_decide_many
from outreach.models import (
    CeaseNotice,
    ConsumerFlag,
    ContactDecision,
    ContactEvent,
    ContactPoint,
    Dispute,
    PointEvent,
    ValidationNotice,
)
from practices.selectors import practice_get_for_user

WHY_ROLES = frozenset({Role.COLLECTOR, Role.COMPLIANCE_OFFICER, Role.ADMIN})


def consumer_get_for_user(user: User, *, practice_slug: str, consumer_id: int) -> Consumer:
    """A consumer of a practice this user may see; collectors only at practices assigned to them."""
    if not user.is_authenticated or user.role not in WHY_ROLES:
        raise Http404("No such consumer")
    practice = practice_get_for_user(user, slug=practice_slug)
    consumer = Consumer.objects.filter(practice=practice, pk=consumer_id).select_related("practice").first()
    if consumer is None:
        raise Http404("No such consumer")
    return consumer


@dataclass
class TimelineItem:
    at: dt.datetime
    kind: str  # contact | decision | dispute | cease | opt-out | flag | notice
    title: str
    detail: str = ""
    verdict: str = ""
    rules: list[tuple[str, str]] = field(default_factory=list)  # (rule ID, plain English)


def _point_label(points: dict[int, ContactPoint], pid: int | None) -> str:
    point = points.get(pid) if pid else None
    if point is None:
        return "mailing address"
    if point.kind == "phone":
        return f"{point.get_type_display().lower()} ({point.area_code})"
    return f"e-mail ({point.public_domain or 'private domain'})"


def consumer_timeline(consumer: Consumer, *, limit: int = 300) -> list[TimelineItem]:
    """Contacts, gate decisions, disputes, cease notices, opt-outs, flags and notices, newest first.
    One query per table; nothing decrypted (contact points are shown by type and area code)."""
    zones = list(consumer.time_zones or [])
    fallback = consumer.practice.time_zone
    points = {
        p.pk: p
        for p in ContactPoint.objects.filter(consumer=consumer).only(
            "kind", "type", "area_code", "public_domain"
        )
    }
    items: list[TimelineItem] = []
    for e in (
        ContactEvent.objects.filter(consumer=consumer)
        .order_by("-at")[:limit]
        .values("at", "channel", "direction", "purpose", "result", "account_ids", "contact_point_id")
    ):
        where = _point_label(points, e["contact_point_id"])
        way = "from" if e["direction"] == "in" else "to"
        outcome = f", {e['result'].replace('_', ' ')}" if e["result"] else ""
        accounts = ", ".join(f"#{a}" for a in e["account_ids"]) or "no account"
        items.append(
            TimelineItem(
                e["at"], "contact", f"{e['direction'].capitalize()}bound {e['channel'].replace('_', ' ')} {way} {where}",
                f"{e['purpose'].replace('_', ' ')}{outcome}; charged to {accounts}" if e["direction"] == "out"
                else "message received",
            )
        )  # fmt: skip
    for d in (
        ContactDecision.objects.filter(consumer=consumer)
        .order_by("-proposed_at")[:limit]
        .values(
            "proposed_at", "channel", "purpose", "verdict", "rule_ids", "next_allowed_at", "contact_point_id"
        )
    ):
        items.append(
            TimelineItem(
                d["proposed_at"], "decision",
                f"Gate: {d['channel'].replace('_', ' ')} to {_point_label(points, d['contact_point_id'])}",
                explain(verdict=d["verdict"], rule_ids=d["rule_ids"], next_allowed_at=d["next_allowed_at"],
                        zones=zones, fallback=fallback),
                d["verdict"], [(r, rule_sentence(r)) for r in d["rule_ids"]],
            )
        )  # fmt: skip
    for dispute in Dispute.objects.filter(consumer=consumer).values(
        "received_at", "request", "via", "written", "account_ids", "responded_at"
    ):
        state = "answered" if dispute["responded_at"] else "collection paused"
        items.append(
            TimelineItem(
                dispute["received_at"], "dispute",
                f"{'Dispute' if dispute['request'] == 'dispute' else 'Original-creditor request'} by {dispute['via']}",
                f"{'written' if dispute['written'] else 'oral'}; accounts "
                f"{', '.join(f'#{a}' for a in dispute['account_ids'])}; {state}",
            )
        )  # fmt: skip
    for cease in CeaseNotice.objects.filter(consumer=consumer).values(
        "received_at", "via", "pending_review", "review_outcome"
    ):
        state = cease["review_outcome"] or (
            "awaiting review: every channel blocked meanwhile" if cease["pending_review"] else "in effect"
        )
        items.append(
            TimelineItem(cease["received_at"], "cease", f"Stop-contact request by {cease['via']}", state)
        )
    for p in PointEvent.objects.filter(consumer=consumer).values(
        "at", "kind", "media", "medium", "via", "contact_point_id", "pending_review"
    ):
        what = ", ".join(p["media"]) or p["medium"] or ""
        review = " (awaiting review)" if p["pending_review"] else ""
        items.append(
            TimelineItem(
                p["at"], "opt-out" if p["kind"] == "opt_out" else "consent",
                f"{p['kind'].replace('_', ' ').capitalize()} {what} for {_point_label(points, p['contact_point_id'])}{review}",
                f"by {p['via']}",
            )
        )  # fmt: skip
    for f in ConsumerFlag.objects.filter(consumer=consumer).values("at", "kind", "via"):
        items.append(
            TimelineItem(f["at"], "flag", f"Flag: {f['kind']}", f"by {f['via']}: every contact stops")
        )
    for n in ValidationNotice.objects.filter(consumer=consumer).values(
        "sent_at", "method", "delivery", "period_end", "account_ids"
    ):
        items.append(
            TimelineItem(
                n["sent_at"], "notice", f"Validation notice by {n['method']} ({n['delivery']})",
                f"accounts {', '.join(f'#{a}' for a in n['account_ids'])}; validation period ends {n['period_end']:%b %d, %Y}",
            )
        )  # fmt: skip
    items.sort(key=lambda i: i.at, reverse=True)
    return items[:limit]


@dataclass
class ChannelStatus:
    label: str
    verdict: str
    text: str
    rules: list[tuple[str, str]]


def consumer_contact_status(consumer: Consumer, *, at: dt.datetime | None = None) -> list[ChannelStatus]:
    """ "May we contact them now?" for each channel and contact point, without recording anything."""
    at = at or timezone.now()
    accounts = tuple(
        Account.objects.filter(consumer=consumer).order_by("-balance_cents").values_list("id", flat=True)
    )
    points = list(
        ContactPoint.objects.filter(consumer=consumer).only("kind", "type", "area_code", "public_domain")
    )
    proposals: list[tuple[str, Proposal]] = []
    for point in points:
        channels = (Channel.CALL, Channel.SMS) if point.kind == "phone" else (Channel.EMAIL,)
        for channel in channels:
            if channel is Channel.SMS and point.type not in ("mobile",):
                continue
            label = (
                f"{channel.value.upper() if channel is Channel.SMS else channel.value.capitalize()} to "
                + _point_label({point.pk: point}, point.pk)
            )
            proposals.append(
                (label, Proposal(consumer.pk, channel, at, point.pk, accounts, Purpose.COLLECTION))
            )
    if consumer.has_mailing_address:
        proposals.append(
            ("Letter to the mailing address", Proposal(consumer.pk, Channel.LETTER, at, None, accounts))
        )
    if not proposals or not accounts:
        return []
    decided = gate_decide_many(proposals=[p for _, p in proposals])
    zones = list(consumer.time_zones or [])
    return [
        ChannelStatus(
            label, d.decision.verdict.value,
            explain(verdict=d.decision.verdict.value, rule_ids=[r.value for r in d.decision.rule_ids],
                    next_allowed_at=d.decision.next_allowed_at, zones=zones, fallback=consumer.practice.time_zone),
            [(r.value, rule_sentence(r.value)) for r in d.decision.rule_ids],
        )
        for (label, _), d in zip(proposals, decided, strict=True)
    ]  # fmt: skip


def workspace_accounts(user: User, *, limit: int = 50) -> list[Account]:
    """The collector's work list: placed accounts of the practices assigned to them, largest expected
    recovery first. No decrypted PHI: accounts are shown by number and amount until opened."""
    from practices.selectors import practices_for_user

    return list(
        Account.objects.filter(
            practice__in=practices_for_user(user), status="placed", excluded_from_outreach=False
        )
        .select_related("practice")
        .order_by("-balance_cents", "id")[:limit]
    )
