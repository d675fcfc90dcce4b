"""Pure Regulation F / TCPA / state-overlay compliance engine (REGF.md, REGF-SCENARIOS.md).

No database, clock or I/O here: callers pass the whole history and "now" (`action.at`).
"""

from __future__ import annotations

from compliance.regf.cli import evaluate_document, evaluate_one
from compliance.regf.engine import decide, possible_zones
from compliance.regf.inbound import InboundClassification, classify_inbound
from compliance.regf.model import (
    Action,
    Attorney,
    Consumer,
    ContactPoint,
    CreditorNotice,
    Debt,
    DecideInput,
    Decision,
    Event,
    Notice,
    PlaceDesignation,
    StatedLocation,
    TimeDesignation,
)
from compliance.regf.parse import InputError, parse_decide
from compliance.regf.rules import Channel, InboundClass, Overlay, Party, Profile, Purpose, RuleId, Verdict
from compliance.regf.templates import TemplateCheck, TemplateContext, check_template
from compliance.regf.validation import NoticeSent, ValidationPeriodAnswer, validation_period_end

__all__ = [
    "Action", "Attorney", "Channel", "Consumer", "ContactPoint", "CreditorNotice", "Debt", "DecideInput",
    "Decision", "Event", "InboundClass", "InboundClassification", "InputError", "Notice", "NoticeSent",
    "Overlay", "Party", "PlaceDesignation", "Profile", "Purpose", "RuleId", "StatedLocation", "TemplateCheck",
    "TemplateContext", "TimeDesignation", "ValidationPeriodAnswer", "Verdict", "check_template",
    "classify_inbound", "decide", "evaluate_document", "evaluate_one", "parse_decide", "possible_zones",
    "validation_period_end",
]  # fmt: skip
