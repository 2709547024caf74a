"""Public pages, health check, error pages and security headers."""

from __future__ import annotations

import pytest

from app import create_app
from tests.conftest import BASE_CONFIG


@pytest.mark.parametrize(
    "path",
    ["/", "/privacy", "/accessibility", "/cookies", "/staff/sign-in", "/staff/password-reset"],
)
def test_public_pages_render_in_the_nhs_layout(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert 'class="nhsuk-skip-link"' in response.text
    assert "Privacy notice" in response.text and "Accessibility statement" in response.text


def test_health_check_answers_200_with_the_database(client):
    response = client.get("/healthz/web")
    assert response.status_code == 200 and response.json["database"] == "ok"


def test_health_check_answers_503_without_the_database(tmp_path):
    app = create_app(
        {
            **BASE_CONFIG,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing-dir/nothing.sqlite3",
        }
    )
    for path in ("/healthz", "/healthz/web"):
        response = app.test_client().get(path)
        assert response.status_code == 503 and response.json["database"] == "unreachable"


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "Page not found" in response.text


def test_a_crash_is_a_friendly_500_without_a_stack_trace(app, client):
    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom-for-test")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert "secret internals" not in response.text and "Traceback" not in response.text


def test_html_responses_carry_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.text


def test_production_sets_hsts_and_secure_cookies(database_url, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "production-secret-for-test")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = app.test_client().get("/")
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    from panel.config import ConfigError

    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app()


def test_staff_pages_are_not_cached(client, session, login_as):
    from tests.factories import make_staff

    login_as(make_staff(session))
    session.commit()
    assert client.get("/staff/").headers["Cache-Control"] == "no-store"
