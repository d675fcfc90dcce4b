"""The pure core of `manage.py regf_evaluate`: JSON question(s) in, JSON answer(s) out (REGF-SCENARIOS.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from compliance.regf.engine import decide
from compliance.regf.inbound import classify_inbound
from compliance.regf.parse import (
    InputError,
    parse_date,
    parse_decide,
    parse_instant,
    parse_overlays,
    parse_profile,
)
from compliance.regf.templates import TemplateContext, check_template
from compliance.regf.validation import NoticeSent, validation_period_end


def _decide(obj: Mapping[str, Any]) -> dict[str, Any]:
    return decide(parse_decide(obj)).to_dict()


def _validation_period_end(obj: Mapping[str, Any]) -> dict[str, Any]:
    notices = []
    for i, raw in enumerate(obj.get("notices") or []):
        if not isinstance(raw, Mapping) or "at" not in raw:
            raise InputError(f"notices[{i}]: missing required field 'at'")
        parse_instant(raw["at"], f"notices[{i}].at")  # validate; the date part is used as written
        notices.append(
            NoticeSent(
                provided_on=parse_date(raw["at"], f"notices[{i}].at"),
                method=str(raw.get("method") or "mail"),
                delivery=str(raw.get("delivery") or "sent"),
            )
        )
    printed = obj.get("printed_end_date")
    return validation_period_end(
        notices,
        roll_forward=bool(obj.get("roll_forward", False)),
        printed_end_date=parse_date(printed, "printed_end_date") if printed else None,
    ).to_dict()


def _classify_inbound(obj: Mapping[str, Any]) -> dict[str, Any]:
    channel = obj.get("channel")
    if channel not in ("sms", "email"):
        raise InputError(f"classify_inbound: channel must be sms or email, not {channel!r}")
    if obj.get("text") is None:
        raise InputError("classify_inbound: missing required field 'text'")
    return classify_inbound(str(channel), str(obj["text"]), obj.get("subject")).to_dict()


def _check_template(obj: Mapping[str, Any]) -> dict[str, Any]:
    profile = parse_profile(obj)
    kind = obj.get("kind")
    if kind not in ("voicemail", "sms", "email", "letter"):
        raise InputError(f"check_template: unknown kind {kind!r}")
    if obj.get("text") is None:
        raise InputError("check_template: missing required field 'text'")
    raw = obj.get("context") or {}
    context = TemplateContext(
        agency_name=raw.get("agency_name"),
        lcm_business_name=raw.get("lcm_business_name"),
        ca_license_number=(str(raw["ca_license_number"]) if raw.get("ca_license_number") else None),
        practice_name=raw.get("practice_name"),
        practice_display_name=raw.get("practice_display_name"),
        consumer_state=raw.get("consumer_state"),
        send_at=(str(raw["send_at"]) if raw.get("send_at") else None),
        validation_end=parse_date(raw["validation_end"], "validation_end")
        if raw.get("validation_end")
        else None,
        limitations_expires=(
            parse_date(raw["limitations_expires"], "limitations_expires")
            if raw.get("limitations_expires")
            else None
        ),
    )
    return check_template(
        kind=str(kind),
        text=str(obj["text"]),
        profile=profile.value,
        overlays=parse_overlays(obj),
        purpose=str(obj.get("purpose") or "collection"),
        subject=obj.get("subject"),
        context=context,
    ).to_dict()


QUERIES = {
    "decide": _decide,
    "validation_period_end": _validation_period_end,
    "classify_inbound": _classify_inbound,
    "check_template": _check_template,
}


def evaluate_one(obj: Any) -> dict[str, Any]:
    """One question -> one answer; anything unusable becomes {"error": ...} in its slot."""
    if not isinstance(obj, Mapping):
        return {"error": "each question must be a JSON object"}
    handler = QUERIES.get(obj.get("query"))  # type: ignore[arg-type]
    if handler is None:
        return {"error": f"unknown query {obj.get('query')!r}"}
    try:
        return handler(obj)
    except InputError as exc:
        return {"error": str(exc)}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # Malformed input the parser did not anticipate: still answer the other objects.
        return {"error": f"cannot evaluate: {exc.__class__.__name__}: {exc}"}


def evaluate_document(doc: Any) -> Any:
    """A single object gives a single answer; an array gives an array in the same order.
    Unknown top-level fields (`case`, `expected`) are never read."""
    if isinstance(doc, list):
        return [evaluate_one(item) for item in doc]
    return evaluate_one(doc)
