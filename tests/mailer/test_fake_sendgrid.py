"""The fake SendGrid server answers the real sendgrid client as SendGrid's Mail Send API would."""

import http.client
import itertools
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock

import pytest
from python_http_client import exceptions
from sendgrid import SendGridAPIClient

from tests.fakes import sendgrid_rules
from tests.fakes.fake_sendgrid import FakeSendGrid, build_personalization_payload
from tests.fakes.sendgrid_rules import validate_mail_send

ROOT = Path(__file__).resolve().parents[2]
# What a lost answer looks like through urllib: the sender must treat it as "outcome unknown".
NO_ANSWER = (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    # urllib would send even loopback requests through a proxy configured in the environment.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def fake():
    with FakeSendGrid() as server:
        yield server


def client_for(fake, api_key="SG.test"):
    sg = SendGridAPIClient(api_key, host=fake.url)
    sg.client.timeout = 10
    return sg


def send(fake, payload, api_key="SG.test"):
    return client_for(fake, api_key).client.mail.send.post(request_body=payload)


def emails(n, prefix="member"):
    return [f"{prefix}{i}@example.org" for i in range(n)]


def post_raw(fake, body, headers):
    request = urllib.request.Request(
        fake.url + "/v3/mail/send", data=body, headers=headers, method="POST"
    )
    return urllib.request.urlopen(request, timeout=10)


def test_accepted_payload_answers_202_with_a_message_id_and_no_body(fake):
    response = send(fake, build_personalization_payload(emails(3)))

    assert response.status_code == 202
    assert response.body == b""
    assert response.headers["X-Message-Id"]


def test_accepted_payload_is_logged_once_per_personalization(fake):
    response = send(fake, build_personalization_payload(emails(3), subject="June bulletin"))

    message_id = response.headers["X-Message-Id"]
    entries = fake.accepted
    assert [e.to_email for e in entries] == emails(3)
    assert [e.index for e in entries] == [0, 1, 2]
    first = entries[0]
    assert (first.request_no, first.message_id, first.subject) == (1, message_id, "June bulletin")
    assert first.custom_args == {"outbox_id": "0"}
    assert first.headers == {
        "List-Unsubscribe": "<https://panel.example.org/u/0>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert first.substitutions["-first_name-"] == "Member 0"
    assert first.content_types == ("text/plain", "text/html")
    assert fake.requests == 1
    assert fake.rejected == []


def test_message_level_custom_args_and_headers_merge_into_each_entry(fake):
    payload = build_personalization_payload(emails(1))
    payload["custom_args"] = {"bulletin_id": "7", "outbox_id": "overridden"}
    payload["headers"] = {"X-Panel": "yes"}

    send(fake, payload)

    (entry,) = fake.accepted
    assert entry.custom_args == {"bulletin_id": "7", "outbox_id": "0"}
    assert entry.headers["X-Panel"] == "yes"
    assert entry.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_each_request_gets_its_own_message_id(fake):
    ids = {
        send(fake, build_personalization_payload(emails(1, f"r{n}-"))).headers["X-Message-Id"]
        for n in range(5)
    }

    assert len(ids) == 5
    assert {e.request_no for e in fake.accepted} == {1, 2, 3, 4, 5}


def test_subject_may_be_given_in_every_personalization_instead(fake):
    payload = build_personalization_payload(emails(2))
    del payload["subject"]
    for i, personalization in enumerate(payload["personalizations"]):
        personalization["subject"] = f"For you, {i}"

    assert send(fake, payload).status_code == 202
    assert [e.subject for e in fake.accepted] == ["For you, 0", "For you, 1"]


def test_exactly_1000_personalizations_are_accepted(fake):
    assert send(fake, build_personalization_payload(emails(1000))).status_code == 202
    assert len(fake.accepted) == 1000


def test_malformed_json_is_rejected_with_400(fake):
    headers = {"Authorization": "Bearer SG.test", "Content-Type": "application/json"}

    with pytest.raises(urllib.error.HTTPError) as raised:
        post_raw(fake, b'{"from": {"email": ', headers)

    assert raised.value.code == 400
    assert json.loads(raised.value.read()) == {
        "errors": [{"message": "Bad Request", "field": None, "help": None}]
    }
    assert fake.accepted == []


def _without(key):
    def change(payload):
        del payload[key]

    return change


def _set(path, value):
    def change(payload):
        target = payload
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def _subject_in_only_one_personalization(payload):
    del payload["subject"]
    payload["personalizations"][0]["subject"] = "Only the first"


def _html_first(payload):
    payload["content"].reverse()


def _custom_args_over_the_limit_only_once_merged(payload):
    payload["custom_args"] = {"a": "x" * 6_000}
    payload["personalizations"][0]["custom_args"]["b"] = "y" * 6_000


INVALID = {
    "missing from": (_without("from"), "from.email"),
    "from without email": (_set(["from"], {"name": "Panel"}), "from.email"),
    "missing subject": (_without("subject"), "subject"),
    "subject in only some personalizations": (_subject_in_only_one_personalization, "subject"),
    "missing content": (_without("content"), "content"),
    "empty content": (_set(["content"], []), "content"),
    "empty content value": (_set(["content", 1, "value"], ""), "content.1.value"),
    "empty content type": (_set(["content", 0, "type"], ""), "content.0.type"),
    "html before plain text": (_html_first, "content"),
    "missing personalizations": (_without("personalizations"), "personalizations"),
    "empty personalizations": (_set(["personalizations"], []), "personalizations"),
    "personalization without to": (
        _set(["personalizations", 1], {"subject": "x"}),
        "personalizations.1.to",
    ),
    "address without @": (
        _set(["personalizations", 0, "to", 0, "email"], "nobody"),
        "personalizations.0.to.0.email",
    ),
    "reserved header": (
        _set(["personalizations", 0, "headers", "Subject"], "Sneaky"),
        "personalizations.0.headers.Subject",
    ),
    "reserved header at message level": (_set(["headers"], {"to": "x@y.z"}), "headers.to"),
    "header value not a string": (
        _set(["personalizations", 0, "headers", "X-Count"], 3),
        "personalizations.0.headers.X-Count",
    ),
    "substitution not a string": (
        _set(["personalizations", 1, "substitutions", "-age-"], 42),
        "personalizations.1.substitutions.-age-",
    ),
    "substitutions over 10,000 bytes": (
        # Two-byte characters: 6,000 of them fit in a string count but not in bytes.
        _set(["personalizations", 0, "substitutions", "-bio-"], "é" * 6_000),
        "personalizations.0.substitutions",
    ),
    "custom_args over 10,000 bytes": (
        _set(["personalizations", 0, "custom_args", "pad"], "x" * 10_001),
        "personalizations.0.custom_args",
    ),
    "custom_args over 10,000 bytes with the message-level ones": (
        _custom_args_over_the_limit_only_once_merged,
        "personalizations.0.custom_args",
    ),
    "custom_args value not a string": (
        _set(["personalizations", 0, "custom_args", "outbox_id"], 12),
        "personalizations.0.custom_args.outbox_id",
    ),
}


@pytest.mark.parametrize("change, field", INVALID.values(), ids=INVALID.keys())
def test_invalid_payload_is_rejected_with_400_naming_the_field(fake, change, field):
    payload = build_personalization_payload(emails(3))
    change(payload)

    with pytest.raises(exceptions.BadRequestsError) as raised:
        send(fake, payload)

    assert raised.value.status_code == 400
    errors = raised.value.to_dict["errors"]
    assert field in [e["field"] for e in errors]
    assert all(e["message"] and "help" in e for e in errors)
    assert fake.accepted == []
    assert fake.rejected == [(400, errors)]


def test_more_than_1000_personalizations_are_rejected_with_400(fake):
    with pytest.raises(exceptions.BadRequestsError) as raised:
        send(fake, build_personalization_payload(emails(1001)))

    (error,) = raised.value.to_dict["errors"]
    assert error["field"] == "personalizations"
    assert error["message"].startswith(
        "The personalization block is limited to 1000 personalizations per API request"
    )
    assert fake.accepted == []


def test_more_than_1000_recipients_across_to_cc_and_bcc_are_rejected_with_400(fake):
    payload = build_personalization_payload(emails(500))
    for i, personalization in enumerate(payload["personalizations"]):
        personalization["cc"] = [{"email": f"cc{i}@example.org"}]
        personalization["bcc"] = [{"email": f"bcc{i}@example.org"}]

    with pytest.raises(exceptions.BadRequestsError) as raised:
        send(fake, payload)

    assert "1000 total recipients" in raised.value.to_dict["errors"][0]["message"]


@pytest.mark.parametrize(
    "second_address, where",
    [("member0@example.org", "to"), ("MEMBER0@Example.org", "to"), ("member0@example.org", "bcc")],
    ids=["same case", "differing case", "once as bcc"],
)
def test_an_address_twice_in_one_request_is_rejected_with_400(fake, second_address, where):
    payload = build_personalization_payload(emails(3))
    payload["personalizations"][2][where] = [{"email": second_address}]
    if where == "bcc":
        payload["personalizations"][2]["to"] = [{"email": "someone.else@example.org"}]

    with pytest.raises(exceptions.BadRequestsError) as raised:
        send(fake, payload)

    (error,) = raised.value.to_dict["errors"]
    assert error["field"] == f"personalizations.2.{where}"
    assert second_address in error["message"]
    assert fake.accepted == []


def test_body_over_max_bytes_is_rejected_with_413():
    with FakeSendGrid(max_bytes=2_048) as small:
        with pytest.raises(exceptions.PayloadTooLargeError) as raised:
            send(small, build_personalization_payload(emails(20)))

        assert raised.value.status_code == 413
        assert raised.value.to_dict == {"errors": [{"message": "content too large", "field": None}]}
        assert small.accepted == []
        # The connection was drained, so the server still answers the next request.
        assert send(small, build_personalization_payload(emails(1))).status_code == 202


def test_fail_next_answers_429_with_rate_limit_headers_then_recovers(fake):
    fake.fail_next(2, status=429, retry_after=5)
    payload = build_personalization_payload(emails(2))

    for _ in range(2):
        with pytest.raises(exceptions.TooManyRequestsError) as raised:
            send(fake, payload)
        headers = raised.value.headers
        assert raised.value.status_code == 429
        assert headers["X-RateLimit-Limit"] == "600"
        assert headers["X-RateLimit-Remaining"] == "0"
        assert int(headers["X-RateLimit-Reset"]) >= time.time() + 4
        assert headers["Retry-After"] == "5"

    assert send(fake, payload).status_code == 202
    assert [status for status, _ in fake.rejected] == [429, 429]
    assert len(fake.accepted) == 2
    assert fake.requests == 3


@pytest.mark.parametrize(
    "status, error_class",
    [(500, exceptions.InternalServerError), (503, exceptions.ServiceUnavailableError)],
)
def test_fail_next_answers_server_errors_without_accepting(fake, status, error_class):
    fake.fail_next(1, status=status)

    with pytest.raises(error_class) as raised:
        send(fake, build_personalization_payload(emails(1)))

    assert raised.value.status_code == status
    assert fake.accepted == []


def test_rate_limit_every_nth_request_answers_429():
    with FakeSendGrid(rate_limit_every=3) as limited:
        outcomes = []
        for n in range(6):
            try:
                send(limited, build_personalization_payload(emails(1, f"r{n}-")))
                outcomes.append(202)
            except exceptions.TooManyRequestsError as exc:
                outcomes.append(exc.status_code)

    assert outcomes == [202, 202, 429, 202, 202, 429]


def test_request_without_authorization_is_rejected_with_401(fake):
    body = json.dumps(build_personalization_payload(emails(1))).encode()

    with pytest.raises(urllib.error.HTTPError) as raised:
        post_raw(fake, body, {"Content-Type": "application/json"})

    assert raised.value.code == 401
    assert json.loads(raised.value.read())["errors"][0]["message"] == "authorization required"
    assert fake.accepted == []


def test_client_built_without_an_api_key_is_rejected_with_401(fake, monkeypatch):
    # SendGridAPIClient(None) falls back to the environment and would send "Bearer None".
    monkeypatch.delenv("SENDGRID_API_KEY", raising=False)

    with pytest.raises(exceptions.UnauthorizedError) as raised:
        send(fake, build_personalization_payload(emails(1)), api_key=None)

    assert raised.value.status_code == 401


def test_wrong_key_is_rejected_with_401_when_a_key_is_configured():
    with FakeSendGrid(api_key="SG.right") as keyed:
        with pytest.raises(exceptions.UnauthorizedError):
            send(keyed, build_personalization_payload(emails(1)), api_key="SG.wrong")

        assert send(keyed, build_personalization_payload(emails(1)), "SG.right").status_code == 202


def test_drop_next_accepts_the_message_but_leaves_the_client_without_an_answer(fake):
    fake.drop_next(1)

    with pytest.raises(NO_ANSWER):
        send(fake, build_personalization_payload(emails(2)))

    assert [e.to_email for e in fake.accepted] == emails(2)
    assert fake.rejected == []
    # Only the next request is dropped.
    assert send(fake, build_personalization_payload(emails(1, "next"))).status_code == 202


def test_client_timeout_shorter_than_delay_fails_after_the_message_was_accepted():
    with FakeSendGrid(delay_seconds=1.0) as slow:
        sg = client_for(slow)
        started = time.monotonic()

        with pytest.raises(NO_ANSWER):
            sg.client.mail.send.post(
                request_body=build_personalization_payload(emails(1)), timeout=0.2
            )

        assert time.monotonic() - started < 0.9
        assert [e.to_email for e in slow.accepted] == emails(1)


def test_kept_alive_connection_carries_several_requests(fake):
    body = json.dumps(build_personalization_payload(emails(1))).encode()
    headers = {"Authorization": "Bearer SG.test", "Content-Type": "application/json"}
    connection = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=10)
    try:
        sockets, statuses = [], []
        for _ in range(3):
            connection.request("POST", "/v3/mail/send", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
            # http.client drops its socket when the server says it will close.
            sockets.append(connection.sock)
    finally:
        connection.close()

    assert statuses == [202, 202, 202]
    assert sockets[0] is not None and sockets.count(sockets[0]) == 3
    assert fake.requests == 3


def test_unknown_path_answers_404(fake):
    with pytest.raises(urllib.error.HTTPError) as raised:
        request = urllib.request.Request(
            fake.url + "/v3/mail/batch", data=b"{}", headers={"Authorization": "Bearer SG.test"}
        )
        urllib.request.urlopen(request, timeout=10)

    assert raised.value.code == 404
    assert fake.requests == 0


def test_log_path_gets_one_json_line_per_accepted_personalization(tmp_path):
    log = tmp_path / "accepted.jsonl"
    with FakeSendGrid(log_path=log) as logged:
        message_id = send(logged, build_personalization_payload(emails(2))).headers["X-Message-Id"]
        # Written before the answer, so it is already on disk while the server runs.
        lines = [json.loads(line) for line in log.read_text().splitlines()]

    assert [line["to_email"] for line in lines] == emails(2)
    assert {line["message_id"] for line in lines} == {message_id}
    assert lines[1]["custom_args"] == {"outbox_id": "1"}
    assert lines[1]["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert lines[0]["content_types"] == ["text/plain", "text/html"]


def test_subprocess_mode_announces_its_url_and_logs_accepted_messages(tmp_path):
    log, ready = tmp_path / "accepted.jsonl", tmp_path / "ready"
    command = [sys.executable, "-m", "tests.fakes.fake_sendgrid", "--port", "0"]
    command += ["--log", str(log), "--ready-file", str(ready)]
    process = subprocess.Popen(
        command, cwd=ROOT, env=os.environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 15
        while not ready.exists():
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "the fake never became ready"
            time.sleep(0.02)
        url = ready.read_text().strip()
        assert url.startswith("http://127.0.0.1:")

        sg = SendGridAPIClient("SG.test", host=url)
        response = sg.client.mail.send.post(
            request_body=build_personalization_payload(emails(3)), timeout=10
        )
        assert response.status_code == 202
    finally:
        process.terminate()
        returncode = process.wait(timeout=10)

    assert returncode == 0
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [line["to_email"] for line in lines] == emails(3)
    assert {line["message_id"] for line in lines} == {response.headers["X-Message-Id"]}


def _personalization_shapes(email):
    """Valid and invalid personalizations, one departure from a valid one at a time."""
    base = {"to": [{"email": email}]}
    changes = [
        {},
        {"to": None},
        {"to": []},
        {"to": "a@x.org"},
        {"to": ["a@x.org"]},
        {"to": [{}]},
        {"to": [{"email": 3}]},
        {"to": [{"email": "nobody"}]},
        {"to": [{"email": "A@X.org"}]},
        {"to": [{"email": "b@x.org"}, {"email": "c@x.org"}]},
        {"cc": [{"email": "a@x.org"}]},
        {"bcc": [{"email": "d@x.org"}]},
        {"subject": 3},
        {"subject": "Hello"},
        {"headers": {"To": "x"}},
        {"headers": {"X-Id": 1}},
        {"headers": {"X-Id": "1"}},
        {"headers": "X-Id: 1"},
        {"substitutions": {"-n-": 1}},
        {"substitutions": {"-n-": "é" * 2_600}},
        {"substitutions": {"-n-": "é" * 5_001}},
        {"substitutions": []},
        {"custom_args": {"k": 1}},
        {"custom_args": {"k": "x" * 2_600}},
        {"custom_args": {"k": "x" * 9_990}},
        {"send_at": 1},
    ]
    return [{**base, **change} for change in changes] + ["a@x.org", None]


def test_quick_path_for_large_requests_judges_every_shape_as_the_full_check_does():
    firsts, seconds = _personalization_shapes("a@x.org"), _personalization_shapes("e@x.org")
    disagreements = []
    for shared_args in (None, {"s": "y" * 20}, {"s": 1}):
        for first, second in itertools.product(firsts, seconds):
            payload = build_personalization_payload([])
            payload["personalizations"] = [first, second]
            if shared_args is not None:
                payload["custom_args"] = shared_args
            quick = validate_mail_send(payload)
            with mock.patch.object(sendgrid_rules, "_plainly_valid", return_value=False):
                full = validate_mail_send(payload)
            if quick != full:
                disagreements.append((first, second, shared_args))

    assert disagreements == []
