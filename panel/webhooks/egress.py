"""Posting a webhook without being turned against our own network (server-side request forgery).

An endpoint must be https. At every send the host is resolved and every address it gives is
checked: only public (global unicast) addresses pass, after unwrapping IPv4 inside IPv6
(mapped, 6to4, Teredo); the connection then goes to the checked address itself, so a second
DNS answer (rebinding) cannot move it. Redirects are never followed. Tests allow http and
loopback through WEBHOOK_ALLOW_LOOPBACK, which production ignores.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

import urllib3

TIMEOUT_SECONDS = 15
#: at most this much of an answer is read (the status is what counts).
MAX_ANSWER_BYTES = 4096
USER_AGENT = "lsc-panel-webhooks/1"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class EgressRefused(ValueError):
    """The address may not be sent to; the message says why in a few words."""


@dataclass(frozen=True)
class Answer:
    """What one attempt came to: a status code, or None and why not."""

    status_code: int | None
    error: str
    duration_ms: int


def check_url(url: str, allow_loopback: bool) -> SplitResult:
    """The parts of an endpoint address that may be used; raises EgressRefused. Checks the
    form only: the addresses the host resolves to are checked when sending."""
    if not url or url != url.strip() or any(ord(c) < 33 for c in url):
        raise EgressRefused("Enter a web address without spaces")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise EgressRefused("Enter a web address like https://example.org/webhooks") from None
    schemes = ("https", "http") if allow_loopback else ("https",)
    if parts.scheme not in schemes:
        raise EgressRefused("The address must start with https://")
    if not parts.hostname:
        raise EgressRefused("Enter a web address like https://example.org/webhooks")
    if parts.username is not None or parts.password is not None:
        raise EgressRefused("The address must not contain a user name or password")
    if port == 0:
        raise EgressRefused("Enter a web address like https://example.org/webhooks")
    literal = _literal(parts.hostname)
    if literal is not None and not address_allowed(literal, allow_loopback):
        raise EgressRefused("The address must be on the public internet")
    return parts


def _literal(host: str) -> IPAddress | None:
    """The address a host written as a number stands for, in any form the resolver accepts
    (127.0.0.1, ::1, and the decimal, octal and hex forms like 2130706433 or 0x7f.1)."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError, UnicodeError):
        return None


def _embedded(address: IPAddress) -> IPAddress:
    """The IPv4 address carried inside an IPv6 one (mapped, 6to4, Teredo), else itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address.teredo is not None:
            return address.teredo[1]
    return address


def address_allowed(address: IPAddress, allow_loopback: bool) -> bool:
    """True for a public unicast address (or a loopback one when tests allow it)."""
    if allow_loopback and address.is_loopback:
        return True
    inner = _embedded(address)
    return all(
        candidate.is_global and not candidate.is_multicast and not candidate.is_reserved
        for candidate in {address, inner}
    )


def resolve(host: str, port: int, allow_loopback: bool) -> list[IPAddress]:
    """Every address ``host`` resolves to, if all are allowed; raises EgressRefused."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise EgressRefused("the host name could not be resolved") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in found]
    if not addresses:
        raise EgressRefused("the host name could not be resolved")
    for address in addresses:
        if not address_allowed(address, allow_loopback):
            raise EgressRefused("the host resolves to an address that is not public")
    return addresses


def post(url: str, body: bytes, headers: dict[str, str], allow_loopback: bool) -> Answer:
    """POST ``body`` to ``url`` once (no redirects, TIMEOUT_SECONDS in all)."""
    started = time.monotonic()

    def answer(status_code: int | None, error: str = "") -> Answer:
        return Answer(status_code, error, int((time.monotonic() - started) * 1000))

    try:
        parts = check_url(url, allow_loopback)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = resolve(parts.hostname, port, allow_loopback)[0]
    except EgressRefused as refusal:
        return answer(None, f"refused: {refusal}")
    pool = _pool(parts, str(address), port)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        response = pool.urlopen(
            "POST",
            path,
            body=body,
            headers={
                **headers,
                "Host": parts.netloc,
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
            },
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            response.read(MAX_ANSWER_BYTES)
        finally:
            response.release_conn()
        return answer(response.status)
    except urllib3.exceptions.NewConnectionError:
        # Checked first: urllib3 makes it a kind of timeout error too.
        return answer(None, "could not connect (connection refused or unreachable)")
    except urllib3.exceptions.TimeoutError:
        return answer(None, f"no answer within {TIMEOUT_SECONDS} seconds")
    except urllib3.exceptions.SSLError:
        return answer(None, "the certificate could not be verified")
    except (urllib3.exceptions.HTTPError, OSError) as failure:
        return answer(None, f"could not connect ({type(failure).__name__})")
    finally:
        pool.close()


def _pool(parts: SplitResult, address: str, port: int) -> urllib3.HTTPConnectionPool:
    """A connection pool to the checked address, verifying the certificate for the host name."""
    timeout = urllib3.Timeout(total=TIMEOUT_SECONDS)
    if parts.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
        )
    return urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)
