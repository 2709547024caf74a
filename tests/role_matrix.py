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
}
