"""Staff sign-in with a second factor, sign-out, password reset, invitations, account page."""

from __future__ import annotations

import base64
import time

import segno
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from panel.audit.services import record_audit
from panel.auth import services
from panel.auth.access import ALL_ACCOUNTS, staff_required
from panel.auth.forms import (
    CodeForm,
    EnrolForm,
    NewPasswordForm,
    ResetRequestForm,
    SignInForm,
)
from panel.auth.models import StaffUser
from panel.database import utcnow
from panel.extensions import db, limiter
from panel.forms_common import ConfirmForm
from panel.limits import client_address, hit_limit
from panel.login_sessions import end_login_session
from panel.redirects import safe_redirect_target
from panel.tokens import InvalidToken

blueprint = Blueprint("auth", __name__, url_prefix="/staff")

PENDING_KEY = "pending_staff_sign_in"
PENDING_SECONDS = 600


def _safe_next(target: str | None) -> str:
    return safe_redirect_target(target, url_for("staff_home.index"))


def _pending_user() -> StaffUser | None:
    pending = session.get(PENDING_KEY)
    if not pending or pending.get("expires", 0) < time.time():
        return None
    return db.session.get(StaffUser, pending["id"])


def _too_many(error: services.TooManyAttempts, template: str, field, **context):
    """The same form with the message next to the field, as 429 with Retry-After."""
    field.errors.append(str(error))
    page = render_template(template, **context)
    return page, 429, {"Retry-After": str(error.wait_seconds)}


def _sign_in(user: StaffUser) -> str:
    """Start this browser's server-side session (the caller commits); returns where to go."""
    user.login_token = services.start_staff_session(db.session, user, utcnow())
    target = _safe_next(session.pop(PENDING_KEY)["next"])
    login_user(user)
    return target


@blueprint.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    """Staff sign-in, first step: email and password."""
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user, step = services.check_password(
                db.session, form.email.data, form.password.data, client_address(), utcnow()
            )
        except services.TooManyAttempts as error:
            db.session.commit()
            return _too_many(error, "panel/auth/sign_in.html", form.email, form=form)
        except services.AuthError as error:
            db.session.commit()
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            session[PENDING_KEY] = {
                "id": user.id,
                "step": step.value,
                "expires": time.time() + PENDING_SECONDS,
                "next": _safe_next(request.args.get("next")),
            }
            if step is services.PasswordStep.NEEDS_ENROLMENT:
                return redirect(url_for("auth.enrol"))
            return redirect(url_for("auth.second_factor"))
    return render_template("panel/auth/sign_in.html", form=form)


@blueprint.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def second_factor():
    """Staff sign-in, second step: the authenticator or recovery code."""
    user = _pending_user()
    if user is None or session[PENDING_KEY]["step"] != "totp":
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            services.check_second_factor(
                db.session, user, form.code.data, client_address(), utcnow()
            )
        except services.TooManyAttempts as error:
            db.session.commit()
            return _too_many(error, "panel/auth/second_factor.html", form.code, form=form)
        except services.AuthError as error:
            db.session.commit()
            form.code.errors.append(str(error))
        else:
            target = _sign_in(user)
            db.session.commit()
            return redirect(target)
    return render_template("panel/auth/second_factor.html", form=form)


@blueprint.route("/sign-in/set-up-authenticator", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def enrol():
    """Set up an authenticator app at first sign-in."""
    user = _pending_user()
    if user is None or session[PENDING_KEY]["step"] != "enrol" or not user.totp_secret:
        return redirect(url_for("auth.login"))
    secret = user.totp_secret  # made at the password step: this page only reads
    form = EnrolForm()
    qr = segno.make(services.totp_uri(user), error="m")
    qr_data_uri = (
        "data:image/svg+xml;base64," + base64.b64encode(qr.svg_inline(scale=4).encode()).decode()
    )
    page = {"form": form, "secret": secret, "qr": qr_data_uri}
    if form.validate_on_submit():
        try:
            codes = services.confirm_totp_enrolment(
                db.session, user, form.code.data, client_address(), utcnow()
            )
        except services.TooManyAttempts as error:
            db.session.commit()
            return _too_many(error, "panel/auth/enrol.html", form.code, **page)
        except services.AuthError as error:
            db.session.commit()
            form.code.errors.append(str(error))
        else:
            target = _sign_in(user)
            db.session.commit()
            return render_template("panel/auth/recovery_codes.html", codes=codes, next=target)
    return render_template("panel/auth/enrol.html", **page)


@blueprint.route("/sign-out", methods=["GET", "POST"])
def logout():
    """Sign out (GET shows the confirmation, POST signs out)."""
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if current_user.is_authenticated:
            end_login_session(db.session, current_user.login_token)
            db.session.commit()
        logout_user()
        session.clear()
        flash("You have signed out", "info")
        return redirect(url_for("auth.login"))
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("panel/auth/sign_out.html", form=form)


@blueprint.route("/password-reset", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def request_reset():
    """Ask for a password reset link; the page says the same whether or not the account exists."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        # At most a few reset emails an hour to one address, whoever asks; beyond that the page
        # looks the same, so the cap neither blocks anyone with a 429 nor reveals an account.
        if hit_limit("5/hour", "password-reset", form.email.data):
            services.request_password_reset(db.session, form.email.data, utcnow())
            db.session.commit()
        return render_template("panel/auth/reset_sent.html")
    return render_template("panel/auth/reset_request.html", form=form)


@blueprint.route("/password-reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def reset_password(token: str):
    """Set a new password from a reset link."""
    try:
        user = services.user_for_reset_token(db.session, token)
    except InvalidToken as error:
        return render_template("panel/auth/link_problem.html", expired=error.expired), 400
    return _set_password_page(user, "Reset your password", "staff.password_reset")


@blueprint.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def accept_invite(token: str):
    """Accept an invitation: choose a password for the new account."""
    try:
        user = services.user_for_invite_token(db.session, token)
    except InvalidToken as error:
        return render_template("panel/auth/link_problem.html", expired=error.expired), 400
    return _set_password_page(user, "Create your password", "staff.invite_accepted")


def _set_password_page(user: StaffUser, heading: str, audit_action: str):
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password(db.session, user, form.password.data, utcnow())
        except services.AuthError as error:
            form.password.errors.append(str(error))
        else:
            record_audit(db.session, user, audit_action, "staff_user", [user.id])
            db.session.commit()
            logout_user()
            flash("Your password has been set. Sign in with it now.", "info")
            return redirect(url_for("auth.login"))
    return render_template("panel/auth/new_password.html", form=form, heading=heading)


@blueprint.route("/account", methods=["GET", "POST"])
@staff_required(*ALL_ACCOUNTS)
def account():
    """The signed-in user's account page; POST makes new recovery codes."""
    form = ConfirmForm()
    if form.validate_on_submit():
        codes = services.regenerate_recovery_codes(
            db.session, current_user, utcnow(), keep_token=current_user.login_token
        )
        db.session.commit()
        return render_template(
            "panel/auth/recovery_codes.html", codes=codes, next=url_for("auth.account")
        )
    unused = sum(1 for code in current_user.recovery_codes if code.used_at is None)
    return render_template("panel/auth/account.html", form=form, unused_codes=unused)
