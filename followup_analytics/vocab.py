"""Canonical vocabularies and their synonyms: one place, data rather than code.

Matching is done by :func:`followup_analytics.ingest.values.normalise`: a value is
reduced to a *key* (lower case, accents folded, every run of non-alphanumerics turned into one
space, trimmed) and looked up among the synonyms below (also keyed). When no synonym matches
exactly, the ``*_KEYWORDS`` tables are tried in order: the first canonical value one of whose
words or word-stems occurs in the key wins ("rejected :(" -> rejection). Text that still does
not match becomes ``"other"`` and is listed in the LoadReport with its count, so users can
extend these tables (or pass their own) instead of losing the information.

To extend a vocabulary for one load, pass e.g. ``load(..., vocab={"channel": {"Slack": "text"}})``.
"""

from __future__ import annotations

# --------------------------------------------------------------------------- categories
#: Event kinds, in the order a typical application moves through them.
EVENTS: tuple[str, ...] = (
    "applied", "followup", "interview", "reply", "rejection", "offer",
    "accepted", "declined", "withdrawn",
)
#: Employer-initiated events: any of these after applying is a *response*.
RESPONSE_EVENTS: tuple[str, ...] = ("reply", "interview", "rejection", "offer")
CHANNELS: tuple[str, ...] = (
    "email", "phone", "voicemail", "letter", "linkedin", "in_person", "text", "other", "unknown",
)
LETTER_TYPES: tuple[str, ...] = (
    "thank_you", "status_check", "still_interested", "feedback_request", "value_add",
    "other", "unknown",
)
RECIPIENTS: tuple[str, ...] = (
    "hr", "hiring_manager", "recruiter", "interviewer", "other", "unknown",
)
#: Furthest-stage ladder (see docs/definitions.md).
STAGES: tuple[str, ...] = ("applied", "responded", "interviewed", "offered", "accepted")

#: Cell values that mean "nothing here".
MISSING_MARKERS: frozenset[str] = frozenset(
    {"", "-", "--", "---", "n/a", "na", "n.a.", "null", "none", "nil", "nan", "nat", "tbd",
     "tba", "?", "??", "unknown date", "#n/a", "#value!", "#ref!"}
)

