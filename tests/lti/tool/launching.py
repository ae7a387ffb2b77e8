"""Launching Baeum from the test platform in tests: Baeum registered with the platform and the
platform with Baeum (the deployment belonging to the personas' school), a login that yields the
state and nonce Baeum chose, and valid launch claims to forge variants from. Import explicitly."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from lti_tool.models import Key, LtiDeployment, LtiRegistration

from classrooms.models import School
from lti.models import DeploymentSchool
from tests.lti.platform import TestPlatform, ToolRegistration
from tests.lti.platform.fixtures import path_of

BASE = "http://testserver"
LAUNCH_URL = f"{BASE}/lti/launch/"
CLIENT_ID = "baeum-client"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


@dataclass
class Registered:
    platform: TestPlatform
    tool: ToolRegistration
    registration: LtiRegistration
    deployment: LtiDeployment


def register_baeum(
    platform: TestPlatform, school: School, *, client_id: str = CLIENT_ID, base: str = BASE
) -> Registered:
    """Both sides of a manual registration, as an LMS admin and a Baeum admin would do them."""
    if not Key.objects.active().exists():
        Key.objects.generate()
    tool = platform.register_tool(
        client_id,
        login_url=f"{base}/lti/login/",
        launch_url=f"{base}/lti/launch/",
        jwks=Key.objects.as_jwks() if base == BASE else None,
        jwks_url=None if base == BASE else f"{base}/lti/jwks/",
        deep_link_url=f"{base}/lti/launch/",
    )
    registration = LtiRegistration.objects.create(
        name="Test LMS",
        issuer=platform.issuer,
        client_id=client_id,
        auth_url=platform.auth_url,
        token_url=platform.token_url,
        keyset_url=platform.jwks_url,
    )
    deployment = LtiDeployment.objects.create(
        registration=registration, deployment_id=tool.deployment_id, is_active=True
    )
    DeploymentSchool.objects.create(deployment=deployment, school=school)
    return Registered(platform, tool, registration, deployment)


@dataclass(frozen=True)
class Login:
    state: str
    nonce: str
    redirect_uri: str


def login(client: Any, reg: Registered, *, target: str = LAUNCH_URL, login_hint: str = "learner-1") -> Login:
    """Baeum's half of the OIDC login: the state and nonce it sends to the platform (and the state
    cookie it sets in ``client``)."""
    params = {
        "iss": reg.platform.issuer,
        "login_hint": login_hint,
        "target_link_uri": target,
        "client_id": reg.tool.client_id,
    }
    response = client.post("/lti/login/", params)
    assert response.status_code == 302, response.content[:500]
    query = dict(parse_qsl(urlsplit(response["Location"]).query))
    return Login(query["state"], query["nonce"], query["redirect_uri"])


def claims_for(reg: Registered, login_nonce: str, /, **changes: Any) -> dict[str, Any]:
    """A valid resource-link launch of a learner in course-1; ``changes`` replace claims (None drops one)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": reg.platform.issuer,
        "aud": reg.tool.client_id,
        "sub": "learner-1",
        "iat": now,
        "exp": now + 300,
        "nonce": login_nonce,
        "name": "김민준",
        LTI + "message_type": "LtiResourceLinkRequest",
        LTI + "version": "1.3.0",
        LTI + "deployment_id": reg.deployment.deployment_id,
        LTI + "target_link_uri": LAUNCH_URL,
        LTI + "roles": [LEARNER],
        LTI + "resource_link": {"id": "link-1", "title": "분수"},
        LTI + "context": {"id": "course-1", "title": "4학년 1반 수학", "label": "4-1"},
    }
    for name, value in changes.items():
        key = name if name in claims or not name.startswith("lti_") else LTI + name[4:]
        if value is None:
            claims.pop(key, None)
        else:
            claims[key] = value
    return claims


def post_launch(client: Any, id_token: str, state: str) -> Any:
    return client.post("/lti/launch/", {"id_token": id_token, "state": state})


def launch_through_platform(client: Any, reg: Registered, **login_args: Any) -> Any:
    """A launch the platform itself builds (lti1p3platform signs it): initiation → /auth → POST."""
    initiation = reg.platform.login_initiation(reg.tool, **login_args)
    response = client.post(path_of(initiation.url), initiation.params)
    assert response.status_code == 302, response.content[:500]
    action, fields = reg.platform.authorize(response["Location"])
    return client.post(path_of(action), fields)
