"""The composition root: create_app builds the application from panel, surveys and mailer.

It sits above the three packages so that none of them imports another's views; wsgi.py, the
tests and the benchmarks call create_app, and nothing inside panel, surveys or mailer imports it.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import api, blueprints, cli, metrics
from mailer.backends import backend_from_config
from panel import errors, i18n, log_format, security, templating
from panel.auth.loader import load_staff_user
from panel.config import load_config
from panel.database_setup import configure_engine, engine_options
from panel.extensions import csrf, db, limiter, login_manager, migrate
from panel.input_cleaning import DatabaseIntegerConverter, PanelRequest
from panel.json_text import MarkupSafeJSONProvider

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
    # Before any extension touches app.jinja_env, which Flask creates on first use.
    app.jinja_environment = templating.PanelEnvironment
    app.config.update(load_config(Path(app.instance_path)))
    if overrides:
        app.config.update(overrides)
    log_format.init_app(app)

    app.request_class = PanelRequest
    app.url_map.converters["int"] = DatabaseIntegerConverter
    app.json = MarkupSafeJSONProvider(app)
    _trust_proxies(app)
    _init_extensions(app)
    blueprints.register(app)
    api.init_app(app)
    metrics.init_app(app)

    templating.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Read the client address and scheme from the configured number of reverse proxies."""
    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops:
        # Only X-Forwarded-For and -Proto: Host comes from the proxy's Host header as it is.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


MODEL_MODULES = (
    "panel.places.models",
    "panel.auth.models",
    "panel.auth.throttle",
    "panel.api_keys.models",
    "panel.webhooks.models",
    "panel.login_sessions",
    "panel.job_runs",
    "panel.email_requests",
    "panel.audit.models",
    "panel.members.models",
    "panel.duplicates.models",
    "panel.reconsent.models",
    "panel.segments.models",
    "panel.recruitment.models",
    "mailer.models",
    "mailer.events.models",
    "mailer.bulletins.models",
    "mailer.bulletins.block_models",
    "mailer.tracking.models",
    "surveys.models",
    "surveys.fieldwork.models",
    "surveys.results.models",
    "surveys.insights.models",
    "surveys.engagement_events.models",
    "surveys.engagement_events.attendance_models",
    "surveys.engagement_events.payment_models",
    "surveys.decisions.models",
    "surveys.annual_report.models",
    "surveys.assurance.models",
    "surveys.emails.models",
)


def import_models() -> None:
    """Import every models module so the metadata (and Alembic's autogenerate) sees all tables."""
    for name in MODEL_MODULES:
        import_module(name)


def _init_extensions(app: Flask) -> None:
    import_models()
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
    login_manager.user_loader(load_staff_user)
