"""LTI Dynamic Registration 1.0, Baeum as the platform: the openid-configuration a tool reads, then
the tool posting its client metadata with an invitation's registration token (end to end with the
Django test client: the rows are exactly what was asked, the answer names them), and every refusal
(token missing, unknown, expired, used, used twice at once; each missing or ill-typed member; http
off loopback; a private-network address; an address off the tool's domain; bad JSON; too large)
leaving nothing written."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone, translation

from classrooms.models import School
from classrooms.services import school_member_add
from edu.accounts.models import Role, User
from lti.models import ExternalTool, ToolDeployment, ToolRegistrationInvite
from lti.platform import registry
from lti.platform.scopes import SCOPE_NRPS, SCOPE_SCORE, SCOPES
from lti.platform.selectors import enabled_tools
from lti.tool.registration import invite_digest
from lti.tool.registration_rules import TOOL_CONFIGURATION
from tests.factories import PASSWORD, Personas

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    """These tests read the English messages (Korean is the default language)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


URL = "/lti/platform/register/"
TOOL = "http://127.0.0.1:8002"  # a tool on this machine: plain http allowed on loopback in tests
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"


@pytest.fixture(autouse=True)
def _lti_settings(settings: Any) -> None:
    settings.BASE_URL = "http://testserver"
    settings.LTI_ALLOW_HTTP_LOOPBACK = True


def make_admin(username: str, school: School) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=Role.SCHOOL_ADMIN, display_name=username)
    school_member_add(school=school, user=user)
    return user


def metadata(**changes: Any) -> dict[str, Any]:
    """A tool's client metadata (Dynamic Registration §3.3); ``changes`` replace top-level members,
    ``tool__x`` members of the LTI tool configuration (None removes)."""
    data: dict[str, Any] = {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": TOOL + "/lti/login",
        "redirect_uris": [TOOL + "/lti/launch", TOOL + "/lti/launch"],  # a repeat is kept once
        "client_name": "EBS 수학 연습",
        "jwks_uri": TOOL + "/lti/jwks",
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": f"openid {SCOPE_SCORE} {SCOPE_NRPS} https://example.com/scope/everything",
        "logo_uri": TOOL + "/logo.png",
        TOOL_CONFIGURATION: {
            "domain": "127.0.0.1:8002",
            "description": "초등 수학 문제",
            "target_link_uri": TOOL + "/lti/launch",
            "custom_parameters": {"grade": "4", "unit": "분수"},
            "claims": ["iss", "sub", "name", "email"],
            "messages": [
                {"type": "LtiDeepLinkingRequest", "target_link_uri": TOOL + "/lti/pick", "label": "문제 고르기"},
                {"type": "LtiSubmissionReviewRequest"},
            ],
        },
    }
    for key, value in changes.items():
        target, name = (data[TOOL_CONFIGURATION], key[6:]) if key.startswith("tool__") else (data, key)
        if value is None:
            target.pop(name, None)
        else:
            target[name] = value
    return data


def post(client: Client, body: Any, token: str | None) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.post(URL, data=raw, content_type="application/json", **headers)


def rows() -> tuple[int, int, int]:
    used = ToolRegistrationInvite.objects.filter(used_at__isnull=False).count()
    return ExternalTool.objects.count(), ToolDeployment.objects.count(), used


@pytest.fixture
def invited(personas: Personas) -> str:
    """The token of an invitation of the personas' school (names not sent)."""
    _invite, token = registry.invite_create(school=personas.school, created_by=make_admin("admin", personas.school))
    return token


# --- the openid-configuration -------------------------------------------------------------------


def test_the_openid_configuration_says_where_and_how_to_register(client: Client) -> None:
    response = client.get("/lti/platform/.well-known/openid-configuration")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    config = response.json()
    assert config["issuer"] == "http://testserver"
    assert config["authorization_endpoint"] == "http://testserver/lti/platform/auth/"
    assert config["token_endpoint"] == "http://testserver/lti/platform/token/"
    assert config["jwks_uri"] == "http://testserver/lti/jwks/"
    assert config["registration_endpoint"] == "http://testserver/lti/platform/register/"
    assert config["token_endpoint_auth_methods_supported"] == ["private_key_jwt"]
    assert config["token_endpoint_auth_signing_alg_values_supported"] == ["RS256"]
    assert config["id_token_signing_alg_values_supported"] == ["RS256"]
    assert set(config["scopes_supported"]) == {"openid", *SCOPES}
    assert config["response_types_supported"] == ["id_token"] and config["subject_types_supported"] == ["public"]
    assert "sub" in config["claims_supported"] and "email" not in config["claims_supported"]
    platform = config[PLATFORM_CONFIGURATION]
    assert platform["product_family_code"] == "baeum" and platform["version"]
    assert platform["messages_supported"] == [
        {"type": "LtiResourceLinkRequest"},
        {"type": "LtiDeepLinkingRequest", "placements": ["editor"]},
    ]
    # Dynamic Registration §3.5.1: the configuration's address starts with the issuer.
    assert f"http://testserver{response.request['PATH_INFO']}".startswith(config["issuer"] + "/")


