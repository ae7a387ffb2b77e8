"""Registering an LMS with Baeum: invites (digest only, 7 days, single use), Dynamic Registration end
to end against the test platform on 127.0.0.1 (then a real launch through what it registered), the
platform refusing, the issuer check, the manual form's errors, one school per deployment, access of
teachers and other schools' admins, deactivation, the Canvas JSON and the Django admin."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from lti_tool.models import Key, LtiDeployment, LtiRegistration

from classrooms.models import Classroom, School
from classrooms.services import school_member_add
from edu.accounts.models import Role, User
from lti.models import DeploymentSchool, RegistrationInvite
from lti.tool import registration as services
from lti.tool.registration_rules import (
    TOOL_CONFIGURATION,
    TOOL_SCOPES,
    PlatformConfig,
    RegistrationRefused,
    client_metadata,
    client_registration_parse,
    issuer_matches,
    url_problem,
)
from tests.factories import PASSWORD, Personas
from tests.helpers import use_english
from tests.lti.platform import LEARNER, TestPlatform
from tests.lti.platform.fixtures import launch_with_client, lti_platform, path_of  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
LMS = "https://moodle.example.kr"


@pytest.fixture(autouse=True)
def _lti_settings(settings: Any) -> None:
    settings.BASE_URL = "http://testserver"  # what Django's test client talks to
    settings.LTI_ALLOW_HTTP_LOOPBACK = True  # the test platform serves plain http on 127.0.0.1
    if not Key.objects.active().exists():
        Key.objects.generate()


@pytest.fixture
def lms(lti_platform: TestPlatform) -> TestPlatform:  # noqa: F811 - the test platform, on 127.0.0.1
    return lti_platform


def make_admin(username: str, school: School) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=Role.SCHOOL_ADMIN, display_name=username)
    school_member_add(school=school, user=user)
    return user


@pytest.fixture
def admin_client(client: Any, personas: Personas) -> Any:
    use_english(client)
    client.force_login(make_admin("admin", personas.school))
    return client


def _rows() -> tuple[int, int, int, int]:
    used = RegistrationInvite.objects.filter(used_at__isnull=False).count()
    return LtiRegistration.objects.count(), LtiDeployment.objects.count(), DeploymentSchool.objects.count(), used


def _invite_url(client: Any) -> str:
    response = client.post("/lti/setup/invite/")
    assert response.status_code == 200
    [url] = re.findall(
        r'data-testid="invite-url"[^>]*>(http://testserver/lti/register/[^<]+/)<', response.content.decode()
    )
    return unescape(url)


def _text(response: Any) -> str:
    return unescape(response.content.decode())


# --- the rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issuer", "config_url", "ok"),
    [
        ("https://lms.kr", "https://lms.kr/.well-known/openid-configuration", True),
        ("https://lms.kr/", "https://lms.kr/mod/lti/openid-configuration.php", True),
        ("https://lms.kr/moodle", "https://lms.kr/moodle/mod/lti/openid-configuration.php", True),
        ("https://lms.kr/moodle", "https://lms.kr/moodle2/openid-configuration", False),  # not a whole segment
        ("https://lms.kr", "https://evil.kr/.well-known/openid-configuration", False),
        ("https://lms.kr:8443", "https://lms.kr/.well-known/openid-configuration", False),
        ("http://lms.kr", "https://lms.kr/.well-known/openid-configuration", False),
        ("https://lms.kr?x=1", "https://lms.kr/.well-known/openid-configuration", False),
    ],
)
def test_the_issuer_must_prefix_the_configuration_url(issuer: str, config_url: str, ok: bool) -> None:
    assert issuer_matches(issuer, config_url) is ok


def test_lms_addresses_need_https_except_on_this_machine_when_allowed() -> None:
    assert url_problem("https://lms.kr/auth", http_loopback=False) is None
    assert url_problem("http://127.0.0.1:8001/auth", http_loopback=True) is None
    assert "https://" in str(url_problem("http://127.0.0.1:8001/auth", http_loopback=False))
    assert "https://" in str(url_problem("http://lms.kr/auth", http_loopback=True))
    assert url_problem("ftp://lms.kr/x", http_loopback=True) is not None
    assert url_problem("https://user:pw@lms.kr/x", http_loopback=True) is not None
    assert url_problem("lms.kr/auth", http_loopback=True) is not None


def _platform(scopes: tuple[str, ...] | None) -> PlatformConfig:
    return PlatformConfig(LMS, LMS + "/auth", LMS + "/token", LMS + "/jwks", LMS + "/register", "moodle", "4.3", scopes)


def test_the_client_metadata_asks_only_for_scopes_the_platform_supports() -> None:
    metadata = client_metadata("https://baeum.kr", _platform((TOOL_SCOPES[3], "openid")))
    assert metadata["scope"] == TOOL_SCOPES[3]
    assert client_metadata("https://baeum.kr", _platform(None))["scope"].split() == list(TOOL_SCOPES)
    assert (metadata["redirect_uris"], metadata["jwks_uri"]) == (
        ["https://baeum.kr/lti/launch/"],
        "https://baeum.kr/lti/jwks/",
    )
    assert metadata["initiate_login_uri"] == "https://baeum.kr/lti/login/"
    tool = metadata[TOOL_CONFIGURATION]
    assert tool["domain"] == "baeum.kr" and "email" not in tool["claims"]
    assert [m["type"] for m in tool["messages"]] == ["LtiDeepLinkingRequest", "LtiResourceLinkRequest"]


def test_the_registration_answer_needs_a_client_id() -> None:
    assert client_registration_parse({"client_id": "c1", TOOL_CONFIGURATION: {"deployment_id": "7"}}) == ("c1", "7")
    assert client_registration_parse({"client_id": 42}) == ("42", None)
    for bad in ({}, {"client_id": ""}, [], {"client_id": "x" * 300}):
        with pytest.raises(RegistrationRefused):
            client_registration_parse(bad)


# --- invites -------------------------------------------------------------------------------------


def test_an_invite_keeps_only_the_digest_and_lasts_seven_days(personas: Personas) -> None:
    admin = make_admin("admin", personas.school)
    invite, token = services.invite_create(school=personas.school, created_by=admin)
    assert token not in invite.token_digest and len(token) >= 40
    assert invite.token_digest == services.invite_digest(token)
    assert invite.expires_at - invite.created_at == pytest.approx(timedelta(days=7), abs=timedelta(seconds=5))
    assert services.invite_check(token) == invite
    with pytest.raises(RegistrationRefused) as unknown:
        services.invite_check(token + "x")
    assert unknown.value.status == 404
    with pytest.raises(RegistrationRefused) as expired:
        services.invite_check(token, now=invite.expires_at + timedelta(seconds=1))
    assert (expired.value.code, expired.value.status) == ("expired_invite", 410)
    RegistrationInvite.objects.filter(pk=invite.pk).update(used_at=timezone.now())
    with pytest.raises(RegistrationRefused) as used:
        services.invite_check(token)
    assert (used.value.code, used.value.status) == ("used_invite", 410)


def test_the_setup_page_shows_the_invite_url_once(admin_client: Any) -> None:
    url = _invite_url(admin_client)
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert RegistrationInvite.objects.get().token_digest == services.invite_digest(token)
    page = _text(admin_client.get("/lti/setup/"))
    assert "Unused links" in page and token not in page


def test_an_expired_or_unknown_invite_gets_a_clear_page(admin_client: Any, lms: TestPlatform) -> None:
    url = _invite_url(admin_client)
    RegistrationInvite.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = admin_client.get(path_of(lms.start_dynamic_registration(url)))
    assert response.status_code == 410 and "expired_invite" in _text(response)
    response = admin_client.get(path_of(lms.start_dynamic_registration("http://testserver/lti/register/nope/")))
    assert response.status_code == 404 and "unknown_invite" in _text(response)


# --- dynamic registration against the test platform ---------------------------------------------


def test_dynamic_registration_end_to_end_then_a_launch(
    admin_client: Any, client: Any, personas: Personas, lms: TestPlatform
) -> None:
    start = lms.start_dynamic_registration(_invite_url(admin_client))
    browser = Client()  # the LMS admin's browser, in the LMS's frame: not signed in to Baeum
    use_english(browser)
    confirm = browser.get(path_of(start))
    assert confirm.status_code == 200, _text(confirm)[:2000]
    assert "X-Frame-Options" not in confirm  # shown in the LMS's frame
    assert personas.school.name in _text(confirm) and lms.issuer in _text(confirm)
    assert _rows() == (0, 0, 0, 0)  # nothing before the button
    [pending] = re.findall(r'name="pending" value="([^"]+)"', confirm.content.decode())
    done = browser.post(path_of(start), {"pending": pending})  # no CSRF token: the invite is the authority
    assert done.status_code == 200, _text(done)[:2000]
    assert "data-lti-close" in done.content.decode()  # frontend/src/pages/lti.ts posts org.imsglobal.lti.close
    assert "X-Frame-Options" not in done

    [tool] = lms.tools.values()
    registration = LtiRegistration.objects.get()
    assert (registration.issuer, registration.client_id) == (lms.issuer, tool.client_id)
    r = registration
    assert [r.auth_url, r.token_url, r.keyset_url] == [lms.auth_url, lms.token_url, lms.jwks_url]
    deployment = LtiDeployment.objects.get(registration=registration)
    assert deployment.deployment_id == tool.deployment_id and deployment.is_active
    assert deployment.baeum.school == personas.school
    invite = RegistrationInvite.objects.get()
    assert invite.used_at is not None and invite.registration == registration
    assert tool.redirect_uris == ["http://testserver/lti/launch/"]
    assert tool.login_url == "http://testserver/lti/login/" and tool.jwks_url == "http://testserver/lti/jwks/"
    assert set(tool.scopes) == set(TOOL_SCOPES)

    # What was registered works: a learner launches, and the course becomes a class of the school.
    lms.add_context("course-9", "분수 (4학년)")
    lms.add_user("learner-9", [LEARNER], name="이하늘", contexts=["course-9"])
    lms.add_resource_link("link-9", "course-9", tool)
    launch = launch_with_client(client, lms, tool, user="learner-9", context="course-9", resource_link="link-9")
    assert launch.status_code == 302, _text(launch)[:2000]
    assert Classroom.objects.filter(school=personas.school, name="분수 (4학년)").exists()

    again = browser.post(path_of(start), {"pending": pending})  # the invite is single use
    assert again.status_code == 410 and "used_invite" in _text(again)
    assert len(lms.tools) == 1 and _rows() == (1, 1, 1, 1)


def test_a_refusing_platform_leaves_nothing_and_the_invite_unused(admin_client: Any, lms: TestPlatform) -> None:
    start = lms.start_dynamic_registration(_invite_url(admin_client), token="not-a-token-the-lms-made")
    confirm = admin_client.get(path_of(start))
    [pending] = re.findall(r'name="pending" value="([^"]+)"', confirm.content.decode())
    response = admin_client.post(path_of(start), {"pending": pending})
    assert response.status_code == 502
    assert "platform_refused" in _text(response) and "invalid_token" in _text(response)
    assert len(lms.refusals_at("registration")) == 1
    assert _rows() == (0, 0, 0, 0)
    assert RegistrationInvite.objects.get().used_at is None


def test_a_forged_form_cannot_choose_what_is_registered(admin_client: Any, lms: TestPlatform) -> None:
    start = lms.start_dynamic_registration(_invite_url(admin_client))
    response = admin_client.post(path_of(start), {"pending": "made-up", "registration_endpoint": "https://evil.kr/"})
    assert response.status_code == 400 and "no_pending" in _text(response)
    assert lms.tools == {} and _rows() == (0, 0, 0, 0)


def test_an_issuer_that_does_not_match_the_configuration_url_is_refused(admin_client: Any, lms: TestPlatform) -> None:
    honest = lms.openid_configuration
    lms.openid_configuration = lambda: {**honest(), "issuer": "http://127.0.0.1:1"}  # type: ignore[method-assign]
    response = admin_client.get(path_of(lms.start_dynamic_registration(_invite_url(admin_client))))
    assert response.status_code == 400 and "issuer_mismatch" in _text(response)
    assert lms.tools == {} and _rows() == (0, 0, 0, 0)


def test_plain_http_is_refused_in_production(admin_client: Any, settings: Any, lms: TestPlatform) -> None:
    settings.LTI_ALLOW_HTTP_LOOPBACK = False  # production (HTTPS on): edu/settings.py defaults it to off
    response = admin_client.get(path_of(lms.start_dynamic_registration(_invite_url(admin_client))))
    assert response.status_code == 400 and "bad_configuration_url" in _text(response)
    assert _rows() == (0, 0, 0, 0)


def test_the_registration_link_opened_without_the_lms_says_what_to_do(admin_client: Any) -> None:
    response = admin_client.get(path_of(_invite_url(admin_client)))
    assert response.status_code == 400 and "paste it into the LMS" in _text(response)


# --- manual registration -------------------------------------------------------------------------


def _manual(**changes: str) -> dict[str, str]:
    data = {"name": "한빛 Moodle", "issuer": LMS, "client_id": "abc123", "deployment_ids": "1\n2"}
    urls = {"auth_url": LMS + "/mod/lti/auth.php", "token_url": LMS + "/mod/lti/token.php"}
    return {**data, **urls, "keyset_url": LMS + "/mod/lti/certs.php", **changes}


def test_the_manual_page_shows_every_address_and_the_public_key(admin_client: Any) -> None:
    page = _text(admin_client.get("/lti/setup/manual/"))
    for url in ("/lti/login/", "/lti/launch/", "/lti/jwks/", "/lti/config.json"):
        assert f"http://testserver{url}" in page
    assert Key.objects.as_jwks()["keys"][0]["kid"] in page


def test_a_manual_registration_creates_active_deployments_of_the_school(admin_client: Any, personas: Personas) -> None:
    response = admin_client.post("/lti/setup/manual/", _manual())
    assert response.status_code == 302
    registration = LtiRegistration.objects.get(issuer=LMS, client_id="abc123")
    assert registration.name == "한빛 Moodle" and registration.is_active
    assert sorted(registration.deployments.filter(is_active=True).values_list("deployment_id", flat=True)) == ["1", "2"]
    assert set(DeploymentSchool.objects.values_list("school", flat=True)) == {personas.school.pk}
    # The same (issuer, client_id) again adds deployments to the one registration.
    assert admin_client.post("/lti/setup/manual/", _manual(deployment_ids="2, 3")).status_code == 302
    assert LtiRegistration.objects.count() == 1 and registration.deployments.count() == 3
    page = _text(admin_client.get("/lti/setup/"))
    assert "한빛 Moodle" in page and "abc123" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"auth_url": "http://moodle.example.kr/auth"}, "auth_url", "must start with https://"),
        ({"token_url": "ftp://moodle.example.kr/token"}, "token_url", "Enter a full web address"),
        ({"keyset_url": ""}, "keyset_url", "This field is required"),
        ({"issuer": LMS + "/?x=1"}, "issuer", "no “?” or “#”"),
        ({"client_id": "abc 123"}, "client_id", "without spaces"),
        ({"deployment_ids": " \n "}, "deployment_ids", "at least one deployment ID"),
        ({"deployment_ids": "1\nfoo bar"}, "deployment_ids", "“foo bar”"),
        ({"deployment_ids": "x" * 256}, "deployment_ids", "at most 255 characters"),
    ],
)
def test_manual_registration_errors_are_precise_and_leave_nothing(
    admin_client: Any, changes: dict[str, str], field: str, message: str
) -> None:
    response = admin_client.post("/lti/setup/manual/", _manual(**changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in " ".join(errors[field]), errors
    assert _rows() == (0, 0, 0, 0)


def test_a_deployment_of_another_school_is_refused_and_nothing_else_changes(
    admin_client: Any, personas: Personas
) -> None:
    assert admin_client.post("/lti/setup/manual/", _manual(deployment_ids="1")).status_code == 302
    other = Client()
    use_english(other)
    other.force_login(make_admin("other-admin", personas.other_school))
    response = other.post("/lti/setup/manual/", _manual(deployment_ids="9\n1"))
    assert response.status_code == 409
    assert "already belongs to another Baeum school" in " ".join(response.context["form"].non_field_errors())
    assert not LtiDeployment.objects.filter(deployment_id="9").exists()
    assert DeploymentSchool.objects.get().school == personas.school
    # Other addresses for a registration another school uses are refused too; its own deployment is fine.
    moved = other.post("/lti/setup/manual/", _manual(deployment_ids="9", auth_url=LMS + "/elsewhere"))
    assert moved.status_code == 409 and LtiRegistration.objects.get().auth_url == LMS + "/mod/lti/auth.php"
    assert other.post("/lti/setup/manual/", _manual(deployment_ids="9")).status_code == 302
    assert DeploymentSchool.objects.get(deployment__deployment_id="9").school == personas.other_school


# --- the school's list: add, deactivate ---------------------------------------------------------


def test_add_and_deactivate_deployments_with_a_confirmation_step(admin_client: Any) -> None:
    admin_client.post("/lti/setup/manual/", _manual(deployment_ids="1"))
    registration = LtiRegistration.objects.get()
    bad = admin_client.post(f"/lti/setup/registrations/{registration.pk}/deployments/", {"deployment_id": "a b"})
    assert bad.status_code == 400 and "without spaces" in _text(bad)
    added = admin_client.post(f"/lti/setup/registrations/{registration.pk}/deployments/", {"deployment_id": "2"})
    assert added.status_code == 302
    deployment = LtiDeployment.objects.get(deployment_id="2")
    assert deployment.is_active
    confirm = admin_client.get(f"/lti/setup/deployments/{deployment.pk}/deactivate/")
    assert confirm.status_code == 200 and "Deactivate deployment “2”?" in _text(confirm)
    deployment.refresh_from_db()
    assert deployment.is_active  # asking is not doing
    assert admin_client.post(f"/lti/setup/deployments/{deployment.pk}/deactivate/").status_code == 302
    deployment.refresh_from_db()
    assert not deployment.is_active
    admin_client.post(f"/lti/setup/registrations/{registration.pk}/deployments/", {"deployment_id": "2"})
    deployment.refresh_from_db()
    assert deployment.is_active  # adding the id again reactivates it
    assert admin_client.post(f"/lti/setup/registrations/{registration.pk}/deactivate/").status_code == 302
    registration.refresh_from_db()
    assert not registration.is_active and not registration.deployments.filter(is_active=True).exists()


def test_a_registration_other_schools_use_cannot_be_deactivated_by_one(admin_client: Any, personas: Personas) -> None:
    admin_client.post("/lti/setup/manual/", _manual(deployment_ids="1"))
    services.registration_save(school=personas.other_school, **{**_manual(deployment_ids=""), "deployment_ids": ["7"]})
    registration = LtiRegistration.objects.get()
    response = admin_client.post(f"/lti/setup/registrations/{registration.pk}/deactivate/")
    assert response.status_code == 409 and "Other schools use this registration" in _text(response)
    registration.refresh_from_db()
    assert registration.is_active


def test_the_empty_state(admin_client: Any) -> None:
    assert "No LMS is registered for this school yet" in _text(admin_client.get("/lti/setup/"))


# --- who may -------------------------------------------------------------------------------------


def test_teachers_students_and_other_schools_get_404(client: Any, personas: Personas) -> None:
    admin = Client()
    admin.force_login(make_admin("admin", personas.school))
    admin.post("/lti/setup/manual/", _manual(deployment_ids="1"))
    registration, deployment = LtiRegistration.objects.get(), LtiDeployment.objects.get()
    pages = ["/lti/setup/", "/lti/setup/manual/"]
    objects = [
        f"/lti/setup/deployments/{deployment.pk}/deactivate/",
        f"/lti/setup/registrations/{registration.pk}/deactivate/",
    ]
    adds = ["/lti/setup/invite/", f"/lti/setup/registrations/{registration.pk}/deployments/"]
    other_admin = make_admin("other-admin", personas.other_school)
    for user in (personas.teacher, personas.student, other_admin):
        client.force_login(user)
        for url in objects if user == other_admin else pages + objects:
            assert client.get(url).status_code == 404, (user, url)
        for url in objects + adds[user == other_admin :]:
            assert client.post(url, {"deployment_id": "5"}).status_code == 404, (user, url)
    client.logout()
    assert client.get("/lti/setup/").status_code == 302  # to the sign-in page
    assert RegistrationInvite.objects.count() == 0 and LtiDeployment.objects.get().is_active
    assert not LtiDeployment.objects.filter(deployment_id="5").exists()


def test_a_superuser_chooses_the_school(client: Any, personas: Personas) -> None:
    root = User.objects.create_superuser("root", password=PASSWORD)
    use_english(client)
    client.force_login(root)
    assert "Which school is the LMS for?" in _text(client.get("/lti/setup/"))
    page = client.get(f"/lti/setup/?school={personas.other_school.pk}")
    assert page.status_code == 200 and personas.other_school.name in _text(page)
    assert client.get("/lti/setup/?school=999999").status_code == 404
    client.post(f"/lti/setup/manual/?school={personas.other_school.pk}", _manual(deployment_ids="1"))
    assert DeploymentSchool.objects.get().school == personas.other_school
    for url in ("/django-admin/lti/deploymentschool/", "/django-admin/lti/registrationinvite/"):
        assert client.get(url).status_code == 200, url


# --- the Canvas JSON -----------------------------------------------------------------------------


def test_the_canvas_json_configuration(client: Any) -> None:
    response = client.get("/lti/config.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    config = response.json()
    urls = [config["oidc_initiation_url"], config["target_link_uri"], config["public_jwk_url"]]
    assert urls == ["http://testserver/lti/login/", "http://testserver/lti/launch/", "http://testserver/lti/jwks/"]
    assert set(config["scopes"]) == set(TOOL_SCOPES) and config["title"]
    [extension] = config["extensions"]
    assert extension["privacy_level"] == "name_only" and extension["domain"] == "testserver"
    placements = {p["placement"]: p for p in extension["settings"]["placements"]}
    assert set(placements) == {"link_selection", "assignment_selection"}
    assert {p["message_type"] for p in placements.values()} == {"LtiDeepLinkingRequest"}
