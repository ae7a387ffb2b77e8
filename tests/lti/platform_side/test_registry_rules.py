"""The registry's pure rules, without a database: the tool's domain, custom parameters, pasted keys,
scopes and claims, client metadata read into what Baeum registers, and the module importing no ORM,
HTTP client or request."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from jwcrypto.jwk import JWK

from lti.platform.registry_rules import (
    MetadataRefused,
    claims_sent,
    client_metadata_parse,
    custom_parameters_parse,
    custom_parameters_text,
    on_domain,
    public_key_problem,
    scopes_granted,
    tool_url_problem,
)
from lti.platform.scopes import SCOPE_LINEITEM, SCOPE_NRPS, SCOPE_SCORE
from lti.tool.registration_rules import TOOL_CONFIGURATION


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    """These tests read the English messages (Korean is the default language)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


ROOT = Path(__file__).resolve().parents[3]


def test_the_rules_import_no_orm_http_or_request() -> None:
    tree = ast.parse((ROOT / "lti/platform/registry_rules.py").read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert not {m for m in imported if m.startswith(("django.db", "django.http", "requests", "lti_tool", "lti.models"))}


@pytest.mark.parametrize(
    ("url", "domain", "ok"),
    [
        ("https://tool.example.kr/launch", "tool.example.kr", True),
        ("https://TOOL.example.kr./launch", "tool.example.kr", True),
        ("https://a.tool.example.kr:8443/launch", "tool.example.kr", True),  # no port in the domain: any
        ("https://tool.example.kr:8443/launch", "tool.example.kr:8443", True),
        ("https://tool.example.kr/launch", "tool.example.kr:8443", False),
        ("http://127.0.0.1:8002/launch", "127.0.0.1:8002", True),
        ("http://127.0.0.1:8003/launch", "127.0.0.1:8002", False),
        ("https://ool.example.kr/launch", "tool.example.kr", False),
        ("https://tool.example.kr.evil.com/launch", "tool.example.kr", False),
        ("https://eviltool.example.kr/launch", "tool.example.kr", False),
        ("https://tool.example.kr/launch", "tool.example.kr/path", False),
        ("not a url", "tool.example.kr", False),
    ],
)
def test_an_address_is_on_the_tools_domain_or_a_subdomain(url: str, domain: str, ok: bool) -> None:
    assert on_domain(url, domain) is ok


def test_tool_addresses_are_https_whole_and_not_too_long() -> None:
    assert tool_url_problem("https://tool.example.kr/x?y=1", http_loopback=False) is None
    assert tool_url_problem("http://127.0.0.1:8002/x", http_loopback=True) is None
    for bad in ("http://127.0.0.1:8002/x", "https://tool.example.kr/#x", "https://t.kr/" + "x" * 500, "", None, 7):
        assert tool_url_problem(bad, http_loopback=False), bad


def test_custom_parameters_read_and_written_as_lines() -> None:
    parsed = custom_parameters_parse("grade=4\n\n unit = 분수 \nempty=\nurl=https://x.kr/?a=b")
    assert parsed == {"grade": "4", "unit": "분수", "empty": "", "url": "https://x.kr/?a=b"}
    assert custom_parameters_parse(custom_parameters_text(parsed)) == parsed
    assert custom_parameters_parse("") == {}
    for bad, line in (("x", "Line 1"), ("a=1\n=2", "Line 2"), ("a=1\na=2", "Line 2"), ("a-b=1", "Line 1")):
        with pytest.raises(ValueError, match=line):
            custom_parameters_parse(bad)
    with pytest.raises(ValueError, match="At most 50"):
        custom_parameters_parse("\n".join(f"k{i}=v" for i in range(51)))


def test_a_pasted_key_must_be_an_rsa_public_key_of_2048_bits() -> None:
    rsa = JWK.generate(kty="RSA", size=2048)
    assert public_key_problem(rsa.export_to_pem().decode()) is None
    assert "private key" in str(public_key_problem(rsa.export_to_pem(private_key=True, password=None).decode()))
    assert "RSA" in str(public_key_problem(JWK.generate(kty="EC", crv="P-256").export_to_pem().decode()))
    assert "2048" in str(public_key_problem(JWK.generate(kty="RSA", size=1024).export_to_pem().decode()))
    assert "PEM" in str(public_key_problem("ssh-rsa AAAAB3NzaC1yc2E tool@host"))


def test_scopes_are_granted_only_among_baeums_and_names_only_when_allowed() -> None:
    assert scopes_granted(["openid", SCOPE_NRPS, "https://x/everything", SCOPE_SCORE, SCOPE_SCORE]) == [
        SCOPE_SCORE,
        SCOPE_NRPS,
    ]
    assert scopes_granted([]) == []
    assert "name" not in claims_sent(False) and "sub" in claims_sent(False)
    assert "name" in claims_sent(True) and "email" not in claims_sent(True)


def _metadata(**tool: Any) -> dict[str, Any]:
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["client_credentials", "implicit"],
        "initiate_login_uri": "https://tool.example.kr/login",
        "redirect_uris": ["https://tool.example.kr/launch"],
        "client_name": "도구",
        "jwks_uri": "https://keys.example.kr/jwks",
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": f"{SCOPE_LINEITEM} openid",
        TOOL_CONFIGURATION: {"domain": "tool.example.kr", "target_link_uri": "https://tool.example.kr/launch", **tool},
    }


def test_client_metadata_becomes_what_baeum_registers() -> None:
    found = client_metadata_parse(_metadata(), http_loopback=False)
    assert (found.name, found.domain, found.scopes, found.deep_link_url) == (
        "도구",
        "tool.example.kr",
        (SCOPE_LINEITEM,),
        "",
    )
    assert found.urls() == {
        "redirect_uris[0]": "https://tool.example.kr/launch",
        "initiate_login_uri": "https://tool.example.kr/login",
        "target_link_uri": "https://tool.example.kr/launch",
        "jwks_uri": "https://keys.example.kr/jwks",
    }
    with_dl = client_metadata_parse(
        _metadata(messages=[{"type": "LtiResourceLinkRequest"}, {"type": "LtiDeepLinkingRequest"}]),
        http_loopback=False,
    )
    assert with_dl.deep_link_url == "https://tool.example.kr/launch"
    assert [m["type"] for m in with_dl.messages] == ["LtiResourceLinkRequest", "LtiDeepLinkingRequest"]


def test_a_refusal_names_the_member_and_the_rfc_error() -> None:
    with pytest.raises(MetadataRefused) as refused:
        client_metadata_parse({**_metadata(), "redirect_uris": ["https://evil.kr/"]}, http_loopback=False)
    assert (refused.value.code, refused.value.field, refused.value.status) == (
        "invalid_redirect_uri",
        "redirect_uris[0]",
        400,
    )
    with pytest.raises(MetadataRefused) as refused:
        client_metadata_parse([], http_loopback=False)
    assert (refused.value.code, refused.value.field) == ("invalid_client_metadata", "body")
