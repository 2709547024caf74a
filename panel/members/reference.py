"""Answer options for joining and equality monitoring.

Equality questions use the Census 2021 wording and categories (ONS; see
/panel/members/data/SOURCES.md), so the panel can be compared with the population.
Each has "Prefer not to say".
"""

from __future__ import annotations

from dataclasses import dataclass

PREFER_NOT_TO_SAY = ("pns", "Prefer not to say")

AGE_BANDS = [
    ("16-24", "16 to 24"),
    ("25-34", "25 to 34"),
    ("35-44", "35 to 44"),
    ("45-54", "45 to 54"),
    ("55-64", "55 to 64"),
    ("65-74", "65 to 74"),
    ("75+", "75 or over"),
    PREFER_NOT_TO_SAY,
]

#: the Integrated Care Strategy's life-course themes, then service topics.
TOPICS = [
    ("starting_well", "Starting well (pregnancy, babies, children and young people)"),
    ("living_well", "Living well (staying healthy, long-term conditions)"),
    ("working_well", "Working well (health and work)"),
    ("ageing_well", "Ageing well (older people, frailty, care at home)"),
    ("dying_well", "Dying well (end of life care)"),
    ("gp", "GP practices and primary care"),
    ("hospitals", "Hospital services"),
    ("urgent_care", "Urgent and emergency care"),
    ("mental_health", "Mental health"),
    ("maternity", "Maternity services"),
    ("pharmacy", "Pharmacies"),
    ("dental", "Dentists"),
    ("community", "Community services and social care"),
    ("digital", "Digital services, like the NHS App"),
    ("cancer", "Cancer care"),
]

FORMATS = [("standard", "Standard"), ("easy_read", "Easy read"), ("large_print", "Large print")]

LANGUAGES = [
    ("en", "English"),
    ("ur", "Urdu"),
    ("pa", "Punjabi"),
    ("gu", "Gujarati"),
    ("bn", "Bengali"),
    ("pl", "Polish"),
    ("ar", "Arabic"),
    ("bsl", "British Sign Language"),
    ("other", "Another language"),
]

HEARD_FROM = [
    ("icb_website", "The ICB's website"),
    ("social_media", "Social media"),
    ("gp_practice", "My GP practice"),
    ("healthwatch", "Healthwatch"),
    ("community_group", "A voluntary or community group"),
    ("faith_group", "A faith group"),
    ("event", "An event"),
    ("friend_family", "Friends or family"),
    ("other", "Somewhere else"),
]


@dataclass(frozen=True)
class EqualityQuestion:
    """One equality question: its field, wording, hint and answers."""

    field: str
    question: str
    hint: str
    options: list[tuple[str, str]]


ETHNIC_GROUPS = [
    ("13", "White: English, Welsh, Scottish, Northern Irish or British"),
    ("14", "White: Irish"),
    ("15", "White: Gypsy or Irish Traveller"),
    ("16", "White: Roma"),
    ("17", "White: any other White background"),
    ("11", "Mixed or Multiple: White and Black Caribbean"),
    ("10", "Mixed or Multiple: White and Black African"),
    ("9", "Mixed or Multiple: White and Asian"),
    ("12", "Mixed or Multiple: any other Mixed or Multiple background"),
    ("3", "Asian or Asian British: Indian"),
    ("4", "Asian or Asian British: Pakistani"),
    ("1", "Asian or Asian British: Bangladeshi"),
    ("2", "Asian or Asian British: Chinese"),
    ("5", "Asian or Asian British: any other Asian background"),
    ("7", "Black, Black British, Caribbean or African: Caribbean"),
    ("6", "Black, Black British, Caribbean or African: African"),
    ("8", "Black, Black British, Caribbean or African: any other Black background"),
    ("18", "Other ethnic group: Arab"),
    ("19", "Other ethnic group: any other ethnic group"),
    PREFER_NOT_TO_SAY,
]

