"""Headers and values in German, Chinese, Spanish, French and Portuguese (and short English
forms), merged into :mod:`followup_analytics.vocab` at import. Data, not code.

Texts are written naturally; they are compared through :func:`followup_analytics.text.key`
(case and accents folded, CJK kept). Chinese has no spaces between words, so the status
keywords below are matched as substrings when they are not ASCII.
"""

from __future__ import annotations

#: Canonical field -> extra header synonyms.
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "company": ("公司", "公司名称", "公司名", "名称", "投递对象", "投递公司名称", "企业", "企业名称", "单位", "投递公司", "雇主",
                "Firma", "Unternehmen", "Arbeitgeber", "Firmenname", "Empresa", "Compañía",
                "Entreprise", "Société", "Employeur", "Companhia", "Empregador",
                "Organisation name", "Employer name"),
    "role": ("岗位", "职位", "投递岗位", "投递职位", "职位名称", "岗位名称", "岗位一", "Stelle", "Stellenbezeichnung",
             "Jobtitel", "Puesto", "Cargo", "Vacante", "Poste", "Intitulé du poste", "Vaga",
             "Função", "Job Position", "Role/Title", "Position applied for"),
    "applied_on": ("投递时间", "投递日期", "申请时间", "申请日期", "网申时间", "投递", "Beworben am",
                   "Bewerbungsdatum", "Datum der Bewerbung", "Bewerbung am",
                   "Fecha de aplicación", "Fecha de postulación", "Fecha de solicitud",
                   "Date de candidature", "Date d'envoi", "Candidature le",
                   "Data de candidatura", "Data da candidatura", "Date sent",
                   "Sent on", "Date of submission", "Applied date", "Application sent",
                   "Date Applied On", "Applied on date"),
    "status": ("状态", "进度", "结果", "面试情况", "投递状态", "当前状态", "进展", "Stand", "Ergebnis",
               "Bewerbungsstatus", "Estado", "Resultado", "Statut", "Résultat", "Situação",
               "Where it stands", "Response?", "Reply?", "Outcome?", "Result?",
               "Status of application"),
    "note": ("备注", "说明", "笔记", "Notiz", "Notizen", "Bemerkung", "Bemerkungen", "Kommentar",
             "Notas", "Comentarios", "Observaciones", "Remarques", "Commentaires",
             "Observações", "Comentários", "Kind of note"),
    "followup_date": ("跟进时间", "跟进日期", "Nachgefasst am", "Nachfassen", "Fecha de seguimiento",
                      "Seguimiento", "Relance", "Date de relance", "Data do follow up",
                      "Date I followed up", "F/U date", "FU date", "Follow-up sent on",
                      "Called on", "Last follow up"),
    "followup_channel": ("Followed up by", "Follow up by", "How I followed up",
                         "Follow up how", "跟进方式", "Kanal", "Canal"),
    "followup_recipient": ("Who I contacted", "Contacted who", "Followed up with",
                           "Contact person role"),
    "response_date": ("回复时间", "反馈时间", "Antwort am", "Antwortdatum", "Fecha de respuesta",
                      "Date de réponse", "Data da resposta", "Date they replied",
                      "Date of 1st response", "Date of first response", "Reply date",
                      "Response received on", "Heard back date"),
    "interview_date": ("面试时间", "面试日期", "Vorstellungsgespräch", "Interviewtermin",
                       "Fecha de entrevista", "Entrevista", "Date d'entretien", "Entretien",
                       "Data da entrevista", "Date interview"),
    "date": ("日期", "时间", "Datum", "Fecha", "Data", "Date de l'événement"),
    "rejection_date": ("Absage am", "Fecha de rechazo", "Date de refus", "Data de rejeição"),
    "offer_date": ("Angebot am", "Fecha de oferta", "Date de l'offre", "Data da oferta"),
}

