"""Staff pages for involvement payments: the dated rates (communications team), an event's
claims for its organisers (one card per attendee: choice, benefits advice, expenses with
receipts, submit, and approval by a second member of staff), and the finance CSV. Pages with
names, and the export, are audited."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from panel.audit.services import record_audit
from panel.auth.access import MEMBER_DATA_ROLES, staff_required
from panel.auth.models import Role
from panel.database import utcnow
from panel.downloads import attachment
from panel.extensions import db
from panel.field_errors import FieldError
from panel.forms_common import ConfirmForm, show_field_error
from surveys.engagement_events import payment_export, payments, services
from surveys.engagement_events.models import EngagementEvent
from surveys.engagement_events.payment_forms import (
    ChoiceForm,
    CreateClaimsForm,
    ExpenseForm,
    RateForm,
    RejectForm,
    pounds_to_pence,
)
from surveys.engagement_events.payment_models import ExpenseKind, PaymentChoice, RateKind

blueprint = Blueprint("event_payments", __name__, url_prefix="/staff/events")


def _organised(event_id: int) -> EngagementEvent:
    return services.organised_event(db.session, current_user, event_id) or abort(404)


@blueprint.route("/payment-rates", methods=["GET", "POST"])
@staff_required(Role.COMMS)
def rates():
    """The involvement payment and mileage rates, each from a date; add a new one."""
    form = RateForm()
    if form.validate_on_submit():
        try:
            payments.add_rate(
                db.session,
                RateKind(form.kind.data),
                pounds_to_pence(form.amount.data),
                form.effective_from.data,
                current_user,
                utcnow(),
            )
        except FieldError as error:
            db.session.rollback()
            show_field_error(form, error, fallback="amount")
        else:
            db.session.commit()
            flash("Rate added", "success")
            return redirect(url_for("event_payments.rates"))
    status = 400 if form.errors else 200
    page = render_template(
        "surveys/engagement_events/payment_rates.html",
        form=form,
        rates=payments.all_rates(db.session),
        pounds=payments.pounds,
    )
    return page, status


def _claims_page(event, forms=None, problem: str = "", status: int = 200):
    cards = payments.claim_cards(db.session, event)
    forms = forms or {}
    record_audit(db.session, current_user, "event.claims_view", "engagement_event", [event.id])
    db.session.commit()
    return render_template(
        "surveys/engagement_events/claims.html",
        event=event,
        cards=cards,
        unclaimed=payments.unclaimed_attendees(db.session, event),
        create_form=forms.get("create") or CreateClaimsForm(),
        choice_forms={
            c.claim.id: forms.get(("choice", c.claim.id)) or _choice_form(c.claim) for c in cards
        },
        expense_forms={
            c.claim.id: forms.get(("expense", c.claim.id)) or ExpenseForm(prefix=f"e{c.claim.id}")
            for c in cards
        },
        reject_forms={
            c.claim.id: forms.get(("reject", c.claim.id)) or RejectForm(prefix=f"r{c.claim.id}")
            for c in cards
        },
        form=ConfirmForm(),
        problem=problem,
        pounds=payments.pounds,
        me=current_user.id,
    ), status


def _choice_form(claim) -> ChoiceForm:
    advice = {True: "yes", False: "no"}.get(claim.benefits_advice_offered)
    return ChoiceForm(
        prefix=f"c{claim.id}", data={"choice": claim.choice.value, "benefits_advice": advice}
    )


def _claim(event: EngagementEvent, claim_id: int):
    claim = payments.claim_for(db.session, event, claim_id)
    if claim is None:
        abort(404)
    return claim


def _to_claim(event: EngagementEvent, claim_id: int | None = None):
    url = url_for("event_payments.claims", event_id=event.id)
    return redirect(f"{url}#claim-{claim_id}" if claim_id else url)


@blueprint.get("/<int:event_id>/claims")
@staff_required(*MEMBER_DATA_ROLES)
def claims(event_id: int):
    """The event's claims: one card per attendee who is a panel member."""
    return _claims_page(_organised(event_id))


@blueprint.post("/<int:event_id>/claims")
@staff_required(*MEMBER_DATA_ROLES)
def create_claims(event_id: int):
    """Make a draft claim for everyone marked attended who has none, at the day's rate."""
    event = _organised(event_id)
    form = CreateClaimsForm()
    if form.validate_on_submit():
        zone = current_app.config["TIMEZONE"]
        try:
            made = payments.create_claims(
                db.session, event, form.cost_centre.data, current_user, zone, utcnow()
            )
        except FieldError as error:
            db.session.rollback()
            show_field_error(form, error, fallback="cost_centre")
        else:
            db.session.commit()
            flash(f"{len(made)} claim{'' if len(made) == 1 else 's'} made", "success")
            return _to_claim(event)
    return _claims_page(event, {"create": form}, status=400)


@blueprint.post("/<int:event_id>/claims/<int:claim_id>/choice")
@staff_required(*MEMBER_DATA_ROLES)
def choice(event_id: int, claim_id: int):
    """Record payment, voucher or declined, and whether benefits advice was offered."""
    event = _organised(event_id)
    claim = _claim(event, claim_id)
    form = ChoiceForm(prefix=f"c{claim.id}")
    if form.validate_on_submit():
        try:
            payments.record_choice(
                db.session,
                claim,
                PaymentChoice(form.choice.data),
                form.benefits_advice.data == "yes",
                current_user,
                utcnow(),
            )
        except FieldError as error:
            db.session.rollback()
            show_field_error(form, error, fallback="choice")
        else:
            db.session.commit()
            flash("Choice saved", "success")
            return _to_claim(event, claim.id)
    return _claims_page(event, {("choice", claim.id): form}, status=400)


