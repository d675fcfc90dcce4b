"""`check_template` (REGF-SCENARIOS.md section 6): may this voicemail, SMS, email or letter text go out?

Lexical checks, deliberately conservative: a false BLOCK costs a template edit, a false ALLOW can be
a third-party disclosure. Every list below is a policy list a compliance officer may extend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from compliance.regf.dates import validation_period
from compliance.regf.rules import Overlay, RuleId, Verdict

_PHONE = re.compile(r"(?:\+?1[\s.\-]?)?\(?\d{3}\)?[\s.\-]?\d{3}[\s.\-]?\d{4}\b")
_PERSON = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z]+\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DATE_US = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_DATE_LONG = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{1,2}),?\s+(\d{4})\b"
)
_MONTHS = {m: i for i, m in enumerate(
    ("january february march april may june july august september october november december").split(), start=1
)}  # fmt: skip

# Words that reveal collection, money or health: never allowed in an LCM (1006.2(j)).
LCM_FORBIDDEN = re.compile(
    r"\b(debts?|collect\w*|collector|bills?|billing|balances?|accounts?|payments?|pay|owed?|owing|amount|"
    r"due|overdue|past|money|dollars?|medical|health|doctor|dr|clinic|hospital|dental|dentist|"
    r"pediatric\w*|practice|insurance|patient|treatment|appointment|surgery|legal|lawsuit|attorney|credit)\b"
    r"|\$\s?\d",
    re.IGNORECASE,
)
# Health detail that HIPAA minimum necessary keeps out of collection messages (HIPAA-MINNEC).
HEALTH_TERMS = re.compile(
    r"\b(mri|ct scan|x-?ray|oncology|cancer|chemo\w*|radiation|pediatric\w*|diagnos\w*|surgery|surgical|"
    r"procedure|biopsy|colonoscopy|mammogra\w*|dialysis|cardiolog\w*|dermatolog\w*|psychiatr\w*|psycholog\w*|"
    r"mental health|therapy|rehab\w*|obstetric\w*|gynecolog\w*|prenatal|pregnan\w*|fertility|hiv|std|"
    r"orthopedic\w*|neurolog\w*|urolog\w*|oral surgery|root canal|prescription|treatment|medical records?)\b",
    re.IGNORECASE,
)
# Vocabulary an LCM may use besides names, the business name, a phone number, dates and times.
LCM_VOCABULARY = frozenset(
    """this is calling from with at please contact call me us or and back return my our the a an reply reach
    out to hello hi good morning afternoon evening dear thank thanks you your name i am im can be reached
    between weekdays weekday monday tuesday wednesday thursday friday saturday sunday today tomorrow tonight
    am pm a.m p.m message left on any representative representatives associate associates agent agents
    help assist take speak number phone it of we are available ext extension time times convenient
    best hours after before noon o'clock oclock will able who one, have has been""".split()
)
MINI_MIRANDA = re.compile(
    r"debt collector|attempt(?:ing)? to collect a debt|cobrador de deudas", re.IGNORECASE
)
OPTOUT_INSTRUCTION = re.compile(
    r"reply\s+\W?stop|text\s+\W?stop|\bstop\b.{0,40}\b(?:opt|unsubscribe|texts?|messages?)|unsubscribe|opt[\s-]?out|"
    r"\bstop\b.{0,20}subject line",
    re.IGNORECASE,
)
OPTOUT_BURDEN = re.compile(
    r"log\s?in|sign\s?in|password|account number|fee\b|verify your identity|identity|date of birth|\bssn\b|"
    r"social security",
    re.IGNORECASE,
)
OVERSHADOW = re.compile(
    r"within\s+\d+\s+days|act now|immediately|to avoid|final notice|urgent|deadline|today only|right away",
    re.IGNORECASE,
)
TIMEBAR = re.compile(
    r"\bsue\b|\bsuit\b|lawsuit|legal action|judg(?:e)?ment|attorney|court|garnish\w*", re.IGNORECASE
)
CONFIRMATION_EXTRA = re.compile(
    r"https?://|www\.|\bpay\w*|balance|debt|owe|amount|\$|account|bill|collect\w*|settle\w*|offer|discount|"
    r"call us|contact us|link|portal",
    re.IGNORECASE,
)
BLANK_FIELD = re.compile(r"_{3,}|\[\s*\]|\{\{|\}\}|<[A-Z_ ]+>|\bXX+\b|\bTBD\b")
VALIDATION_ITEMS = {
    "debt collector disclosure": MINI_MIRANDA,
    "itemization date": re.compile(r"as of|itemization", re.IGNORECASE),
    "amount": re.compile(r"\$\s?\d", re.IGNORECASE),
    "itemization": re.compile(r"interest", re.IGNORECASE),
    "current creditor": re.compile(r"creditor", re.IGNORECASE),
    "dispute statement": re.compile(r"dispute", re.IGNORECASE),
    "original creditor statement": re.compile(r"original creditor", re.IGNORECASE),
    "response section": re.compile(r"how do you want to respond", re.IGNORECASE),
    "account number": re.compile(r"account", re.IGNORECASE),
}
DEADLINE_CONTEXT = re.compile(r"(?:on or before|no later than|by|before|until)\s*$", re.IGNORECASE)
COLLECTION_SUGGESTING = re.compile(
    r"debt|collect|recover|receivable|judgment|legal|credit|bureau", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class TemplateCheck:
    verdict: Verdict
    rule_ids: tuple[RuleId, ...] = ()
    lcm: bool | None = None
    reasons: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        return {"verdict": self.verdict.value, "rule_ids": [r.value for r in self.rule_ids], "lcm": self.lcm}


@dataclass(frozen=True, slots=True)
class TemplateContext:
    agency_name: str | None = None
    lcm_business_name: str | None = None
    ca_license_number: str | None = None
    practice_name: str | None = None
    practice_display_name: str | None = None
    consumer_state: str | None = None
    send_at: str | None = None  # ISO timestamp; its local date is the date part as written
    validation_end: date | None = None
    limitations_expires: date | None = None


class _Collector:
    def __init__(self) -> None:
        self.rules: dict[RuleId, None] = {}
        self.reasons: list[str] = []

    def add(self, rule: RuleId, reason: str) -> None:
        self.rules.setdefault(rule, None)
        self.reasons.append(f"{rule}: {reason}")

    def result(self, lcm: bool | None) -> TemplateCheck:
        verdict = Verdict.BLOCK if self.rules else Verdict.ALLOW
        return TemplateCheck(verdict, tuple(self.rules), lcm, tuple(self.reasons))


def _contains(text: str, needle: str | None) -> bool:
    return bool(needle) and needle.strip().lower() in text.lower()  # type: ignore[union-attr]


def _strip(text: str, *needles: str | None) -> str:
    for needle in needles:
        if needle:
            text = re.sub(re.escape(needle.strip()), " ", text, flags=re.IGNORECASE)
    return text


def _practice_named_wrongly(text: str, ctx: TemplateContext) -> bool:
    """The practice may be named only by its display name (PO-15)."""
    if not ctx.practice_name or ctx.practice_name == ctx.practice_display_name:
        return False
    return _contains(_strip(text, ctx.practice_display_name), ctx.practice_name)


def _check_voicemail(text: str, ctx: TemplateContext, out: _Collector) -> bool:
    """RF-DEF-LCM structure. Returns whether the script is an LCM."""
    problems: list[str] = []
    business = ctx.lcm_business_name
    if not business or not _contains(text, business):
        problems.append("missing the LCM business name")
    elif COLLECTION_SUGGESTING.search(business):
        problems.append("the business name suggests debt collection")
    if not _PHONE.search(text):
        problems.append("no phone number to reply to")
    if not re.search(r"\b(call|contact|reach|return|reply|get back)\b", text, re.IGNORECASE):
        problems.append("no request to reply")
    rest = _strip(text, business, ctx.practice_display_name, ctx.practice_name, ctx.agency_name)
    rest = _PHONE.sub(" ", rest)
    if not _PERSON.search(rest):
        problems.append("no natural person's name")
    for name in (ctx.practice_name, ctx.practice_display_name):
        if _contains(text, name):
            problems.append("names the practice (an LCM never does)")
    if LCM_FORBIDDEN.search(rest):
        problems.append("debt, money or health content")
    # Anything outside the permitted vocabulary (names aside) is extra content.
    leftovers = _PERSON.sub(" ", rest)
    leftovers = re.sub(r"\b\d{1,2}(:\d{2})?\s*(a\.?m\.?|p\.?m\.?)?", " ", leftovers, flags=re.IGNORECASE)
    extra = [w for w in _WORD.findall(leftovers) if w.lower() not in LCM_VOCABULARY and not w[0].isupper()]
    if extra or re.search(r"\bfor\s+[A-Z][a-z]+", rest):
        problems.append(f"content an LCM may not carry: {' '.join(extra[:5]) or 'an addressee'}")
    if problems:
        out.add(RuleId.RF_DEF_LCM, "; ".join(problems))
    if HEALTH_TERMS.search(_strip(text, ctx.practice_display_name)) or _practice_named_wrongly(text, ctx):
        out.add(RuleId.HIPAA_MINNEC, "health detail or the practice's real name")
    return not problems


def _dates_after_deadline_words(text: str) -> list[date]:
    found: list[date] = []
    for pattern, build in (
        (_DATE_ISO, lambda m: date(int(m[1]), int(m[2]), int(m[3]))),
        (_DATE_US, lambda m: date(int(m[3]), int(m[1]), int(m[2]))),
        (_DATE_LONG, lambda m: date(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))),
    ):
        for m in pattern.finditer(text):
            if DEADLINE_CONTEXT.search(text[max(0, m.start() - 30) : m.start()]):
                try:
                    found.append(build(m))
                except ValueError:
                    continue
    return found


