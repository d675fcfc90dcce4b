"""Typed inputs and outputs of `decide` (REGF-SCENARIOS.md section 3). Parsing lives in parse.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from compliance.regf.rules import Channel, Overlay, Party, Profile, Purpose, RuleId, Verdict


@dataclass(frozen=True, slots=True)
class TimeDesignation:
    """A consumer- or creditor-designated inconvenient time (RF-TIME-DESIGNATED), local wall clock."""

    days: frozenset[int] | None = None  # Monday = 0; None = every day
    start: time | None = None  # None = from midnight
    end: time | None = None  # None = to midnight; end <= start wraps past midnight
    from_date: date | None = None
    until_date: date | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class PlaceDesignation:
    place: str  # "home" | "work"
    at: datetime | None = None
    oral: bool = False


@dataclass(frozen=True, slots=True)
class StatedLocation:
    time_zone: str
    at: datetime
    until: date | None = None


@dataclass(frozen=True, slots=True)
class Attorney:
    at: datetime
    debt_ids: frozenset[str] | None = None  # None = every debt
    contacted_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """A bankruptcy or deceased flag: received at `at`."""

    at: datetime
    on: date | None = None


@dataclass(frozen=True, slots=True)
class Consumer:
    time_zones: tuple[str, ...] | None = None  # present = the complete possible-zone set
    state: str | None = None
    city: str | None = None
    stated_location: StatedLocation | None = None
    inconvenient_times: tuple[TimeDesignation, ...] = ()
    inconvenient_places: tuple[PlaceDesignation, ...] = ()
    attorney: Attorney | None = None
    bankruptcy: Notice | None = None
    deceased: Notice | None = None


@dataclass(frozen=True, slots=True)
class CreditorNotice:
    sent_on: date
    optout_deadline: date
    names_collector: bool


@dataclass(frozen=True, slots=True)
class ContactPoint:
    id: str
    kind: str  # phone | email | postal
    party: Party = Party.CONSUMER
    # phone
    number: str | None = None
    type: str | None = None  # phone: mobile | landline | work; email: personal | work
    source: str = "creditor"
    obtained_on: date | None = None
    # email
    address: str | None = None
    creditor_notice: CreditorNotice | None = None
    # postal
    zip: str | None = None
    state: str | None = None
    city: str | None = None
    place: str | None = None


@dataclass(frozen=True, slots=True)
class Debt:
    id: str
    practice_id: str
    balance_cents: int = 0
    past_due_since: date | None = None


_CHANNELS: dict[str, Channel] = {c.value: c for c in Channel}
_CALL_TYPES = frozenset(c.value for c in Channel if c.is_call)


@dataclass(frozen=True, slots=True)
class Event:
    """One history item. Only the fields of its `type` are meaningful (REGF-SCENARIOS 3.1 events)."""

    type: str
    at: datetime
    id: str | None = None
    # contacts (call, ringless_voicemail, voicemail_drop, sms, email, letter)
    direction: str = "out"
    contact_point: str | None = None
    debt_ids: tuple[str, ...] = ()
    purpose: Purpose = Purpose.COLLECTION
    in_reply_to: str | None = None
    automated: bool = False
    prerecorded: bool = False
    result: str | None = None
    discussed_debt_ids: tuple[str, ...] = ()
    # call_consent
    from_date: date | None = None
    until_date: date | None = None
    # consent
    medium: str | None = None
    disclosed: bool = True
    written: bool = False
    # opt_out
    media: frozenset[str] = frozenset()
    pending_review: bool = False
    # cease
    limited: bool = False
    # review
    ref: str | None = None
    outcome: str | None = None
    # dispute
    request: str = "dispute"
    new_information: bool | None = None
    # verification / validation_notice / rnd_check
    kind: str | None = None
    method: str | None = None
    delivery: str = "sent"
    end_date: date | None = None
    since: date | None = None

    @property
    def channel(self) -> Channel | None:
        # A dict look-up, not Channel(self.type): the engine asks this of every event many times per
        # decision, and constructing an enum member is the single largest cost in the gate benchmark.
        return _CHANNELS.get(self.type)

    @property
    def is_call(self) -> bool:
        return self.type in _CALL_TYPES

    @property
    def call_result(self) -> str:
        # A drop without a result left an LCM (3.1). A bare call without one is assumed to have
        # connected: fail closed (G-5), it uses up a count.
        if self.result:
            return self.result
        return "lcm" if self.type in ("ringless_voicemail", "voicemail_drop") else "no_answer"


@dataclass(frozen=True, slots=True)
class Action:
    channel: Channel
    at: datetime
    contact_point: str
    debt_ids: tuple[str, ...] = ()
    automated: bool = False
    prerecorded: bool = False
    purpose: Purpose = Purpose.COLLECTION
    in_reply_to: str | None = None

    @property
    def is_prerecorded(self) -> bool:
        # A voicemail drop or ringless voicemail plays a recorded message by construction, so
        # TCPA treats it as prerecorded even when the flag was not set (fail closed, G-5).
        return self.prerecorded or self.channel in (Channel.VOICEMAIL_DROP, Channel.RINGLESS_VOICEMAIL)


@dataclass(frozen=True, slots=True)
class DecideInput:
    profile: Profile
    overlays: frozenset[Overlay]
    consumer: Consumer
    contact_points: dict[str, ContactPoint]
    debts: tuple[Debt, ...]
    events: tuple[Event, ...]  # already limited to at <= action.at and sorted by time
    action: Action


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    rule_ids: tuple[RuleId, ...] = ()
    next_allowed_at: datetime | None = None
    charged_debt_ids: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    explanation: str = ""
    review_rule_ids: tuple[RuleId, ...] = field(default=())  # REVIEW reasons hidden by a BLOCK

    def to_dict(self) -> dict[str, object]:
        return {
            "verdict": self.verdict.value,
            "rule_ids": [r.value for r in self.rule_ids],
            "next_allowed_at": self.next_allowed_at.isoformat() if self.next_allowed_at else None,
            "charged_debt_ids": list(self.charged_debt_ids),
            "flags": list(self.flags),
            "explanation": self.explanation,
        }
