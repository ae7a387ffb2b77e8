"""Addresses Baeum will call on an LMS's word (dynamic registration): not inside a private network.
An invite holder must not be able to make Baeum probe the school's or the cloud provider's inside."""

from __future__ import annotations

import ipaddress
import logging
import socket
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from lti.tool.registration_rules import RegistrationRefused

log = logging.getLogger("baeum.lti")


def internal_address(url: str, http_loopback: bool) -> bool:
    """Whether ``url``'s host is (or resolves to) a private, loopback, link-local or reserved
    address: an invite holder must not make Baeum probe the school's or the cloud's inside.
    Loopback is allowed where plain http on loopback is (tests, a laptop)."""
    host = urlsplit(url).hostname or ""
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)}
    except (OSError, UnicodeError):
        return False  # unresolvable: the request fails on its own, as "unreachable"
    for raw in found:
        address = ipaddress.ip_address(str(raw).split("%")[0])
        mapped = getattr(address, "ipv4_mapped", None)
        address = mapped or address
        if address.is_loopback and http_loopback:
            continue
        if address.is_private or address.is_loopback or address.is_link_local or address.is_reserved:
            return True
        if address.is_multicast or address.is_unspecified:
            return True
    return False


def refuse_internal(url: str, http_loopback: bool) -> None:
    if internal_address(url, http_loopback):
        log.warning("lti registration: refused an internal address")
        raise RegistrationRefused(
            "internal_address", _("The LMS's address points inside a private network, which Baeum does not call.")
        )
