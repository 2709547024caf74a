"""Paper copies' references: short, unambiguous, with a check character so that a typo in one
is caught when the copy's answers are entered.

A reference is seven random characters from Crockford's base 32 (digits and capitals without
I, L, O and U, so nothing is read as something else) and a Luhn mod 32 check character, which
catches every mistyped character and most neighbours swapped. It is printed as two groups of
four (``7KQ2-M9XD``); spaces, the hyphen, small letters and the look-alikes O, I and L are
accepted when it is typed in."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from panel.audit.services import record_audit
from surveys.fieldwork.models import PaperCopy
from surveys.models import Survey

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BODY_LENGTH = 7
#: the most copies made at one time.
MAX_COPIES = 500
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", " ": None, "-": None})


class BadReference(ValueError):
    """A typed reference that cannot be right; the message says why, for the form."""


def check_character(body: str) -> str:
    """The Luhn mod 32 check character of ``body`` (characters of ALPHABET)."""
    total, factor = 0, 2
    for character in reversed(body):
        addend = factor * ALPHABET.index(character)
        total += addend // 32 + addend % 32
        factor = 3 - factor
    return ALPHABET[-total % 32]


def new_reference() -> str:
    """A random reference, check character included (stored without the hyphen)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + check_character(body)


def printed(reference: str) -> str:
    """The reference as printed and shown: two groups of four."""
    return f"{reference[:4]}-{reference[4:]}"


def read_reference(typed: str) -> str:
    """The stored form of a typed reference. Raises BadReference when it cannot be one."""
    reference = (typed or "").strip().upper().translate(_LOOK_ALIKES)
    if not reference:
        raise BadReference("Enter the reference printed on the paper copy")
    if len(reference) != BODY_LENGTH + 1 or any(c not in ALPHABET for c in reference):
        raise BadReference(
            "Enter the reference as printed on the paper copy: 8 letters and numbers, "
            "like 7KQ2-M9XD"
        )
    if check_character(reference[:-1]) != reference[-1]:
        raise BadReference(
            "That reference is not right: check each character against the paper copy"
        )
    return reference


def make_paper_copies(
    session: Session, survey: Survey, user, how_many: int, now: datetime
) -> list[PaperCopy]:
    """``how_many`` new copies of the survey, each with its own reference (audited). Raises
    ValueError for a number out of range."""
    if not 1 <= how_many <= MAX_COPIES:
        raise ValueError(f"Enter a number from 1 to {MAX_COPIES}")
    references: set[str] = set()
    while len(references) < how_many:
        wanted = {new_reference() for _ in range(how_many - len(references))}
        # A clash with a stored reference is unlikely (34 billion) but costs nothing to avoid.
        taken = set(
            session.scalars(sa.select(PaperCopy.reference).where(PaperCopy.reference.in_(wanted)))
        )
        references |= wanted - taken
    copies = [
        PaperCopy(survey_id=survey.id, reference=reference, created_at=now, created_by_id=user.id)
        for reference in sorted(references)
    ]
    session.add_all(copies)
    session.flush()
    record_audit(
        session, user, "survey.paper_copies", "survey", [survey.id], f"{how_many} copies", now=now
    )
    return copies
