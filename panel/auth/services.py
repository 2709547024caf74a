"""Staff sign-in (password, then a second factor), throttling, sessions, password reset,
invitations, roles."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

import pyotp
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from mailer.transport import queue_email
from panel.audit.services import record_audit
from panel.auth import throttle
from panel.auth.models import RecoveryCode, Role, StaffUser, new_session_token
from panel.auth.passwords import hash_password, password_problem, verify_password
from panel.email_requests import (
    EmailRequest,
    EmailRequestKind,
    email_request_handler,
    record_email_request,
)
from panel.field_errors import FieldError
from panel.login_sessions import end_all_sessions, start_login_session
from panel.partners.models import PartnerOrganisation
from panel.places.models import Place
from panel.tokens import InvalidToken, TokenPurpose, make_token, read_token

RECOVERY_CODE_COUNT = 10
RESET_TOKEN_MAX_AGE = 60 * 60
INVITE_TOKEN_MAX_AGE = 7 * 24 * 60 * 60


class AuthError(FieldError):
    """A sign-in or account step failed; the message is safe to show, next to ``field``."""


class TooManyAttempts(AuthError):
    """Too many recent failures for this account from this address: wait ``wait_seconds``.

    Raised the same way for an email address no account has, so it reveals nothing.
    """

    def __init__(self, wait_seconds: int):
        super().__init__(
            "Too many failed attempts from your connection. Wait a few minutes and try again"
        )
        self.wait_seconds = wait_seconds


SIGN_IN_REFUSED = "Enter a correct email address and password"
WRONG_CODE = "Enter the current 6-digit code from your authenticator app, or a recovery code"


class PasswordStep(Enum):
    """What a correct password leads to: the code step, or setting up an authenticator."""

    NEEDS_SECOND_FACTOR = "totp"
    NEEDS_ENROLMENT = "enrol"


def normalise_email(email: str) -> str:
    """The address trimmed and lower-cased, as accounts are stored."""
    return (email or "").strip().lower()


def find_staff_by_email(session: Session, email: str) -> StaffUser | None:
    """The staff user with that address, or None."""
    return session.scalar(sa.select(StaffUser).where(StaffUser.email == normalise_email(email)))


def check_password(
    session: Session, email: str, password: str, address: str, now: datetime
) -> tuple[StaffUser, PasswordStep]:
    """First sign-in step for ``email`` from client ``address``.

    Raises AuthError (the same for an unknown email, a disabled account and a wrong password)
    or TooManyAttempts. The caller must commit, so that failures are counted.
    """
    key = throttle.throttle_key("password", email, address)
    _refuse_if_waiting(session, key, now)
    user = find_staff_by_email(session, email)
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or not user.is_enabled or not password_ok:
        throttle.record_failure(session, key, now)
        raise AuthError(SIGN_IN_REFUSED)
    throttle.clear_failures(session, key)
    if user.has_second_factor:
        return user, PasswordStep.NEEDS_SECOND_FACTOR
    # The secret is made here, on the password POST, so that the set-up page (a GET) only reads.
    start_totp_enrolment(user)
    return user, PasswordStep.NEEDS_ENROLMENT


def _code_key(user: StaffUser, address: str) -> str:
    return throttle.throttle_key("second-factor", str(user.id), address)


def _refuse_if_waiting(session: Session, key: str, now: datetime) -> None:
    wait = throttle.seconds_to_wait(session, key, now)
    if wait:
        raise TooManyAttempts(wait)


def _hash_recovery_code(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    cleaned = code.replace("-", "").replace(" ", "").lower()
    return hmac.new(key, cleaned.encode(), hashlib.sha256).hexdigest()


def _accept_totp(user: StaffUser, code: str, now: datetime) -> bool:
    if not user.totp_secret:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    cleaned = code.replace(" ", "")
    for offset in (-1, 0, 1):
        step = int(now.timestamp()) // totp.interval + offset
        if hmac.compare_digest(totp.generate_otp(step), cleaned):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False
            user.totp_last_step = step
            return True
    return False


def check_second_factor(
    session: Session, user: StaffUser, code: str, address: str, now: datetime
) -> None:
    """Accept a current TOTP code or an unused recovery code; raises AuthError or
    TooManyAttempts (failures are counted per account and address, as for passwords)."""
    key = _code_key(user, address)
    _refuse_if_waiting(session, key, now)
    if _accept_totp(user, code, now):
        _complete_login(session, user, key, now)
        return
    hashed = _hash_recovery_code(code)
    for recovery in user.recovery_codes:
        if recovery.used_at is None and hmac.compare_digest(recovery.code_hash, hashed):
            recovery.used_at = now
            _complete_login(session, user, key, now)
            record_audit(
                session, user, "staff.recovery_code_used", "staff_user", [user.id], now=now
            )
            return
    throttle.record_failure(session, key, now)
    raise AuthError(WRONG_CODE)


def _complete_login(session: Session, user: StaffUser, key: str, now: datetime) -> None:
    throttle.clear_failures(session, key)
    user.last_login_at = now


def start_staff_session(session: Session, user: StaffUser, now: datetime) -> str:
    """Sign the user in on this browser after both factors; returns the cookie's token."""
    lifetime = timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    return start_login_session(session, now, lifetime, staff_user_id=user.id)


