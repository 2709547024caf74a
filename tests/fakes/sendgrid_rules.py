"""SendGrid v3 Mail Send's payload rules, as the fake server enforces them."""

from __future__ import annotations

import base64
import binascii
from typing import Any

MAX_PERSONALIZATIONS = 1000
MAX_RECIPIENTS = 1000
MAX_SUBSTITUTIONS_BYTES = 10_000
MAX_CUSTOM_ARGS_BYTES = 10_000
# SendGrid builds these itself; its docs list them as headers a sender may not override.
RESERVED_HEADERS = frozenset(
    h.lower()
    for h in (
        "x-sg-id",
        "x-sg-eid",
        "received",
        "dkim-signature",
        "Content-Type",
        "Content-Transfer-Encoding",
        "To",
        "From",
        "Subject",
        "Reply-To",
        "CC",
        "BCC",
    )
)


def error(message: str, field: str | None = None) -> dict[str, Any]:
    """One entry of SendGrid's {"errors": [...]} answer."""
    return {"message": message, "field": field, "help": None}


def _string_map_errors(value: Any, field: str, limit: int | None) -> list[dict[str, Any]]:
    """Check a substitutions/custom_args/headers object: strings only, and under its byte limit."""
    if type(value) is not dict:
        return [error(f"Invalid type. Expected: object, given: {type(value).__name__}.", field)]
    chars = 0
    for key, item in value.items():
        if type(item) is not str:
            given = type(item).__name__
            return [error(f"Invalid type. Expected: string, given: {given}.", f"{field}.{key}")]
        chars += len(key) + len(item)
    # A character is at most 4 UTF-8 bytes, so only near the limit is encoding worth paying for.
    if limit is not None and chars * 4 > limit:
        size = sum(len(k.encode()) + len(v.encode()) for k, v in value.items())
        if size > limit:
            return [error(f"The {field} object must be no larger than {limit} bytes.", field)]
    return []


def _content_errors(message: dict[str, Any]) -> list[dict[str, Any]]:
    content = message.get("content")
    if not content or type(content) is not list:
        if message.get("template_id"):
            return []
        return [
            error(
                "Unless a valid template_id is provided, the content parameter is required. "
                "There must be at least one defined content block.",
                "content",
            )
        ]
    errors = []
    for i, part in enumerate(content):
        part = part if type(part) is dict else {}
        kind, value = part.get("type"), part.get("value")
        if type(kind) is not str or not kind or ";" in kind or "\r" in kind or "\n" in kind:
            errors.append(
                error(
                    "The content type cannot contain ';', or CRLF characters. "
                    "The content type must be a string at least one character in length.",
                    f"content.{i}.type",
                )
            )
        if type(value) is not str or not value:
            errors.append(
                error(
                    "The content value must be a string at least one character in length.",
                    f"content.{i}.value",
                )
            )
    if not errors:
        kinds = [part["type"].lower() for part in content]
        rank = [0 if k == "text/plain" else 1 if k == "text/html" else 2 for k in kinds]
        if rank != sorted(rank) or "text/plain" in kinds[1:]:
            errors.append(
                error(
                    "If present, text/plain content must be first, followed by text/html, "
                    "followed by any other content.",
                    "content",
                )
            )
    return errors


def _personalization_errors(
    personalization: Any, i: int, message: dict[str, Any], seen: set[str]
) -> tuple[list[dict[str, Any]], int]:
    """Errors for one personalization, and how many recipients it adds to the request."""
    field = f"personalizations.{i}"
    if type(personalization) is not dict:
        return [error("Invalid type. Expected: object.", field)], 0
    errors = []
    to = personalization.get("to")
    if not to or type(to) is not list:
        message_text = (
            "The to array is required for all personalization objects, "
            "and must have at least one email object with a valid email address."
        )
        errors.append(error(message_text, f"{field}.to"))
    recipients = 0
    for kind in ("to", "cc", "bcc"):
        addresses = personalization.get(kind)
        if not addresses or type(addresses) is not list:
            continue
        recipients += len(addresses)
        for j, address in enumerate(addresses):
            email = address.get("email") if type(address) is dict else None
            if type(email) is not str or "@" not in email:
                errors.append(
                    error("Does not contain a valid address.", f"{field}.{kind}.{j}.email")
                )
                continue
            # SendGrid compares addresses case-insensitively.
            folded = email.lower()
            if folded in seen:
                errors.append(
                    error(
                        "Each email address in the personalization block should be unique "
                        "between to, cc, and bcc. We found the first duplicate instance of "
                        f"[{email}] in the {field}.{kind} field.",
                        f"{field}.{kind}",
                    )
                )
            seen.add(folded)
    subject = personalization.get("subject")
    if subject is not None and type(subject) is not str:
        errors.append(error("Invalid type. Expected: string.", f"{field}.subject"))
    headers = personalization.get("headers")
    if headers is not None:
        errors += _headers_errors(headers, f"{field}.headers")
    substitutions = personalization.get("substitutions")
    if substitutions is not None:
        errors += _string_map_errors(
            substitutions, f"{field}.substitutions", MAX_SUBSTITUTIONS_BYTES
        )
    custom_args = personalization.get("custom_args")
    if custom_args is not None:
        found = _string_map_errors(custom_args, f"{field}.custom_args", None)
        if not found:
            # The limit applies to what each message carries: the message-level args plus these.
            shared = message.get("custom_args")
            merged = {**shared, **custom_args} if type(shared) is dict else custom_args
            found = _string_map_errors(merged, f"{field}.custom_args", MAX_CUSTOM_ARGS_BYTES)
        errors += found
    return errors, recipients


