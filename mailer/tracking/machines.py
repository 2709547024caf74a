"""Telling machine opens from people: image proxies and link scanners announce themselves in
the user agent or come from known address ranges; the rest is judged from timing in the stats."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

#: substrings of user agents that fetch images or follow links for a mailbox, not a person.
MACHINE_AGENTS = (
    "googleimageproxy",
    "yahoomailproxy",
    "ymailproxy",
    "bingpreview",
    "barracuda",
    "proofpoint",
    "mimecast",
    "safelinks",
    "python-requests",
    "curl/",
    "wget/",
    "headlesschrome",
)
#: Apple Mail Privacy Protection fetches with exactly this agent and nothing else.
BARE_AGENTS = {"mozilla/5.0", ""}


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]):
    return tuple(ipaddress.ip_network(net, strict=False) for net in spec)


def machine_hint(user_agent: str | None, remote_addr: str | None, networks: tuple[str, ...]) -> str:
    """ "agent", "network" or "" (nothing in the request itself says machine)."""
    agent = (user_agent or "").strip().lower()
    if agent in BARE_AGENTS or any(marker in agent for marker in MACHINE_AGENTS):
        return "agent"
    if remote_addr and networks:
        try:
            address = ipaddress.ip_address(remote_addr)
        except ValueError:
            return ""
        if any(address in net for net in _networks(networks)):
            return "network"
    return ""
