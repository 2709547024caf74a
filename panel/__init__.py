"""The citizens' panel application: create_app builds it from configuration."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from panel.config import load_config

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app: config -> extensions -> blueprints -> cli -> errors."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(load_config(Path(app.instance_path)))
    if overrides:
        app.config.update(overrides)
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    from panel.input_cleaning import DatabaseIntegerConverter, PanelRequest
    from panel.json_text import MarkupSafeJSONProvider

    app.request_class = PanelRequest
    app.url_map.converters["int"] = DatabaseIntegerConverter
    app.json = MarkupSafeJSONProvider(app)
    _trust_proxies(app)
    _init_extensions(app)
    _register_blueprints(app)

    from panel import cli, errors, security, templating

    templating.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Read the client address and scheme from the configured number of reverse proxies."""
    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops:
        # Only X-Forwarded-For and -Proto: Host comes from the proxy's Host header as it is.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


MODEL_MODULES = (
    "panel.places.models",
    "panel.auth.models",
    "panel.auth.throttle",
    "panel.login_sessions",
    "panel.email_requests",
    "panel.audit.models",
    "panel.members.models",
    "panel.segments.models",
    "mailer.models",
    "mailer.events.models",
    "mailer.bulletins.models",
    "mailer.tracking.models",
    "surveys.models",
    "surveys.fieldwork.models",
    "surveys.results.models",
)


def import_models() -> None:
    """Import every models module so the metadata (and Alembic's autogenerate) sees all tables."""
    from importlib import import_module

    for name in MODEL_MODULES:
        import_module(name)


def _init_extensions(app: Flask) -> None:
    import_models()
    from mailer.backends import backend_from_config
    from panel.database_setup import configure_engine, engine_options
    from panel.extensions import csrf, db, limiter, login_manager, migrate

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
    )
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see this page"
    login_manager.login_message_category = "info"
    with app.app_context():
        configure_engine(db.engine)
    app.extensions["mail_backend"] = backend_from_config(app.config)

    from panel.auth.loader import load_staff_user

    login_manager.user_loader(load_staff_user)


def _register_blueprints(app: Flask) -> None:
    from mailer.bulletins.views import blueprint as bulletins_blueprint
    from mailer.bulletins.views import public_blueprint as bulletin_view_blueprint
    from mailer.events.views import blueprint as webhooks_blueprint
    from mailer.tracking import member_data as _tracking_member_data  # noqa: F401
    from mailer.tracking.cli import fold_tracking
    from mailer.tracking.services import register_listeners as register_tracking_listeners
    from mailer.tracking.views import blueprint as tracking_blueprint
    from mailer.tracking.views import stats_blueprint as bulletin_stats_blueprint
    from mailer.views import blueprint as mailer_blueprint
    from panel.audit.views import blueprint as audit_blueprint
    from panel.auth.admin_views import blueprint as staff_admin_blueprint
    from panel.auth.views import blueprint as auth_blueprint
    from panel.members.member_views import blueprint as member_area_blueprint
    from panel.members.public_views import blueprint as join_blueprint
    from panel.members.staff_views import blueprint as members_blueprint
    from panel.pages.views import blueprint as pages_blueprint
    from panel.places.views import blueprint as places_blueprint
    from panel.segments.views import blueprint as segments_blueprint
    from panel.staff_home import blueprint as staff_home_blueprint
    from surveys.fieldwork import bulletin_links as _survey_links  # noqa: F401
    from surveys.fieldwork import member_data as _survey_member_data  # noqa: F401
    from surveys.fieldwork.cli import recount_answers
    from surveys.fieldwork.public_views import blueprint as take_part_blueprint
    from surveys.fieldwork.staff_views import blueprint as fieldwork_blueprint
    from surveys.guidance.command import survey_check
    from surveys.results.public_views import blueprint as engagement_blueprint
    from surveys.results.report_views import blueprint as reports_blueprint
    from surveys.results.staff_views import blueprint as results_blueprint
    from surveys.results.theme_views import blueprint as themes_blueprint
    from surveys.views import blueprint as surveys_blueprint

    for blueprint in (
        pages_blueprint,
        auth_blueprint,
        staff_admin_blueprint,
        staff_home_blueprint,
        places_blueprint,
        audit_blueprint,
        mailer_blueprint,
        join_blueprint,
        member_area_blueprint,
        members_blueprint,
        segments_blueprint,
        webhooks_blueprint,
        bulletins_blueprint,
        bulletin_view_blueprint,
        tracking_blueprint,
        bulletin_stats_blueprint,
        surveys_blueprint,
        fieldwork_blueprint,
        take_part_blueprint,
        results_blueprint,
        engagement_blueprint,
        themes_blueprint,
        reports_blueprint,
    ):
        app.register_blueprint(blueprint)
    register_tracking_listeners()
    app.cli.add_command(fold_tracking)
    app.cli.add_command(survey_check)
    app.cli.add_command(recount_answers)