def check_template(
    *,
    kind: str,
    text: str,
    profile: str = "product",
    overlays: frozenset[Overlay] = frozenset(Overlay),
    purpose: str = "collection",
    subject: str | None = None,
    context: TemplateContext | None = None,
) -> TemplateCheck:
    ctx = context or TemplateContext()
    out = _Collector()
    if kind == "voicemail":
        is_lcm = _check_voicemail(text, ctx, out)
        return out.result(is_lcm)
    full = f"{subject}\n{text}" if subject else text
    if purpose == "optout_confirmation":
        # 1006.14(h)(2)(i): a confirmation says only that the request is confirmed and will be honoured.
        if CONFIRMATION_EXTRA.search(full):
            out.add(RuleId.RF_MEDIA_OPTOUT, "a confirmation carries nothing else")
        return out.result(None)
    if not MINI_MIRANDA.search(full):
        out.add(RuleId.RF_DISC_MINI_MIRANDA, "must say it is from a debt collector")
    if kind in ("sms", "email"):
        match = OPTOUT_INSTRUCTION.search(full)
        if not match:
            out.add(RuleId.RF_ELEC_OPTOUT_NOTICE, "no opt-out instructions")
        else:
            sentence = _sentence_around(full, match.start())
            if OPTOUT_BURDEN.search(sentence):
                out.add(
                    RuleId.RF_ELEC_OPTOUT_NOTICE, "opt-out must not need a login, account number, fee or ID"
                )
    if HEALTH_TERMS.search(_strip(full, ctx.practice_display_name)) or _practice_named_wrongly(full, ctx):
        out.add(RuleId.HIPAA_MINNEC, "health detail or the practice's real name")
    send_day = date.fromisoformat(ctx.send_at[:10]) if ctx.send_at else None
    if ctx.validation_end and send_day and send_day <= ctx.validation_end and OVERSHADOW.search(full):
        out.add(RuleId.RF_VAL_OVERSHADOW, "pressure or a deadline inside the validation period")
    if ctx.limitations_expires and send_day and ctx.limitations_expires <= send_day and TIMEBAR.search(full):
        out.add(RuleId.RF_TIMEBAR, "time-barred debt: no suit, attorney or judgment talk")
    if Overlay.CA in overlays and (ctx.consumer_state or "").upper() == "CA":
        if not ctx.ca_license_number or ctx.ca_license_number not in full:
            out.add(RuleId.ST_CA_LICENSE, "California license number missing")
    if purpose == "validation_notice":
        missing = [name for name, rx in VALIDATION_ITEMS.items() if not rx.search(full)]
        if missing or BLANK_FIELD.search(full):
            out.add(RuleId.RF_VAL_CONTENT, f"missing or blank: {', '.join(missing) or 'a field'}")
        if send_day is not None:
            earliest = validation_period(send_day).earliest_end
            if any(d < earliest for d in _dates_after_deadline_words(full)):
                out.add(RuleId.RF_VAL_PERIOD, f"response date earlier than {earliest}")
    return out.result(None)


def _sentence_around(text: str, index: int) -> str:
    start = max(text.rfind(".", 0, index), text.rfind("\n", 0, index)) + 1
    ends = [i for i in (text.find(".", index), text.find("\n", index)) if i != -1]
    return text[start : min(ends) if ends else len(text)]
