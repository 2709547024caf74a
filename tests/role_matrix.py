"""Who may use each staff route. A staff route missing from this matrix fails the suite."""

from panel.auth.models import Role

ALL = frozenset(Role)
COMMS = frozenset({Role.COMMS})
MEMBER_DATA = frozenset({Role.COMMS, Role.PLACE})

#: endpoint -> roles allowed; anonymous users are always sent to sign in.
STAFF_ROUTES: dict[str, frozenset[Role]] = {
    "staff_home.index": ALL,
    "auth.account": ALL,
    "staff_admin.index": COMMS,
    "staff_admin.invite": COMMS,
    "staff_admin.edit": COMMS,
    "places.index": COMMS,
    "places.edit": COMMS,
    "places.edit_postcode": COMMS,
    "audit.index": COMMS,
    "mailer.outbox": COMMS,
    "mailer.outbox_message": COMMS,
    "members.index": MEMBER_DATA,
    "members.detail": MEMBER_DATA,
    "members.export": MEMBER_DATA,
    "members.import_upload": COMMS,
    "members.import_preview": COMMS,
    "members.sources_index": MEMBER_DATA,
    "members.source_detail": MEMBER_DATA,
    # segments: observers may read; only comms and place teams build, select and export
    "segments.index": ALL,
    "segments.builder": ALL,
    "segments.change": MEMBER_DATA,
    "segments.add_condition": MEMBER_DATA,
    "segments.dashboard": ALL,
    "segments.contact_rules": ALL,
    "segments.select": MEMBER_DATA,
    "segments.selection": MEMBER_DATA,
    "segments.export_selection": MEMBER_DATA,
    # bulletins: any staff may contribute items; comms and place teams write and send
    "bulletins.index": ALL,
    "bulletins.detail": MEMBER_DATA,
    "bulletins.edit": MEMBER_DATA,
    "bulletins.new_item": MEMBER_DATA,
    "bulletins.edit_item": MEMBER_DATA,
    "bulletins.arrange_item": MEMBER_DATA,
    "bulletins.audience": MEMBER_DATA,
    "bulletins.preview": MEMBER_DATA,
    "bulletins.test_send": MEMBER_DATA,
    "bulletins.schedule_send": MEMBER_DATA,
    "bulletins.control": MEMBER_DATA,
    "bulletins.contribute": ALL,
    "bulletins.review_list": COMMS,
    "bulletins.review": COMMS,
    # surveys: everyone reads plans, questions and previews; comms and place teams write them
    "surveys.index": ALL,
    "surveys.detail": ALL,
    "surveys.preview": ALL,
    "surveys.export": ALL,
    "surveys.snapshot": ALL,
    "surveys.new": MEMBER_DATA,
    "surveys.plan": MEMBER_DATA,
    "surveys.new_question": MEMBER_DATA,
    "surveys.edit_question": MEMBER_DATA,
    "surveys.arrange_question": MEMBER_DATA,
    "surveys.pages": MEMBER_DATA,
    "surveys.override": MEMBER_DATA,
    "surveys.status": MEMBER_DATA,
    "surveys.review": MEMBER_DATA,
    "surveys.correct_typo": MEMBER_DATA,
    "surveys.import_survey": MEMBER_DATA,
    "surveys.election_dates": COMMS,
    "fieldwork.overview": ALL,
    "fieldwork.invite": MEMBER_DATA,
    "fieldwork.add_open_link": MEMBER_DATA,
    "surveys.remove_election_date": COMMS,
    # bulletin figures hold no personal data: every role reads them (place teams their own)
    "bulletin_stats.overview": ALL,
    "bulletin_stats.bulletin": ALL,
    "bulletin_stats.bulletin_csv": ALL,
}

#: routes anyone may use (sign-in steps, public pages, assets).
PUBLIC_ROUTES = {
    "static",
    "pages.home",
    "pages.privacy",
    "pages.accessibility",
    "pages.cookies",
    "pages.assets",
    "pages.healthz",
    "auth.login",
    "auth.second_factor",
    "auth.enrol",
    "auth.logout",
    "auth.request_reset",
    "auth.reset_password",
    "auth.accept_invite",
    # residents: joining, confirming, unsubscribing and the magic-link member area
    "join.start",
    "join.your_details",
    "join.where_you_live",
    "join.about_you",
    "join.equality",
    "join.check_answers",
    "join.check_email",
    "join.confirm",
    "join.unsubscribe_page",
    "join.unsubscribe_one_click",
    "member_area.sign_in",
    "member_area.use_link",
    "member_area.home",
    "member_area.details",
    "member_area.equality",
    "member_area.pause",
    "member_area.emails",
    "member_area.your_data",
    "member_area.your_data_json",
    "member_area.leave",
    "member_area.sign_out",
    # SendGrid's Event Webhook: authenticated by its ECDSA signature
    "webhooks.sendgrid_events",
    # a bulletin as sent, without personal data, behind a signed token
    "bulletin_view.view",
    # taking part in a survey: a personal (sealed) or open link, no login
    "take_part.personal_start",
    "take_part.open_start",
    "take_part.page",
    "take_part.check",
    "take_part.done",
    "take_part.resume_link",
    # open pixel and click redirect: a signed per-recipient token, no login
    "tracking.pixel",
    "tracking.click",
}

#: the two CSRF exemptions the quality bar allows, each proved by its own test.
CSRF_EXEMPT = {"join.unsubscribe_one_click", "webhooks.sendgrid_events"}
