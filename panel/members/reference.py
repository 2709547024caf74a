"""Answer options for joining and equality monitoring.

Equality questions use the Census 2021 wording and categories (ONS; see
/panel/members/data/SOURCES.md), so the panel can be compared with the population.
Each has "Prefer not to say".
"""

from __future__ import annotations

from dataclasses import dataclass

from panel.i18n import N_

PREFER_NOT_TO_SAY = ("pns", N_("Prefer not to say"))

AGE_BANDS = [
    ("16-24", N_("16 to 24")),
    ("25-34", N_("25 to 34")),
    ("35-44", N_("35 to 44")),
    ("45-54", N_("45 to 54")),
    ("55-64", N_("55 to 64")),
    ("65-74", N_("65 to 74")),
    ("75+", N_("75 or over")),
    PREFER_NOT_TO_SAY,
]

#: the Integrated Care Strategy's life-course themes, then service topics.
TOPICS = [
    ("starting_well", N_("Starting well (pregnancy, babies, children and young people)")),
    ("living_well", N_("Living well (staying healthy, long-term conditions)")),
    ("working_well", N_("Working well (health and work)")),
    ("ageing_well", N_("Ageing well (older people, frailty, care at home)")),
    ("dying_well", N_("Dying well (end of life care)")),
    ("gp", N_("GP practices and primary care")),
    ("hospitals", N_("Hospital services")),
    ("urgent_care", N_("Urgent and emergency care")),
    ("mental_health", N_("Mental health")),
    ("maternity", N_("Maternity services")),
    ("pharmacy", N_("Pharmacies")),
    ("dental", N_("Dentists")),
    ("community", N_("Community services and social care")),
    ("digital", N_("Digital services, like the NHS App")),
    ("cancer", N_("Cancer care")),
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
    ("icb_website", N_("The ICB's website")),
    ("social_media", N_("Social media")),
    ("gp_practice", N_("My GP practice")),
    ("healthwatch", N_("Healthwatch")),
    ("community_group", N_("A voluntary or community group")),
    ("faith_group", N_("A faith group")),
    ("event", N_("An event")),
    ("friend_family", N_("Friends or family")),
    ("other", N_("Somewhere else")),
]


@dataclass(frozen=True)
class EqualityQuestion:
    """One equality question: its field, wording, hint and answers."""

    field: str
    question: str
    hint: str
    options: list[tuple[str, str]]


ETHNIC_GROUPS = [
    ("13", N_("White: English, Welsh, Scottish, Northern Irish or British")),
    ("14", N_("White: Irish")),
    ("15", N_("White: Gypsy or Irish Traveller")),
    ("16", N_("White: Roma")),
    ("17", N_("White: any other White background")),
    ("11", N_("Mixed or Multiple: White and Black Caribbean")),
    ("10", N_("Mixed or Multiple: White and Black African")),
    ("9", N_("Mixed or Multiple: White and Asian")),
    ("12", N_("Mixed or Multiple: any other Mixed or Multiple background")),
    ("3", N_("Asian or Asian British: Indian")),
    ("4", N_("Asian or Asian British: Pakistani")),
    ("1", N_("Asian or Asian British: Bangladeshi")),
    ("2", N_("Asian or Asian British: Chinese")),
    ("5", N_("Asian or Asian British: any other Asian background")),
    ("7", N_("Black, Black British, Caribbean or African: Caribbean")),
    ("6", N_("Black, Black British, Caribbean or African: African")),
    ("8", N_("Black, Black British, Caribbean or African: any other Black background")),
    ("18", N_("Other ethnic group: Arab")),
    ("19", N_("Other ethnic group: any other ethnic group")),
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
        "sex",
        N_("What is your sex?"),
        "",
        [("female", N_("Female")), ("male", N_("Male")), PREFER_NOT_TO_SAY],
    ),
    EqualityQuestion(
        "gender_identity",
        N_("Is the gender you identify with the same as your sex registered at birth?"),
        "",
        [("yes", N_("Yes")), ("no", N_("No")), PREFER_NOT_TO_SAY],
    ),
    EqualityQuestion(
        "sexual_orientation",
        N_("Which of the following best describes your sexual orientation?"),
        "",
        [
            ("straight", N_("Straight or heterosexual")),
            ("gay_lesbian", N_("Gay or lesbian")),
            ("bisexual", N_("Bisexual")),
            ("other", N_("Other sexual orientation")),
            PREFER_NOT_TO_SAY,
        ],
    ),
    EqualityQuestion(
        "ethnic_group",
        N_("What is your ethnic group?"),
        N_("Choose the option that best describes your ethnic group or background."),
        ETHNIC_GROUPS,
    ),
    EqualityQuestion(
        "religion",
        N_("What is your religion?"),
        "",
        [
            ("none", N_("No religion")),
            ("christian", N_("Christian")),
            ("buddhist", N_("Buddhist")),
            ("hindu", N_("Hindu")),
            ("jewish", N_("Jewish")),
            ("muslim", N_("Muslim")),
            ("sikh", N_("Sikh")),
            ("other", N_("Any other religion")),
            PREFER_NOT_TO_SAY,
        ],
    ),
    EqualityQuestion(
        "disability",
        N_(
            "Are your day-to-day activities limited because of a health problem or "
            "disability which has lasted, or is expected to last, at least 12 months?"
        ),
        N_("Include problems related to old age."),
        [
            ("yes_a_lot", N_("Yes, limited a lot")),
            ("yes_a_little", N_("Yes, limited a little")),
            ("no", N_("No")),
            PREFER_NOT_TO_SAY,
        ],
    ),
    EqualityQuestion(
        "carer",
        N_(
            "Do you look after, or give any help or support to, anyone because they have "
            "long-term physical or mental health conditions or illnesses, or problems "
            "related to old age?"
        ),
        N_("Do not count anything you do as part of your paid job."),
        [
            ("no", N_("No")),
            ("yes_under_20", N_("Yes, up to 19 hours a week")),
            ("yes_20_49", N_("Yes, 20 to 49 hours a week")),
            ("yes_50_plus", N_("Yes, 50 or more hours a week")),
            PREFER_NOT_TO_SAY,
        ],
    ),
    EqualityQuestion(
        "armed_forces",
        N_("Have you previously served in the UK Armed Forces?"),
        "",
        [
            ("regular", N_("Yes, in the Regular Armed Forces")),
            ("reserve", N_("Yes, in the Reserve Armed Forces")),
            ("no", N_("No")),
            PREFER_NOT_TO_SAY,
        ],
    ),
]

EQUALITY_FIELDS = [q.field for q in EQUALITY_QUESTIONS]

#: consent wording is versioned: the record says exactly what the person agreed to.
SPECIAL_CATEGORY_CONSENT_VERSION = "equality-2026-11"
SPECIAL_CATEGORY_CONSENT_TEXT = N_(
    "I agree that NHS Lancashire and South Cumbria ICB may keep my answers to the equality "
    "questions to check the panel includes everyone. I can withdraw this at any time."
)
MEMBERSHIP_CONSENT_VERSION = "membership-2026-11"
TRACKING_CONSENT_VERSION = "tracking-2026-11"


def label_for(options: list[tuple[str, str]], value: str | None) -> str:
    """The label of the value among the options, or "" if it is not one of them."""
    return dict(options).get(value or "", "")
