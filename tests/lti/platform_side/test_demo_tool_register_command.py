"""`manage.py demo_tool_register`: both sides of the demo tool's manual registration, idempotent, as
`make run` runs it after `demo_data`."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from classrooms.models import School
from demo_tool.registrations import PlatformRegistration, RegistrationStore
from lti.models import ExternalTool, ToolDeployment
from lti.platform.scopes import SCOPES

pytestmark = pytest.mark.django_db
TOOL = "http://127.0.0.1:8001"


def test_it_registers_the_tool_for_the_demo_school_and_writes_the_tools_store(tmp_path: Path) -> None:
    school = School.objects.create(name="배움시범학교")
    data_dir = tmp_path / "demo_tool"
    call_command("demo_tool_register", tool_url=TOOL + "/", data_dir=str(data_dir))
    call_command("demo_tool_register", tool_url=TOOL, data_dir=str(data_dir))  # again: same rows, same registration

    tool = ExternalTool.objects.get()
    assert tool.name == "배움 데모 콘텐츠 (Demo content)" and tool.owner_school is None and tool.is_active
    assert (tool.login_url, tool.redirect_uris, tool.target_link_uri, tool.deep_link_url, tool.jwks_url) == (
        TOOL + "/login",
        [TOOL + "/launch"],
        TOOL + "/launch",
        TOOL + "/launch",
        TOOL + "/jwks",
    )
    assert tool.send_names and tool.scopes == list(SCOPES)
    deployment = ToolDeployment.objects.get()
    assert (deployment.tool, deployment.school, deployment.enabled) == (tool, school, True)

    (registration,) = RegistrationStore(data_dir).all()
    assert (registration.issuer, registration.client_id, registration.deployment_ids) == (
        settings.BASE_URL,
        tool.client_id,
        [deployment.deployment_id],
    )
    assert registration.auth_login_url == settings.BASE_URL + reverse("lti_platform:authorize")
    assert registration.auth_token_url == settings.BASE_URL + reverse("lti_platform:token")
    assert registration.key_set_url == settings.BASE_URL + reverse("lti:jwks")


def test_a_registration_for_a_client_baeum_no_longer_knows_is_replaced(tmp_path: Path) -> None:
    School.objects.create(name="배움시범학교")
    store = RegistrationStore(tmp_path)
    call_command("demo_tool_register", tool_url=TOOL, data_dir=str(tmp_path))
    (old,) = store.all()
    ExternalTool.objects.all().delete()  # as after a fresh database
    other = PlatformRegistration(**{**old.to_json(), "issuer": "https://lms.example", "client_id": "elsewhere"})
    store.save(other)

    call_command("demo_tool_register", tool_url=TOOL, data_dir=str(tmp_path))

    assert {(r.issuer, r.client_id) for r in store.all()} == {
        (settings.BASE_URL, ExternalTool.objects.get().client_id),
        ("https://lms.example", "elsewhere"),  # another platform's registration is left alone
    }
    assert ExternalTool.objects.get().client_id != old.client_id


def test_a_disabled_deployment_is_enabled_again(tmp_path: Path) -> None:
    School.objects.create(name="배움시범학교")
    call_command("demo_tool_register", tool_url=TOOL, data_dir=str(tmp_path))
    ToolDeployment.objects.update(enabled=False)
    call_command("demo_tool_register", tool_url=TOOL, data_dir=str(tmp_path))
    assert ToolDeployment.objects.get().enabled


def test_it_needs_the_demo_school_and_a_usable_address(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="demo_data"):
        call_command("demo_tool_register", tool_url=TOOL, data_dir=str(tmp_path))
    School.objects.create(name="배움시범학교")
    with pytest.raises(CommandError, match="--tool-url"):
        call_command("demo_tool_register", tool_url="http://tool.example.org", data_dir=str(tmp_path))
    assert not ExternalTool.objects.exists() and RegistrationStore(tmp_path).all() == []
