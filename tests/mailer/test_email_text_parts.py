"""Every email's plain-text part starts with its message, not with the subject line run into
the greeting ("...your experienceHello Sam,"): render_email takes the subject block off the text
part, which holds for every template because every one opens with its subject block."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from mailer.models import OutboundEmail
from mailer.queue import queue_email

EMAILS = Path(__file__).resolve().parents[2] / "templates" / "emails"
TEMPLATES = sorted(p for p in EMAILS.glob("*.txt") if not p.name.startswith("_"))
OPENING = re.compile(r"\A(?:\{#.*?#\}\s*)?\{% block subject %\}.*?\{% endblock %\}", re.DOTALL)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_every_text_template_opens_with_its_subject_block(path):
    assert OPENING.match(path.read_text()), f"{path.name} must open with its subject block"


def test_a_sent_text_part_begins_with_the_greeting(app, session, now):
    with app.test_request_context():
        queue_email(
            session,
            to_email="someone@example.org",
            template="member_magic_link",
            context={"first_name": "Ada", "link": "http://panel.test/l", "url": "http://x"},
            idempotency_key="text-part",
            now=now,
        )
    session.commit()
    email = session.scalar(sa.select(OutboundEmail))
    assert email.text_body.startswith("Hello Ada,"), email.text_body[:80]
    assert email.subject == "Your link to the citizens' panel member area"
