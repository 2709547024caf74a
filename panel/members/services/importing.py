"""Importing the existing panel from CSV: preview with row-level errors, then confirm."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from mailer.transport import is_suppressed
from panel.audit.services import record_audit
from panel.members import reference
from panel.members.matching import household_key
from panel.members.models import (
    ConsentBasis,
    ConsentKind,
    ConsentRecord,
    Member,
    MemberImport,
    MemberStatus,
)
from panel.members.services import households
from panel.places.models import Place
from panel.places.services import (
    BadPostcode,
    OutsideArea,
    PlaceDisagrees,
    PlaceNeeded,
    UnknownDistrict,
    place_for_postcode,
)

MAX_IMPORT_ROWS = 20_000
REQUIRED_COLUMNS = {"first_name", "last_name", "email", "postcode"}
OPTIONAL_COLUMNS = {"place", "age_band", "preferred_format", "language", "joined"}


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why."""


@dataclass
class ImportRow:
    """One row of an import file, its values and what is wrong with it."""

    line: int
    values: dict
    errors: list[str] = field(default_factory=list)
    #: "new" rows are created on confirm; "existing" ones are already on the panel (skipped).
    outcome: str = "new"
    place: Place | None = None


@dataclass
class ImportPreview:
    """An import file read and checked, before anything is added."""

    rows: list[ImportRow]

    @property
    def new_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.outcome == "new" and not r.errors]

    @property
    def error_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]

    @property
    def existing_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.outcome == "existing" and not r.errors]


def _read(content: str) -> list[dict]:
    try:
        return _read_rows(content)
    except csv.Error as error:
        raise ImportFileError(f"The file could not be read as CSV ({error})") from None


def _read_rows(content: str) -> list[dict]:
    # newline=None reads files saved with CR-only line ends (old Mac Excel) as well.
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff"), newline=None))
    headers = {(h or "").strip().lower() for h in (reader.fieldnames or [])}
    missing = REQUIRED_COLUMNS - headers
    if missing:
        raise ImportFileError(
            "The file needs the columns "
            + ", ".join(sorted(REQUIRED_COLUMNS))
            + ". Missing: "
            + ", ".join(sorted(missing))
        )
    rows = []
    for row in reader:
        rows.append(
            {
                (k or "").strip().lower(): (v or "").strip()
                for k, v in row.items()
                if isinstance(v, str)
            }
        )
        if len(rows) > MAX_IMPORT_ROWS:
            raise ImportFileError(f"The file has more than {MAX_IMPORT_ROWS:,} rows: split it")
    if not rows:
        raise ImportFileError("The file has no rows under its header")
    return rows


def preview_import(session: Session, content: str, household_limit: int = 0) -> ImportPreview:
    """Check every row without writing anything; with ``household_limit``, rows that would take
    a household past it are errors. Raises ImportFileError for an unreadable file."""
    places_by_name = {p.name.lower(): p for p in session.scalars(sa.select(Place))}
    places_by_name.update({p.code: p for p in places_by_name.values()})
    seen: dict[str, int] = {}
    result = []
    for number, values in enumerate(_read(content), start=2):
        row = ImportRow(number, values)
        result.append(row)
        try:
            values["email"] = validate_email(
                values.get("email", ""), check_deliverability=False
            ).normalized.lower()
        except EmailNotValidError:
            row.errors.append("Email address is not valid")
        if not values.get("first_name") or not values.get("last_name"):
            row.errors.append("First and last name are needed")
        elif len(values["first_name"]) > 80 or len(values["last_name"]) > 80:
            row.errors.append("Names must be 80 characters or fewer")
        row.place = _place_for(session, values, places_by_name, row)
        if values.get("age_band") and values["age_band"] not in dict(reference.AGE_BANDS):
            row.errors.append(
                "Age band must be one of " + ", ".join(code for code, _ in reference.AGE_BANDS)
            )
        if not row.errors:
            if values["email"] in seen:
                row.errors.append(f"Duplicate of row {seen[values['email']]} in this file")
            else:
                seen[values["email"]] = number
    _mark_existing(session, result)
    if household_limit:
        _check_households(session, result, household_limit)
    return ImportPreview(result)


