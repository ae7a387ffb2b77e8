"""The presenter's pages: the projector view and the slide list (teachers of the session only),
the "lesson ended" screen on a reload after the end, the lesson page's class selector, and the
label keys the scripts read."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from classrooms.live import services, views
from classrooms.live.forms import StartSessionForm
from classrooms.live.models import LiveSession, Participant

ROOT = Path(__file__).resolve().parents[3]


def ts_keys(path: str, name: str) -> list[str]:
    """The string literals of `export const <name> = [...]` in a TypeScript file."""
    source = (ROOT / path).read_text(encoding="utf-8")
    block = re.search(rf"export const {name} = \[(.*?)\] as const", source, re.S)
    assert block is not None, name
    return re.findall(r'"([^"]+)"', block.group(1))


def test_the_projector_is_for_the_teachers_of_the_session(client, personas, session):
    url = reverse("live:present", args=[session.pk])
    client.force_login(personas.teacher)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-live-projector" in html and session.code in html and "<svg" in html  # the code and its QR
    assert f'data-ws-path="/ws/live/{session.pk}/"' in html
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]
    client.force_login(personas.co_teacher)  # a teacher of the class, not the one who started it
    assert client.get(url).status_code == 200
    for outsider in (personas.student, personas.unrelated_teacher, personas.outsider):
        client.force_login(outsider)
        assert client.get(url).status_code == 404, outsider
    assert client.get(reverse("live:present", args=[session.pk + 999])).status_code == 404


def test_the_projector_asks_anonymous_visitors_to_sign_in(client, session):
    page = client.get(reverse("live:present", args=[session.pk]))
    assert page.status_code == 302 and "/login" in page["Location"]


def test_the_console_links_to_the_projector_and_lists_its_extra_labels(client, personas, session):
    client.force_login(personas.teacher)
    page = client.get(reverse("live:console", args=[session.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{reverse("live:present", args=[session.pk])}"' in html
    assert f'data-slide-list-url="{reverse("live:slide_list", args=[session.pk])}"' in html
    labels = page.context["labels"]
    assert set(views.console_view_labels()) <= set(labels)


def test_the_slide_list_is_the_lesson_now_for_teachers_only(client, personas, session, lesson):
    url = reverse("live:slide_list", args=[session.pk])
    client.force_login(personas.teacher)
    listed = client.get(url)
    assert listed.status_code == 200 and "no-store" in listed["Cache-Control"]
    slides = listed.json()["slides"]
    assert [s["index"] for s in slides] == list(range(len(lesson.slides())))
    assert [s["title"] for s in slides] == [s.title for s in lesson.slides()]
    client.force_login(personas.student)
    assert client.get(url).status_code == 404
    client.force_login(personas.unrelated_teacher)
    assert client.get(url).status_code == 404


def test_a_student_who_reloads_after_the_end_gets_the_ended_screen(client, personas, session):
    url = reverse("live:student", args=[session.pk])
    client.force_login(personas.student)
    assert client.get(url).status_code == 200  # joins
    services.session_end(session)
    page = client.get(url)
    assert page.status_code == 200
    assert page.templates[0].name == "classrooms/live_student_ended.html"
    html = page.content.decode()
    assert 'data-testid="ended"' in html and "data-live-student" not in html  # no socket to open
    assert session.lesson.title in html


def test_after_the_end_only_those_who_took_part_see_the_ended_screen(client, personas, session):
    services.session_end(session)
    url = reverse("live:student", args=[session.pk])
    client.force_login(personas.student)  # a student of the class who never joined
    assert client.get(url).status_code == 404
    client.force_login(personas.outsider)
    assert client.get(url).status_code == 404
    Participant.objects.create(session=session, user=personas.student, nickname="x", removed=True)
    client.force_login(personas.student)  # removed: not "thank you for taking part"
    assert client.get(url).status_code == 404


def test_a_teacher_reloading_the_student_view_after_the_end_goes_to_the_console(client, personas, session):
    services.session_end(session)
    client.force_login(personas.teacher)
    page = client.get(reverse("live:student", args=[session.pk]))
    assert page.status_code == 302 and page["Location"] == reverse("live:console", args=[session.pk])


@pytest.fixture
def open_session(personas, lesson):
    started = services.session_start(teacher=personas.teacher, lesson=lesson, classroom=None)
    return services.session_run(started)


def test_a_guest_who_reloads_after_the_end_gets_the_ended_screen(client, open_session):
    join = client.post(reverse("live:join"), {"code": open_session.code, "nickname": "손님"})
    assert join.status_code == 302
    url = reverse("live:student", args=[open_session.pk])
    assert client.get(url).status_code == 200
    services.session_end(open_session)
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="ended"' in page.content.decode()
    other = LiveSession.objects.exclude(pk=open_session.pk).first()
    assert other is None or client.get(reverse("live:student", args=[other.pk])).status_code == 404


def test_the_lesson_pages_class_selector_starts_on_the_teachers_class(personas, lesson):
    form = StartSessionForm(personas.teacher, initial={"lesson": lesson.pk})
    assert form["classroom"].value() == personas.classroom.pk
    html = str(form["classroom"])
    assert re.search(rf'<option value="{personas.classroom.pk}" selected>', html)
    assert '<option value="" selected>' not in html  # an open session is a choice, not the default
    teacherless = StartSessionForm(personas.unrelated_teacher, initial={"lesson": lesson.pk})
    assert teacherless["classroom"].value() == personas.other_classroom.pk


def test_the_lesson_page_renders_the_selector_on_the_teachers_class(client, personas, lesson):
    client.force_login(personas.teacher)
    page = client.get(lesson.url)
    assert page.status_code == 200
    form = re.search(r'<form[^>]*data-testid="live-start".*?</form>', page.content.decode(), re.S)
    assert form is not None
    assert re.search(rf'<option value="{personas.classroom.pk}" selected>', form.group(0))


def test_a_bound_form_keeps_what_the_teacher_chose(personas, lesson):
    form = StartSessionForm(personas.teacher, {"lesson": lesson.pk, "classroom": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["classroom"] is None  # an open session, as chosen


def test_label_keys_match_the_scripts():
    assert sorted(views.projector_labels()) == sorted(
        ts_keys("frontend/src/live/projector/labels.ts", "PROJECTOR_LABEL_KEYS")
    )
    assert sorted(views.console_view_labels()) == sorted(
        ts_keys("frontend/src/live/console/labels.ts", "CONSOLE_VIEW_LABEL_KEYS")
    )
