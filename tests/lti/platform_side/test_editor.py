"""The lesson editor's side of external tools: the block's tool chooser offers only the tools the
teacher's school has on, nobody (superusers included) edits tools through Wagtail's snippet views or
adds them in the Django admin (those would skip the registry's checks), and the lesson's header
menu opens the Deep Linking page."""

from __future__ import annotations

import pytest
from django.test import Client

from courses.services import teacher_folder_ensure
from edu.accounts.models import User
from lti.models import ToolDeployment
from tests.factories import Personas
from tests.lti.platform_side.launch_kit import Scene, make_tool, scene

__all__ = ["scene"]
pytestmark = pytest.mark.django_db

CHOOSER = "/cms/snippets/choose/lti/externaltool/"


def teacher(personas: Personas) -> Client:
    client = Client()
    client.force_login(personas.teacher)
    return client


def test_the_chooser_offers_only_the_tools_the_school_has_on(scene: Scene) -> None:
    make_tool(school=scene.personas.other_school, name="다른 학교의 도구")
    off = make_tool(school=scene.personas.school, name="꺼 둔 도구")
    ToolDeployment.objects.filter(tool=off).update(enabled=False)
    make_tool(school=None, name="켜지 않은 사이트 도구")
    teacher_folder_ensure(scene.personas.teacher)  # what gives a teacher the editor
    page = teacher(scene.personas).get(CHOOSER)
    assert page.status_code == 200
    text = page.json()["html"]
    assert scene.tool.name in text
    assert "다른 학교의 도구" not in text and "꺼 둔 도구" not in text and "켜지 않은 사이트 도구" not in text


@pytest.mark.parametrize("path", ["/cms/snippets/lti/externaltool/", "/cms/snippets/lti/externaltool/add/"])
def test_no_one_edits_tools_through_wagtails_snippet_views(scene: Scene, path: str) -> None:
    admin = User.objects.create_superuser("root", password="x" * 12)
    client = Client()
    client.force_login(admin)
    assert client.get(path).status_code in (302, 403)
    edit = client.get(f"/cms/snippets/lti/externaltool/edit/{scene.tool.pk}/")
    assert edit.status_code in (302, 403)


def test_the_django_admin_adds_no_tool_and_leaves_addresses_read_only(scene: Scene) -> None:
    admin = User.objects.create_superuser("root", password="x" * 12)
    client = Client()
    client.force_login(admin)
    assert client.get("/django-admin/lti/externaltool/add/").status_code == 403
    page = client.get(f"/django-admin/lti/externaltool/{scene.tool.pk}/change/").content.decode()
    assert 'name="is_active"' in page and 'name="login_url"' not in page and 'name="jwks_url"' not in page


def test_the_lesson_header_menu_opens_deep_linking_for_an_editable_lesson(scene: Scene) -> None:
    from courses.services import lesson_copy

    own = lesson_copy(lesson=scene.lesson, teacher=scene.personas.teacher)
    page = teacher(scene.personas).get(f"/cms/pages/{own.pk}/edit/").content.decode()
    assert f"/lti/platform/deep-link/{own.pk}/" in page
    scene.tool.deep_link_url = ""
    scene.tool.save()
    page = teacher(scene.personas).get(f"/cms/pages/{own.pk}/edit/").content.decode()
    assert f"/lti/platform/deep-link/{own.pk}/" not in page


def test_a_chosen_tool_outside_the_school_is_not_found(scene: Scene) -> None:
    foreign = make_tool(school=scene.personas.other_school, name="다른 학교의 도구")
    teacher_folder_ensure(scene.personas.teacher)
    client = teacher(scene.personas)
    assert client.get(f"{CHOOSER}chosen/{scene.tool.pk}/").status_code == 200
    refused = client.get(f"{CHOOSER}chosen/{foreign.pk}/")
    assert refused.status_code == 404 and "다른 학교의 도구" not in refused.content.decode()