def _check_households(session: Session, rows: list[ImportRow], limit: int) -> None:
    """A new row whose household (surname and postcode) is already full, counting the members
    held and the earlier rows of the file, is a row error."""
    new = [r for r in rows if not r.errors and r.outcome != "existing"]
    counts = households.household_counts(session, [r.values.get("postcode", "") for r in new])
    for row in new:
        key = household_key(row.values.get("last_name"), row.values.get("postcode"))
        if key is None:
            continue
        if counts[key] >= limit:
            row.errors.append(households.household_message(limit))
        else:
            counts[key] += 1


def _place_for(session, values, places_by_name, row) -> Place | None:
    """The row's place from its postcode, by the rules joining uses; a place column, if the
    file has one, must be one of the places the postcode covers."""
    try:
        postcode_places = place_for_postcode(session, values.get("postcode", ""))
    except BadPostcode:
        row.errors.append("Postcode is not a valid UK postcode")
        return None
    except OutsideArea as outside:
        row.errors.append(f"Postcode {outside.postcode} is outside the ICB area")
        return None
    except UnknownDistrict as unknown:
        row.errors.append(
            f"Unknown postcode {unknown.postcode}: its district is not in our postcode table"
        )
        return None
    values["postcode"] = postcode_places.postcode
    named = None
    if values.get("place"):
        named = places_by_name.get(values["place"].lower())
        if named is None:
            row.errors.append("Place is not one of the ICB's places")
            return None
    try:
        return postcode_places.choose(named.id if named else None).place
    except PlaceNeeded:
        covered = [place.name for place in postcode_places.places]
        if postcode_places.reaches_outside:
            covered.append("outside the ICB area")
        row.errors.append(
            f"Postcode district {postcode_places.outward_code} covers several places "
            f"({', '.join(covered)}): add a place column to say which"
        )
    except PlaceDisagrees:
        row.errors.append(
            f"Place {named.name} does not match postcode {postcode_places.postcode}, "
            f"which is in {postcode_places.names}"
        )
    return None


def _mark_existing(session: Session, rows: list[ImportRow]) -> None:
    emails = [r.values["email"] for r in rows if not r.errors]
    existing = set()
    for start in range(0, len(emails), 500):
        existing.update(
            session.scalars(
                sa.select(Member.email).where(Member.email.in_(emails[start : start + 500]))
            )
        )
    for row in rows:
        if not row.errors and row.values["email"] in existing:
            row.outcome = "existing"
        elif not row.errors and is_suppressed(session, row.values["email"]):
            row.errors.append("This person has left or unsubscribed: they cannot be imported")


def stage_import(
    session: Session, actor, filename: str, content: str, source_id: int | None, now: datetime
) -> MemberImport:
    """Keep an uploaded file for the staff user to preview and confirm."""
    staged = MemberImport(
        staff_user_id=actor.id,
        filename=filename[:200],
        content=content,
        recruitment_source_id=source_id,
        created_at=now,
    )
    session.add(staged)
    session.flush()
    return staged


def confirm_import(
    session: Session, actor, staged: MemberImport, now: datetime, household_limit: int = 0
) -> int:
    """Create the new members of a staged import; re-running it creates nobody twice."""
    if staged.confirmed_at is not None:
        return 0
    preview = preview_import(session, staged.content, household_limit)
    created = []
    for row in preview.new_rows:
        values = row.values
        member = Member(
            email=values["email"],
            first_name=values["first_name"],
            last_name=values["last_name"],
            postcode=values["postcode"],
            place=row.place,
            age_band=values.get("age_band") or None,
            # Not in the file: not known (null), rather than a default nobody chose.
            preferred_format=values.get("preferred_format") or None,
            language=values.get("language") or None,
            status=MemberStatus.ACTIVE,
            consent_basis=ConsentBasis.IMPORTED,
            joined_at=now,
            created_at=now,
            recruitment_source_id=staged.recruitment_source_id,
        )
        member.consents.append(
            ConsentRecord(
                kind=ConsentKind.MEMBERSHIP,
                given=True,
                at=now,
                method="import",
                wording_version=f"existing panel consent (import {staged.id})",
            )
        )
        session.add(member)
        created.append(member)
    session.flush()
    staged.confirmed_at = now
    staged.created_count = len(created)
    staged.content = ""  # the file held personal data: keep only what the members table keeps
    record_audit(
        session,
        actor,
        "members.import",
        "member",
        [m.id for m in created],
        detail=f"import {staged.id}: {len(created)} created, "
        f"{len(preview.existing_rows)} already members, "
        f"{len(preview.error_rows)} rows with errors",
        now=now,
    )
    return len(created)
