"""`classify_inbound` (REGF-SCENARIOS.md section 5, RF-ELEC-KEYWORDS): what an inbound SMS or email asks."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from compliance.regf.rules import InboundClass

OPT_OUT_KEYWORDS = frozenset(
    {"stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit", "revoke", "opt out", "optout"}
    | {"alto", "parar", "cancelar", "no mas"}
)
CEASE_KEYWORDS = frozenset({"stopall", "stop all"})
HELP_KEYWORDS = frozenset({"help", "info"})
OPT_OUT_PHRASES = (
    "stop texting", "stop calling", "stop emailing", "stop contacting",
    "dont text", "do not text", "dont call", "do not call", "dont contact", "do not contact",
    "dont email", "do not email", "remove me", "leave me alone", "lose my number", "no more texts",
)  # fmt: skip
CEASE_PHRASES = (
    "stop all", "stop contacting me", "leave me alone",
    "wont pay", "will not pay", "refuse to pay", "not paying",
)  # fmt: skip
DISPUTE_PHRASES = ("dispute", "not my debt", "not my bill", "dont owe", "do not owe", "wrong amount")

_APOSTROPHES = re.compile(r"['\u2019\u2018`\u02bc]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class InboundClassification:
    classes: frozenset[InboundClass]
    review: bool  # a person must confirm; any suppression applies meanwhile

    def to_dict(self) -> dict[str, object]:
        return {"classes": sorted(c.value for c in self.classes), "review": self.review}


def normalise(text: str) -> str:
    """Fold case and accents, drop apostrophes, punctuation and emoji become spaces, collapse spaces."""
    folded = unicodedata.normalize("NFKD", text or "")
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    folded = _APOSTROPHES.sub("", folded)
    return " ".join(_NON_WORD.sub(" ", folded).split())


def _has(padded: str, phrase: str) -> bool:
    return f" {phrase} " in padded


def classify_text(text: str) -> InboundClassification:
    norm = normalise(text)
    if not norm:
        return InboundClassification(frozenset(), False)
    if norm in OPT_OUT_KEYWORDS:
        if norm in CEASE_KEYWORDS:
            return InboundClassification(frozenset({InboundClass.OPT_OUT, InboundClass.CEASE_REVIEW}), True)
        return InboundClassification(frozenset({InboundClass.OPT_OUT}), False)
    if norm in HELP_KEYWORDS:
        return InboundClassification(frozenset({InboundClass.HELP}), False)
    padded = f" {norm} "
    classes: set[InboundClass] = set()
    review = False
    opt_out_phrase = any(_has(padded, p) for p in OPT_OUT_PHRASES)
    if opt_out_phrase:
        classes.add(InboundClass.OPT_OUT)
        review = True
    if any(_has(padded, p) for p in CEASE_PHRASES):
        classes.add(InboundClass.CEASE_REVIEW)
        review = True
    if any(_has(padded, p) for p in DISPUTE_PHRASES):
        classes.add(InboundClass.DISPUTE)
    # A keyword inside free text may still be an opt-out: suppress at once, a person decides (fail safe).
    if not opt_out_phrase and any(_has(padded, k) for k in OPT_OUT_KEYWORDS):
        classes.add(InboundClass.SUPPRESS_PENDING_REVIEW)
        review = True
    return InboundClassification(frozenset(classes), review)


def classify_inbound(channel: str, text: str, subject: str | None = None) -> InboundClassification:
    """SMS: the text. Email: subject and body classified separately and joined."""
    result = classify_text(text)
    if channel == "email" and subject:
        other = classify_text(subject)
        result = InboundClassification(result.classes | other.classes, result.review or other.review)
    return result