# --------------------------------------------------------------------------- statuses
#: Status / outcome / stage text -> event. ``None`` means "no event" (e.g. ghosted:
#: silence is the absence of a response, never an event).
STATUS_SYNONYMS: dict[str, str | None] = {
    # applied / still open
    "applied": "applied", "application sent": "applied", "submitted": "applied",
    "sent": "applied", "wishlist": None, "saved": None, "bookmarked": None,
    "interested": None, "to apply": None, "not applied": None, "draft": None,
    "pending": None, "in progress": None, "waiting": None, "open": None, "active": None,
    "under review": None, "in review": None, "application viewed": None, "viewed": None,
    "ghosted": None, "no response": None, "no reply": None, "no answer": None,
    "never heard back": None, "radio silence": None, "silence": None, "nothing": None,
    # employer contact that is not an interview, a rejection nor an offer
    "reply": "reply", "replied": "reply", "responded": "reply", "response": "reply",
    "heard back": "reply", "contacted": "reply", "recruiter reached out": "reply",
    "assessment": "reply", "take home": "reply", "coding challenge": "reply",
    "screening": "interview", "phone screen": "interview", "screen": "interview",
    # interviews
    "interview": "interview", "interviewing": "interview", "interviewed": "interview",
    "1st interview": "interview", "2nd interview": "interview", "3rd interview": "interview",
    "first interview": "interview", "second interview": "interview",
    "final interview": "interview", "onsite": "interview", "on site": "interview",
    "technical interview": "interview", "panel interview": "interview",
    # rejections
    "rejected": "rejection", "rejection": "rejection", "denied": "rejection",
    "declined by employer": "rejection", "not selected": "rejection",
    "not moving forward": "rejection", "no longer under consideration": "rejection",
    "position filled": "rejection", "unsuccessful": "rejection", "turned down": "rejection",
    "no": "rejection", "closed": "rejection", "archived": "rejection",
    # offers and their outcomes
    "offer": "offer", "offered": "offer", "job offer": "offer", "got offer": "offer",
    "offer received": "offer", "accepted": "accepted", "offer accepted": "accepted",
    "hired": "accepted", "signed": "accepted", "declined": "declined",
    "offer declined": "declined", "i declined": "declined", "turned down offer": "declined",
    "withdrawn": "withdrawn", "withdrew": "withdrawn", "withdraw": "withdrawn",
    "retracted": "withdrawn", "no longer interested": "withdrawn",
    # follow-ups written in an event log
    "followup": "followup", "follow up": "followup", "followed up": "followup",
    "follow up sent": "followup", "thank you sent": "followup", "sent thank you": "followup",
    "checked in": "followup", "check in": "followup", "nudge": "followup",
}
#: Statuses saying the seeker has not applied (yet): such rows are not applications and go
#: to ``report.dropped`` with the reason. Keys as produced by :func:`text.key`.
NOT_APPLIED_STATUSES: frozenset[str] = frozenset({
    "wishlist", "wish list", "wish", "saved", "save", "bookmarked", "bookmark", "interested",
    "to apply", "not applied", "not yet applied", "not applied yet", "draft", "watchlist",
    "watch list", "watching", "planned", "plan to apply", "planning to apply", "todo", "to do",
    "prospect", "prospects", "researching", "research", "considering", "maybe", "idea",
    "ideas", "waiting for referral", "waiting on referral", "need referral",
    "referral needed", "asked for referral", "will apply", "apply", "to be applied",
    "not started", "backlog", "target", "targets", "lead", "leads", "shortlist",
    "shortlisted by me", "queued", "queue", "upcoming", "found", "new",
    # de, es, fr, pt, zh
    "merkliste", "vorgemerkt", "noch nicht beworben", "geplant", "zu bewerben",
    "por aplicar", "pendiente de aplicar", "no aplicado", "guardado", "a postuler",
    "pas encore postule", "sauvegarde", "a candidatar", "nao candidatado", "salvo",
    "待投递", "未投递", "收藏", "准备投递", "想投", "未投", "没投", "不投",
})
#: Words that make a longer status "not applied" ("未投（岗位未开放）", "not applied yet").
NOT_APPLIED_KEYWORDS: tuple[str, ...] = ("未投", "没投", "不投", "待投", "not applied",
                                         "to apply", "wish list", "wishlist",
                                         "noch nicht beworben")
#: Fallback keywords for statuses, tried in order on the words of the key.
STATUS_KEYWORDS: tuple[tuple[str, str | None], ...] = (
    ("ghost", None), ("no response", None), ("no reply", None), ("never heard", None),
    ("accept", "accepted"), ("hired", "accepted"),
    ("declin", "declined"), ("withdr", "withdrawn"),
    ("offer", "offer"),
    ("reject", "rejection"), ("denied", "rejection"), ("not selected", "rejection"),
    ("unsuccessful", "rejection"), ("not moving", "rejection"), ("filled", "rejection"),
    ("interview", "interview"), ("screen", "interview"), ("onsite", "interview"),
    ("follow", "followup"), ("thank", "followup"), ("check", "followup"),
    ("repl", "reply"), ("respon", "reply"), ("heard", "reply"),
    ("appl", "applied"), ("submit", "applied"),
)

# --------------------------------------------------------------------------- channels
CHANNEL_SYNONYMS: dict[str, str] = {
    "email": "email", "e mail": "email", "mail": "email", "emailed": "email",
    "gmail": "email", "outlook": "email", "inbox": "email", "electronic mail": "email",
    "phone": "phone", "call": "phone", "called": "phone", "phone call": "phone",
    "telephone": "phone", "rang": "phone", "cell": "phone",
    "voicemail": "voicemail", "voice mail": "voicemail", "vm": "voicemail",
    "left voicemail": "voicemail", "left a message": "voicemail", "left message": "voicemail",
    "letter": "letter", "snail mail": "letter", "post": "letter", "posted": "letter",
    "posted letter": "letter", "handwritten": "letter", "handwritten note": "letter",
    "card": "letter", "thank you card": "letter", "note card": "letter", "usps": "letter",
    "mailed letter": "letter", "paper": "letter",
    "linkedin": "linkedin", "linked in": "linkedin", "li": "linkedin", "inmail": "linkedin",
    "linkedin message": "linkedin", "linkedin dm": "linkedin",
    "in person": "in_person", "inperson": "in_person", "face to face": "in_person",
    "visit": "in_person", "walk in": "in_person", "dropped by": "in_person",
    "career fair": "in_person", "at the office": "in_person",
    "text": "text", "sms": "text", "texted": "text", "whatsapp": "text", "imessage": "text",
    "other": "other",
}
CHANNEL_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("voicemail", "voicemail"), ("voice mail", "voicemail"), ("snail", "letter"),
    ("handwrit", "letter"), ("letter", "letter"), ("card", "letter"),
    ("linkedin", "linkedin"), ("inmail", "linkedin"), ("email", "email"), ("e mail", "email"),
    ("mail", "email"), ("phone", "phone"), ("call", "phone"), ("person", "in_person"),
    ("text", "text"), ("sms", "text"),
)