#: Status text -> event (or None for "no event") in other languages and short forms.
STATUS_SYNONYMS: dict[str, str | None] = {
    # en short forms and negatives
    "heard nothing": None, "not heard back": None, "havent heard back": None,
    "haven t heard back": None, "awaiting response": None, "awaiting reply": None,
    "no response yet": None, "no news": None, "waiting to hear": None,
    "rang them": "followup", "negotiating": "offer", "negotiation": "offer",
    "inter rejec": "interview", "position removed": "reply", "job removed": "reply",
    "posting removed": "reply", "rej": "rejection", "rjct": "rejection", "int": "interview",
    "intv": "interview", "ph screen": "interview", "bin": "rejection", "archive": "rejection",
    "trash": "rejection", "oc": "offer", "offer call": "offer", "under consideration": None,
    "resume downloaded": None, "cv downloaded": None, "application viewed": None,
    "profile viewed": None, "viewed by employer": None, "seen": None,
    "declined offer": "declined", "offer declined": "declined", "no offer": "rejection",
    # de
    "beworben": "applied", "gesendet": "applied", "abgeschickt": "applied",
    "absage": "rejection", "abgelehnt": "rejection", "zusage": "offer", "angebot": "offer",
    "vorstellungsgesprach": "interview", "gesprach": "interview", "einladung": "interview",
    "keine antwort": None, "offen": None, "warte": None, "in bearbeitung": None,
    "zuruckgezogen": "withdrawn", "angenommen": "accepted",
    # es
    "aplicado": "applied", "enviado": "applied", "postulado": "applied",
    "rechazado": "rejection", "rechazo": "rejection", "entrevista": "interview",
    "oferta": "offer", "sin respuesta": None, "pendiente": None, "en proceso": None,
    "aceptado": "accepted", "retirado": "withdrawn",
    # fr
    "postule": "applied", "envoye": "applied", "candidature envoyee": "applied",
    "refus": "rejection", "refuse": "rejection", "entretien": "interview",
    "offre": "offer", "pas de reponse": None, "en attente": None, "en cours": None,
    "accepte": "accepted",
    # pt
    "candidatado": "applied", "candidatura enviada": "applied", "rejeitado": "rejection",
    "reprovado": "rejection", "entrevista marcada": "interview", "proposta": "offer",
    "sem resposta": None, "aguardando": None, "em andamento": None, "aceito": "accepted",
    # zh
    "已投递": "applied", "已投": "applied", "投递": "applied", "已申请": "applied", "网申": "applied",
    "初筛": None, "简历筛选": None, "简历评估": None, "等待": None, "没消息": None, "无消息": None,
    "等捞": None, "泡池子": None, "无": None,
    "笔试": "reply", "测评": "reply", "已测评": "reply", "已笔试": "reply", "待笔试": "reply",
    "面试": "interview", "一面": "interview", "二面": "interview", "三面": "interview",
    "终面": "interview", "hr面": "interview", "已一面": "interview", "已完成二面": "interview",
    "挂": "rejection", "简历挂": "rejection", "笔试挂": "rejection", "面试挂": "rejection",
    "已结束": "rejection", "拒信": "rejection", "未通过": "rejection",
    "offer": "offer", "意向": "offer", "已意向": "offer", "录用": "offer", "oc!": "offer",
    "放弃": "withdrawn", "拒了": "withdrawn",
}

#: Keywords tried after the exact synonyms, in order. Non-ASCII keywords are matched as
#: substrings (Chinese has no spaces), ASCII ones at the start of a word.
STATUS_KEYWORDS: tuple[tuple[str, str | None], ...] = (
    ("未投", None), ("没投", None), ("没消息", None), ("无消息", None), ("初筛", None),
    ("泡池", None), ("等捞", None),
    ("意向", "offer"), ("录用", "offer"),
    ("挂", "rejection"), ("拒信", "rejection"), ("未通过", "rejection"), ("不匹配", "rejection"),
    ("不合适", "rejection"), ("感谢信", "rejection"), ("没岗位", "rejection"),
    ("约面", "reply"), ("面试邀请", "reply"), ("邀请面试", "reply"),  # invited, not yet held
    ("面", "interview"), ("笔试", "reply"), ("测评", "reply"), ("笔", "reply"),
    ("absag", "rejection"), ("abgelehn", "rejection"), ("rechaz", "rejection"),
    ("refus", "rejection"), ("rejeit", "rejection"), ("reprov", "rejection"),
    ("zusage", "offer"), ("angebot", "offer"), ("ofert", "offer"), ("offre", "offer"),
    ("propost", "offer"), ("negotiat", "offer"),
    ("gesprach", "interview"), ("entrevist", "interview"), ("entretien", "interview"),
    ("round", "interview"), ("assess", "reply"), ("assesment", "reply"), ("test", "reply"),
    ("download", None), ("viewed", None),
    ("投", "applied"), ("beworb", "applied"), ("postul", "applied"), ("candidat", "applied"),
)