@blueprint.post("/<int:event_id>/claims/<int:claim_id>/expenses")
@staff_required(*MEMBER_DATA_ROLES)
def add_expense(event_id: int, claim_id: int):
    """Add an expense item (a receipted kind needs its receipt)."""
    event = _organised(event_id)
    claim = _claim(event, claim_id)
    form = ExpenseForm(prefix=f"e{claim.id}")
    if form.validate_on_submit():
        upload = form.receipt.data
        fields = payments.ExpenseFields(
            kind=ExpenseKind(form.kind.data),
            description=form.description.data or "",
            miles=form.miles.data,
            amount_pence=pounds_to_pence(form.amount.data) if form.amount.data else None,
            receipt=upload.read(payments.MAX_RECEIPT_READ) if upload else None,
        )
        zone = current_app.config["TIMEZONE"]
        try:
            payments.add_expense(db.session, event, claim, fields, current_user, zone, utcnow())
        except FieldError as error:
            db.session.rollback()
            show_field_error(form, error, fallback="kind")
        else:
            db.session.commit()
            flash("Expense added", "success")
            return _to_claim(event, claim.id)
    return _claims_page(event, {("expense", claim.id): form}, status=400)


@blueprint.post("/<int:event_id>/claims/<int:claim_id>/expenses/<int:expense_id>/remove")
@staff_required(*MEMBER_DATA_ROLES)
def remove_expense(event_id: int, claim_id: int, expense_id: int):
    """Take an expense item off a claim that can still be changed."""
    event = _organised(event_id)
    claim = _claim(event, claim_id)
    return _act(event, claim, partial(payments.remove_expense, db.session, claim, expense_id))


def _act(event, claim, action, done: str = "Expense taken off"):
    if not ConfirmForm().validate_on_submit():
        return _claims_page(event, problem="That was not saved: try again", status=400)
    try:
        action()
    except FieldError as error:
        db.session.rollback()
        return _claims_page(event, problem=str(error), status=409)
    db.session.commit()
    flash(done, "success")
    return _to_claim(event, claim.id)


@blueprint.post("/<int:event_id>/claims/<int:claim_id>/submit")
@staff_required(*MEMBER_DATA_ROLES)
def submit(event_id: int, claim_id: int):
    """Send a claim for approval by another member of staff."""
    event = _organised(event_id)
    claim = _claim(event, claim_id)
    action = partial(payments.submit_claim, db.session, claim, current_user, utcnow())
    return _act(event, claim, action, "Claim submitted for approval")


@blueprint.post("/<int:event_id>/claims/<int:claim_id>/approve")
@staff_required(*MEMBER_DATA_ROLES)
def approve(event_id: int, claim_id: int):
    """Approve a claim someone else submitted."""
    event = _organised(event_id)
    claim = _claim(event, claim_id)
    action = partial(payments.approve_claim, db.session, claim, current_user, utcnow())
    return _act(event, claim, action, "Claim approved")


@blueprint.post("/<int:event_id>/claims/<int:claim_id>/reject")
@staff_required(*MEMBER_DATA_ROLES)
def reject(event_id: int, claim_id: int):
    """Send a claim someone else submitted back, with the reason."""
    event = _organised(event_id)
    claim = _claim(event, claim_id)
    form = RejectForm(prefix=f"r{claim.id}")
    if form.validate_on_submit():
        try:
            payments.reject_claim(db.session, claim, current_user, form.note.data, utcnow())
        except FieldError as error:
            db.session.rollback()
            if not show_field_error(form, error, fallback=None):
                return _claims_page(event, problem=str(error), status=409)
        else:
            db.session.commit()
            flash("Claim sent back", "success")
            return _to_claim(event, claim.id)
    return _claims_page(event, {("reject", claim.id): form}, status=400)


@blueprint.get("/payments.csv")
@staff_required(*MEMBER_DATA_ROLES)
def finance_csv():
    """Approved claims of the events the user organises, with totals per person and per cost
    centre, for finance (spreadsheet-safe; audited)."""
    zone = current_app.config["TIMEZONE"]
    event_ids = payments.organised_event_ids(db.session, current_user)
    export = payment_export.finance_export(db.session, event_ids, zone)
    body = payment_export.finance_csv(export)
    detail = f"{export.overall.claims} approved claims"
    record_audit(
        db.session, current_user, "event.payments_export", "engagement_event", event_ids, detail
    )
    db.session.commit()
    return attachment(body, "involvement-payments.csv")


@blueprint.get("/<int:event_id>/claims/<int:claim_id>/receipts/<int:expense_id>.pdf")
@staff_required(*MEMBER_DATA_ROLES)
def receipt(event_id: int, claim_id: int, expense_id: int):
    """An expense item's receipt, as a PDF (audited)."""
    event = _organised(event_id)
    claim = _claim(event, claim_id)
    body = payments.receipt_of(db.session, claim, expense_id)
    if body is None:
        abort(404)
    record_audit(db.session, current_user, "event.receipt_download", "expense_item", [expense_id])
    db.session.commit()
    return attachment(body, f"receipt-{expense_id}.pdf")