# --------------------------------------------------------------------------- letter types
LETTER_TYPE_SYNONYMS: dict[str, str] = {
    "thank you": "thank_you", "thankyou": "thank_you", "thanks": "thank_you",
    "ty": "thank_you", "ty note": "thank_you", "thank you note": "thank_you",
    "thank you email": "thank_you", "thank you letter": "thank_you",
    "thank you card": "thank_you", "post interview thank you": "thank_you",
    "status check": "status_check", "status": "status_check", "checked in": "status_check",
    "check in": "status_check", "status inquiry": "status_check", "status enquiry": "status_check",
    "status update": "status_check", "follow up": "status_check", "followup": "status_check",
    "nudge": "status_check", "any update": "status_check", "application status": "status_check",
    "still interested": "still_interested", "keep me in mind": "still_interested",
    "remain interested": "still_interested", "post rejection": "still_interested",
    "after rejection": "still_interested", "keep in touch": "still_interested",
    "feedback": "feedback_request", "feedback request": "feedback_request",
    "asked for feedback": "feedback_request", "request feedback": "feedback_request",
    "value add": "value_add", "value added": "value_add", "valueadd": "value_add",
    "portfolio": "value_add", "work sample": "value_add", "article": "value_add",
    "idea": "value_add", "proposal": "value_add", "other": "other",
}
LETTER_TYPE_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("thank", "thank_you"), ("feedback", "feedback_request"), ("still", "still_interested"),
    ("keep me", "still_interested"), ("value", "value_add"), ("sample", "value_add"),
    ("status", "status_check"), ("check", "status_check"), ("update", "status_check"),
    ("follow", "status_check"),
)

# --------------------------------------------------------------------------- recipients
RECIPIENT_SYNONYMS: dict[str, str] = {
    "hr": "hr", "human resources": "hr", "people team": "hr", "talent": "hr",
    "talent acquisition": "hr", "ta": "hr", "people ops": "hr",
    "hiring manager": "hiring_manager", "manager": "hiring_manager", "hm": "hiring_manager",
    "boss": "hiring_manager", "team lead": "hiring_manager",
    "recruiter": "recruiter", "recruiting": "recruiter", "agency": "recruiter",
    "headhunter": "recruiter", "sourcer": "recruiter",
    "interviewer": "interviewer", "interviewers": "interviewer", "panel": "interviewer",
    "panelist": "interviewer", "other": "other",
}
RECIPIENT_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("recruit", "recruiter"), ("hiring", "hiring_manager"), ("manager", "hiring_manager"),
    ("interview", "interviewer"), ("human", "hr"), ("talent", "hr"),
)

