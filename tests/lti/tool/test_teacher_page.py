"""The page a teacher lands on from an LMS link: each student's score and whether the LMS took it
(a refusal in words, with "send again"), the roster sync button, and who may see it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lti.models import ScoreOutbox, ScoreState
from lti.tool import ags
from tests.factories import build_personas
from tests.helpers import use_english
from tests.lti.platform import TestPlatform
from tests.lti.platform.fixtures import lti_platform  # noqa: F401 - a fixture
from tests.lti.tool.test_ags import Gradebook, build_gradebook

pytestmark = pytest.mark.django_db


@pytest.fixture
def gb(lti_platform: TestPlatform, tmp_path: Any) -> Gradebook:  # noqa: F811
    return build_gradebook(lti_platform, build_personas(), tmp_path)


def teacher_client(gb: Gradebook) -> Client:
    client = Client()
    use_english(client)
    client.force_login(gb.personas.teacher)
    return client


def test_a_refused_score_is_shown_in_words_and_sent_again(
    gb: Gradebook, django_capture_on_commit_callbacks: Any
) -> None:
    gb.platform.fail_scores_permanently(400)
    gb.answer("numeric")
    assert ags.score_send(gb.row().pk).outcome == "failed"
    client = teacher_client(gb)
    page = client.get(f"/lti/links/{gb.link.pk}/")
    assert page.status_code == 200
    row = page.context["rows"][0]
    assert row["sent"].state == ScoreState.FAILED and row["error"] and row["error"] != "http:400"
    assert row["error"].encode() in page.content.replace(b"&#x27;", b"'")
    assert page.context["failed"] == 1
    gb.platform.reset_score_failures()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"/lti/links/{gb.link.pk}/resend/")
    assert response.status_code == 302
    assert ScoreOutbox.objects.get().state == ScoreState.PENDING
    assert ags.score_send(gb.row().pk).outcome == "sent"
    page = client.get(f"/lti/links/{gb.link.pk}/")
    assert page.context["rows"][0]["sent"].state == ScoreState.SENT and page.context["failed"] == 0


def test_sync_now_forces_a_roster_sync(gb: Gradebook, django_capture_on_commit_callbacks: Any) -> None:
    from edu.celery import app

    gb.context.memberships_url = gb.platform.memberships_url("course-1")
    gb.context.save()
    gb.platform.add_user("learner-9", name="정하늘", contexts=["course-1"])
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert teacher_client(gb).post(f"/lti/links/{gb.link.pk}/roster/").status_code == 302
        with django_capture_on_commit_callbacks(execute=True):  # again at once: forced, not skipped as recent
            assert teacher_client(gb).post(f"/lti/links/{gb.link.pk}/roster/").status_code == 302
    finally:
        app.conf.task_always_eager = eager
    gb.link.resource_link.context.baeum.refresh_from_db()
    assert gb.link.resource_link.context.baeum.roster_synced_at is not None
    assert gb.personas.classroom.memberships.filter(user__display_name="정하늘").exists()


@pytest.mark.parametrize("who", ["unrelated_teacher", "student", "outsider"])
def test_others_get_not_found(gb: Gradebook, who: str) -> None:
    client = Client()
    client.force_login(getattr(gb.personas, who))
    assert client.get(f"/lti/links/{gb.link.pk}/").status_code in (403, 404)
    assert client.post(f"/lti/links/{gb.link.pk}/resend/").status_code in (403, 404)
