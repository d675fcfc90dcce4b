"""JSON objects (REGF-SCENARIOS.md) -> typed inputs. Raises InputError for anything unusable."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from compliance.regf import timezones
from compliance.regf.model import (
    Action,
    Attorney,
    Consumer,
    ContactPoint,
    CreditorNotice,
    Debt,
    DecideInput,
    Event,
    Notice,
    PlaceDesignation,
    StatedLocation,
    TimeDesignation,
)
from compliance.regf.rules import Channel, Overlay, Party, Profile, Purpose

_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


class InputError(ValueError):
    """The object cannot be evaluated (missing field, unknown value, unknown contact point)."""


def _req(obj: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in obj or obj[key] is None:
        raise InputError(f"{where}: missing required field {key!r}")
    return obj[key]


def parse_instant(value: Any, where: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(f"{where}: bad timestamp {value!r}") from exc
    if parsed.tzinfo is None:
        raise InputError(f"{where}: timestamp {value!r} has no UTC offset")
    return parsed


def parse_date(value: Any, where: str) -> date:
    text = str(value)
    try:
        # A full timestamp where a date is expected: its date part as written.
        return date.fromisoformat(text[:10])
    except ValueError as exc:
        raise InputError(f"{where}: bad date {value!r}") from exc


def _opt_date(obj: Mapping[str, Any], key: str, where: str) -> date | None:
    return parse_date(obj[key], where) if obj.get(key) is not None else None


def _opt_instant(obj: Mapping[str, Any], key: str, where: str) -> datetime | None:
    return parse_instant(obj[key], where) if obj.get(key) is not None else None


def _clock(value: Any, where: str) -> time:
    try:
        hh, mm = str(value).split(":")[:2]
        if int(hh) == 24 and int(mm) == 0:
            return time(23, 59, 59, 999999)
        return time(int(hh), int(mm))
    except ValueError as exc:
        raise InputError(f"{where}: bad local time {value!r}") from exc


def _enum(enum_cls: Any, value: Any, where: str) -> Any:
    try:
        return enum_cls(value)
    except ValueError as exc:
        raise InputError(f"{where}: unknown value {value!r}") from exc


def parse_profile(obj: Mapping[str, Any]) -> Profile:
    return _enum(Profile, _req(obj, "profile", "query"), "profile")  # type: ignore[no-any-return]


def parse_overlays(obj: Mapping[str, Any]) -> frozenset[Overlay]:
    raw = obj.get("overlays")
    if raw is None:
        return frozenset(Overlay)  # absent = all six (PO-12)
    return frozenset(_enum(Overlay, o, "overlays") for o in raw)


def _time_designation(raw: Mapping[str, Any]) -> TimeDesignation:
    days = raw.get("days")
    return TimeDesignation(
        days=frozenset(_DAYS[str(d).lower()[:3]] for d in days) if days else None,
        start=_clock(raw["start"], "inconvenient.start") if raw.get("start") else None,
        end=_clock(raw["end"], "inconvenient.end") if raw.get("end") else None,
        from_date=_opt_date(raw, "from", "inconvenient.from"),
        until_date=_opt_date(raw, "until", "inconvenient.until"),
        source=raw.get("source"),
    )


def parse_consumer(raw: Mapping[str, Any]) -> Consumer:
    zones = raw.get("time_zones")
    if zones is not None:
        for name in zones:
            if not timezones.is_valid_zone(str(name)):
                raise InputError(f"consumer.time_zones: unknown zone {name!r}")
    stated = raw.get("stated_location")
    times: list[TimeDesignation] = []
    places: list[PlaceDesignation] = []
    for item in raw.get("inconvenient") or []:
        if "place" in item:
            places.append(
                PlaceDesignation(
                    place=str(item["place"]),
                    at=_opt_instant(item, "at", "inconvenient.at"),
                    oral=bool(item.get("oral", False)),
                )
            )
        else:
            times.append(_time_designation(item))
    attorney = raw.get("attorney")
    bankruptcy = raw.get("bankruptcy")
    deceased = raw.get("deceased")
    if stated is not None and not timezones.is_valid_zone(str(_req(stated, "time_zone", "stated_location"))):
        raise InputError(f"stated_location: unknown zone {stated['time_zone']!r}")
    return Consumer(
        time_zones=tuple(str(z) for z in zones) if zones is not None else None,
        state=(str(raw["state"]).upper() if raw.get("state") else None),
        city=raw.get("city"),
        stated_location=(
            StatedLocation(
                time_zone=str(stated["time_zone"]),
                at=parse_instant(_req(stated, "at", "stated_location"), "stated_location.at"),
                until=_opt_date(stated, "until", "stated_location.until"),
            )
            if stated
            else None
        ),
        inconvenient_times=tuple(times),
        inconvenient_places=tuple(places),
        attorney=(
            Attorney(
                at=parse_instant(_req(attorney, "at", "attorney"), "attorney.at"),
                debt_ids=frozenset(attorney["debt_ids"]) if attorney.get("debt_ids") is not None else None,
                contacted_at=_opt_instant(attorney, "contacted_at", "attorney.contacted_at"),
            )
            if attorney
            else None
        ),
        bankruptcy=(
            Notice(
                at=parse_instant(_req(bankruptcy, "at", "bankruptcy"), "bankruptcy.at"),
                on=_opt_date(bankruptcy, "filed_on", "bankruptcy.filed_on"),
            )
            if bankruptcy
            else None
        ),
        deceased=(
            Notice(
                at=parse_instant(_req(deceased, "at", "deceased"), "deceased.at"),
                on=_opt_date(deceased, "died_on", "deceased.died_on"),
            )
            if deceased
            else None
        ),
    )


def parse_contact_point(raw: Mapping[str, Any]) -> ContactPoint:
    cp_id = str(_req(raw, "id", "contact_point"))
    kind = str(_req(raw, "kind", f"contact_point {cp_id}"))
    if kind not in ("phone", "email", "postal"):
        raise InputError(f"contact_point {cp_id}: unknown kind {kind!r}")
    notice = raw.get("creditor_notice")
    return ContactPoint(
        id=cp_id,
        kind=kind,
        party=_enum(Party, raw.get("party") or "consumer", f"contact_point {cp_id}.party"),
        number=raw.get("number"),
        type=raw.get("type"),
        source=str(raw.get("source") or "creditor"),
        obtained_on=_opt_date(raw, "obtained_on", f"contact_point {cp_id}.obtained_on"),
        address=raw.get("address"),
        creditor_notice=(
            CreditorNotice(
                sent_on=parse_date(_req(notice, "sent_on", "creditor_notice"), "creditor_notice.sent_on"),
                optout_deadline=parse_date(
                    _req(notice, "optout_deadline", "creditor_notice"), "creditor_notice.optout_deadline"
                ),
                names_collector=bool(notice.get("names_collector", False)),
            )
            if notice
            else None
        ),
        zip=(str(raw["zip"]) if raw.get("zip") is not None else None),
        state=(str(raw["state"]).upper() if raw.get("state") else None),
        city=raw.get("city"),
        place=raw.get("place"),
    )


def parse_debt(raw: Mapping[str, Any]) -> Debt:
    debt_id = str(_req(raw, "id", "debt"))
    return Debt(
        id=debt_id,
        practice_id=str(_req(raw, "practice_id", f"debt {debt_id}")),
        balance_cents=int(raw.get("balance_cents") or 0),
        past_due_since=_opt_date(raw, "past_due_since", f"debt {debt_id}.past_due_since"),
    )


def parse_event(raw: Mapping[str, Any], index: int) -> Event:
    where = f"events[{index}]"
    etype = str(_req(raw, "type", where))
    purpose = raw.get("purpose") or "collection"
    return Event(
        type=etype,
        at=parse_instant(_req(raw, "at", where), f"{where}.at"),
        id=(str(raw["id"]) if raw.get("id") is not None else None),
        direction=str(raw.get("direction") or "out"),
        contact_point=raw.get("contact_point"),
        debt_ids=tuple(str(d) for d in raw.get("debt_ids") or ()),
        purpose=_enum(Purpose, purpose, f"{where}.purpose"),
        in_reply_to=raw.get("in_reply_to"),
        automated=bool(raw.get("automated", False)),
        prerecorded=bool(raw.get("prerecorded", False)),
        result=raw.get("result"),
        discussed_debt_ids=tuple(str(d) for d in raw.get("discussed_debt_ids") or ()),
        from_date=_opt_date(raw, "from", f"{where}.from"),
        until_date=_opt_date(raw, "until", f"{where}.until"),
        medium=raw.get("medium"),
        disclosed=raw.get("disclosed", True) is not False,
        written=bool(raw.get("written", False)),
        media=frozenset(str(m) for m in raw.get("media") or ()),
        pending_review=bool(raw.get("pending_review", False)),
        limited=bool(raw.get("limited", False)),
        ref=(str(raw["ref"]) if raw.get("ref") is not None else None),
        outcome=raw.get("outcome"),
        request=str(raw.get("request") or "dispute"),
        new_information=raw.get("new_information"),
        kind=raw.get("kind"),
        method=raw.get("method"),
        delivery=str(raw.get("delivery") or "sent"),
        end_date=_opt_date(raw, "end_date", f"{where}.end_date"),
        since=_opt_date(raw, "since", f"{where}.since"),
    )


def parse_action(raw: Mapping[str, Any]) -> Action:
    return Action(
        channel=_enum(Channel, _req(raw, "channel", "action"), "action.channel"),
        at=parse_instant(_req(raw, "at", "action"), "action.at"),
        contact_point=str(_req(raw, "contact_point", "action")),
        debt_ids=tuple(str(d) for d in raw.get("debt_ids") or ()),
        automated=bool(raw.get("automated", False)),
        prerecorded=bool(raw.get("prerecorded", False)),
        purpose=_enum(Purpose, raw.get("purpose") or "collection", "action.purpose"),
        in_reply_to=raw.get("in_reply_to"),
    )


def parse_decide(obj: Mapping[str, Any]) -> DecideInput:
    profile = parse_profile(obj)
    action = parse_action(_req(obj, "action", "decide"))
    points = [parse_contact_point(cp) for cp in obj.get("contact_points") or []]
    by_id = {cp.id: cp for cp in points}
    if action.contact_point not in by_id:
        raise InputError(f"action: unknown contact point {action.contact_point!r}")
    debts = tuple(parse_debt(d) for d in obj.get("debts") or [])
    known_debts = {d.id for d in debts}
    for debt_id in action.debt_ids:
        if debt_id not in known_debts:
            raise InputError(f"action: unknown debt {debt_id!r}")
    events = [parse_event(e, i) for i, e in enumerate(obj.get("events") or [])]
    for i, ev in enumerate(events):
        if ev.contact_point is not None and ev.contact_point not in by_id:
            raise InputError(f"events[{i}]: unknown contact point {ev.contact_point!r}")
    # Only events at or before the action exist (3.3 item 1); stable sort keeps same-instant order.
    history = tuple(sorted((e for e in events if e.at <= action.at), key=lambda e: e.at))
    return DecideInput(
        profile=profile,
        overlays=parse_overlays(obj),
        consumer=parse_consumer(obj.get("consumer") or {}),
        contact_points=by_id,
        debts=debts,
        events=history,
        action=action,
    )