# --- the registration, end to end ----------------------------------------------------------------


def test_a_tool_registers_itself_and_gets_its_client_and_deployment(
    client: Client, personas: Personas, invited: str
) -> None:
    response = post(client, metadata(), invited)
    assert response.status_code == 200, response.content
    answer = response.json()
    tool = ExternalTool.objects.get()
    assert answer["client_id"] == tool.client_id
    assert tool.name == "EBS 수학 연습" and tool.description == "초등 수학 문제"
    assert tool.registered_via == ExternalTool.Via.DYNAMIC and tool.owner_school == personas.school
    assert tool.login_url == TOOL + "/lti/login" and tool.redirect_uris == [TOOL + "/lti/launch"]
    assert tool.target_link_uri == TOOL + "/lti/launch" and tool.deep_link_url == TOOL + "/lti/pick"
    assert tool.jwks_url == TOOL + "/lti/jwks" and tool.public_key == ""
    assert tool.custom_parameters == {"grade": "4", "unit": "분수"}
    assert tool.scopes == [SCOPE_SCORE, SCOPE_NRPS]  # what was asked, among Baeum's
    assert tool.send_names is False and tool.is_active
    deployment = ToolDeployment.objects.get()
    assert (deployment.tool, deployment.school, deployment.enabled) == (tool, personas.school, True)
    invite = ToolRegistrationInvite.objects.get()
    assert invite.used_at is not None and invite.tool == tool
    assert list(enabled_tools(personas.school)) == [tool]

    configuration = answer[TOOL_CONFIGURATION]
    assert configuration["deployment_id"] == deployment.deployment_id
    assert answer["scope"] == f"{SCOPE_SCORE} {SCOPE_NRPS}"
    assert answer["redirect_uris"] == [TOOL + "/lti/launch"] and answer["jwks_uri"] == TOOL + "/lti/jwks"
    assert answer["initiate_login_uri"] == TOOL + "/lti/login" and answer["client_name"] == "EBS 수학 연습"
    assert answer["token_endpoint_auth_method"] == "private_key_jwt" and answer["application_type"] == "web"
    assert configuration["domain"] == "127.0.0.1:8002" and configuration["target_link_uri"] == TOOL + "/lti/launch"
    assert configuration["custom_parameters"] == {"grade": "4", "unit": "분수"}
    assert "name" not in configuration["claims"] and "email" not in configuration["claims"]
    assert configuration["messages"] == [
        {
            "type": "LtiDeepLinkingRequest",
            "target_link_uri": TOOL + "/lti/pick",
            "label": "문제 고르기",
            "placements": ["editor"],
        }
    ]


def test_names_are_sent_only_when_the_invitation_said_so(client: Client, personas: Personas) -> None:
    admin = make_admin("admin", personas.school)
    _invite, token = registry.invite_create(school=personas.school, created_by=admin, send_names=True)
    answer = post(client, metadata(), token).json()
    tool = ExternalTool.objects.get(client_id=answer["client_id"])
    assert tool.send_names is True
    assert "name" in answer[TOOL_CONFIGURATION]["claims"] and "email" not in answer[TOOL_CONFIGURATION]["claims"]


def test_a_deep_linking_message_without_its_own_address_uses_the_tools(client: Client, invited: str) -> None:
    response = post(client, metadata(tool__messages=[{"type": "LtiDeepLinkingRequest"}]), invited)
    assert response.status_code == 200
    assert ExternalTool.objects.get().deep_link_url == TOOL + "/lti/launch"


def test_without_a_deep_linking_message_the_tool_offers_none(client: Client, invited: str) -> None:
    assert post(client, metadata(tool__messages=None, tool__custom_parameters=None), invited).status_code == 200
    tool = ExternalTool.objects.get()
    assert tool.deep_link_url == "" and not tool.supports_deep_linking and tool.custom_parameters == {}


