"""Dynamic registration calls addresses an invite holder supplies: never inside a private network."""

from __future__ import annotations

import pytest

from lti.tool.addresses import internal_address, refuse_internal
from lti.tool.registration_rules import RegistrationRefused


@pytest.mark.parametrize(
    "url",
    [
        "https://10.0.0.5/.well-known/openid-configuration",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::ffff:127.0.0.1]:8443/x",
        "https://192.168.1.1/",
        "https://127.0.0.1/",
        "https://localhost/",
    ],
)
def test_private_and_loopback_addresses_are_refused(url: str) -> None:
    assert internal_address(url, http_loopback=False)
    with pytest.raises(RegistrationRefused) as refused:
        refuse_internal(url, http_loopback=False)
    assert refused.value.code == "internal_address"


def test_loopback_is_allowed_where_plain_http_on_loopback_is() -> None:
    assert not internal_address("http://127.0.0.1:8000/x", http_loopback=True)
    assert internal_address("https://10.0.0.5/x", http_loopback=True)


def test_a_public_address_passes() -> None:
    assert not internal_address("https://8.8.8.8/.well-known/openid-configuration", http_loopback=False)
