"""Every package's pages, commands and listeners, put together: the one place that knows them all.

panel, surveys and mailer each offer blueprints (and the staff home sections, CLI commands and
listeners that go with them); only this module imports them, so no package imports another's
views.
"""

from __future__ import annotations

from flask import Flask

from app import staff_home
from mailer.bulletins import survey_links as _survey_links  # noqa: F401 (registers)
from mailer.bulletins.archive_views import blueprint as bulletin_archive_blueprint
from mailer.bulletins.block_views import blueprint as bulletin_blocks_blueprint
from mailer.bulletins.block_views import images_blueprint as bulletin_images_blueprint
from mailer.bulletins.check_views import blueprint as bulletin_checks_blueprint
from mailer.bulletins.member_data import surveys_offered_to
from mailer.bulletins.views import blueprint as bulletins_blueprint
from mailer.bulletins.views import public_blueprint as bulletin_view_blueprint
from mailer.events.views import blueprint as webhooks_blueprint
from mailer.tracking import member_data as _tracking_member_data  # noqa: F401 (registers)
from mailer.tracking.cli import fold_tracking, record_readers
from mailer.tracking.reach import reach_section
from mailer.tracking.services import register_listeners as register_tracking_listeners
from mailer.tracking.views import blueprint as tracking_blueprint
from mailer.tracking.views import stats_blueprint as bulletin_stats_blueprint
from mailer.views import blueprint as mailer_blueprint
from panel.activity.public_views import blueprint as still_interested_blueprint
from panel.activity.record import activity_section
from panel.activity.views import blueprint as activity_blueprint
from panel.api_keys.views import blueprint as api_keys_blueprint
from panel.audit.views import blueprint as audit_blueprint
from panel.auth.admin_views import blueprint as staff_admin_blueprint
from panel.auth.views import blueprint as auth_blueprint
from panel.domain_events import LISTENERS as DOMAIN_EVENT_LISTENERS
from panel.duplicates import member_data as _merge_member_data  # noqa: F401 (registers)
from panel.duplicates.views import blueprint as duplicates_blueprint
from panel.members.member_views import blueprint as member_area_blueprint
from panel.members.public_views import blueprint as join_blueprint
from panel.members.record_extras import (
    CONSENT_STEP_SOURCES,
    MEMBER_PROMPTS,
    MEMBER_RECORD_SECTIONS,
)
from panel.members.staff_views import blueprint as members_blueprint
from panel.pages.views import blueprint as pages_blueprint
from panel.panel_health.assurance import health_section
from panel.panel_health.views import blueprint as panel_health_blueprint
from panel.partners.admin_views import blueprint as partner_admin_blueprint
from panel.partners.views import blueprint as partner_blueprint
from panel.partners.webhook_views import blueprint as partner_webhooks_blueprint
from panel.places.views import blueprint as places_blueprint
from panel.reconsent.answer_views import blueprint as reconsent_answers_blueprint
from panel.reconsent.history import consent_steps, member_prompt
from panel.reconsent.views import blueprint as reconsent_blueprint
from panel.recruitment.views import blueprint as recruitment_blueprint
from panel.segments.views import blueprint as segments_blueprint
from panel.staff_home_sections import StaffHomeSectionSource
from panel.webhooks.outbox import record_webhook_deliveries
from panel.webhooks.views import blueprint as webhook_endpoints_blueprint
from surveys.annual_report.views import blueprint as annual_report_blueprint
from surveys.assurance.report_views import blueprint as committee_report_blueprint
from surveys.assurance.sections import ASSURANCE_SECTIONS
from surveys.assurance.views import blueprint as assurance_blueprint
from surveys.decisions import member_data as _decision_member_data  # noqa: F401 (registers)
from surveys.decisions.notice_views import blueprint as decision_notices_blueprint
from surveys.decisions.public_views import blueprint as public_decisions_blueprint
from surveys.decisions.staff_views import blueprint as decision_register_blueprint
from surveys.emails.views import blueprint as survey_emails_blueprint
from surveys.engagement_events import member_data as _event_member_data  # noqa: F401 (registers)
from surveys.engagement_events.invite_views import blueprint as event_invitations_blueprint
from surveys.engagement_events.member_views import blueprint as my_events_blueprint
from surveys.engagement_events.onday_views import blueprint as event_day_blueprint
from surveys.engagement_events.payment_views import blueprint as event_payments_blueprint
from surveys.engagement_events.register_views import blueprint as event_registration_blueprint
from surveys.engagement_events.reply_views import blueprint as event_replies_blueprint
from surveys.engagement_events.staff_views import blueprint as engagement_events_blueprint
from surveys.fieldwork import member_data as _survey_member_data  # noqa: F401 (registers)
from surveys.fieldwork.cli import recount_answers
from surveys.fieldwork.entry_views import blueprint as response_entry_blueprint
from surveys.fieldwork.member_views import blueprint as my_surveys_blueprint
from surveys.fieldwork.my_surveys import OFFERED_SURVEY_SOURCES
from surveys.fieldwork.public_views import blueprint as take_part_blueprint
from surveys.fieldwork.staff_views import blueprint as fieldwork_blueprint
from surveys.guidance.command import survey_check, survey_corpus_add
from surveys.insights.staff_views import blueprint as insights_blueprint
from surveys.open_data.public_views import blueprint as open_data_blueprint
from surveys.results.decision_views import blueprint as decisions_blueprint
from surveys.results.feedback_views import blueprint as feedback_blueprint
from surveys.results.public_views import blueprint as engagement_blueprint
from surveys.results.report_views import blueprint as reports_blueprint
from surveys.results.staff_home import follow_through_section
from surveys.results.staff_views import blueprint as results_blueprint
from surveys.results.theme_views import blueprint as themes_blueprint
from surveys.staff_home import sign_off_section
from surveys.views import blueprint as surveys_blueprint