def test_a_site_invitation_makes_a_site_tool_without_a_deployment(client: Client, personas: Personas) -> None:
    root = User.objects.create_superuser("root", password=PASSWORD)
    _invite, token = registry.invite_create(school=None, created_by=root)
    answer = post(client, metadata(), token).json()
    tool = ExternalTool.objects.get()
    assert tool.owner_school is None and ToolDeployment.objects.count() == 0
    assert "deployment_id" not in answer[TOOL_CONFIGURATION]
    assert list(enabled_tools(personas.school)) == []  # each school switches it on for itself


# --- the token -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "Authorization: Bearer"),
        ("", "Authorization: Bearer"),
        ("Basic abc", "Authorization: Bearer"),
        ("Bearer ", "Authorization: Bearer"),
        ("Bearer not-a-token", "not valid"),
        ("Bearer " + "x" * 300, "Authorization: Bearer"),
    ],
)
def test_no_or_a_wrong_token_is_refused(client: Client, invited: str, header: str | None, reason: str) -> None:
    headers = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = client.post(URL, data=json.dumps(metadata()), content_type="application/json", **headers)
    assert response.status_code == 401 and response["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert response.json()["error"] == "invalid_token" and reason in response.json()["error_description"]
    assert rows() == (0, 0, 0)


def test_an_expired_token_is_refused(client: Client, invited: str) -> None:
    ToolRegistrationInvite.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = post(client, metadata(), invited)
    assert response.status_code == 401 and "expired" in response.json()["error_description"]
    assert rows() == (0, 0, 0)


def test_an_invitation_lasts_a_day_and_keeps_only_the_digest(personas: Personas) -> None:
    invite, token = registry.invite_create(school=personas.school, created_by=make_admin("a", personas.school))
    assert invite.token_digest == invite_digest(token) and token not in invite.token_digest and len(token) >= 40
    assert invite.expires_at - invite.created_at == pytest.approx(timedelta(hours=24), abs=timedelta(seconds=5))


def test_a_used_token_is_refused(client: Client, invited: str) -> None:
    assert post(client, metadata(), invited).status_code == 200
    again = post(client, metadata(client_name="Another"), invited)
    assert again.status_code == 401 and "already used" in again.json()["error_description"]
    assert rows() == (1, 1, 1) and ExternalTool.objects.get().name == "EBS 수학 연습"


def test_a_revoked_token_is_refused(client: Client, personas: Personas, invited: str) -> None:
    registry.invite_revoke(ToolRegistrationInvite.objects.get(), by=User.objects.get(username="admin"))
    assert post(client, metadata(), invited).status_code == 401
    assert rows() == (0, 0, 0)


def test_a_post_that_loses_the_race_for_the_invitation_writes_nothing(client: Client, invited: str) -> None:
    """Another worker claims the invitation after this post's check and before its claim: this
    post's conditional UPDATE changes no row, so it answers 401 and makes no tool."""
    digest, raced = invite_digest(invited), []

    def other_worker_claims_after_the_check(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        if not raced and sql.startswith("SELECT") and "lti_toolregistrationinvite" in sql and "used_at" in sql:
            raced.append(sql)
            ToolRegistrationInvite.objects.filter(token_digest=digest).update(used_at=timezone.now())
        return result

    with connection.execute_wrapper(other_worker_claims_after_the_check):
        response = post(client, metadata(), invited)
    assert raced, "the check was not seen"
    assert response.status_code == 401 and "already used" in response.json()["error_description"]
    assert rows() == (0, 0, 1)  # the other worker's claim, and nothing of this post


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_with_one_token_register_one_tool(personas: Personas) -> None:
    """The invitation is claimed with a conditional UPDATE: whichever worker comes second updates no
    row. Real concurrency needs a database that queues writers: PostgreSQL (CI). SQLite's shared
    in-memory test database refuses a second writer ("table is locked") instead of queueing it."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI): the in-memory SQLite test database does not queue writers")
    _invite, token = registry.invite_create(school=personas.school, created_by=make_admin("admin", personas.school))
    start, statuses = threading.Barrier(4), []

    def register(n: int) -> None:
        try:
            start.wait()
            statuses.append(post(Client(), metadata(client_name=f"tool {n}"), token).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 401, 401, 401]
    assert rows() == (1, 1, 1)


# --- the metadata --------------------------------------------------------------------------------


def _refused(response: Any, error: str, member: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == error and body["error_description"].startswith(member + ":"), body
    assert rows() == (0, 0, 0)


@pytest.mark.parametrize(
    ("changes", "member"),
    [
        ({"application_type": None}, "application_type"),
        ({"application_type": "native"}, "application_type"),
        ({"response_types": None}, "response_types"),
        ({"response_types": ["code"]}, "response_types"),
        ({"response_types": "id_token"}, "response_types"),
        ({"grant_types": ["implicit"]}, "grant_types"),
        ({"grant_types": None}, "grant_types"),
        ({"initiate_login_uri": None}, "initiate_login_uri"),
        ({"initiate_login_uri": 42}, "initiate_login_uri"),
        ({"jwks_uri": None}, "jwks_uri"),
        ({"jwks_uri": "not a url"}, "jwks_uri"),
        ({"token_endpoint_auth_method": "client_secret_basic"}, "token_endpoint_auth_method"),
        ({"token_endpoint_auth_method": None}, "token_endpoint_auth_method"),
        ({"id_token_signed_response_alg": "HS256"}, "id_token_signed_response_alg"),
        ({"client_name": None}, "client_name"),
        ({"client_name": ["EBS"]}, "client_name"),
        ({"scope": ["score"]}, "scope"),
        ({TOOL_CONFIGURATION: None}, TOOL_CONFIGURATION),
        ({TOOL_CONFIGURATION: "tool"}, TOOL_CONFIGURATION),
        ({"tool__domain": None}, "domain"),
        ({"tool__domain": "127.0.0.1:8002/path"}, "domain"),
        ({"tool__target_link_uri": None}, "target_link_uri"),
        ({"tool__custom_parameters": {"grade": 4}}, "custom_parameters"),
        ({"tool__custom_parameters": {"a b": "1"}}, "custom_parameters"),
        ({"tool__custom_parameters": ["grade=4"]}, "custom_parameters"),
        ({"tool__claims": "name"}, "claims"),
        ({"tool__messages": {"type": "LtiDeepLinkingRequest"}}, "messages"),
        ({"tool__messages": [{"label": "no type"}]}, "messages"),
        ({"tool__target_link_uri": TOOL + "/lti/launch#frag"}, "target_link_uri"),
        ({"tool__target_link_uri": TOOL + "/" + "x" * 500}, "target_link_uri"),
    ],
)
def test_each_missing_or_ill_typed_member_is_refused(
    client: Client, invited: str, changes: dict[str, Any], member: str
) -> None:
    _refused(post(client, metadata(**changes), invited), "invalid_client_metadata", member)


@pytest.mark.parametrize(
    ("changes", "member"),
    [
        ({"redirect_uris": None}, "redirect_uris"),
        ({"redirect_uris": []}, "redirect_uris"),
        ({"redirect_uris": TOOL + "/lti/launch"}, "redirect_uris"),
        ({"redirect_uris": [TOOL + f"/r{i}" for i in range(21)]}, "redirect_uris"),
        ({"redirect_uris": [TOOL + "/lti/launch", "ftp://127.0.0.1:8002/x"]}, "redirect_uris[1]"),
        ({"redirect_uris": ["https://evil.example.kr/steal"]}, "redirect_uris[0]"),
        ({"redirect_uris": ["http://127.0.0.1:9999/other-port"]}, "redirect_uris[0]"),
    ],
)
def test_bad_redirect_uris_are_refused(client: Client, invited: str, changes: dict[str, Any], member: str) -> None:
    _refused(post(client, metadata(**changes), invited), "invalid_redirect_uri", member)


def test_login_and_launch_addresses_must_be_on_the_tools_domain(client: Client, invited: str) -> None:
    _refused(
        post(client, metadata(initiate_login_uri="https://evil.kr/login"), invited),
        "invalid_client_metadata",
        "initiate_login_uri",
    )
    _refused(
        post(client, metadata(tool__target_link_uri="https://evil.kr/x"), invited),
        "invalid_client_metadata",
        "target_link_uri",
    )
    deep = [{"type": "LtiDeepLinkingRequest", "target_link_uri": "https://evil.kr/pick"}]
    _refused(
        post(client, metadata(tool__messages=deep), invited), "invalid_client_metadata", "messages.target_link_uri"
    )


def test_subdomains_of_the_declared_domain_are_on_it(client: Client, invited: str, settings: Any) -> None:
    tool = "https://lti.tool.example.kr"
    changes = {
        "initiate_login_uri": tool + "/login",
        "redirect_uris": ["https://tool.example.kr/launch"],
        "jwks_uri": "https://keys.elsewhere.example/jwks",  # the JWKS may be anywhere public
        "tool__domain": "tool.example.kr",
        "tool__target_link_uri": tool + "/launch",
        "tool__messages": [],
    }
    response = post(client, metadata(**changes), invited)
    assert response.status_code == 200, response.content
    assert ExternalTool.objects.get().login_url == tool + "/login"


def test_plain_http_off_loopback_is_refused(client: Client, invited: str, settings: Any) -> None:
    _refused(
        post(client, metadata(jwks_uri="http://tool.example.kr/jwks"), invited), "invalid_client_metadata", "jwks_uri"
    )
    settings.LTI_ALLOW_HTTP_LOOPBACK = False  # production: not even on loopback
    _refused(post(client, metadata(), invited), "invalid_client_metadata", "initiate_login_uri")


@pytest.mark.parametrize(
    ("changes", "error", "member"),
    [
        ({"jwks_uri": "https://10.0.0.8/jwks"}, "invalid_client_metadata", "jwks_uri"),
        ({"jwks_uri": "https://169.254.169.254/latest/meta-data"}, "invalid_client_metadata", "jwks_uri"),
        ({"jwks_uri": "https://[::ffff:192.168.0.1]/jwks"}, "invalid_client_metadata", "jwks_uri"),
    ],
)
def test_private_network_addresses_are_refused(
    client: Client, invited: str, changes: dict[str, Any], error: str, member: str
) -> None:
    _refused(post(client, metadata(**changes), invited), error, member)


def test_a_redirect_uri_inside_a_private_network_is_refused(client: Client, invited: str) -> None:
    inside = "https://192.168.0.10"
    changes = {
        "tool__domain": "192.168.0.10",
        "initiate_login_uri": inside + "/login",
        "redirect_uris": [inside + "/launch"],
        "tool__target_link_uri": inside + "/launch",
        "tool__messages": [],
    }
    _refused(post(client, metadata(**changes), invited), "invalid_redirect_uri", "redirect_uris[0]")


def test_loopback_is_internal_when_http_on_loopback_is_off(client: Client, invited: str, settings: Any) -> None:
    settings.LTI_ALLOW_HTTP_LOOPBACK = False
    changes = {
        "tool__domain": "tool.example.kr",
        "initiate_login_uri": "https://tool.example.kr/login",
        "redirect_uris": ["https://tool.example.kr/launch"],
        "tool__target_link_uri": "https://tool.example.kr/launch",
        "tool__messages": [],
        "jwks_uri": "https://localhost/jwks",  # resolves to 127.0.0.1: Baeum's own machine
    }
    _refused(post(client, metadata(**changes), invited), "invalid_client_metadata", "jwks_uri")


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"\xff\xfe", b"[1, 2]", b'"metadata"', b"", json.dumps(metadata()).encode()[:-1]],
)
def test_malformed_bodies_are_refused(client: Client, invited: str, body: bytes) -> None:
    _refused(post(client, body, invited), "invalid_client_metadata", "body")


def test_an_oversized_body_is_refused(client: Client, invited: str) -> None:
    big = metadata(tool__description="가" * 30_000)  # 90 KB of UTF-8
    _refused(post(client, big, invited), "invalid_client_metadata", "body")
    ok = metadata(tool__description="가" * 10_000)
    assert post(client, ok, invited).status_code == 200
    assert len(ExternalTool.objects.get().description) == 300  # a long description is shortened, not refused


def test_refusals_are_logged_with_codes_and_nothing_personal(client: Client, invited: str, caplog: Any) -> None:
    caplog.set_level("WARNING", logger="baeum.lti")
    post(client, metadata(redirect_uris=["https://evil.kr/x"]), invited)
    post(client, metadata(), invited + "x")
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "invalid_redirect_uri (redirect_uris[0])" in logged and "invalid_token (unknown)" in logged
    assert "evil.kr" not in logged and invited not in logged


def test_the_endpoint_takes_only_post(client: Client, invited: str) -> None:
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {invited}").status_code == 405
    assert rows() == (0, 0, 0)