def start_totp_enrolment(user: StaffUser) -> str:
    """Give the user a fresh, unconfirmed TOTP secret (kept until confirmed) and return it."""
    if not user.totp_secret or user.totp_confirmed_at is None:
        user.totp_secret = user.totp_secret or pyotp.random_base32()
    return user.totp_secret


def totp_uri(user: StaffUser) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(
        name=user.email, issuer_name="LSC Citizens' Panel"
    )


def confirm_totp_enrolment(
    session: Session, user: StaffUser, code: str, address: str, now: datetime
) -> list[str]:
    """Confirm the authenticator with a code; returns new recovery codes. A new second factor
    ends every session the user had. Raises AuthError or TooManyAttempts."""
    key = _code_key(user, address)
    _refuse_if_waiting(session, key, now)
    if not _accept_totp(user, code, now):
        throttle.record_failure(session, key, now)
        raise AuthError("The code did not match. Check the time on your phone and try again")
    user.totp_confirmed_at = now
    _complete_login(session, user, key, now)
    record_audit(session, user, "staff.second_factor_enrolled", "staff_user", [user.id], now=now)
    return regenerate_recovery_codes(session, user, now)


def regenerate_recovery_codes(
    session: Session, user: StaffUser, now: datetime, keep_token: str | None = None
) -> list[str]:
    """Replace every recovery code; the plain codes are shown once and never stored.

    New codes are a change of second factor: every session of the user ends except the one
    holding ``keep_token`` (the browser that asked for them).
    """
    end_all_sessions(session, staff_user_id=user.id, keep_token=keep_token)
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    user.recovery_codes.clear()
    for code in codes:
        user.recovery_codes.append(
            RecoveryCode(code_hash=_hash_recovery_code(code), created_at=now)
        )
    return codes


def set_password(session: Session, user: StaffUser, password: str, now: datetime) -> None:
    """Set a new password and end every session of the user. Raises AuthError if too weak."""
    problem = password_problem(password)
    if problem:
        raise AuthError(problem)
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    user.session_token = new_session_token()
    end_all_sessions(session, staff_user_id=user.id)


def _reset_fingerprint(user: StaffUser) -> str:
    # Binding the token to the current hash makes it single-use: a new password invalidates it.
    return hashlib.sha256((user.password_hash or "unset").encode()).hexdigest()[:16]


def password_reset_token(user: StaffUser) -> str:
    """A signed reset token, void once the password changes."""
    return make_token(TokenPurpose.PASSWORD_RESET, [user.id, _reset_fingerprint(user)])


def request_password_reset(session: Session, email: str, now: datetime) -> None:
    """Ask for a reset link for ``email``: the same single insert whether or not an account
    has it; ``send_password_reset`` (run by the job) decides whether anything is sent."""
    record_email_request(session, EmailRequestKind.STAFF_PASSWORD_RESET, email, now)


@email_request_handler(EmailRequestKind.STAFF_PASSWORD_RESET)
def send_password_reset(session: Session, request: EmailRequest, now: datetime) -> None:
    """Queue a reset link if an enabled account with a password has the address."""
    user = find_staff_by_email(session, request.email)
    if user is None or not user.is_enabled or not user.password_hash:
        return
    token = password_reset_token(user)
    queue_email(
        session,
        to_email=user.email,
        template="staff_password_reset",
        context={"name": user.name, "token": token},
        idempotency_key=f"reset:{user.id}:{token[-16:]}",
        now=now,
    )


def user_for_reset_token(session: Session, token: str) -> StaffUser:
    """The user a valid, unused reset token belongs to; raises InvalidToken."""
    user_id, fingerprint = read_token(TokenPurpose.PASSWORD_RESET, token, RESET_TOKEN_MAX_AGE)
    user = session.get(StaffUser, user_id)
    if user is None or not hmac.compare_digest(fingerprint, _reset_fingerprint(user)):
        raise InvalidToken()
    return user


