"""Rule IDs, verdicts and the other closed vocabularies of the compliance engine.

StrEnum rather than Django's TextChoices keeps the engine importable without Django; a model field
can still use ``choices=[(r.value, r.value) for r in RuleId]``.
"""

from __future__ import annotations

from enum import StrEnum


class RuleId(StrEnum):
    """The exact rule IDs of REGF.md (plus ST-WA, which REGF-SCENARIOS.md adds)."""

    # Reg F definitions and time/place
    RF_DEF_LCM = "RF-DEF-LCM"
    RF_TIME_WINDOW = "RF-TIME-WINDOW"
    RF_TIME_DESIGNATED = "RF-TIME-DESIGNATED"
    RF_TIME_REPLY_ONCE = "RF-TIME-REPLY-ONCE"
    RF_PLACE = "RF-PLACE"
    # call frequency
    RF_CALL_7IN7 = "RF-CALL-7IN7"
    RF_CALL_CONV = "RF-CALL-CONV"
    RF_CALL_CONSENT = "RF-CALL-CONSENT"
    RF_CALL_ALLOC = "RF-CALL-ALLOC"
    RF_CALL_MISDIRECTED = "RF-CALL-MISDIRECTED"
    RF_CALL_PATTERN = "RF-CALL-PATTERN"
    RF_CALL_3P_LOCATION = "RF-CALL-3P-LOCATION"
    # disclosures
    RF_DISC_MINI_MIRANDA = "RF-DISC-MINI-MIRANDA"
    RF_DISC_IDENTITY = "RF-DISC-IDENTITY"
    # media and electronic messages
    RF_MEDIA_OPTOUT = "RF-MEDIA-OPTOUT"
    RF_ELEC_OPTOUT_NOTICE = "RF-ELEC-OPTOUT-NOTICE"
    RF_ELEC_KEYWORDS = "RF-ELEC-KEYWORDS"
    RF_ELEC_EMAIL_SAFE = "RF-ELEC-EMAIL-SAFE"
    RF_ELEC_SMS_SAFE = "RF-ELEC-SMS-SAFE"
    # third parties, attorney, deceased, cease
    RF_3P_DISCLOSURE = "RF-3P-DISCLOSURE"
    RF_ATTY = "RF-ATTY"
    RF_DECEASED = "RF-DECEASED"
    RF_CEASE = "RF-CEASE"
    # validation and disputes
    RF_VAL_TIMING = "RF-VAL-TIMING"
    RF_VAL_DELIVERY = "RF-VAL-DELIVERY"
    RF_VAL_PERIOD = "RF-VAL-PERIOD"
    RF_VAL_CONTENT = "RF-VAL-CONTENT"
    RF_VAL_OVERSHADOW = "RF-VAL-OVERSHADOW"
    RF_DISP_WRITTEN = "RF-DISP-WRITTEN"
    RF_DISP_ORAL_AND_LATE = "RF-DISP-ORAL-AND-LATE"
    RF_DISP_OC = "RF-DISP-OC"
    # other practices
    RF_TIMEBAR = "RF-TIMEBAR"
    RF_BANKRUPTCY = "RF-BANKRUPTCY"
    # TCPA
    TCPA_CONSENT = "TCPA-CONSENT"
    TCPA_REVOKE = "TCPA-REVOKE"
    TCPA_CONFIRM = "TCPA-CONFIRM"
    TCPA_PRERECORD_RES = "TCPA-PRERECORD-RES"
    TCPA_RND = "TCPA-RND"
    TCPA_STATE = "TCPA-STATE"
    # CAN-SPAM, HIPAA
    CS_CLASSIFY = "CS-CLASSIFY"
    HIPAA_MINNEC = "HIPAA-MINNEC"
    # state overlays
    ST_MA = "ST-MA"
    ST_DC = "ST-DC"
    ST_DC_CONSENT = "ST-DC-CONSENT"
    ST_NYC = "ST-NYC"
    ST_NYC_CONSENT = "ST-NYC-CONSENT"
    ST_WA = "ST-WA"
    ST_MN = "ST-MN"
    ST_CA_LICENSE = "ST-CA-LICENSE"


