"""Every launch Baeum must refuse (1EdTech Security Framework, LTI Core), each signed with a real
key of the test platform (or a forged one), and the variants it must accept. A refusal is a 4xx
page with its code and leaves nothing behind."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest
from lti_tool.models import LtiContext, LtiUser

from classrooms.models import Classroom
from edu.accounts.models import User
from lti.models import AssignmentLink
from tests.factories import build_personas
from tests.lti.platform import RsaKey, TestPlatform
from tests.lti.platform.fixtures import lti_platform_module  # noqa: F401 - a fixture
from tests.lti.tool.launching import LAUNCH_URL, LTI, Registered, claims_for, login, post_launch, register_baeum

pytestmark = pytest.mark.django_db


@pytest.fixture
def reg(lti_platform_module: TestPlatform) -> Registered:  # noqa: F811
    personas = build_personas()
    return register_baeum(lti_platform_module, personas.school)


def _counts() -> tuple[int, ...]:
    return (
        User.objects.count(),
        LtiUser.objects.count(),
        LtiContext.objects.count(),
        Classroom.objects.count(),
        AssignmentLink.objects.count(),
    )


def refused(client: Any, token: str, state: str, code: str, status: int = 400) -> None:
    before = _counts()
    response = post_launch(client, token, state)
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert f"<code>{code}</code>".encode() in response.content, response.content.decode()[:2000]
    assert _counts() == before, "a refused launch left rows behind"
    assert "_auth_user_id" not in client.session


def forge(
    client: Any, reg: Registered, headers: dict[str, Any] | None = None, key: RsaKey | None = None, **changes: Any
) -> tuple[str, str]:
    started = login(client, reg)
    claims = claims_for(reg, started.nonce, **changes)
    signer = key or reg.platform.key
    return signer.sign(claims, {"kid": reg.platform.kid, **(headers or {})}), started.state


def _unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    part = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{part(header)}.{part(claims)}."


# --- the token itself ----------------------------------------------------------------------------


def test_no_kid(client: Any, reg: Registered) -> None:
    started = login(client, reg)
    token = jwt.encode(claims_for(reg, started.nonce), reg.platform.private_key_pem, algorithm="RS256")
    refused(client, token, started.state, "no_kid")


def test_unknown_kid(client: Any, reg: Registered) -> None:
    refused(client, *forge(client, reg, headers={"kid": "not-a-platform-key"}), "unknown_kid")


def test_bad_signature(client: Any, reg: Registered) -> None:
    refused(client, *forge(client, reg, key=RsaKey.generate()), "bad_signature")


def test_alg_none(client: Any, reg: Registered) -> None:
    started = login(client, reg)
    token = _unsigned({"alg": "none", "kid": reg.platform.kid, "typ": "JWT"}, claims_for(reg, started.nonce))
    refused(client, token, started.state, "bad_alg")


def test_hs256_with_the_public_key_as_secret(client: Any, reg: Registered) -> None:
    started = login(client, reg)
    claims = claims_for(reg, started.nonce)
    header = {"alg": "HS256", "kid": reg.platform.kid, "typ": "JWT"}
    import hashlib
    import hmac

    signing_input = _unsigned(header, claims)[:-1].encode()
    mac = hmac.new(reg.platform.public_key_pem.encode(), signing_input, hashlib.sha256).digest()
    token = signing_input.decode() + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
    refused(client, token, started.state, "bad_alg")


def test_garbage_token(client: Any, reg: Registered) -> None:
    started = login(client, reg)
    refused(client, "not.a.jwt", started.state, "bad_token")


# --- claims --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code", "status"),
    [
        ({"lti_version": "1.1"}, "bad_version", 400),
        ({"lti_version": None}, "bad_version", 400),
        ({"lti_message_type": "LtiFancyRequest"}, "bad_message_type", 400),
        ({"lti_message_type": None}, "no_message_type", 400),
        ({"lti_roles": None}, "no_roles", 400),
        ({"lti_roles": "Learner"}, "no_roles", 400),
        ({"lti_deployment_id": None}, "no_deployment", 400),
        ({"lti_deployment_id": "not-registered"}, "unknown_deployment", 403),
        ({"lti_resource_link": {"title": "no id"}}, "no_resource_link", 400),
        ({"lti_resource_link": None}, "no_resource_link", 400),
        ({"sub": None}, "no_sub", 400),
        ({"sub": ""}, "no_sub", 400),
        ({"iss": "https://evil.example"}, "wrong_iss", 400),
        ({"aud": "someone-else"}, "wrong_aud", 400),
        ({"aud": ["baeum-client", "https://untrusted.example"], "azp": "baeum-client"}, "untrusted_aud", 400),
        ({"nonce": None}, "no_nonce", 400),
        ({"nonce": "another-nonce"}, "wrong_nonce", 400),
        ({"lti_target_link_uri": "http://testserver/lti/launch/?other"}, "wrong_target", 400),
        ({"lti_target_link_uri": None}, "wrong_target", 400),
        ({"exp": int(time.time()) - 120}, "expired", 400),
        ({"iat": int(time.time()) + 600, "exp": int(time.time()) + 900}, "not_yet_valid", 400),
        ({"exp": None}, "missing_claim", 400),
    ],
)
def test_claims_refused(client: Any, reg: Registered, changes: dict[str, Any], code: str, status: int) -> None:
    refused(client, *forge(client, reg, **changes), code, status)


def test_deep_linking_request_without_settings_is_refused(client: Any, reg: Registered) -> None:
    refused(
        client,
        *forge(client, reg, lti_message_type="LtiDeepLinkingRequest", lti_resource_link=None),
        "no_deep_linking_settings",
    )


@pytest.mark.parametrize("order", ["ours_first", "ours_last"])
def test_several_audiences_need_our_azp_whatever_the_order(
    client: Any, reg: Registered, settings: Any, order: str
) -> None:
    settings.LTI_TRUSTED_AUDIENCES = ["https://trusted.example"]
    audiences = ["baeum-client", "https://trusted.example"]
    if order == "ours_last":
        audiences.reverse()
    refused(client, *forge(client, reg, aud=audiences), "wrong_azp")
    refused(client, *forge(client, reg, aud=audiences, azp="https://trusted.example"), "wrong_azp")
    token, state = forge(client, reg, aud=audiences, azp="baeum-client")
    assert post_launch(client, token, state).status_code == 302


def test_clock_leeway_accepts_a_little_skew(client: Any, reg: Registered) -> None:
    now = int(time.time())
    token, state = forge(client, reg, iat=now + 30, exp=now - 30 + 300)
    assert post_launch(client, token, state).status_code == 302
    token, state = forge(client, reg, exp=now - 30)
    assert post_launch(client, token, state).status_code == 302


# --- state, nonce and replay ---------------------------------------------------------------------


def test_missing_state(client: Any, reg: Registered) -> None:
    token, _state = forge(client, reg)
    refused(client, token, "", "no_state")


def test_mismatched_state(client: Any, reg: Registered) -> None:
    token, _state = forge(client, reg)
    refused(client, token, "state-of-someone-else", "unknown_state")


def test_state_from_another_browser(client: Any, reg: Registered, django_user_model: Any) -> None:
    from django.test import Client

    token, state = forge(client, reg)
    refused(Client(), token, state, "state_not_bound")


def test_replayed_id_token(client: Any, reg: Registered) -> None:
    token, state = forge(client, reg)
    assert post_launch(client, token, state).status_code == 302
    refused(client, token, state, "unknown_state")
    fresh = login(client, reg)  # the same token against a new login: its nonce is not this login's
    refused(client, token, fresh.state, "wrong_nonce")


def test_a_nonce_is_claimed_once_across_workers() -> None:
    """Two workers share the cache: of two concurrent claims on one nonce, exactly one wins."""
    from concurrent.futures import ThreadPoolExecutor

    from lti.tool import state

    nonce = state.new_nonce()
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _i: state.nonce_claim("https://lms.example", nonce, 300), range(8)))
    assert results.count(True) == 1


def test_a_state_is_taken_once_across_workers() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from lti.tool import state
    from lti.tool.checks import LoginMemory

    value = state.new_state()
    state.login_remember(value, LoginMemory("n", LAUNCH_URL, "https://lms.example", "c"), registration_id=1, params={})
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _i: state.login_take(value), range(8)))
    assert sum(r is not None for r in results) == 1


def test_login_for_an_unknown_issuer_is_refused(client: Any, reg: Registered) -> None:
    response = client.post(
        "/lti/login/", {"iss": "https://unknown.example", "login_hint": "x", "target_link_uri": LAUNCH_URL}
    )
    assert response.status_code == 403
    assert b"<code>unknown_issuer</code>" in response.content


def test_login_to_a_foreign_target_is_refused(client: Any, reg: Registered) -> None:
    response = client.post(
        "/lti/login/",
        {"iss": reg.platform.issuer, "login_hint": "x", "target_link_uri": "https://evil.example/lti/launch/"},
    )
    assert response.status_code == 400
    assert b"<code>foreign_target</code>" in response.content


def test_refusals_are_logged_with_their_code_and_nothing_personal(client: Any, reg: Registered, caplog: Any) -> None:
    caplog.set_level("WARNING", logger="baeum.lti")
    token, state = forge(client, reg, **{"lti_version": "1.1", "name": "홍길동", "email": "kid@example.com"})
    post_launch(client, token, state)
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "bad_version" in logged
    assert "홍길동" not in logged and "kid@example.com" not in logged and "learner-1" not in logged


# --- variants that must be accepted ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "role", "name"),
    [
        ({"lti_roles": ["Instructor"]}, "teacher", "김민준"),
        ({"lti_roles": ["Learner"]}, "student", "김민준"),
        (
            {"lti_roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"]},
            "teacher",
            "김민준",
        ),
        ({"lti_roles": ["http://example.com/roles#Astronaut"]}, "student", "김민준"),
        ({"lti_roles": ["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor"]}, "student", "김민준"),
        ({"lti_roles": []}, "student", "김민준"),
        ({"name": None}, "student", None),
        ({"name": None, "email": "minjun@example.com"}, "student", None),
        ({"name": None, "given_name": "민준", "family_name": "김"}, "student", "김 민준"),
    ],
)
def test_valid_variants(client: Any, reg: Registered, changes: dict[str, Any], role: str, name: str | None) -> None:
    token, state = forge(client, reg, **changes)
    response = post_launch(client, token, state)
    assert response.status_code == 302, response.content[:500]
    user = LtiUser.objects.get(sub="learner-1").auth_user
    assert user is not None and user.role == role
    assert not user.email, "no email is stored"
    if name is not None:
        assert user.display_name == name
    else:
        assert user.display_name.startswith(("LMS 사용자", "LMS user"))
    assert "minjun@example.com" not in str(LtiUser.objects.values().get(sub="learner-1"))


def test_no_context_is_a_valid_launch_without_a_class(client: Any, reg: Registered) -> None:
    token, state = forge(client, reg, lti_context=None)
    response = post_launch(client, token, state)
    assert response.status_code == 302
    assert not Classroom.objects.filter(lti_link__isnull=False).exists()
    assert LtiUser.objects.get(sub="learner-1").auth_user is not None


def test_mentor_only_launch_is_refused_politely(client: Any, reg: Registered) -> None:
    token, state = forge(client, reg, lti_roles=["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"])
    refused(client, token, state, "mentor_role", 403)


def test_platform_key_rotation_is_followed(client: Any, reg: Registered) -> None:
    """The platform rotates its key: a launch signed with the new kid makes Baeum fetch the JWKS again."""
    token, state = forge(client, reg)
    assert post_launch(client, token, state).status_code == 302
    new_key = reg.platform.rotate_key()
    started = login(client, reg)
    token = new_key.sign(claims_for(reg, started.nonce), {"kid": new_key.kid})
    assert post_launch(client, token, started.state).status_code == 302
    assert LTI  # the claim prefix is shared with the helpers


def test_login_in_a_frame_checks_cookies_before_spending_the_lms_hint(client: Any, reg: Registered) -> None:
    """In the LMS's iframe, the login page first checks that cookies are kept there; it offers a new
    window (a fresh login, top level) instead of sending the browser to the LMS with its hint."""
    params = {"iss": reg.platform.issuer, "login_hint": "x", "target_link_uri": LAUNCH_URL, "lti_message_hint": "h"}
    response = client.post("/lti/login/", params, HTTP_SEC_FETCH_DEST="iframe")
    assert response.status_code == 200
    assert reg.platform.auth_url.encode() in response.content  # where the script goes when cookies are kept
    probe = response.cookies["baeum_lti_probe"]
    assert probe.value == "1" and not probe["httponly"] and "Partitioned" in probe["samesite"]
    new_window = response.context["new_window_url"]
    assert "new_window=1" in new_window and "lti_message_hint=h" in new_window
    again = client.get(new_window, HTTP_SEC_FETCH_DEST="document")
    assert again.status_code == 302 and again["Location"].startswith(reg.platform.auth_url)


def test_login_without_a_login_hint(client: Any, reg: Registered) -> None:
    response = client.post("/lti/login/", {"iss": reg.platform.issuer, "target_link_uri": LAUNCH_URL})
    assert response.status_code == 400 and b"<code>bad_login</code>" in response.content


def test_login_that_cannot_tell_two_registrations_apart(client: Any, reg: Registered) -> None:
    from lti_tool.models import LtiRegistration

    LtiRegistration.objects.create(
        name="Second",
        issuer=reg.platform.issuer,
        client_id="second-client",
        auth_url=reg.platform.auth_url,
        token_url=reg.platform.token_url,
        keyset_url=reg.platform.jwks_url,
    )
    response = client.post(
        "/lti/login/", {"iss": reg.platform.issuer, "login_hint": "x", "target_link_uri": LAUNCH_URL}
    )
    assert response.status_code == 400 and b"<code>ambiguous_client</code>" in response.content


def test_launch_without_an_id_token(client: Any, reg: Registered) -> None:
    started = login(client, reg)
    refused(client, "", started.state, "no_id_token")


def test_registration_switched_off_between_login_and_launch(client: Any, reg: Registered) -> None:
    token, state = forge(client, reg)
    reg.registration.is_active = False
    reg.registration.save()
    refused(client, token, state, "no_registration", 403)


def test_platform_keys_unreachable(client: Any, reg: Registered) -> None:
    token, state = forge(client, reg)
    reg.registration.keyset_url = "http://127.0.0.1:9/jwks"  # nothing listens on the discard port
    reg.registration.save()
    refused(client, token, state, "keys_unavailable", 502)


@pytest.mark.parametrize(
    ("changes", "code"), [({"aud": 42}, "bad_aud"), ({"lti_context": {"title": "no id"}}, "bad_context")]
)
def test_malformed_claims(client: Any, reg: Registered, changes: dict[str, Any], code: str) -> None:
    refused(client, *forge(client, reg, **changes), code)


def test_deployment_without_a_school(client: Any, reg: Registered) -> None:
    from lti.models import DeploymentSchool

    DeploymentSchool.objects.filter(deployment=reg.deployment).delete()
    refused(client, *forge(client, reg), "no_school", 403)


def test_switched_off_account(client: Any, reg: Registered) -> None:
    token, state = forge(client, reg)
    assert post_launch(client, token, state).status_code == 302
    user = LtiUser.objects.get(sub="learner-1").auth_user
    user.is_active = False
    user.save()
    token, state = forge(client, reg)
    response = post_launch(client, token, state)
    assert response.status_code == 403 and b"<code>inactive</code>" in response.content


def test_one_account_per_issuer_and_sub_across_registrations(client: Any, reg: Registered) -> None:
    """The same LMS registered twice (two client ids): a person launched through both is one account."""
    from django.test import Client
    from lti_tool.models import LtiDeployment, LtiRegistration

    from lti.models import DeploymentSchool

    token, state = forge(client, reg)
    assert post_launch(client, token, state).status_code == 302
    second = LtiRegistration.objects.create(
        name="Second",
        issuer=reg.platform.issuer,
        client_id="second-client",
        auth_url=reg.platform.auth_url,
        token_url=reg.platform.token_url,
        keyset_url=reg.platform.jwks_url,
    )
    deployment = LtiDeployment.objects.create(registration=second, deployment_id="dep-2", is_active=True)
    DeploymentSchool.objects.create(deployment=deployment, school=reg.deployment.baeum.school)
    other = Client()
    response = other.post(
        "/lti/login/",
        {"iss": reg.platform.issuer, "login_hint": "x", "target_link_uri": LAUNCH_URL, "client_id": "second-client"},
    )
    from urllib.parse import parse_qsl, urlsplit

    query = dict(parse_qsl(urlsplit(response["Location"]).query))
    claims = claims_for(reg, query["nonce"], aud="second-client", lti_deployment_id="dep-2")
    token = reg.platform.sign(claims, {"kid": reg.platform.kid})
    assert post_launch(other, token, query["state"]).status_code == 302
    accounts = set(LtiUser.objects.filter(sub="learner-1").values_list("auth_user", flat=True))
    assert len(accounts) == 1 and None not in accounts


# --- found by an adversarial review (2026-12-03) ----------------------------------------------------


def test_another_schools_registration_of_the_same_issuer_reaches_nobodys_account(client: Any, reg: Registered) -> None:
    """A school admin who registers another school's LMS issuer with keys of their own, and signs a
    launch with a victim's sub, gets a new, empty account, never the victim's."""
    from django.test import Client
    from lti_tool.models import LtiDeployment, LtiRegistration

    from classrooms.models import School
    from lti.models import DeploymentSchool
    from tests.lti.platform import TestPlatform

    token, state = forge(client, reg)
    assert post_launch(client, token, state).status_code == 302
    victim = LtiUser.objects.get(sub="learner-1").auth_user
    attacker_keys = TestPlatform().start()
    try:
        rogue = LtiRegistration.objects.create(
            name="Rogue",
            issuer=reg.platform.issuer,
            client_id="rogue",
            auth_url=attacker_keys.auth_url,
            token_url=attacker_keys.token_url,
            keyset_url=attacker_keys.jwks_url,
        )
        deployment = LtiDeployment.objects.create(registration=rogue, deployment_id="rogue-dep", is_active=True)
        DeploymentSchool.objects.create(deployment=deployment, school=School.objects.create(name="다른 학교"))
        browser = Client()
        started = browser.post(
            "/lti/login/",
            {"iss": reg.platform.issuer, "login_hint": "x", "target_link_uri": LAUNCH_URL, "client_id": "rogue"},
        )
        from urllib.parse import parse_qsl, urlsplit

        query = dict(parse_qsl(urlsplit(started["Location"]).query))
        claims = claims_for(reg, query["nonce"], aud="rogue", lti_deployment_id="rogue-dep")
        forged = attacker_keys.key.sign(claims, {"kid": attacker_keys.kid})
        assert post_launch(browser, forged, query["state"]).status_code == 302
        rogue_user = LtiUser.objects.get(registration=rogue, sub="learner-1").auth_user
        assert rogue_user is not None and rogue_user.pk != victim.pk
    finally:
        attacker_keys.stop()


def test_teaching_one_lms_course_does_not_make_a_student_account_a_teacher(client: Any, reg: Registered) -> None:
    token, state = forge(client, reg)
    assert post_launch(client, token, state).status_code == 302
    sandbox = {"id": "sandbox", "title": "연습 강좌"}
    token, state = forge(client, reg, lti_roles=["Instructor"], lti_context=sandbox)
    assert post_launch(client, token, state).status_code == 302
    user = LtiUser.objects.get(sub="learner-1").auth_user
    assert user.is_student
    from classrooms.models import MemberRole, Membership

    sandbox_class = Classroom.objects.get(lti_link__context__id_on_platform="sandbox")
    assert Membership.objects.get(classroom=sandbox_class, user=user).role == MemberRole.STUDENT


@pytest.mark.parametrize("value", ["²", "١٢", "9" * 40])
def test_odd_lesson_numbers_are_ignored_not_a_server_error(client: Any, reg: Registered, value: str) -> None:
    token, state = forge(client, reg, lti_custom={"baeum_lesson": value})
    assert post_launch(client, token, state).status_code == 302


def test_a_malformed_target_address_is_refused_not_a_server_error(client: Any, reg: Registered) -> None:
    response = client.get(
        "/lti/login/", {"iss": reg.platform.issuer, "login_hint": "x", "target_link_uri": "http://[::1"}
    )
    assert response.status_code == 400 and b"<code>foreign_target</code>" in response.content


def test_service_addresses_from_a_launch_must_be_https(client: Any, reg: Registered, settings: Any) -> None:
    """Baeum's bearer tokens go only to https service addresses (plain http on loopback in tests)."""
    from lti.tool.platform_keys import platform_key

    platform_key(reg.registration.keyset_url, "any")  # the test LMS's keys (on loopback http) fetched first
    settings.LTI_ALLOW_HTTP_LOOPBACK = False
    ags = {
        "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
        "lineitems": "http://lms.example/lineitems",
        "lineitem": "javascript:alert(1)",
    }
    nrps = {"context_memberships_url": "ftp://lms.example/members", "service_versions": ["2.0"]}
    token, state = forge(
        client,
        reg,
        **{
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": ags,
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": nrps,
        },
    )
    assert post_launch(client, token, state).status_code == 302
    context = LtiContext.objects.get(id_on_platform="course-1")
    assert context.lineitems_url == "" and context.memberships_url == ""
    assert AssignmentLink.objects.get().lineitem_url == ""


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"sub": "s" * 256}, "no_sub"),
        ({"lti_resource_link": {"id": "r" * 256}}, "no_resource_link"),
        ({"lti_context": {"id": "c" * 256}}, "bad_context"),
    ],
)
def test_ids_longer_than_lti_allows_are_refused_not_truncated(
    client: Any, reg: Registered, changes: dict[str, Any], code: str
) -> None:
    refused(client, *forge(client, reg, **changes), code)