#: Census 2021 five-group summary of each 19-category code, for comparison with TS021.
ETHNIC_GROUP_SUMMARY = {
    **{c: "white" for c in ("13", "14", "15", "16", "17")},
    **{c: "mixed" for c in ("9", "10", "11", "12")},
    **{c: "asian" for c in ("1", "2", "3", "4", "5")},
    **{c: "black" for c in ("6", "7", "8")},
    **{c: "other" for c in ("18", "19")},
}

EQUALITY_QUESTIONS = [
    EqualityQuestion(
        "sex", "What is your sex?", "", [("female", "Female"), ("male", "Male"), PREFER_NOT_TO_SAY]
    ),
    EqualityQuestion(
        "gender_identity",
        "Is the gender you identify with the same as your sex registered at birth?",
        "",
        [("yes", "Yes"), ("no", "No"), PREFER_NOT_TO_SAY],
    ),
    EqualityQuestion(
        "sexual_orientation",
        "Which of the following best describes your sexual orientation?",
        "",
        [
            ("straight", "Straight or heterosexual"),
            ("gay_lesbian", "Gay or lesbian"),
            ("bisexual", "Bisexual"),
            ("other", "Other sexual orientation"),
            PREFER_NOT_TO_SAY,
        ],
    ),
    EqualityQuestion(
        "ethnic_group",
        "What is your ethnic group?",
        "Choose the option that best describes your ethnic group or background.",
        ETHNIC_GROUPS,
    ),
    EqualityQuestion(
        "religion",
        "What is your religion?",
        "",
        [
            ("none", "No religion"),
            ("christian", "Christian"),
            ("buddhist", "Buddhist"),
            ("hindu", "Hindu"),
            ("jewish", "Jewish"),
            ("muslim", "Muslim"),
            ("sikh", "Sikh"),
            ("other", "Any other religion"),
            PREFER_NOT_TO_SAY,
        ],
    ),
    EqualityQuestion(
        "disability",
        "Are your day-to-day activities limited because of a health problem or "
        "disability which has lasted, or is expected to last, at least 12 months?",
        "Include problems related to old age.",
        [
            ("yes_a_lot", "Yes, limited a lot"),
            ("yes_a_little", "Yes, limited a little"),
            ("no", "No"),
            PREFER_NOT_TO_SAY,
        ],
    ),
    EqualityQuestion(
        "carer",
        "Do you look after, or give any help or support to, anyone because they have "
        "long-term physical or mental health conditions or illnesses, or problems "
        "related to old age?",
        "Do not count anything you do as part of your paid job.",
        [
            ("no", "No"),
            ("yes_under_20", "Yes, up to 19 hours a week"),
            ("yes_20_49", "Yes, 20 to 49 hours a week"),
            ("yes_50_plus", "Yes, 50 or more hours a week"),
            PREFER_NOT_TO_SAY,
        ],
    ),
    EqualityQuestion(
        "armed_forces",
        "Have you previously served in the UK Armed Forces?",
        "",
        [
            ("regular", "Yes, in the Regular Armed Forces"),
            ("reserve", "Yes, in the Reserve Armed Forces"),
            ("no", "No"),
            PREFER_NOT_TO_SAY,
        ],
    ),
]

EQUALITY_FIELDS = [q.field for q in EQUALITY_QUESTIONS]

#: consent wording is versioned: the record says exactly what the person agreed to.
SPECIAL_CATEGORY_CONSENT_VERSION = "equality-2026-11"
SPECIAL_CATEGORY_CONSENT_TEXT = (
    "I agree that NHS Lancashire and South Cumbria ICB may keep my answers to the equality "
    "questions to check the panel includes everyone. I can withdraw this at any time."
)
MEMBERSHIP_CONSENT_VERSION = "membership-2026-11"
TRACKING_CONSENT_VERSION = "tracking-2026-11"


def label_for(options: list[tuple[str, str]], value: str | None) -> str:
    """The label of the value among the options, or "" if it is not one of them."""
    return dict(options).get(value or "", "")