class Verdict(StrEnum):
    ALLOW = "ALLOW"
    REVIEW = "REVIEW"
    BLOCK = "BLOCK"


class Profile(StrEnum):
    FEDERAL = "federal"  # the law as written, every POLICY DEFAULT off
    PRODUCT = "product"  # federal + POLICY DEFAULTs + REGF.md section 20


class Overlay(StrEnum):
    MA = "MA"
    DC = "DC"
    NYC = "NYC"
    WA = "WA"
    CA = "CA"
    MN = "MN"


class Channel(StrEnum):
    CALL = "call"
    RINGLESS_VOICEMAIL = "ringless_voicemail"
    VOICEMAIL_DROP = "voicemail_drop"
    SMS = "sms"
    EMAIL = "email"
    LETTER = "letter"

    @property
    def is_call(self) -> bool:
        # Ringless voicemail and voicemail drops are calls for Reg F (comment 14(b)-1).
        return self in (Channel.CALL, Channel.RINGLESS_VOICEMAIL, Channel.VOICEMAIL_DROP)

    @property
    def medium(self) -> str:
        """The opt-out medium: `call` covers all three call channels."""
        return "call" if self.is_call else self.value


class Purpose(StrEnum):
    COLLECTION = "collection"
    REPLY = "reply"
    OPTOUT_CONFIRMATION = "optout_confirmation"
    VALIDATION_NOTICE = "validation_notice"
    VERIFICATION = "verification"
    CEASE_EXCEPTION = "cease_exception"
    CONSENT_REQUEST = "consent_request"
    LOCATION_INQUIRY = "location_inquiry"
    MARKETING = "marketing"


# Contacts with these purposes never count towards product or state caps (REGF-SCENARIOS 3.3, 24).
UNCOUNTED_PURPOSES = frozenset({Purpose.REPLY, Purpose.OPTOUT_CONFIRMATION, Purpose.VALIDATION_NOTICE})


class Party(StrEnum):
    CONSUMER = "consumer"
    SPOUSE = "spouse"
    EXECUTOR = "executor"
    ATTORNEY = "attorney"
    THIRD_PARTY = "third_party"

    @property
    def is_consumer_side(self) -> bool:
        """1006.6(a) treats spouse and executor as the consumer for the contact rules."""
        return self in (Party.CONSUMER, Party.SPOUSE, Party.EXECUTOR)


class CallResult(StrEnum):
    NO_ANSWER = "no_answer"
    VOICEMAIL = "voicemail"
    LCM = "lcm"
    CONVERSATION = "conversation"
    THIRD_PARTY_CONVERSATION = "third_party_conversation"
    BUSY = "busy"
    NOT_IN_SERVICE = "not_in_service"
    FAILED = "failed"


# Calls that never connected use up no count (comment 14(b)-1).
UNCONNECTED_RESULTS = frozenset({CallResult.BUSY, CallResult.NOT_IN_SERVICE, CallResult.FAILED})
# "Reached the consumer or a voicemail box": the MA and WA counting unit.
REACHED_RESULTS = frozenset({CallResult.CONVERSATION, CallResult.VOICEMAIL, CallResult.LCM})


class Flag(StrEnum):
    NO_SAFE_HARBOR = "no_safe_harbor"
    ADDRESS_REVIEW = "address_review"


class InboundClass(StrEnum):
    OPT_OUT = "OPT_OUT"
    CEASE_REVIEW = "CEASE_REVIEW"
    SUPPRESS_PENDING_REVIEW = "SUPPRESS_PENDING_REVIEW"
    DISPUTE = "DISPUTE"
    HELP = "HELP"