def _headers_errors(headers: Any, field: str) -> list[dict[str, Any]]:
    errors = _string_map_errors(headers, field, None)
    if not errors:
        for name in headers:
            if name.lower() in RESERVED_HEADERS:
                errors.append(
                    error(f"The header {name} is reserved and cannot be set.", f"{field}.{name}")
                )
    return errors


_PLAIN_KEYS = frozenset({"to", "subject", "headers", "substitutions", "custom_args"})


def _plainly_valid(personalizations: list[Any], shared_args: Any) -> bool:
    """A quick yes for the common shape; False means "check properly", never "invalid".

    This keeps 100,000 recipients per benchmark cheap: C-level joins check that every value is
    a string and measure it, and anything unusual (cc, bcc, sizes near a limit) is left to the
    full check, which also words the errors.
    """
    shared_chars = 0
    if shared_args is not None:
        try:
            shared_chars = len("".join(shared_args)) + len("".join(shared_args.values()))
        except (TypeError, AttributeError):
            return False
    seen: set[str] = set()
    recipients = 0
    reserved = RESERVED_HEADERS.isdisjoint
    try:
        for p in personalizations:
            if not p.keys() <= _PLAIN_KEYS:
                return False
            to = p["to"]
            if type(to) is not list or not to:
                return False
            recipients += len(to)
            for address in to:
                email = address["email"].lower()
                if "@" not in email or email in seen:
                    return False
                seen.add(email)
            subject = p.get("subject")
            if subject is not None and type(subject) is not str:
                return False
            headers = p.get("headers")
            if headers is not None:
                "".join(headers.values())
                if not reserved(map(str.lower, headers)):
                    return False
            substitutions = p.get("substitutions")
            if substitutions is not None:
                chars = len("".join(substitutions)) + len("".join(substitutions.values()))
                if chars * 4 > MAX_SUBSTITUTIONS_BYTES:
                    return False
            custom_args = p.get("custom_args")
            if custom_args is not None:
                chars = len("".join(custom_args)) + len("".join(custom_args.values()))
                if (chars + shared_chars) * 4 > MAX_CUSTOM_ARGS_BYTES:
                    return False
    except (TypeError, AttributeError, KeyError):
        return False
    return recipients <= MAX_RECIPIENTS


def _attachment_errors(attachments: Any) -> list[dict[str, Any]]:
    """SendGrid's documented rules: a list of objects, each with base64 content and a filename
    (type optional), disposition "attachment" or "inline"."""
    if type(attachments) is not list:
        return [error("Invalid type. Expected: array.", "attachments")]
    errors = []
    for i, attachment in enumerate(attachments):
        field = f"attachments.{i}"
        if type(attachment) is not dict:
            errors.append(error("Invalid type. Expected: object.", field))
            continue
        content = attachment.get("content")
        try:
            valid = (
                type(content) is str
                and content != ""
                and bool(base64.b64decode(content, validate=True))
            )
        except (ValueError, binascii.Error):
            valid = False
        if not valid:
            errors.append(
                error("The attachment content must be base64 encoded.", f"{field}.content")
            )
        if not attachment.get("filename") or type(attachment.get("filename")) is not str:
            message = "The attachment filename parameter is required."
            errors.append(error(message, f"{field}.filename"))
        if attachment.get("disposition", "attachment") not in ("attachment", "inline"):
            message = "The disposition must be either attachment or inline."
            errors.append(error(message, f"{field}.disposition"))
    return errors


def validate_mail_send(message: Any) -> list[dict[str, Any]]:
    """Return the errors SendGrid would answer 400 with for this parsed body ([] if it is valid)."""
    if type(message) is not dict:
        return [error("Bad Request")]
    errors = []
    sender = message.get("from")
    email = sender.get("email") if type(sender) is dict else None
    if type(email) is not str or "@" not in email:
        errors.append(
            error(
                "The from object must be provided for every email send. "
                "It is an object that requires the email parameter, "
                "but may also contain a name parameter.",
                "from.email",
            )
        )
    errors += _content_errors(message)
    if message.get("attachments") is not None:
        errors += _attachment_errors(message["attachments"])
    if message.get("headers") is not None:
        errors += _headers_errors(message["headers"], "headers")
    if message.get("custom_args") is not None:
        errors += _string_map_errors(message["custom_args"], "custom_args", MAX_CUSTOM_ARGS_BYTES)
    personalizations = message.get("personalizations")
    if not personalizations or type(personalizations) is not list:
        errors.append(error("You must have at least one personalization.", "personalizations"))
        return errors
    if len(personalizations) > MAX_PERSONALIZATIONS:
        errors.append(
            error(
                "The personalization block is limited to 1000 personalizations per API request. "
                f"You have provided {len(personalizations)} personalizations. Please consider "
                "splitting this into multiple requests and resending your request.",
                "personalizations",
            )
        )
        return errors
    subject = message.get("subject")
    if (not subject or type(subject) is not str) and not all(
        type(p) is dict and p.get("subject") for p in personalizations
    ):
        errors.append(
            error(
                "The subject is required. You can get around this requirement if you use a "
                "template with a subject defined or if every personalization has a subject "
                "defined.",
                "subject",
            )
        )
    if _plainly_valid(personalizations, message.get("custom_args")):
        return errors
    seen: set[str] = set()
    recipients = 0
    for i, personalization in enumerate(personalizations):
        found, count = _personalization_errors(personalization, i, message, seen)
        recipients += count
        if found:
            errors += found
    if recipients > MAX_RECIPIENTS:
        errors.append(
            error(
                "There is a limit of 1000 total recipients (to + cc + bcc) per request.",
                "personalizations",
            )
        )
    return errors
