"""The gate's database side: load engine inputs for a batch of consumers, decide, record (DESIGN.md §6).

`histories_load` reads the history of any number of consumers with one query per table (11 in all,
per chunk of `CHUNK` consumers), never one per consumer, and builds the pure engine's dataclasses
straight from `values_list` tuples: no model instances, no decryption. Identifiers stay sealed: a
phone reaches the engine as its blind index (the engine compares numbers only for equality), an
e-mail as its public domain (the only part the engine reads), time zones from the plaintext columns.

`gate_decide_and_record` is the only way to record an outbound contact: it locks the consumers,
loads, decides and writes the decision rows, the contact rows it allowed and the audit rows in one
transaction, so two workers can never both use the last call of a 7-in-7 window.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import operator
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import F, FloatField, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from balances.models import Account, Consumer
from compliance.audit import audit_record
from compliance.models import AuditAction
from compliance.regf import model as regf
from compliance.regf.engine import decide
from compliance.regf.rules import Channel, Overlay, Party, Profile, Purpose, Verdict
from kinum.bulk import column_in
from outreach.models import (
    CallConsent,
    CeaseNotice,
    ConsumerFlag,
    ContactDecision,
    ContactEvent,
    ContactPoint,
    DesignationKind,
    Dispute,
    FlagKind,
    InconvenientDesignation,
    PointEvent,
    PointEventKind,
    ValidationNotice,
)
from practices.models import Practice

# Contact events older than this are not loaded. Every rule's look-back is at most 60 days (SMS
# basis); the first-communication check of RF-VAL-TIMING also sees validation notices, which are
# loaded without a bound, as are disputes, cease notices, opt-outs, consents and flags.
HISTORY_DAYS = 180
CHUNK = 2000  # consumers per round of queries (keeps IN lists and memory bounded)
POSTAL_POINT = "postal"  # the mailing address on the consumer row, for letters
# ZIP3 prefixes of New York City (plus 110, partly Queens): the NYC overlay is applied from the
# plaintext ZIP3 so the encrypted city never has to be decrypted. Applying it too widely is stricter.
NYC_ZIP3 = frozenset({"100", "101", "102", "103", "104", "110", "111", "112", "113", "114", "116"})
ALL_OVERLAYS = frozenset(Overlay)  # PO-12: the product runs all six


@dataclass(frozen=True, slots=True)
class Proposal:
    """A contact someone wants to make. `contact_point_id` None = a letter to the mailing address."""

    consumer_id: int
    channel: Channel
    at: dt.datetime
    contact_point_id: int | None
    account_ids: tuple[int, ...]
    purpose: Purpose = Purpose.COLLECTION
    automated: bool = False
    prerecorded: bool = False
    in_reply_to_id: int | None = None


@dataclass(slots=True)
class History:
    """Everything the engine needs about one consumer except the action."""

    consumer_id: int
    practice_id: int
    state: str
    zones: tuple[str, ...]
    city: str | None = None
    contact_points: dict[str, regf.ContactPoint] = field(default_factory=dict)
    debts: list[regf.Debt] = field(default_factory=list)
    events: list[regf.Event] = field(default_factory=list)
    times: list[regf.TimeDesignation] = field(default_factory=list)
    places: list[regf.PlaceDesignation] = field(default_factory=list)
    attorney: regf.Attorney | None = None
    bankruptcy: regf.Notice | None = None
    deceased: regf.Notice | None = None
    _event_times: list[dt.datetime] = field(default_factory=list)

    def finish(self) -> None:
        self.events.sort(key=lambda e: e.at)  # stable: same-instant order as loaded
        self._event_times = [e.at for e in self.events]

    def decide_input(self, proposal: Proposal, profile: Profile) -> regf.DecideInput:
        cut = bisect.bisect_right(self._event_times, proposal.at)  # only events at or before the action
        consumer = regf.Consumer(
            time_zones=self.zones,
            state=self.state or None,
            city=self.city,
            inconvenient_times=tuple(self.times),
            inconvenient_places=tuple(self.places),
            attorney=self.attorney,
            bankruptcy=self.bankruptcy,
            deceased=self.deceased,
        )
        action = regf.Action(
            channel=proposal.channel,
            at=proposal.at,
            contact_point=_point_id(proposal),
            debt_ids=tuple(str(a) for a in proposal.account_ids),
            automated=proposal.automated,
            prerecorded=proposal.prerecorded,
            purpose=proposal.purpose,
            in_reply_to=f"c{proposal.in_reply_to_id}" if proposal.in_reply_to_id else None,
        )
        return regf.DecideInput(
            profile=profile,
            overlays=ALL_OVERLAYS,
            consumer=consumer,
            contact_points=self.contact_points,
            debts=tuple(self.debts),
            events=tuple(self.events[:cut]),
            action=action,
        )


def _point_id(proposal: Proposal) -> str:
    return POSTAL_POINT if proposal.contact_point_id is None else str(proposal.contact_point_id)


def _ids(values: Iterable[Any]) -> tuple[str, ...]:
    return tuple(str(v) for v in values or ())


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back aware datetimes under USE_TZ too; this only guards hand-made rows.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def histories_load(
    *, consumer_ids: Iterable[int], until: dt.datetime, since: dt.datetime | None = None
) -> dict[int, History]:
    """Engine inputs for every consumer in `consumer_ids`: 11 queries per CHUNK consumers."""
    wanted = sorted(set(consumer_ids))
    since = since or until - dt.timedelta(days=HISTORY_DAYS)
    out: dict[int, History] = {}
    for start in range(0, len(wanted), CHUNK):
        out.update(_load_chunk(wanted[start : start + CHUNK], since, until))
    return out


def _of(ids: list[int], column: str = "consumer_id") -> Any:
    return column_in(column, ids)


@functools.lru_cache(maxsize=4096)
def _zones(raw: str | None) -> tuple[str, ...]:
    """A JSON list of zone names (as text): decoded once per distinct value, not once per row."""
    return tuple(json.loads(raw)) if raw else ()


def _load_chunk(ids: list[int], since: dt.datetime, until: dt.datetime) -> dict[int, History]:
    hist: dict[int, History] = {}
    consumers = (
        Consumer.objects.filter(_of(ids, column="id"))
        .annotate(zones=Cast("time_zones", TextField()))
        .values_list("id", "practice_id", "state", "zip3", "zones", "has_mailing_address")
    )
    for cid, practice_id, state, zip3, zones, has_mail in consumers:
        h = History(cid, practice_id, state, _zones(zones))
        if state == "NY" and zip3 in NYC_ZIP3:
            h.city = "new york"
        if has_mail:
            h.contact_points[POSTAL_POINT] = regf.ContactPoint(id=POSTAL_POINT, kind="postal", place="home")
        hist[cid] = h

    for aid, cid, practice_id, balance, began in Account.objects.filter(_of(ids)).values_list(
        "id", "consumer_id", "practice_id", "balance_cents", "balance_began_on"
    ):
        hist[cid].debts.append(regf.Debt(str(aid), str(practice_id), balance, began))

    _load_points(hist, ids)
    _load_contacts(hist, ids, since, until)
    _load_point_events(hist, ids, until)
    for load in (
        _load_call_consents,
        _load_designations,
        _load_disputes,
        _load_cease_notices,
        _load_flags,
        _load_notices,
    ):
        load(hist, ids, until)
    for h in hist.values():
        h.finish()
    return hist


def _load_points(hist: dict[int, History], ids: list[int]) -> None:
    extra_zones: dict[int, set[str]] = defaultdict(set)
    rows = ContactPoint.objects.filter(_of(ids)).annotate(zones=Cast("time_zones", TextField())).values_list(
        "id", "consumer_id", "kind", "type", "party", "source", "obtained_on", "value_index", "public_domain",
        "zones", "creditor_notice_sent_on", "creditor_notice_optout_deadline", "creditor_notice_names_collector",
    )  # fmt: skip
    for pid, cid, kind, ptype, party, source, obtained, index, domain, zones, sent, deadline, names in rows:
        notice = regf.CreditorNotice(sent, deadline, names) if sent and deadline else None
        hist[cid].contact_points[str(pid)] = regf.ContactPoint(
            id=str(pid),
            kind=kind,
            party=Party(party),
            number=f"idx:{index}" if kind == "phone" else None,
            type=ptype,
            source=source,
            obtained_on=obtained,
            address=f"@{domain or 'private.invalid'}" if kind == "email" else None,
            creditor_notice=notice,
        )
        if party == Party.CONSUMER:
            extra_zones[cid].update(_zones(zones))
    for cid, zones in extra_zones.items():
        h = hist[cid]
        h.zones = tuple(sorted(set(h.zones) | zones))


def _id_text(raw: str | None) -> tuple[str, ...]:
    """'[12, 34]' (a JSON list of ids cast to text in SQL) -> ('12', '34'): the engine's debt ids,
    without a json.loads per row (the contact history is the bulk of what the gate reads)."""
    if raw is None or len(raw) < 3:
        return ()
    inner = raw[1:-1]
    if "," not in inner:
        return (inner.strip(),)
    return tuple(inner.replace(" ", "").split(","))


# On PostgreSQL the contact instants travel as epoch seconds: building datetimes from floats is about
# three times cheaper than parsing timestamptz text, and contacts are most of the rows the gate reads.
_EPOCH = RawSQL('extract(epoch from "outreach_contactevent"."at")::float8', (), output_field=FloatField())


def _load_contacts(hist: dict[int, History], ids: list[int], since: dt.datetime, until: dt.datetime) -> None:
    epoch = connection.vendor == "postgresql"
    from_epoch = dt.datetime.fromtimestamp
    rows = (
        ContactEvent.objects.filter(_of(ids), at__gte=since, at__lte=until)
        .annotate(
            accts=Cast("account_ids", TextField()),
            discussed=Cast("discussed_account_ids", TextField()),
            when=_EPOCH if epoch else F("at"),
        )
        .order_by("consumer_id", "at", "id")
        .values_list(
            "id",
            "consumer_id",
            "contact_point_id",
            "channel",
            "direction",
            "purpose",
            "when",
            "accts",
            "discussed",
            "result",
            "automated",
            "prerecorded",
            "in_reply_to_id",
        )
    )
    purposes = {p.value: p for p in Purpose}
    event = regf.Event
    for eid, cid, pid, channel, direction, purpose, at, accts, discussed, result, auto, prerec, reply in rows:
        hist[cid].events.append(
            event(
                type=channel,
                at=from_epoch(at, dt.UTC) if epoch else _aware(at),
                id=f"c{eid}",
                direction=direction,
                contact_point=(str(pid) if pid else POSTAL_POINT if channel == Channel.LETTER else None),
                debt_ids=_id_text(accts),
                purpose=purposes[purpose],
                in_reply_to=f"c{reply}" if reply else None,
                automated=auto,
                prerecorded=prerec,
                result=result or None,
                discussed_debt_ids=_id_text(discussed),
            )
        )


def _load_point_events(hist: dict[int, History], ids: list[int], until: dt.datetime) -> None:
    rows = PointEvent.objects.filter(_of(ids), at__lte=until).values_list(
        "id", "consumer_id", "contact_point_id", "kind", "at", "media", "medium", "disclosed", "written",
        "result", "since", "pending_review", "review_outcome", "reviewed_at",
    )  # fmt: skip
    for row in rows:
        (
            eid,
            cid,
            pid,
            kind,
            at,
            media,
            medium,
            disclosed,
            written,
            result,
            since,
            pending,
            outcome,
            rev_at,
        ) = row
        events = hist[cid].events
        ref = f"p{eid}"
        events.append(
            regf.Event(
                type=kind,
                at=_aware(at),
                id=ref,
                contact_point=str(pid) if pid else None,
                media=frozenset(media or ()),
                medium=medium or None,
                disclosed=disclosed,
                written=written,
                result=result or None,
                since=since,
                pending_review=pending,
            )
        )
        if kind == PointEventKind.OPT_OUT and outcome and rev_at and rev_at <= until:
            events.append(regf.Event(type="review", at=_aware(rev_at), ref=ref, outcome=outcome))


def _load_call_consents(hist: dict[int, History], ids: list[int], until: dt.datetime) -> None:
    consents = CallConsent.objects.filter(_of(ids), at__lte=until)
    for cid, accts, at, start, end in consents.values_list(
        "consumer_id", "account_ids", "at", "from_date", "until_date"
    ):
        event = regf.Event(
            type="call_consent", at=_aware(at), debt_ids=_ids(accts), from_date=start, until_date=end
        )
        hist[cid].events.append(event)


def _load_designations(hist: dict[int, History], ids: list[int], until: dt.datetime) -> None:
    rows = InconvenientDesignation.objects.filter(_of(ids), at__lte=until).values_list(
        "consumer_id", "kind", "days", "start", "end", "from_date", "until_date", "place", "oral", "at", "via"
    )
    for cid, kind, days, start, end, from_date, until_date, place, oral, at, via in rows:
        if kind == DesignationKind.PLACE:
            hist[cid].places.append(regf.PlaceDesignation(place=place, at=_aware(at), oral=oral))
        else:
            hist[cid].times.append(
                regf.TimeDesignation(
                    days=frozenset(days) if days else None,
                    start=start,
                    end=end,
                    from_date=from_date,
                    until_date=until_date,
                    source=via,
                )
            )


def _load_disputes(hist: dict[int, History], ids: list[int], until: dt.datetime) -> None:
    rows = Dispute.objects.filter(_of(ids), received_at__lte=until).values_list(
        "id", "consumer_id", "account_ids", "request", "written", "new_information", "received_at",
        "responded_at", "response_kind",
    )  # fmt: skip
    for did, cid, accts, request, written, new_info, received, responded, response_kind in rows:
        debt_ids = _ids(accts)
        hist[cid].events.append(
            regf.Event(
                type="dispute",
                at=_aware(received),
                id=f"d{did}",
                debt_ids=debt_ids,
                written=written,
                request=request,
                new_information=new_info,
            )
        )
        if responded and responded <= until:
            hist[cid].events.append(
                regf.Event(type="verification", at=_aware(responded), debt_ids=debt_ids, kind=response_kind)
            )


def _load_cease_notices(hist: dict[int, History], ids: list[int], until: dt.datetime) -> None:
    rows = CeaseNotice.objects.filter(_of(ids), received_at__lte=until).values_list(
        "id", "consumer_id", "account_ids", "limited", "written", "received_at", "pending_review",
        "review_outcome", "reviewed_at",
    )  # fmt: skip
    for xid, cid, accts, limited, written, received, pending, outcome, reviewed in rows:
        ref = f"x{xid}"
        hist[cid].events.append(
            regf.Event(
                type="cease",
                at=_aware(received),
                id=ref,
                debt_ids=_ids(accts),
                limited=limited,
                written=written,
                pending_review=pending,
            )
        )
        if outcome and reviewed and reviewed <= until:
            hist[cid].events.append(regf.Event(type="review", at=_aware(reviewed), ref=ref, outcome=outcome))


def _load_flags(hist: dict[int, History], ids: list[int], until: dt.datetime) -> None:
    rows = ConsumerFlag.objects.filter(_of(ids), at__lte=until).values_list(
        "consumer_id", "kind", "at", "on", "account_ids", "attorney_contacted_at"
    )
    for cid, kind, at, on, accts, contacted in rows:
        h = hist[cid]
        if kind == FlagKind.ATTORNEY:
            represented = frozenset(_ids(accts)) if accts else None
            h.attorney = regf.Attorney(at=_aware(at), debt_ids=represented, contacted_at=contacted)
        elif kind == FlagKind.BANKRUPTCY:
            h.bankruptcy = regf.Notice(at=_aware(at), on=on)
        else:
            h.deceased = regf.Notice(at=_aware(at), on=on)


def _load_notices(hist: dict[int, History], ids: list[int], until: dt.datetime) -> None:
    rows = (
        ValidationNotice.objects.filter(_of(ids), sent_at__lte=until)
        .annotate(accts=Cast("account_ids", TextField()))
        .values_list("consumer_id", "accts", "sent_at", "method", "delivery", "period_end")
    )
    for cid, accts, sent_at, method, delivery, end in rows:
        hist[cid].events.append(
            regf.Event(
                type="validation_notice",
                at=_aware(sent_at),
                debt_ids=_id_text(accts),
                method=method,
                delivery="undeliverable" if delivery == "undeliverable" else "sent",
                end_date=end,
            )
        )


# --------------------------------------------------------------------------- digest


_FIELD_GETTERS: dict[type, Any] = {}


def _json_default(value: Any) -> Any:
    """What json's C encoder cannot write itself. A dataclass becomes the list of its field values in
    declaration order (its type fixes the names); instants are written in UTC; sets sorted."""
    kind = type(value)
    getter = _FIELD_GETTERS.get(kind)
    if getter is None and dataclasses.is_dataclass(value):
        names = [f.name for f in dataclasses.fields(value)]
        getter = _FIELD_GETTERS[kind] = operator.attrgetter(*names) if len(names) > 1 else (
            lambda v, n=names[0]: (getattr(v, n),)
        )  # fmt: skip
    if getter is not None:
        return getter(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(value, key=str)
    raise TypeError(f"cannot digest {kind.__name__}")


def inputs_digest(inp: regf.DecideInput) -> str:
    """SHA-256 of a canonical JSON form of an engine input: the same input gives the same digest in
    any process (sets sorted, instants in UTC, dict keys sorted), any change gives another."""
    payload = json.dumps(inp, default=_json_default, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


# --------------------------------------------------------------------------- decide and record


@dataclass(frozen=True, slots=True)
class Decided:
    proposal: Proposal
    inputs: regf.DecideInput
    decision: regf.Decision


def gate_decide_many(
    *,
    proposals: Sequence[Proposal],
    profile: Profile = Profile.PRODUCT,
    histories: dict[int, History] | None = None,
) -> list[Decided]:
    """Decide without recording (previews, the workspace's "may I call now?", the benchmark)."""
    if histories is None:
        until = max((p.at for p in proposals), default=dt.datetime.now(dt.UTC))
        histories = histories_load(consumer_ids={p.consumer_id for p in proposals}, until=until)
    out = []
    for proposal in proposals:
        history = histories.get(proposal.consumer_id)
        if history is None:
            raise ValueError(f"unknown consumer {proposal.consumer_id}")
        _check_proposal(history, proposal)
        inp = history.decide_input(proposal, profile)
        out.append(Decided(proposal, inp, decide(inp)))
    return out


def _check_proposal(history: History, proposal: Proposal) -> None:
    """Programming errors, not compliance answers: a contact point or debt of someone else."""
    point = _point_id(proposal)
    if point not in history.contact_points:
        raise ValueError(f"contact point {point} is not consumer {proposal.consumer_id}'s")
    known = {d.id for d in history.debts}
    if not {str(a) for a in proposal.account_ids} <= known:
        raise ValueError(f"account not of consumer {proposal.consumer_id}")


@dataclass(frozen=True, slots=True)
class GateResult:
    decision: regf.Decision
    record: ContactDecision
    contact: ContactEvent | None  # the contact it allowed, None when blocked

    @property
    def allowed(self) -> bool:
        return self.decision.verdict is Verdict.ALLOW


@transaction.atomic
def gate_decide_and_record(
    *, actor: Any, proposals: Sequence[Proposal], profile: Profile = Profile.PRODUCT
) -> list[GateResult]:
    """Decide each proposal and record it: the decision row, the contact row it allowed (an attempt
    is recorded when it is made, G-4) and audit rows, all in this transaction.

    Consumers are locked (SELECT ... FOR UPDATE, in id order) before their history is read, so a
    concurrent gate call for the same consumer waits and then sees this one's contacts. Proposals
    for the same consumer within one call are decided against the history as loaded; callers send
    at most one contact per consumer per call (the cadence runner does).
    """
    if not proposals:
        return []
    consumer_ids = sorted({p.consumer_id for p in proposals})
    histories_practice = dict(
        Consumer.objects.select_for_update()
        .filter(id__in=consumer_ids)
        .order_by("id")
        .values_list("id", "practice_id")
    )
    decided = gate_decide_many(proposals=proposals, profile=profile)
    histories_practice = dict(Consumer.objects.filter(id__in=consumer_ids).values_list("id", "practice_id"))
    agent = actor if getattr(actor, "is_authenticated", False) else None

    contacts: list[ContactEvent | None] = []
    for d in decided:
        if d.decision.verdict is not Verdict.ALLOW:
            contacts.append(None)
            continue
        p = d.proposal
        charged = d.decision.charged_debt_ids if p.channel.is_call else _ids(p.account_ids)
        contacts.append(
            ContactEvent(
                practice_id=histories_practice[p.consumer_id],
                consumer_id=p.consumer_id,
                contact_point_id=p.contact_point_id,
                channel=p.channel.value,
                purpose=p.purpose.value,
                at=p.at,
                account_ids=[int(a) for a in charged],
                automated=p.automated,
                prerecorded=p.prerecorded,
                in_reply_to_id=p.in_reply_to_id,
                agent=agent,
            )
        )
    ContactEvent.objects.bulk_create([c for c in contacts if c is not None])

    records = [
        ContactDecision(
            practice_id=histories_practice[d.proposal.consumer_id],
            consumer_id=d.proposal.consumer_id,
            channel=d.proposal.channel.value,
            purpose=d.proposal.purpose.value,
            contact_point_id=d.proposal.contact_point_id,
            account_ids=list(d.proposal.account_ids),
            proposed_at=d.proposal.at,
            profile=profile.value,
            verdict=d.decision.verdict.value,
            rule_ids=[r.value for r in d.decision.rule_ids],
            review_rule_ids=[r.value for r in d.decision.review_rule_ids],
            next_allowed_at=d.decision.next_allowed_at,
            charged_account_ids=[int(a) for a in d.decision.charged_debt_ids],
            flags=list(d.decision.flags),
            explanation=d.decision.explanation[:2000],
            inputs_sha256=inputs_digest(d.inputs),
            contact_event=contact,
            decided_by=agent,
        )
        for d, contact in zip(decided, contacts, strict=True)
    ]
    ContactDecision.objects.bulk_create(records)
    _audit(actor, records, Practice.objects.in_bulk(set(histories_practice.values())))
    return [GateResult(d.decision, r, c) for d, r, c in zip(decided, records, contacts, strict=True)]


def _audit(actor: Any, records: list[ContactDecision], practices: dict[int, Practice]) -> None:
    """One audit row per practice and outcome: contact.allow, or contact.block (BLOCK and REVIEW).

    A single decision is the row's target. For a batch the row carries the decision ids and a SHA-256
    over (id, verdict, inputs digest) of each, which ties every decision row into the hash chain
    without one chained insert per decision.
    """
    groups: dict[tuple[int, str], list[ContactDecision]] = defaultdict(list)
    for r in records:
        allowed = r.verdict == Verdict.ALLOW
        groups[
            (r.practice_id, (AuditAction.CONTACT_ALLOW if allowed else AuditAction.CONTACT_BLOCK).value)
        ].append(r)
    for (practice_id, action_name), rows in groups.items():
        digest = hashlib.sha256(
            "\n".join(f"{r.pk}:{r.verdict}:{r.inputs_sha256}" for r in rows).encode()
        ).hexdigest()
        after: dict[str, Any] = {"count": len(rows), "decisions_sha256": digest}
        if len(rows) == 1:
            r = rows[0]
            after |= {"verdict": r.verdict, "rule_ids": r.rule_ids, "channel": r.channel,
                      "consumer_id": r.consumer_id, "contact_event_id": r.contact_event_id}  # fmt: skip
        else:
            after["decision_ids"] = [r.pk for r in rows]
        audit_record(
            action=action_name,
            actor=actor,
            practice=practices[practice_id],
            target=rows[0] if len(rows) == 1 else None,
            target_label=f"{len(rows)} gate decisions" if len(rows) > 1 else "",
            after=after,
        )
