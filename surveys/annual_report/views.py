"""The annual report's involvement section (NHS Act 2006 s.14Z58) for a financial year: its
figures from the register, the draft generated from them and edited by staff, and downloads
as Markdown and HTML. The communications team writes the ICB's annual report."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from panel.auth.access import staff_required
from panel.auth.models import Role
from panel.database import utcnow
from panel.downloads import attachment
from panel.extensions import db
from panel.forms_common import show_field_error
from surveys.annual_report import drafting, figures, rendering
from surveys.annual_report.forms import DraftForm, YearForm

blueprint = Blueprint("annual_report", __name__, url_prefix="/staff/annual-report")


def _zone():
    return ZoneInfo(current_app.config["TIMEZONE"])


def _link_for(kind: str, record_id: int) -> str:
    endpoint, args = {
        "register": ("public_decisions.index", {}),
        "decision": ("public_decisions.decision", {"decision_id": record_id}),
        "results": ("engagement.results", {"survey_id": record_id}),
    }[kind]
    return url_for(endpoint, _external=True, **args)


def _year(start_year: int) -> figures.FinancialYear:
    try:
        return figures.financial_year(start_year, utcnow().astimezone(_zone()).date())
    except figures.YearError:
        abort(404)


def _page(year_form, year=None, draft_form=None, code=200):
    context = {"year_form": year_form, "year": year, "draft_form": draft_form}
    if year is not None:
        counted = figures.annual_figures(db.session, year, _zone())
        draft = drafting.draft_for(db.session, year)
        context |= {
            "figures": counted,
            "draft": draft,
            "changes": drafting.changed_figures(draft, counted) if draft else [],
            "stale": drafting.is_stale(draft, counted) if draft else False,
            "link_for": _link_for,
        }
        if draft_form is None:
            context["draft_form"] = DraftForm(body=draft.body if draft else "")
    return render_template("surveys/annual_report/index.html", **context), code


@blueprint.get("/")
@staff_required(Role.COMMS)
def index():
    """Choose a financial year; see its figures and its draft."""
    form = YearForm(request.args)
    today = utcnow().astimezone(_zone()).date()
    if not form.submitted:
        form.year.data = figures.current_year(today).label
    if not form.validate():
        return _page(form, code=400)
    try:
        year = figures.parse_year(form.year.data or "", today)
    except figures.YearError as error:
        form.year.errors = [error.message]
        return _page(form, code=400)
    return _page(form, year)


@blueprint.post("/<int:start_year>/generate")
@staff_required(Role.COMMS)
def generate(start_year: int):
    """Write the draft afresh from the register (replacing any earlier text)."""
    year = _year(start_year)
    counted = figures.annual_figures(db.session, year, _zone())
    drafting.generate_draft(db.session, current_user, year, counted, _link_for, utcnow())
    db.session.commit()
    flash(f"The {year.label} section was generated from the register", "success")
    return redirect(url_for("annual_report.index", year=year.label, _anchor="draft"))


@blueprint.post("/<int:start_year>/save")
@staff_required(Role.COMMS)
def save(start_year: int):
    """Keep the edited text."""
    year = _year(start_year)
    form = DraftForm()
    if form.validate_on_submit():
        try:
            drafting.save_draft(db.session, current_user, year, form.body.data or "", utcnow())
        except drafting.DraftError as error:
            show_field_error(form, error, fallback="body")
        else:
            db.session.commit()
            flash("Draft saved", "success")
            return redirect(url_for("annual_report.index", year=year.label, _anchor="draft"))
    return _page(YearForm(data={"year": year.label}), year, form, 400)


def _download_text(start_year: int) -> tuple[figures.FinancialYear, str]:
    year = _year(start_year)
    draft = drafting.draft_for(db.session, year)
    if draft is not None:
        return year, draft.body
    counted = figures.annual_figures(db.session, year, _zone())
    return year, drafting.generate_text(counted, _link_for)


@blueprint.get("/<int:start_year>/involvement-section.md")
@staff_required(Role.COMMS)
def download_markdown(start_year: int):
    """The draft (or, before there is one, the generated text) as Markdown."""
    year, text = _download_text(start_year)
    return attachment(text, f"involvement-section-{year.start_year}.md")


@blueprint.get("/<int:start_year>/involvement-section.htm")
@staff_required(Role.COMMS)
def download_html(start_year: int):
    """The draft (or, before there is one, the generated text) as an HTML file."""
    year, text = _download_text(start_year)
    title = f"Involving the public: annual report {year.label}"
    return attachment(
        rendering.html_document(text, title), f"involvement-section-{year.start_year}.htm"
    )
