"""A partner account's own webhook endpoints (issue 24 point 4): list, add (the secret shown
once), the delivery log, rotate the secret, disable, enable and redeliver. The same services as
the communications team's pages, always narrowed to the account's own organisation: another
organisation's endpoint or message is a 404, exactly like a missing one."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from panel.auth.access import staff_required
from panel.auth.models import Role
from panel.database import utcnow
from panel.extensions import db
from panel.forms_common import ConfirmForm, show_field_error
from panel.places.services import all_places
from panel.webhooks import services
from panel.webhooks.delivery import loopback_allowed
from panel.webhooks.forms import EndpointForm

blueprint = Blueprint("partner_webhooks", __name__, url_prefix="/staff/partner/webhooks")

#: the templates are the communications team's, pointed at these routes.
ROUTES = "partner_webhooks"


class PartnerEndpointForm(EndpointForm):
    """The endpoint form without the organisation: a partner adds endpoints for its own."""

    organisation = None


def _organisation_name() -> str:
    organisation = current_user.partner_organisation or abort(403)
    return organisation.name


def _endpoint(endpoint_id: int):
    found = services.find_endpoint(db.session, endpoint_id, _organisation_name())
    return found or abort(404)


@blueprint.get("/")
@staff_required(Role.PARTNER)
def index():
    """The organisation's endpoints."""
    endpoints = services.all_endpoints(db.session, _organisation_name())
    return render_template("panel/webhooks/index.html", endpoints=endpoints, routes=ROUTES)


@blueprint.route("/new", methods=["GET", "POST"])
@staff_required(Role.PARTNER)
def new():
    """Add an endpoint; its secret is on the answer to this POST and nowhere else."""
    organisation = current_user.partner_organisation or abort(403)
    form = PartnerEndpointForm()
    places = all_places(db.session)
    if organisation.place_id is not None:
        places = [place for place in places if place.id == organisation.place_id]
    form.place_id.choices = [("", "Every place")] + [(str(p.id), p.name) for p in places]
    if form.validate_on_submit():
        fields = services.EndpointFields(
            organisation=organisation.name,
            name=form.name.data,
            url=form.url.data,
            contact_email=form.contact_email.data,
            event_types=form.event_types.data,
            place_id=int(form.place_id.data) if form.place_id.data else None,
        )
        try:
            endpoint, secret = services.create_partner_endpoint(
                db.session, current_user, fields, utcnow(),
                allow_loopback=loopback_allowed(current_app.config),
            )  # fmt: skip
        except services.WebhookError as problem:
            show_field_error(form, problem, "url")
        else:
            db.session.commit()
            return render_template(
                "panel/webhooks/secret.html",
                endpoint=endpoint,
                secret=secret,
                rotated=False,
                routes=ROUTES,
            )
    page = render_template("panel/webhooks/new.html", form=form, routes=ROUTES)
    return page, 400 if form.errors else 200


@blueprint.get("/<int:endpoint_id>")
@staff_required(Role.PARTNER)
def detail(endpoint_id: int):
    """The endpoint, its latest deliveries (to redeliver) and its delivery log."""
    endpoint = _endpoint(endpoint_id)
    return render_template(
        "panel/webhooks/detail.html",
        endpoint=endpoint,
        deliveries=services.recent_deliveries(db.session, endpoint),
        log=services.delivery_log(db.session, endpoint),
        now=utcnow(),
        form=ConfirmForm(),
        routes=ROUTES,
    )


@blueprint.post("/<int:endpoint_id>/rotate")
@staff_required(Role.PARTNER)
def rotate(endpoint_id: int):
    """A new secret, shown on this answer only; the old one signs beside it for a day."""
    endpoint = _endpoint(endpoint_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("partner_webhooks.detail", endpoint_id=endpoint.id))
    secret = services.rotate_secret(db.session, current_user, endpoint, utcnow())
    db.session.commit()
    return render_template(
        "panel/webhooks/secret.html", endpoint=endpoint, secret=secret, rotated=True, routes=ROUTES
    )


@blueprint.post("/<int:endpoint_id>/disable")
@staff_required(Role.PARTNER)
def disable(endpoint_id: int):
    """Stop sending to the endpoint; what is waiting waits until it is enabled."""
    endpoint = _endpoint(endpoint_id)
    reason = f"Disabled by {current_user.name}"
    return _change(endpoint, services.disable_endpoint, "Disabled the endpoint", reason)


@blueprint.post("/<int:endpoint_id>/enable")
@staff_required(Role.PARTNER)
def enable(endpoint_id: int):
    """Start sending again, beginning with what waited."""
    endpoint = _endpoint(endpoint_id)
    return _change(endpoint, services.enable_endpoint, "Enabled the endpoint")


@blueprint.post("/<int:endpoint_id>/deliveries/<int:delivery_id>/redeliver")
@staff_required(Role.PARTNER)
def redeliver(endpoint_id: int, delivery_id: int):
    """Send one message again (same webhook-id) on the delivery job's next turn."""
    endpoint = _endpoint(endpoint_id)
    delivery = services.find_delivery(db.session, endpoint, delivery_id) or abort(404)
    return _change(delivery, services.redeliver, f"Queued {delivery.message_id} to send again")


def _change(subject, service, done: str, *args):
    endpoint_id = getattr(subject, "endpoint_id", None) or subject.id
    if ConfirmForm().validate_on_submit():
        try:
            service(db.session, current_user, subject, *args, utcnow())
        except services.WebhookError as problem:
            flash(str(problem), "info")
        else:
            db.session.commit()
            flash(done, "info")
    return redirect(url_for("partner_webhooks.detail", endpoint_id=endpoint_id))
