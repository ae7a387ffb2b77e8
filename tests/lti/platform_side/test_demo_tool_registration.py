"""The demo tool's LTI Dynamic Registration (tool side): against the test LMS's registration
endpoint, then launched through what it stored; and against a tiny openid-configuration and
registration endpoint served here, for what the test LMS cannot show (the bearer token and body
sent, an issuer that is not the configuration's prefix, a platform that is down)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.lti.platform import DEEP_LINKING_REQUEST, INSTRUCTOR, TestPlatform
from tests.lti.platform.web import BackgroundServer, HttpRequest, HttpResponse, Router, WsgiApp
from tests.lti.platform_side.demo_tool_browser import Browser, form_of
from tests.lti.platform_side.demo_tool_process import DemoTool, demo_tool  # noqa: F401 - a fixture
from tests.lti.platform_side.demo_tool_with_lms import lms  # noqa: F401 - a fixture
from tests.servers import free_port

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
SCOPES = {
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
}


def test_dynamic_registration_with_the_lms_and_a_launch_through_it(lms: TestPlatform, demo_tool: DemoTool) -> None:  # noqa: F811
    browser = Browser()
    page = browser.get(lms.start_dynamic_registration(demo_tool.register_url))

    assert page.status_code == 200, page.text[:1500]
    assert 'postMessage({"subject": "org.imsglobal.lti.close"}' in page.text
    assert "(window.opener || window.parent)" in page.text
    (tool,) = lms.tools.values()
    metadata = tool.metadata or {}
    assert metadata["application_type"] == "web" and metadata["response_types"] == ["id_token"]
    assert metadata["grant_types"] == ["implicit", "client_credentials"]
    assert metadata["initiate_login_uri"] == demo_tool.login_url
    assert metadata["redirect_uris"] == [demo_tool.launch_url]
    assert metadata["jwks_uri"] == demo_tool.jwks_url
    assert metadata["token_endpoint_auth_method"] == "private_key_jwt"
    assert metadata["client_name"] == "배움 데모 콘텐츠 (Demo content)"
    assert set(metadata["scope"].split()) == SCOPES
    config = metadata[TOOL_CONFIGURATION]
    assert config["domain"] == f"127.0.0.1:{demo_tool.port}" and config["target_link_uri"] == demo_tool.launch_url
    assert config["claims"] == ["iss", "sub", "name"]
    assert config["messages"] == [
        {"type": "LtiDeepLinkingRequest", "target_link_uri": demo_tool.launch_url, "label": "데모 콘텐츠"}
    ]
    (stored,) = demo_tool.registrations()
    assert (stored.issuer, stored.client_id, stored.deployment_ids) == (
        lms.issuer,
        tool.client_id,
        [tool.deployment_id],
    )
    assert (stored.auth_login_url, stored.auth_token_url, stored.key_set_url) == (
        lms.auth_url,
        lms.token_url,
        lms.jwks_url,
    )
    assert stored.registered_via == "dynamic"

    lms.add_user("teacher-1", [INSTRUCTOR], name="김선생", contexts=["class-1"])
    initiation = lms.login_initiation(tool, user="teacher-1", context="class-1", message_type=DEEP_LINKING_REQUEST)
    picker = browser.launch(initiation.url, initiation.params)
    assert picker.status_code == 200 and form_of(picker, "picker").options["exercise"]


def test_a_refused_registration_shows_the_platforms_error(lms: TestPlatform, demo_tool: DemoTool) -> None:  # noqa: F811
    token = lms.new_registration_token()
    assert Browser().get(lms.start_dynamic_registration(demo_tool.register_url, token)).status_code == 200

    again = Browser().get(lms.start_dynamic_registration(demo_tool.register_url, token))

    assert again.status_code == 400
    assert "플랫폼이 등록을 거절했어요" in again.text and "Registration failed" in again.text
    assert "HTTP 401" in again.text and "the registration token was used" in again.text
    assert len(demo_tool.registrations()) == 1
    assert "org.imsglobal.lti.close" not in again.text


class FakePlatform:
    """An openid-configuration whose issuer we choose (`config_issuer`, "{base}" = its own origin, "{host}" its host:port;
    default its URL's prefix), and a registration endpoint that records what it is sent."""

    def __init__(self, issuer_path: str = "/tenant", config_issuer: str | None = None) -> None:
        self.received: list[tuple[str, Any]] = []
        self.issuer_path = issuer_path
        self.config_issuer = config_issuer
        router = Router()
        router.add("GET", f"{issuer_path}/.well-known/openid-configuration", self.configuration)
        router.add("POST", "/register", self.register)
        self.server = BackgroundServer(WsgiApp(router))
        self.base = self.server.base_url

    @property
    def configuration_url(self) -> str:
        return f"{self.base}{self.issuer_path}/.well-known/openid-configuration"

    def configuration(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse.json(
            {
                "issuer": (self.config_issuer or "{base}" + self.issuer_path).format(
                    base=self.base, host=self.base.split("//")[1]
                ),
                "authorization_endpoint": self.base + "/auth",
                "token_endpoint": self.base + "/token",
                "jwks_uri": self.base + "/jwks",
                "registration_endpoint": self.base + "/register",
                "authorization_server": self.base + "/token-audience",
            }
        )

    def register(self, request: HttpRequest) -> HttpResponse:
        self.received.append((request.headers.get("Authorization", ""), request.json()))
        return HttpResponse.json({"client_id": "fake-client", TOOL_CONFIGURATION: {"deployment_id": "fake-dep"}})


@contextmanager
def fake_platform(**kwargs: Any) -> Iterator[FakePlatform]:
    fake = FakePlatform(**kwargs)
    fake.server.start()
    try:
        yield fake
    finally:
        fake.server.stop()


def register_with(tool: DemoTool, configuration_url: str, token: str = "one-time-token") -> Any:  # noqa: S107
    return Browser().get(
        tool.register_url, params={"openid_configuration": configuration_url, "registration_token": token}
    )


def test_the_registration_request_carries_the_token_and_the_metadata(demo_tool: DemoTool) -> None:  # noqa: F811
    with fake_platform() as fake:
        page = register_with(demo_tool, fake.configuration_url)
    assert page.status_code == 200, page.text[:1500]
    ((authorization, body),) = fake.received
    assert authorization == "Bearer one-time-token"
    assert body["initiate_login_uri"] == demo_tool.login_url and body[TOOL_CONFIGURATION]["claims"]
    (stored,) = demo_tool.registrations()
    assert (stored.issuer, stored.client_id, stored.deployment_ids) == (
        fake.base + "/tenant",
        "fake-client",
        ["fake-dep"],
    )
    assert stored.auth_audience == fake.base + "/token-audience"  # the platform's token audience, when it names one
    assert 'id="deployment-id">fake-dep<' in page.text


def test_an_issuer_that_is_not_the_configurations_prefix_is_refused(demo_tool: DemoTool) -> None:  # noqa: F811
    for kwargs in (
        {"config_issuer": f"http://127.0.0.1:{free_port()}/tenant"},  # another port
        {"config_issuer": "http://127.0.0.1/tenant"},  # no port: another origin
        {"config_issuer": "https://{host}/tenant"},  # another scheme
        {"issuer_path": "/tenant-b", "config_issuer": "{base}/tenant"},  # not a whole-segment prefix
        {"config_issuer": "{base}/tenant/other"},  # longer than the configuration's path
    ):
        with fake_platform(**kwargs) as fake:
            page = register_with(demo_tool, fake.configuration_url)
        assert page.status_code == 400, kwargs
        assert "issuer" in page.text and "Registration failed" in page.text
        assert fake.received == []
    assert demo_tool.registrations() == []


def test_an_unreachable_or_insecure_platform_is_refused(demo_tool: DemoTool) -> None:  # noqa: F811
    down = register_with(demo_tool, f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration")
    assert down.status_code == 502 and "플랫폼 설정을 읽지 못했어요" in down.text
    insecure = register_with(demo_tool, "http://lms.example.org/.well-known/openid-configuration")
    assert insecure.status_code == 400 and "https" in insecure.text
    assert demo_tool.registrations() == []


def test_the_store_written_by_a_registration_is_plain_json(demo_tool: DemoTool) -> None:  # noqa: F811
    with fake_platform() as fake:
        register_with(demo_tool, fake.configuration_url)
    data = json.loads(demo_tool.store.path.read_text(encoding="utf-8"))
    assert [entry["client_id"] for entry in data["registrations"]] == ["fake-client"]
    assert demo_tool.store.path.stat().st_mode & 0o777 == 0o600