#: The sections of the staff home page below the role's links, in page order.
STAFF_HOME_SECTIONS: tuple[StaffHomeSectionSource, ...] = (
    sign_off_section,
    follow_through_section,
)

#: Every blueprint, in the order their routes were always registered.
BLUEPRINTS = (
    pages_blueprint,
    auth_blueprint,
    staff_admin_blueprint,
    staff_home.blueprint,
    places_blueprint,
    audit_blueprint,
    api_keys_blueprint,
    webhook_endpoints_blueprint,
    partner_admin_blueprint,
    partner_blueprint,
    partner_webhooks_blueprint,
    mailer_blueprint,
    join_blueprint,
    member_area_blueprint,
    members_blueprint,
    duplicates_blueprint,
    recruitment_blueprint,
    activity_blueprint,
    still_interested_blueprint,
    panel_health_blueprint,
    reconsent_blueprint,
    reconsent_answers_blueprint,
    segments_blueprint,
    webhooks_blueprint,
    bulletins_blueprint,
    bulletin_checks_blueprint,
    bulletin_blocks_blueprint,
    bulletin_images_blueprint,
    bulletin_view_blueprint,
    bulletin_archive_blueprint,
    tracking_blueprint,
    bulletin_stats_blueprint,
    surveys_blueprint,
    fieldwork_blueprint,
    response_entry_blueprint,
    take_part_blueprint,
    my_surveys_blueprint,
    results_blueprint,
    engagement_blueprint,
    themes_blueprint,
    reports_blueprint,
    decisions_blueprint,
    decision_register_blueprint,
    decision_notices_blueprint,
    public_decisions_blueprint,
    open_data_blueprint,
    insights_blueprint,
    engagement_events_blueprint,
    event_invitations_blueprint,
    event_replies_blueprint,
    event_registration_blueprint,
    event_day_blueprint,
    event_payments_blueprint,
    my_events_blueprint,
    annual_report_blueprint,
    assurance_blueprint,
    committee_report_blueprint,
    feedback_blueprint,
    survey_emails_blueprint,
)


def register(app: Flask) -> None:
    """Register every blueprint, the staff home sections, the listeners and the CLI commands."""
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    staff_home.use_sections(app, STAFF_HOME_SECTIONS)
    register_tracking_listeners()
    if surveys_offered_to not in OFFERED_SURVEY_SOURCES:
        # A bulletin's survey item counts as an offer in the member's "My surveys".
        OFFERED_SURVEY_SOURCES.append(surveys_offered_to)
    if record_webhook_deliveries not in DOMAIN_EVENT_LISTENERS:
        # Surveys emit events through the shared base; the webhooks above them queue messages.
        DOMAIN_EVENT_LISTENERS.append(record_webhook_deliveries)
    if reach_section not in ASSURANCE_SECTIONS:
        # Bulletin reach sits above surveys: the dashboard shows it without importing it.
        ASSURANCE_SECTIONS.append(reach_section)
    if health_section not in ASSURANCE_SECTIONS:
        ASSURANCE_SECTIONS.append(health_section)
    if activity_section not in MEMBER_RECORD_SECTIONS:
        # A member's invitations and answers live above members (in segments' contact log).
        MEMBER_RECORD_SECTIONS.append(activity_section)
    if member_prompt not in MEMBER_PROMPTS:
        # Re-consent asks members in their member area and adds steps to the consent history.
        MEMBER_PROMPTS.append(member_prompt)
    if consent_steps not in CONSENT_STEP_SOURCES:
        CONSENT_STEP_SOURCES.append(consent_steps)
    app.cli.add_command(fold_tracking)
    app.cli.add_command(record_readers)
    app.cli.add_command(survey_check)
    app.cli.add_command(survey_corpus_add)
    app.cli.add_command(recount_answers)
