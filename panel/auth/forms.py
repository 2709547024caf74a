"""Staff sign-in, password and administration forms."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Regexp

from panel.auth.models import Role
from panel.forms_common import MultiCheckboxField, PanelForm, strip_whitespace


class SignInForm(PanelForm):
    """Staff sign-in: email and password."""

    email = EmailField(
        "Email address",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter your email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Enter your password"),
            Length(max=128, message="Password must be 128 characters or fewer"),
        ],
    )


class CodeForm(PanelForm):
    """The six-digit code from the authenticator app, or a recovery code."""

    code = StringField(
        "Security code",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter the security code"),
            Length(max=20, message="Enter the 6-digit code or a recovery code"),
            Regexp(r"^[0-9a-fA-F\- ]+$", message="Enter the 6-digit code or a recovery code"),
        ],
    )


class EnrolForm(PanelForm):
    """The first code from a newly set-up authenticator app."""

    code = StringField(
        "Code from your authenticator app",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter the 6-digit code from your authenticator app"),
            Regexp(r"^\d{6}$", message="Enter the 6-digit code from your authenticator app"),
        ],
    )


class ResetRequestForm(PanelForm):
    """Ask for a password reset link."""

    email = EmailField(
        "Email address",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter your email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(
                "Enter an email address in the correct format, like name@example.nhs.uk",
                check_deliverability=False,
            ),
        ],
    )


class NewPasswordForm(PanelForm):
    """Choose a new password (twice)."""

    password = PasswordField(
        "New password",
        validators=[
            DataRequired("Enter a new password"),
            Length(min=12, max=128, message="Password must be between 12 and 128 characters"),
        ],
    )
    confirm = PasswordField(
        "Confirm new password",
        validators=[
            DataRequired("Enter the password again"),
            EqualTo("password", message="The passwords do not match"),
        ],
    )


ROLE_CHOICES = [(role.value, role.label) for role in Role]


def _organisation_id(value) -> int:
    """The chosen organisation's id; 0 for none (an ICB account has no organisation)."""
    return 0 if value in (None, "") else int(value)


class StaffDetailsForm(PanelForm):
    """A staff user's name, role and places."""

    name = StringField(
        "Full name",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter the person's name"),
            Length(max=120, message="Name must be 120 characters or fewer"),
        ],
    )
    role = RadioField("Role", choices=ROLE_CHOICES, validators=[InputRequired("Choose a role")])
    places = MultiCheckboxField(
        "Places (for place team members, and observers from a place partnership board)",
        coerce=int,
        choices=[],
    )
    organisation = SelectField(
        "Partner organisation (for partner accounts only)",
        coerce=_organisation_id,
        choices=[],
        default=0,
    )
    is_enabled = BooleanField("Account can sign in", default=True)


class InviteStaffForm(StaffDetailsForm):
    """Invite a staff user: their details and email address."""

    email = EmailField(
        "Email address",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter the person's email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(
                "Enter an email address in the correct format, like name@example.nhs.uk",
                check_deliverability=False,
            ),
        ],
    )
