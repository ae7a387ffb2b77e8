"""The external tools' admin pages: who may see them (school admins for their school, superusers for
any with ?school= and for the site's tools; teachers, students, other schools and anonymous users
get 404 or the sign-in page), manual registration (each bad value a precise message on its field and
nothing written; the values for the tool's admin after saving), editing, switching a tool on and off
for a school (what the lesson editor's ``enabled_tools`` shows), deactivating after confirmation,
invitations (made, shown once, revoked, the link that opens the tool's registration page), the
setup page's link and the Django admin."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from jwcrypto.jwk import JWK

from classrooms.models import School
from classrooms.services import school_member_add
from edu.accounts.models import Role, User
from lti.models import ExternalTool, ToolDeployment, ToolRegistrationInvite
from lti.platform import registry, registry_selectors
from lti.platform.scopes import SCOPE_NRPS, SCOPE_SCORE
from lti.platform.selectors import enabled_tools
from lti.tool.registration import invite_digest
from tests.factories import PASSWORD, Personas
from tests.helpers import use_english

pytestmark = pytest.mark.django_db
TOOL = "https://tool.example.kr"
TOOLS = "/lti/platform/tools/"


@pytest.fixture(autouse=True)
def _lti_settings(settings: Any) -> None:
    settings.BASE_URL = "http://testserver"
    settings.LTI_ALLOW_HTTP_LOOPBACK = True


@pytest.fixture(scope="module")
def rsa_pem() -> str:
    return JWK.generate(kty="RSA", size=2048).export_to_pem().decode()


def make_admin(username: str, school: School) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=Role.SCHOOL_ADMIN, display_name=username)
    school_member_add(school=school, user=user)
    return user


def signed_in(user: User) -> Client:
    client = Client()
    use_english(client)
    client.force_login(user)
    return client


@pytest.fixture
def admin(personas: Personas) -> User:
    return make_admin("admin", personas.school)


@pytest.fixture
def admin_client(admin: User) -> Client:
    return signed_in(admin)


@pytest.fixture
def root() -> User:
    return User.objects.create_superuser("root", password=PASSWORD)


def text(response: Any) -> str:
    return unescape(response.content.decode())


def form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "EBS 수학",
        "description": "초등 수학 문제",
        "login_url": TOOL + "/lti/login",
        "redirect_uris": f"{TOOL}/lti/launch\n\n{TOOL}/lti/launch2\n",
        "target_link_uri": TOOL + "/lti/launch",
        "deep_link_url": TOOL + "/lti/pick",
        "jwks_url": TOOL + "/lti/jwks",
        "public_key": "",
        "custom_parameters": "grade=4\nunit = 분수",
        "send_names": "on",
        "scopes": [SCOPE_SCORE, SCOPE_NRPS],
    }
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def site_tool(root: User, name: str = "사이트 도구") -> ExternalTool:
    tool, _deployment = registry.tool_register(
        owner_school=None,
        created_by=root,
        name=name,
        login_url=TOOL + "/login",
        redirect_uris=[TOOL + "/launch"],
        target_link_uri=TOOL + "/launch",
        jwks_url=TOOL + "/jwks",
    )
    return tool


def school_tool(school: School, name: str = "학교 도구") -> ExternalTool:
    tool, _deployment = registry.tool_register(
        owner_school=school,
        created_by=None,
        name=name,
        login_url=TOOL + "/login",
        redirect_uris=[TOOL + "/launch"],
        target_link_uri=TOOL + "/launch",
        jwks_url=TOOL + "/jwks",
    )
    return tool


# --- who may --------------------------------------------------------------------------------------


def test_teachers_students_other_schools_and_anonymous_users_get_nothing(
    client: Client, personas: Personas, root: User
) -> None:
    own = school_tool(personas.school)
    shared = site_tool(root)
    registry.tool_enable(shared, personas.school, True, root)
    invite, _token = registry.invite_create(school=personas.school, created_by=root)
    pages = [TOOLS, TOOLS + "new/", TOOLS + "invite/"]
    theirs = [f"{TOOLS}{own.pk}/", f"{TOOLS}{own.pk}/edit/", f"{TOOLS}{own.pk}/deactivate/"]
    theirs += [f"{TOOLS}{own.pk}/disable/", f"{TOOLS}invites/{invite.pk}/revoke/"]
    shared_urls = [f"{TOOLS}{shared.pk}/", f"{TOOLS}{shared.pk}/disable/"]
    posts = [f"{TOOLS}{own.pk}/disable/", f"{TOOLS}{own.pk}/enable/", f"{TOOLS}{own.pk}/deactivate/"]
    posts += [f"{TOOLS}{own.pk}/edit/", f"{TOOLS}invites/{invite.pk}/revoke/"]
    for user in (personas.teacher, personas.student):
        for url in pages + theirs + shared_urls:
            assert signed_in(user).get(url).status_code == 404, (user, url)
        for url in [*posts, TOOLS + "new/", TOOLS + "invite/", f"{TOOLS}{shared.pk}/disable/"]:
            assert signed_in(user).post(url, form()).status_code == 404, (user, url)
    other = signed_in(make_admin("other-admin", personas.other_school))
    for url in theirs:  # another school's tool and invitation, as if they did not exist
        assert other.get(url).status_code == 404, url
    for url in posts:
        assert other.post(url, form()).status_code == 404, url
    for url in pages + theirs:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url
    # Nothing changed: both tools on, the invitation open, no tool made.
    assert set(enabled_tools(personas.school)) == {own, shared} and ExternalTool.objects.count() == 2
    assert not enabled_tools(personas.other_school).exists()
    assert registry_selectors.open_invites(root, personas.school).get() == invite


def test_a_superuser_chooses_the_school_and_may_register_site_tools(personas: Personas, root: User) -> None:
    client = signed_in(root)
    assert "Which school's external tools?" in text(client.get(TOOLS))
    assert client.get(TOOLS + "?school=999999").status_code == 404
    page = client.get(f"{TOOLS}?school={personas.other_school.pk}")
    assert page.status_code == 200 and personas.other_school.name in text(page)
    response = client.post(f"{TOOLS}new/?school={personas.other_school.pk}", form(site_wide="on"))
    assert response.status_code == 302
    tool = ExternalTool.objects.get()
    assert tool.owner_school is None and ToolDeployment.objects.count() == 0
    assert f"?school={personas.other_school.pk}" in response["Location"]
    assert "No deployment ID yet" in text(client.get(response["Location"]))
    client.post(f"{TOOLS}new/?school={personas.other_school.pk}", form(name="그 학교 도구"))
    assert ExternalTool.objects.get(name="그 학교 도구").owner_school == personas.other_school


def test_a_school_admin_is_not_offered_site_tools(admin_client: Client) -> None:
    assert "For every school" not in text(admin_client.get(TOOLS + "new/"))
    admin_client.post(TOOLS + "new/", form(site_wide="on"))  # a forged field is ignored
    assert ExternalTool.objects.get().owner_school is not None


# --- manual registration --------------------------------------------------------------------------


def test_a_manual_registration_then_the_values_for_the_tools_admin(
    admin_client: Client, personas: Personas, rsa_pem: str
) -> None:
    response = admin_client.post(TOOLS + "new/", form())
    assert response.status_code == 302
    tool = ExternalTool.objects.get()
    assert (tool.name, tool.description, tool.owner_school) == ("EBS 수학", "초등 수학 문제", personas.school)
    assert tool.redirect_uris == [TOOL + "/lti/launch", TOOL + "/lti/launch2"]
    assert tool.deep_link_url == TOOL + "/lti/pick" and tool.jwks_url == TOOL + "/lti/jwks"
    assert tool.custom_parameters == {"grade": "4", "unit": "분수"}
    assert tool.send_names and tool.scopes == [SCOPE_SCORE, SCOPE_NRPS]
    assert tool.registered_via == ExternalTool.Via.MANUAL and tool.created_by is not None
    deployment = ToolDeployment.objects.get()
    assert deployment.school == personas.school and deployment.enabled
    assert list(enabled_tools(personas.school)) == [tool]

    page = text(admin_client.get(response["Location"]))
    for value in (
        'value="http://testserver"',
        f'value="{tool.client_id}"',
        f'value="{deployment.deployment_id}"',
        'value="http://testserver/lti/platform/auth/"',
        'value="http://testserver/lti/platform/token/"',
        'value="http://testserver/lti/jwks/"',
        'value="http://testserver/lti/platform/.well-known/openid-configuration"',
    ):
        assert value in page, value
    assert "readonly" in page and "e-mail addresses never" in page

    listed = text(admin_client.get(TOOLS))
    assert "EBS 수학" in listed and "On for this school" in listed and "Deep Linking" in listed
    assert "Names are sent; e-mail addresses never" in listed and "Send scores to Baeum" in listed


def test_a_pasted_rsa_key_instead_of_a_jwks_url(admin_client: Client, rsa_pem: str) -> None:
    assert admin_client.post(TOOLS + "new/", form(jwks_url="", public_key=rsa_pem)).status_code == 302
    tool = ExternalTool.objects.get()
    assert tool.jwks_url == "" and "BEGIN PUBLIC KEY" in tool.public_key


def _ec_pem() -> str:
    return JWK.generate(kty="EC", crv="P-256").export_to_pem().decode()


def _private_pem() -> str:
    return JWK.generate(kty="RSA", size=2048).export_to_pem(private_key=True, password=None).decode()


def _small_pem() -> str:
    return JWK.generate(kty="RSA", size=1024).export_to_pem().decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required"),
        ({"login_url": "http://tool.example.kr/login"}, "login_url", "must start with https://"),
        ({"login_url": "tool.example.kr/login"}, "login_url", "Enter a full web address"),
        ({"login_url": "https://user:pw@tool.example.kr/"}, "login_url", "user name or password"),
        ({"target_link_uri": "https://tool.example.kr/#x"}, "target_link_uri", "“#”"),
        ({"deep_link_url": "ftp://tool.example.kr/pick"}, "deep_link_url", "Enter a full web address"),
        ({"redirect_uris": " \n "}, "redirect_uris", "This field is required"),
        ({"redirect_uris": f"{TOOL}/a\nhttp://tool.example.kr/b"}, "redirect_uris", "Line 2: The address must start"),
        ({"redirect_uris": "\n".join(f"{TOOL}/{i}" for i in range(21))}, "redirect_uris", "at most 20"),
        ({"jwks_url": "https://10.0.0.8/jwks"}, "jwks_url", "private network"),
        ({"login_url": "https://169.254.169.254/login"}, "login_url", "private network"),
        ({"jwks_url": ""}, "jwks_url", "JWKS URL, or paste its public key"),
        ({"custom_parameters": "grade=4\nunit"}, "custom_parameters", "Line 2: write it as name=value"),
        ({"custom_parameters": "학년=4"}, "custom_parameters", "Line 1: The name “학년” may use only"),
        ({"custom_parameters": "a b=1"}, "custom_parameters", "Line 1"),
        ({"custom_parameters": "grade=4\ngrade=5"}, "custom_parameters", "Line 2: “grade” is given twice"),
        ({"scopes": ["https://example.com/scope/all"]}, "scopes", "Select a valid choice"),
        (
            {"public_key": "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----"},
            "public_key",
            "not a public key",
        ),
    ],
)
def test_each_bad_value_has_a_precise_message_and_writes_nothing(
    admin_client: Client, changes: dict[str, Any], field: str, message: str
) -> None:
    response = admin_client.post(TOOLS + "new/", form(**changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in " ".join(errors[field]), errors
    assert message in text(response)  # shown on the page, by the field
    assert ExternalTool.objects.count() == 0 and ToolDeployment.objects.count() == 0


@pytest.mark.parametrize(
    ("make", "message"),
    [(_ec_pem, "must be an RSA key"), (_private_pem, "This is a private key"), (_small_pem, "at least 2048 bits")],
)
def test_a_key_that_is_not_an_rsa_public_key_is_refused(admin_client: Client, make: Any, message: str) -> None:
    response = admin_client.post(TOOLS + "new/", form(jwks_url="", public_key=make()))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["public_key"])
    assert ExternalTool.objects.count() == 0


def test_both_a_jwks_url_and_a_key_is_refused(admin_client: Client, rsa_pem: str) -> None:
    response = admin_client.post(TOOLS + "new/", form(public_key=rsa_pem))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["public_key"]
    assert "not both" in " ".join(response.context["form"].errors["public_key"])
    assert ExternalTool.objects.count() == 0


def test_the_service_also_refuses_a_tool_without_exactly_one_key_source(personas: Personas, rsa_pem: str) -> None:
    from lti.tool.registration_rules import RegistrationRefused

    for keys in ({}, {"jwks_url": TOOL + "/jwks", "public_key": rsa_pem}):
        with pytest.raises(RegistrationRefused) as refused:
            registry.tool_register(
                owner_school=personas.school,
                created_by=None,
                name="x",
                login_url=TOOL + "/login",
                redirect_uris=[TOOL + "/launch"],
                target_link_uri=TOOL + "/launch",
                **keys,
            )
        assert refused.value.code == "one_key_source"
    assert ExternalTool.objects.count() == 0


def test_editing_shows_the_values_and_saves_changes(admin_client: Client, personas: Personas, rsa_pem: str) -> None:
    admin_client.post(TOOLS + "new/", form())
    tool = ExternalTool.objects.get()
    page = text(admin_client.get(f"{TOOLS}{tool.pk}/edit/"))
    assert "grade=4\nunit=분수" in page and f"{TOOL}/lti/launch\n{TOOL}/lti/launch2" in page
    bad = admin_client.post(f"{TOOLS}{tool.pk}/edit/", form(name="", redirect_uris="http://evil.kr/x"))
    assert bad.status_code == 400 and set(bad.context["form"].errors) == {"name", "redirect_uris"}
    tool.refresh_from_db()
    assert tool.name == "EBS 수학"
    changed = form(name="EBS 수학 2", jwks_url="", public_key=rsa_pem, send_names=None, scopes=[SCOPE_SCORE])
    assert admin_client.post(f"{TOOLS}{tool.pk}/edit/", changed).status_code == 302
    tool.refresh_from_db()
    assert (tool.name, tool.jwks_url, tool.send_names, tool.scopes) == ("EBS 수학 2", "", False, [SCOPE_SCORE])
    assert "BEGIN PUBLIC KEY" in tool.public_key and tool.owner_school == personas.school


# --- on and off per school, deactivation ------------------------------------------------------------


def test_switching_a_site_tool_on_and_off_for_a_school(admin_client: Client, personas: Personas, root: User) -> None:
    tool = site_tool(root)
    listed = text(admin_client.get(TOOLS))
    assert "사이트 도구" in listed and "Off for this school" in listed and "For every school" in listed
    assert f"{TOOLS}{tool.pk}/edit/" not in listed  # the site's tool: superusers edit it
    assert not enabled_tools(personas.school).exists()

    assert admin_client.post(f"{TOOLS}{tool.pk}/enable/").status_code == 302
    assert list(enabled_tools(personas.school)) == [tool]
    assert not enabled_tools(personas.other_school).exists()
    deployment_id = ToolDeployment.objects.get(tool=tool, school=personas.school).deployment_id

    confirm = admin_client.get(f"{TOOLS}{tool.pk}/disable/")
    assert confirm.status_code == 200 and "Switch 사이트 도구 off for 한빛초등학교?" in text(confirm)
    assert list(enabled_tools(personas.school)) == [tool]  # asking is not doing
    assert admin_client.post(f"{TOOLS}{tool.pk}/disable/").status_code == 302
    assert not enabled_tools(personas.school).exists()
    admin_client.post(f"{TOOLS}{tool.pk}/enable/")
    assert ToolDeployment.objects.get(tool=tool, school=personas.school).deployment_id == deployment_id
    assert list(enabled_tools(personas.school)) == [tool]


def test_another_schools_own_tool_cannot_be_switched_on(admin_client: Client, personas: Personas) -> None:
    theirs = school_tool(personas.other_school, "다른 학교 도구")
    assert "다른 학교 도구" not in text(admin_client.get(TOOLS))
    assert admin_client.post(f"{TOOLS}{theirs.pk}/enable/").status_code == 404
    assert not ToolDeployment.objects.filter(school=personas.school).exists()


def test_deactivating_after_confirmation(admin_client: Client, personas: Personas, root: User) -> None:
    own, shared = school_tool(personas.school), site_tool(root)
    registry.tool_enable(shared, personas.school, True, root)
    assert admin_client.get(f"{TOOLS}{shared.pk}/deactivate/").status_code == 404  # not theirs to deactivate
    assert admin_client.post(f"{TOOLS}{shared.pk}/deactivate/").status_code == 404
    confirm = admin_client.get(f"{TOOLS}{own.pk}/deactivate/")
    assert confirm.status_code == 200 and "Deactivate 학교 도구?" in text(confirm)
    own.refresh_from_db()
    assert own.is_active
    assert admin_client.post(f"{TOOLS}{own.pk}/deactivate/").status_code == 302
    own.refresh_from_db()
    assert not own.is_active and list(enabled_tools(personas.school)) == [shared]
    assert [t.pk for t in registry_selectors.usable_tools(personas.school)] == [shared.pk]
    assert text(admin_client.get(TOOLS)).count('data-testid="tool"') == 1
    assert admin_client.post(f"{TOOLS}{own.pk}/enable/").status_code == 404  # gone for good

    superuser = signed_in(root)
    page = text(superuser.get(f"{TOOLS}{shared.pk}/deactivate/?school={personas.school.pk}"))
    assert "it disappears for all of them" in page
    superuser.post(f"{TOOLS}{shared.pk}/deactivate/?school={personas.school.pk}")
    assert not enabled_tools(personas.school).exists()


def test_the_empty_state_and_the_setup_pages_link(admin_client: Client) -> None:
    assert "No external tool yet" in text(admin_client.get(TOOLS))
    setup = text(admin_client.get("/lti/setup/"))
    assert 'href="/lti/platform/tools/"' in setup and "External tools (LTI platform)" in setup


# --- invitations ----------------------------------------------------------------------------------


def _made_token(response: Any) -> str:
    [token] = re.findall(r'id="copy-token" value="([^"]+)"', response.content.decode())
    return unescape(token)


def test_an_invitation_is_shown_once_then_listed_and_revoked(admin_client: Client, personas: Personas) -> None:
    assert "No open invitation" in text(admin_client.get(TOOLS + "invite/"))
    made = admin_client.post(TOOLS + "invite/", {"send_names": "on"})
    assert made.status_code == 200
    token = _made_token(made)
    invite = ToolRegistrationInvite.objects.get()
    assert invite.token_digest == invite_digest(token) and invite.school == personas.school
    assert invite.expires_at - invite.created_at == pytest.approx(timedelta(hours=24), abs=timedelta(seconds=5))
    assert invite.send_names and "will receive names" in text(made)
    assert 'value="http://testserver/lti/platform/.well-known/openid-configuration"' in text(made)

    listing = text(admin_client.get(TOOLS + "invite/"))
    assert token not in listing and "Revoke" in listing
    assert "1 invitation is open" in text(admin_client.get(TOOLS))
    confirm = admin_client.get(f"{TOOLS}invites/{invite.pk}/revoke/")
    assert confirm.status_code == 200 and "Revoke this invitation?" in text(confirm)
    assert admin_client.post(f"{TOOLS}invites/{invite.pk}/revoke/").status_code == 302
    assert "No open invitation" in text(admin_client.get(TOOLS + "invite/"))
    registered = Client().post(
        "/lti/platform/register/", data="{}", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert registered.status_code == 401


def test_an_invitation_without_names(admin_client: Client) -> None:
    made = admin_client.post(TOOLS + "invite/", {})
    assert not ToolRegistrationInvite.objects.get().send_names and "will not receive names" in text(made)


def test_the_button_that_opens_the_tools_registration_page(admin_client: Client) -> None:
    token = _made_token(admin_client.post(TOOLS + "invite/", {}))
    bad = admin_client.post(TOOLS + "invite/link/", {"token": token, "tool_address": "javascript:alert(1)"})
    assert (
        bad.status_code == 400
        and "Enter a full web address" in text(bad)
        and 'data-testid="open-tool"' not in text(bad)
    )
    response = admin_client.post(TOOLS + "invite/link/", {"token": token, "tool_address": TOOL + "/register?x=1"})
    assert response.status_code == 200
    [link] = re.findall(r'<a [^>]*href="([^"]+)"[^>]*data-testid="open-tool"', response.content.decode())
    assert 'target="_blank" rel="noopener"' in response.content.decode()
    parts = urlsplit(unescape(link))
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == TOOL + "/register"
    query = parse_qs(parts.query)
    assert query["x"] == ["1"] and query["registration_token"] == [token]
    assert query["openid_configuration"] == ["http://testserver/lti/platform/.well-known/openid-configuration"]
    assert "<script" not in response.content.decode().split("<main", 1)[-1]
    # Only for an open invitation this admin may see.
    other = signed_in(make_admin("other-admin", School.objects.create(name="셋째학교")))
    assert other.post(TOOLS + "invite/link/", {"token": token, "tool_address": TOOL}).status_code == 404
    assert admin_client.post(TOOLS + "invite/link/", {"token": "made-up", "tool_address": TOOL}).status_code == 404


def test_a_superusers_site_invitation(personas: Personas, root: User) -> None:
    client = signed_in(root)
    made = client.post(f"{TOOLS}invite/?school={personas.school.pk}", {"site_wide": "on"})
    assert made.status_code == 200 and ToolRegistrationInvite.objects.get().school is None
    assert "for every school" in text(client.get(f"{TOOLS}invite/?school={personas.school.pk}"))
    admin = signed_in(make_admin("admin", personas.school))
    assert "No open invitation" in text(admin.get(TOOLS + "invite/"))  # the site's, not the school's


# --- the Django admin -----------------------------------------------------------------------------


def test_the_django_admin_lists_the_platform_rows(personas: Personas, root: User) -> None:
    tool = school_tool(personas.school)
    registry.invite_create(school=personas.school, created_by=root)
    client = signed_in(root)
    for model in ("externaltool", "toolregistrationinvite", "platformlineitem", "platformscore", "toolcontext"):
        assert client.get(f"/django-admin/lti/{model}/").status_code == 200, model
    assert client.get("/django-admin/lti/toolsubject/").status_code == 200
    page = client.get(f"/django-admin/lti/externaltool/{tool.pk}/change/")
    assert page.status_code == 200 and tool.client_id in text(page)
