"""Webhooks cannot be aimed at our own network: with the production setting, private, loopback,
link-local, IPv6-mapped and numeric-host addresses are refused when an endpoint is saved and
again when a message is sent (the host resolved then, every address checked); http is refused."""

from __future__ import annotations

import socket

import pytest

from panel.config import load_config
from panel.webhooks import egress
from panel.webhooks.delivery import loopback_allowed

REFUSED = [
    "https://127.0.0.1/hooks",
    "https://127.1.2.3/hooks",
    "https://10.0.0.5/hooks",
    "https://172.16.0.1/hooks",
    "https://192.168.1.1/hooks",
    "https://100.64.0.1/hooks",  # carrier-grade NAT
    "https://169.254.169.254/latest/meta-data",  # cloud metadata (link-local)
    "https://0.0.0.0/hooks",
    "https://[::1]/hooks",
    "https://[fe80::1]/hooks",
    "https://[fd00::1]/hooks",
    "https://[::ffff:127.0.0.1]/hooks",  # IPv4-mapped IPv6
    "https://[::ffff:10.0.0.1]/hooks",
    "https://[::ffff:7f00:1]/hooks",
    "https://[2002:7f00:1::]/hooks",  # 6to4 wrapping 127.0.0.1
    "https://2130706433/hooks",  # 127.0.0.1 as one decimal number
    "https://0x7f.1/hooks",  # hex and short forms the resolver accepts
    "https://017700000001/hooks",  # octal
    "https://224.0.0.1/hooks",  # multicast
    "http://hooks.example.org/panel",  # not https
    "https://user:pass@hooks.example.org/panel",
    "ftp://hooks.example.org/panel",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("url", REFUSED)
def test_a_non_public_or_non_https_address_is_refused_when_saved_and_when_sent(url, monkeypatch):
    def no_resolving(*args, **kwargs):
        raise AssertionError("a refused address is never resolved")

    with pytest.raises(egress.EgressRefused):
        egress.check_url(url, allow_loopback=False)
    monkeypatch.setattr(egress.socket, "getaddrinfo", no_resolving)
    answer = egress.post(url, b"{}", {}, allow_loopback=False)
    assert answer.status_code is None and answer.error.startswith("refused")


def _resolving_to(*addresses):
    def getaddrinfo(host, port, *args, **kwargs):
        family = {4: socket.AF_INET, 6: socket.AF_INET6}
        return [
            (family[6 if ":" in a else 4], socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses
        ]

    return getaddrinfo


@pytest.mark.parametrize(
    "addresses",
    [("10.1.2.3",), ("93.184.215.14", "127.0.0.1"), ("::ffff:192.168.0.1",), ("fe80::1%eth0",)],
)
def test_a_host_name_is_refused_if_any_address_it_resolves_to_is_not_public(addresses, monkeypatch):
    """DNS rebinding: the name is checked at send time and every answer must be public."""
    egress.check_url("https://hooks.example.org/panel", allow_loopback=False)  # fine when saved
    monkeypatch.setattr(egress.socket, "getaddrinfo", _resolving_to(*addresses))
    answer = egress.post("https://hooks.example.org/panel", b"{}", {}, allow_loopback=False)
    assert answer.error == "refused: the host resolves to an address that is not public"


def test_the_connection_goes_to_the_address_that_was_checked(monkeypatch):
    """The pool connects to the checked address (never resolving again) and verifies the
    certificate for the host name."""
    monkeypatch.setattr(egress.socket, "getaddrinfo", _resolving_to("93.184.215.14"))
    made = {}

    class Pool:
        def __init__(self, host, port, **options):
            made.update(host=host, port=port, **options)

        def urlopen(self, *args, **kwargs):
            made.update(kwargs)
            raise egress.urllib3.exceptions.NewConnectionError(None, "no network in tests")

        def close(self):
            pass

    monkeypatch.setattr(egress.urllib3, "HTTPSConnectionPool", Pool)
    answer = egress.post("https://hooks.example.org:8443/p?q=1", b"{}", {}, allow_loopback=False)
    assert (made["host"], made["port"]) == ("93.184.215.14", 8443)
    assert made["server_hostname"] == made["assert_hostname"] == "hooks.example.org"
    assert made["cert_reqs"] == "CERT_REQUIRED" and made["redirect"] is False
    assert made["headers"]["Host"] == "hooks.example.org:8443"
    assert made["timeout"].total == egress.TIMEOUT_SECONDS == 15
    assert answer.status_code is None and answer.error.startswith("could not connect")


def test_localhost_is_refused_unless_tests_allow_loopback():
    answer = egress.post("https://localhost:1/hooks", b"{}", {}, allow_loopback=False)
    assert answer.error == "refused: the host resolves to an address that is not public"
    egress.check_url("http://127.0.0.1:8000/hooks", allow_loopback=True)
    with pytest.raises(egress.EgressRefused):  # loopback only: private stays refused
        egress.check_url("http://10.0.0.1/hooks", allow_loopback=True)


def test_production_never_allows_loopback_receivers(tmp_path, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("WEBHOOK_ALLOW_LOOPBACK", "1")
    config = load_config(tmp_path)
    assert config["WEBHOOK_ALLOW_LOOPBACK"] is False
    assert not loopback_allowed({"APP_ENV": "production", "WEBHOOK_ALLOW_LOOPBACK": True})
    assert loopback_allowed({"APP_ENV": "development", "WEBHOOK_ALLOW_LOOPBACK": True})
    assert not loopback_allowed({"APP_ENV": "development"})