def invite_token(user: StaffUser) -> str:
    """A signed invitation token, void once the invitation is accepted."""
    return make_token(TokenPurpose.STAFF_INVITE, [user.id, user.session_token])


def user_for_invite_token(session: Session, token: str) -> StaffUser:
    """The invited user whose invitation is still open; raises InvalidToken."""
    user_id, session_token = read_token(TokenPurpose.STAFF_INVITE, token, INVITE_TOKEN_MAX_AGE)
    user = session.get(StaffUser, user_id)
    if user is None or user.password_hash or user.session_token != session_token:
        raise InvalidToken()
    return user


@dataclass
class StaffDetails:
    """What the staff admin form gives: the fields of an account an administrator controls."""

    name: str
    role: Role
    place_ids: list[int]
    is_enabled: bool = True
    #: the partner role's organisation (ignored for the ICB's own roles).
    partner_organisation_id: int | None = None


def _apply_details(session: Session, user: StaffUser, details: StaffDetails) -> None:
    if details.role is Role.PLACE and not details.place_ids:
        raise AuthError("Choose at least one place for a place team member", field="places")
    organisation = None
    if details.role is Role.PARTNER:
        organisation = (
            session.get(PartnerOrganisation, details.partner_organisation_id)
            if details.partner_organisation_id
            else None
        )
        if organisation is None:
            raise AuthError("Choose the partner's organisation", field="organisation")
    user.name = " ".join(details.name.split())
    user.role = details.role
    user.is_enabled = details.is_enabled
    user.partner_organisation = organisation
    places = session.scalars(sa.select(Place).where(Place.id.in_(details.place_ids))).all()
    user.places = list(places) if details.role in (Role.PLACE, Role.OBSERVER) else []


def invite_staff(
    session: Session, actor: StaffUser, email: str, details: StaffDetails, now: datetime
) -> StaffUser:
    """Create an account without a password; the invitee sets one from the emailed link.
    Raises AuthError when the email is already used."""
    email = normalise_email(email)
    if find_staff_by_email(session, email):
        raise AuthError("A staff account with this email address already exists", field="email")
    user = StaffUser(email=email, name=details.name, role=details.role, created_at=now)
    # Checked before the account joins the session, so a refused invitation leaves no row.
    _apply_details(session, user, details)
    session.add(user)
    session.flush()
    record_audit(
        session,
        actor,
        "staff.invite",
        "staff_user",
        [user.id],
        detail=f"role={user.role.value} partner={user.partner_organisation_id or '-'}",
        now=now,
    )
    return user


def invite_staff_by_email(
    session: Session, actor: StaffUser, email: str, details: StaffDetails, now: datetime
) -> StaffUser:
    """Invite a member of staff and queue their invitation email (the caller commits).
    Raises AuthError as ``invite_staff`` does."""
    user = invite_staff(session, actor, email, details, now)
    queue_email(
        session,
        to_email=user.email,
        template="staff_invitation",
        context={
            "name": user.name,
            "inviter": actor.name,
            "role": user.role.label,
            "organisation": user.partner_organisation.name if user.partner_organisation else "",
            "token": invite_token(user),
        },
        idempotency_key=f"invite:{user.id}:{user.session_token}",
        now=now,
    )
    return user


def update_staff(
    session: Session, actor: StaffUser, user: StaffUser, details: StaffDetails, now: datetime
) -> None:
    """Change role, places or whether the account may sign in; any such change ends every
    session of the user, so what they may see changes at once. Raises AuthError."""
    if user.id == actor.id and (details.role is not Role.COMMS or not details.is_enabled):
        raise AuthError("You cannot remove your own administrator access", field="role")
    before = (user.role, user.place_ids, user.is_enabled, user.partner_organisation_id)
    _apply_details(session, user, details)
    session.flush()
    if (user.role, user.place_ids, user.is_enabled, user.partner_organisation_id) != before:
        end_all_sessions(session, staff_user_id=user.id)
    record_audit(
        session,
        actor,
        "staff.update",
        "staff_user",
        [user.id],
        detail=(
            f"role={user.role.value} enabled={user.is_enabled}"
            f" partner={user.partner_organisation_id or '-'}"
        ),
        now=now,
    )


def list_staff(session: Session) -> list[StaffUser]:
    """Every staff account, by name."""
    return list(session.scalars(sa.select(StaffUser).order_by(StaffUser.name)))
