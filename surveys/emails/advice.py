"""The guidance checker's reading of a survey email's subject and body: plain language (reading
ease, long sentences and words), jargon and length. Advice shown next to the fields; it never
stops a save."""

from __future__ import annotations

from surveys.emails.wording import PLACEHOLDERS, fill_placeholders
from surveys.guidance.explain import finding, jargon_findings, too_long_findings
from surveys.guidance.readability import words
from surveys.guidance.spec import Finding

#: phones show about this many characters of a subject line before cutting it off.
SUBJECT_CHARACTERS = 60
#: a longer body pushes the survey button out of sight on a phone; people read less of it.
BODY_WORDS = 150
#: what the placeholders read as while checking: ordinary words, so a long survey title does
#: not count against the team's own wording.
_STAND_INS = {name: "it" for name in PLACEHOLDERS} | {"first_name": "Sam"}


def wording_findings(subject: str, body: str) -> dict[str, list[Finding]]:
    """Advice on the email's wording, by field ("subject", "body"). The text must have passed
    surveys.emails.wording.check_wording."""
    subject_text = fill_placeholders(subject, _STAND_INS)
    body_text = fill_placeholders(body, _STAND_INS)
    found: dict[str, list[Finding]] = {"subject": [], "body": []}
    if len(subject_text) > SUBJECT_CHARACTERS:
        found["subject"].append(
            finding(
                "email_length",
                "advice",
                f"The subject line has {len(subject_text)} characters; phones show about "
                f"{SUBJECT_CHARACTERS}, so the end may not be seen.",
                "Put the words that matter first, or shorten it.",
                None,
                None,
            )
        )
    found["subject"] += jargon_findings([subject_text], None, None)
    count = len(words(body_text))
    if count > BODY_WORDS:
        found["body"].append(
            finding(
                "email_length",
                "advice",
                f"The message has {count} words; emails over {BODY_WORDS} are often not read "
                "to the end, and the survey button comes after them.",
                "Keep to why it matters and what you ask; the survey itself can say more.",
                None,
                None,
            )
        )
    found["body"] += too_long_findings(body_text, "message", None, None)
    seen = {f.message for f in found["subject"]}
    found["body"] += [f for f in jargon_findings([body_text], None, None) if f.message not in seen]
    return found