# --------------------------------------------------------------------------- headers
#: Canonical field -> header synonyms (keyed like values). Wide-layout repeated groups
#: ("Follow-up 1 date", "Follow up #2 channel", "Interview 3") are recognised by the header
#: matcher, which strips an ordinal before looking the rest up here.
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "application_id": ("application id", "app id", "id", "job id", "application", "ref",
                        "reference", "application key", "app", "key", "posting id"),
    "seeker": ("seeker", "student", "client", "candidate", "participant", "jobseeker",
               "job seeker", "name", "student name", "client name", "candidate name",
               "full name", "email", "student email", "client email", "seeker id",
               "student id", "client id", "person"),
    "company": ("company", "company name", "employer", "organisation", "organization",
                "org", "firm", "business"),
    "role": ("role", "job title", "title", "position", "job", "job role", "position title",
             "job position", "vacancy", "opening"),
    "applied_on": ("applied on", "date applied", "application date", "applied",
                   "applied date", "submitted", "submitted on", "date submitted",
                   "submission date", "date of application", "apply date", "app date"),
    "status": ("status", "stage", "outcome", "result", "list", "current status",
               "application status", "state", "pipeline stage", "column"),
    "followup_date": ("follow up date", "followup date", "followed up", "followed up on",
                      "follow up", "followup", "date followed up", "follow up on",
                      "follow up sent", "nudge date"),
    "followup_channel": ("follow up channel", "followup channel", "follow up method",
                         "follow up via", "channel", "method", "how", "medium", "via",
                         "contact method"),
    "followup_type": ("follow up type", "followup type", "letter type", "type of follow up",
                      "kind", "follow up kind", "note type", "message type", "purpose"),
    "followup_recipient": ("follow up recipient", "followup recipient", "follow up to",
                           "recipient", "sent to", "contact role", "to whom", "addressee"),
    "response_date": ("response date", "date of response", "reply date", "replied on",
                      "heard back", "heard back on", "response on", "date heard back",
                      "first response", "response received"),
    "interview_date": ("interview date", "interview", "interview on", "date of interview",
                       "interviewed on", "interview scheduled"),
    "rejection_date": ("rejection date", "rejected on", "date rejected", "rejected"),
    "offer_date": ("offer date", "offer received", "date of offer", "offer on", "offer"),
    "outcome_date": ("outcome date", "decision date", "status date", "last updated",
                     "date of outcome", "closed on", "updated"),
    # event-log fields
    "date": ("date", "event date", "when", "day", "timestamp", "activity date"),
    "event": ("event", "action", "activity", "what", "what happened", "event type", "step"),
    "channel": ("channel", "via", "medium", "method", "how"),
    "letter_type": ("letter type", "type", "note type", "message type", "follow up type"),
    "recipient": ("recipient", "to", "sent to", "contact", "contact role", "with"),
    "note": ("note", "notes", "comment", "comments", "remarks", "details", "description"),
}
#: Canonical fields that are written as headers with a number ("Follow-up 2 date").
REPEATED_FIELDS: tuple[str, ...] = (
    "followup_date", "followup_channel", "followup_type", "followup_recipient",
    "interview_date",
)
#: Stage-flag layout: header -> event. A column whose header keys to one of these and
#: whose cells hold a flag (x, yes, ✓, TRUE, 1) or a date is a stage column.
STAGE_FLAG_HEADERS: dict[str, str] = {
    "applied": "applied", "application sent": "applied", "submitted": "applied",
    "followed up": "followup", "follow up": "followup", "thank you sent": "followup",
    "heard back": "reply", "response": "reply", "replied": "reply", "screen": "interview",
    "phone screen": "interview", "interview": "interview", "1st interview": "interview",
    "2nd interview": "interview", "3rd interview": "interview", "final interview": "interview",
    "onsite": "interview", "rejected": "rejection", "rejection": "rejection",
    "offer": "offer", "offered": "offer", "accepted": "accepted", "declined": "declined",
    "withdrawn": "withdrawn",
}
FLAG_TRUE: frozenset[str] = frozenset({"x", "yes", "y", "true", "1", "✓", "✔", "done", "v"})
FLAG_FALSE: frozenset[str] = frozenset({"no", "n", "false", "0", ""})


# --------------------------------------------------------------------------- languages
def _merge_languages() -> None:
    """Add the synonyms of :mod:`followup_analytics.vocab_i18n` (keyed) to the tables above."""
    from . import vocab_i18n as _i18n
    from .text import key as _key

    for field_name, extra in _i18n.FIELD_SYNONYMS.items():
        have = FIELD_SYNONYMS[field_name]
        FIELD_SYNONYMS[field_name] = have + tuple(k for k in map(_key, extra)
                                                  if k and k not in have)
    for text_, canon in _i18n.STATUS_SYNONYMS.items():
        STATUS_SYNONYMS.setdefault(_key(text_), canon)


_merge_languages()
