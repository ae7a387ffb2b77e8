"""The test platform on its own (no Baeum): configuration, dynamic registration, launches, deep linking
and the course page, with a simulated tool holding a throwaway RSA key."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import jwt
import pytest
import requests

from tests.lti.platform import INSTRUCTOR, LEARNER, PlatformError, TestPlatform
from tests.lti.platform.dynreg import PLATFORM_CONFIGURATION, TOOL_CONFIGURATION
from tests.lti.platform.fixtures import launch_with_client, lti_platform  # noqa: F401 - a fixture
from tests.lti.platform.keys import RsaKey
from tests.lti.platform.launches import LoginInitiation
from tests.lti.platform.state import AGS_CLAIM, CLAIM, DEEP_LINKING_REQUEST, DL_CLAIM, NRPS_CLAIM, SCOPE_SCORE
from tests.lti.platform.toolsim import SimulatedTool, form_fields


@pytest.fixture
def platform(lti_platform: TestPlatform) -> Iterator[TestPlatform]:  # noqa: F811 - the imported fixture
    yield lti_platform
    assert lti_platform.errors == []  # the platform itself never crashed


@pytest.fixture
def sim(platform: TestPlatform) -> SimulatedTool:
    tool = SimulatedTool(platform)
    tool.register(deep_link_url="http://tool.invalid/lti/launch/?deep")
    return tool


def registration_metadata(base: str = "http://localhost:8123") -> dict[str, Any]:
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": f"{base}/lti/login/",
        "redirect_uris": [f"{base}/lti/launch/"],
        "client_name": "Baeum",
        "jwks_uri": f"{base}/lti/jwks/",
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": f"{SCOPE_SCORE} https://example.org/unsupported",
        TOOL_CONFIGURATION: {
            "domain": "localhost:8123",
            "target_link_uri": f"{base}/lti/launch/",
            "custom_parameters": {"tool_level": "yes"},
            "claims": ["iss", "sub", "name"],
            "messages": [{"type": DEEP_LINKING_REQUEST, "target_link_uri": f"{base}/lti/launch/"}],
        },
    }


def test_openid_configuration_has_the_dynamic_registration_shape(platform: TestPlatform) -> None:
    config = requests.get(platform.url("/.well-known/openid-configuration"), timeout=10).json()
    assert config["issuer"] == platform.issuer
    assert config["authorization_endpoint"] == platform.url("/auth")
    assert config["token_endpoint"] == platform.url("/token")
    assert config["jwks_uri"] == platform.url("/jwks")
    assert config["registration_endpoint"] == platform.url("/registration")
    assert config["token_endpoint_auth_methods_supported"] == ["private_key_jwt"]
    assert config["id_token_signing_alg_values_supported"] == ["RS256"]
    assert config["response_types_supported"] == ["id_token"]
    assert SCOPE_SCORE in config["scopes_supported"]
    assert "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly" in config["scopes_supported"]
    lti = config[PLATFORM_CONFIGURATION]
    assert lti["product_family_code"] == "baeum-test-platform"
    assert [m["type"] for m in lti["messages_supported"]] == ["LtiResourceLinkRequest", "LtiDeepLinkingRequest"]


def test_dynamic_registration_registers_once_per_token(platform: TestPlatform) -> None:
    url = platform.start_dynamic_registration("http://localhost:8123/lti/register/abc/?x=1")
    assert url.startswith("http://localhost:8123/lti/register/abc/?x=1&openid_configuration=")
    token = url.rsplit("registration_token=", 1)[1]
    endpoint = platform.url("/registration")

    missing = requests.post(endpoint, json=registration_metadata(), timeout=10)
    forged = requests.post(endpoint, json=registration_metadata(), headers={"Authorization": "Bearer nope"}, timeout=10)
    assert (missing.status_code, forged.status_code) == (401, 401)

    answer = requests.post(
        endpoint, json=registration_metadata(), headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert answer.status_code == 200
    body = answer.json()
    tool = platform.tools[body["client_id"]]
    assert body[TOOL_CONFIGURATION]["deployment_id"] == tool.deployment_id
    assert body["scope"] == SCOPE_SCORE  # the unsupported scope is not granted
    assert tool.login_url == "http://localhost:8123/lti/login/"
    assert tool.jwks_url == "http://localhost:8123/lti/jwks/"
    assert tool.custom == {"tool_level": "yes"}
    assert platform.tool_for_token(token) is tool

    initiation = platform.login_initiation(tool, user="s", roles=[LEARNER], context="c")
    claims = jwt.decode(
        platform.authorize(SimulatedTool(platform, tool.client_id, registration=tool).auth_request(initiation))[1][
            "id_token"
        ],
        options={"verify_signature": False},
    )
    assert claims[AGS_CLAIM]["scope"] == [SCOPE_SCORE] and NRPS_CLAIM not in claims  # only what was granted
    assert claims[CLAIM + "custom"] == {"tool_level": "yes"}

    again = requests.post(
        endpoint, json=registration_metadata(), headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert again.status_code == 401
    assert "used" in again.json()["error_description"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("token_endpoint_auth_method", "client_secret_basic"),
        ("grant_types", ["implicit"]),
        ("redirect_uris", []),
        ("jwks_uri", "not a url"),
        ("initiate_login_uri", "http://elsewhere.example/lti/login/"),
    ],
)
def test_dynamic_registration_refuses_bad_metadata(platform: TestPlatform, field: str, value: object) -> None:
    token = platform.new_registration_token()
    metadata = {**registration_metadata(), field: value}
    with pytest.raises(PlatformError) as refused:
        platform.register_dynamically(token, metadata)
    assert refused.value.status == 400
    assert platform.registration_tokens[token] is None  # a refused attempt leaves the token usable


def test_admin_register_page_opens_the_tool_in_an_iframe(platform: TestPlatform) -> None:
    page = requests.get(
        platform.url("/admin/register"), params={"url": "http://localhost:8123/lti/register/t/"}, timeout=10
    )
    assert page.status_code == 200
    assert 'name="registration"' in page.text
    assert "openid_configuration=" in page.text and "registration_token=" in page.text
    assert "org.imsglobal.lti.close" in page.text


def test_a_resource_link_launch_verifies_against_the_jwks(platform: TestPlatform, sim: SimulatedTool) -> None:
    platform.add_user("s-1", [LEARNER], name="김민지", email="minji@example.org", given_name="민지", family_name="김")
    platform.add_context("class-3-2", title="3학년 2반 수학", label="MATH-3-2")
    platform.add_resource_link(
        "rl-1",
        "class-3-2",
        sim.tool,
        title="분수",
        custom={"baeum_lesson": "42"},
        lineitem={"label": "분수", "scoreMaximum": 10},
    )
    initiation = platform.login_initiation(sim.tool, user="s-1", context="class-3-2", resource_link="rl-1")
    assert initiation.url == sim.tool.login_url
    assert initiation.params["iss"] == platform.issuer
    assert initiation.params["login_hint"] == "s-1"
    assert initiation.params["target_link_uri"] == sim.tool.launch_url
    assert initiation.params["client_id"] == sim.client_id
    assert initiation.params["lti_deployment_id"] == sim.tool.deployment_id

    query = sim.auth_request(initiation)
    page = requests.get(platform.auth_url, params=query, timeout=10)
    action, fields = form_fields(page.text)
    assert action == sim.tool.launch_url and fields["state"] == query["state"]
    claims = sim.verify(fields["id_token"])
    assert jwt.get_unverified_header(fields["id_token"])["kid"] == platform.kid
    assert claims["nonce"] == query["nonce"] and claims["sub"] == "s-1"
    assert claims[CLAIM + "message_type"] == "LtiResourceLinkRequest"
    assert claims[CLAIM + "version"] == "1.3.0"
    assert claims[CLAIM + "deployment_id"] == sim.tool.deployment_id
    assert claims[CLAIM + "roles"] == [LEARNER]
    assert claims[CLAIM + "resource_link"]["id"] == "rl-1"
    assert claims[CLAIM + "context"]["title"] == "3학년 2반 수학"
    assert claims[CLAIM + "custom"] == {"baeum_lesson": "42"}
    assert claims[CLAIM + "launch_presentation"] == {"document_target": "iframe", "return_url": platform.url("/return")}
    assert claims[CLAIM + "tool_platform"]["product_family_code"] == "baeum-test-platform"
    assert (claims["name"], claims["email"], claims["given_name"]) == ("김민지", "minji@example.org", "민지")
    ags = claims[AGS_CLAIM]
    assert ags["lineitems"] == platform.lineitems_url("class-3-2")
    assert ags["lineitem"] == platform.lineitems_in("class-3-2")[0].url
    assert SCOPE_SCORE in ags["scope"]
    assert claims[NRPS_CLAIM]["context_memberships_url"] == platform.memberships_url("class-3-2")
    assert "s-1" in platform.contexts["class-3-2"].members


@pytest.mark.parametrize(
    ("name", "email", "expected"),
    [(None, None, set()), (None, "a@example.org", {"email"}), ("홍길동", None, {"name"})],
)
def test_personal_data_is_optional(
    platform: TestPlatform, sim: SimulatedTool, name: str | None, email: str | None, expected: set[str]
) -> None:
    platform.add_user("u", [INSTRUCTOR], name=name, email=email)
    initiation = platform.login_initiation(sim.tool, user="u", context="c")
    _, fields = platform.authorize(sim.auth_request(initiation))
    claims = sim.verify(fields["id_token"])
    assert {"name", "email", "given_name", "family_name"} & set(claims) == expected


def test_auth_refuses_an_unregistered_redirect_uri_and_a_used_hint(platform: TestPlatform, sim: SimulatedTool) -> None:
    initiation = platform.login_initiation(sim.tool, user="s", roles=[LEARNER], resource_link="r")
    refused = sim.launch_over_http(initiation, redirect_uri="http://tool.invalid/evil/")
    assert refused.status_code == 400 and "redirect_uri" in refused.text
    assert "id_token" not in refused.text
    query = sim.auth_request(initiation)
    platform.authorize(query)
    with pytest.raises(PlatformError, match="lti_message_hint"):
        platform.authorize(query)  # a pending launch is used once
    assert [r.error for r in platform.refusals_at("auth")] == ["invalid_request", "invalid_request"]


@pytest.mark.parametrize(
    "override",
    [
        {"prompt": "login"},
        {"scope": "profile"},
        {"response_type": "code"},
        {"login_hint": "someone-else"},
        {"nonce": ""},
    ],
)
def test_auth_refuses_a_malformed_request(platform: TestPlatform, sim: SimulatedTool, override: dict[str, str]) -> None:
    initiation = platform.login_initiation(sim.tool, user="s", roles=[LEARNER])
    with pytest.raises(PlatformError):
        platform.authorize(sim.auth_request(initiation, **override))


def test_extra_claims_replace_or_drop_claims_of_a_genuinely_signed_token(
    platform: TestPlatform, sim: SimulatedTool
) -> None:
    initiation = platform.login_initiation(
        sim.tool, user="s", roles=[LEARNER], extra_claims={CLAIM + "deployment_id": "other", CLAIM + "version": None}
    )
    _, fields = platform.authorize(sim.auth_request(initiation))
    claims = sim.verify(fields["id_token"])
    assert claims[CLAIM + "deployment_id"] == "other" and CLAIM + "version" not in claims


def test_deep_linking_round_trip(platform: TestPlatform, sim: SimulatedTool) -> None:
    platform.add_user("t-1", [INSTRUCTOR], name="박선생")
    initiation = platform.login_initiation(
        sim.tool,
        user="t-1",
        context="class-1",
        message_type=DEEP_LINKING_REQUEST,
        deep_linking_settings={"data": "opaque-123", "accept_multiple": True},
    )
    assert initiation.params["target_link_uri"] == sim.tool.deep_link_url
    _, fields = platform.authorize(sim.auth_request(initiation))
    request_claims = sim.verify(fields["id_token"])
    assert request_claims[CLAIM + "message_type"] == "LtiDeepLinkingRequest"
    settings = request_claims[DL_CLAIM + "deep_linking_settings"]
    assert settings["deep_link_return_url"] == platform.url("/deep_link_return")
    assert settings["accept_types"] == ["ltiResourceLink"]
    assert settings["data"] == "opaque-123"
    assert "iframe" in settings["accept_presentation_document_targets"]

    items = [
        {
            "type": "ltiResourceLink",
            "title": "분수 1",
            "url": "http://tool.invalid/lti/launch/",
            "custom": {"baeum_lesson": "7"},
            "lineItem": {"label": "분수 1", "scoreMaximum": 5},
        },
        {"type": "ltiResourceLink", "title": "분수 2", "custom": {"baeum_lesson": "8"}},
    ]
    wrong_key = sim.deep_link_response(request_claims, items, key=RsaKey.generate(kid=sim.key.kid))
    assert requests.post(platform.deep_link_return_url, data={"JWT": wrong_key}, timeout=10).status_code == 400
    wrong_aud = sim.deep_link_response(request_claims, items, aud="http://elsewhere")
    assert requests.post(platform.deep_link_return_url, data={"JWT": wrong_aud}, timeout=10).status_code == 400

    response_jwt = sim.deep_link_response(request_claims, items)
    page = requests.post(platform.deep_link_return_url, data={"JWT": response_jwt}, timeout=10)
    assert page.status_code == 200 and "분수 2" in page.text
    assert [item["custom"]["baeum_lesson"] for item in platform.deep_link_items] == ["7", "8"]
    first, second = platform.deep_link_links
    assert first.context_id == "class-1" and first.custom == {"baeum_lesson": "7"}
    assert platform.course_link_url("class-1", "t-1", first.id) in page.text.replace("&amp;", "&")
    assert [item.resource_link_id for item in platform.lineitems_in("class-1")] == [first.id]
    replay = requests.post(platform.deep_link_return_url, data={"JWT": response_jwt}, timeout=10)
    assert replay.status_code == 400

    launch = platform.login_initiation(
        sim.tool, user="s-1", roles=[LEARNER], context="class-1", resource_link=second.id
    )
    _, fields = platform.authorize(sim.auth_request(launch))
    claims = sim.verify(fields["id_token"])
    assert claims[CLAIM + "custom"] == {"baeum_lesson": "8"}
    assert claims[CLAIM + "target_link_uri"] == sim.tool.launch_url  # an item without url: the tool's launch URL
    assert "lineitem" not in claims[AGS_CLAIM]
    launch = platform.login_initiation(sim.tool, user="s-1", roles=[LEARNER], context="class-1", resource_link=first.id)
    claims = sim.verify(platform.authorize(sim.auth_request(launch))[1]["id_token"])
    assert claims[AGS_CLAIM]["lineitem"] == platform.lineitems_in("class-1")[0].url


def test_course_page_posts_the_login_initiation_into_the_tool_iframe(
    platform: TestPlatform, sim: SimulatedTool
) -> None:
    platform.add_user("s-9", [LEARNER], name="이서연", contexts=["c-1"])
    platform.add_resource_link("rl-9", "c-1", sim.tool, title="도형")
    page = requests.get(platform.course_url("c-1", "s-9", "rl-9"), timeout=10)
    assert page.status_code == 200
    assert '<iframe name="tool"' in page.text and 'allow="' in page.text
    action, fields = form_fields(page.text)
    assert 'target="tool"' in page.text and action == sim.tool.login_url
    assert fields["login_hint"] == "s-9" and fields["lti_message_hint"] in platform.pending_launches
    deep = requests.get(platform.course_url("c-1", "s-9", deep_link=True), timeout=10)
    _, fields = form_fields(deep.text)
    assert platform.pending_launches[fields["lti_message_hint"]].message_type == DEEP_LINKING_REQUEST


class StandInClient:
    """Plays Django's test client in front of the simulated tool (same call shapes, no Django)."""

    def __init__(self, sim: SimulatedTool) -> None:
        self.sim = sim
        self.calls: list[tuple[str, str, dict[str, str]]] = []

    def post(self, path: str, data: dict[str, str]) -> SimpleNamespace:
        self.calls.append(("post", path, data))
        if path == "/lti/login/":
            location = self.sim.platform.auth_url + "?" + urlencode(self.sim.auth_request(LoginInitiation(path, data)))
            return SimpleNamespace(status_code=302, headers={"Location": location})
        return SimpleNamespace(status_code=200, claims=self.sim.verify(data["id_token"]))

    get = post


def test_launch_with_client_goes_through_login_auth_and_launch(platform: TestPlatform) -> None:
    sim = SimulatedTool(platform)
    sim.register()
    client = StandInClient(sim)
    response = launch_with_client(client, platform, sim.tool, user="s", roles=[LEARNER], context="c")
    assert [(method, path) for method, path, _ in client.calls] == [("post", "/lti/login/"), ("post", "/lti/launch/")]
    assert response.claims["sub"] == "s"