#: Words that, before a reply word, mean the opposite ("Not heard back", "No response").
NEGATIONS: frozenset[str] = frozenset({
    "no", "not", "never", "nothing", "havent", "haven", "hasnt", "hasn", "didnt", "didn",
    "awaiting", "waiting", "without", "none", "yet", "keine", "kein", "nicht", "noch", "sin",
    "pas", "aucune", "aucun", "sem", "nao", "nada", "nunca", "jamais", "没", "无", "未", "不",
})
#: Reply words that a negation turns into "no event".
REPLY_WORDS: tuple[str, ...] = ("heard", "hear", "respon", "repl", "answer", "news", "contact",
                                "call", "feedback", "antwort", "respuesta", "reponse",
                                "resposta", "回复", "消息", "反馈", "offer", "interview")

#: Flag cells (a tick, yes/no) in several languages.
FLAG_TRUE: frozenset[str] = frozenset({"√", "✅", "☑", "是", "有", "对", "ja", "si", "sí", "oui",
                                       "sim", "yes!", "y!", "done!", "ok"})
FLAG_FALSE: frozenset[str] = frozenset({"×", "✗", "✘", "❌", "否", "无", "没有", "nein", "non",
                                        "nao", "não", "not yet", "need to", "needto"})

#: Header keywords naming an event, for flag and stage columns whose header is not one of
#: :data:`followup_analytics.vocab.STAGE_FLAG_HEADERS` ("Selected for interview?", "Job
#: Offer", "笔试", "HR面"). Tried in order; non-ASCII ones as substrings.
HEADER_EVENTS: tuple[tuple[str, str], ...] = (
    ("offer", "offer"), ("意向", "offer"), ("录用", "offer"), ("angebot", "offer"),
    ("zusage", "offer"), ("oferta", "offer"), ("offre", "offer"), ("proposta", "offer"),
    ("reject", "rejection"), ("absage", "rejection"), ("rechaz", "rejection"),
    ("interview", "interview"), ("面", "interview"), ("gesprach", "interview"),
    ("entrevista", "interview"), ("entretien", "interview"), ("screen", "interview"),
    ("笔试", "reply"), ("测评", "reply"), ("assessment", "reply"), ("test", "reply"),
    ("response", "reply"), ("reply", "reply"), ("replied", "reply"), ("heard back", "reply"),
    ("回复", "reply"), ("antwort", "reply"), ("respuesta", "reply"), ("reponse", "reply"),
    ("follow", "followup"), ("reach out", "followup"), ("thank you", "followup"),
    ("跟进", "followup"), ("nachgefasst", "followup"), ("seguimiento", "followup"),
    ("relance", "followup"),
    ("applied", "applied"), ("finished", "applied"), ("submitted", "applied"),
    ("投递", "applied"), ("beworben", "applied"),
)

#: Words naming an interview inside a status that names another outcome too ("面试挂",
#: "Inter + Rejec", "rejected after interview"): the interview is kept as a second event.
INTERVIEW_WORDS: tuple[str, ...] = ("interview", "inter ", "面", "gesprach", "entrevist",
                                    "entretien", "onsite", "screen")

#: Headers that are a stage by themselves (Chinese trackers keep one column per round).
STAGE_HEADERS: dict[str, str] = {
    "笔试": "reply", "测评": "reply", "简历": "reply", "简历筛选": "reply", "性格测试": "reply",
    "一面": "interview", "二面": "interview", "三面": "interview", "四面": "interview",
    "终面": "interview", "hr面": "interview", "群面": "interview", "面试": "interview",
    "offer": "offer", "oc": "offer", "意向": "offer",
}
