"""Assignment and Grade Services 2.0 as Baeum serves them to an external tool: line items (read,
filter, page, create, update, delete), scores (what is refused, what is ignored) and results, and
the classes a tool may not reach."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from classrooms.models import Classroom
from classrooms.services import StudentEntry, students_add
from edu.accounts.models import User
from lti.models import PlatformLineItem, PlatformScore
from lti.platform import scopes as s
from tests.lti.platform_side.services_kit import (
    Services,
    launched,
    make_tool,
    services,
    tool_key,
)

__all__ = ["services"]  # a fixture


def item_for(services: Services, classroom: Classroom | None = None, **fields: Any) -> PlatformLineItem:
    values: dict[str, Any] = {"label": "분수 문제", "score_maximum": Decimal(10)}
    values.update(fields)
    return PlatformLineItem.objects.create(tool=services.tool, classroom=classroom or services.classroom, **values)


def baeum_item(services: Services, block_id: str = "block-1") -> PlatformLineItem:
    """The line item the lead's launch code makes for a lesson activity."""
    return item_for(services, block_id=block_id, resource_link_id=f"lesson-1-{block_id}", label="EBS 분수")


def score_body(sub: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "userId": sub,
        "scoreGiven": 7,
        "scoreMaximum": 10,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": timezone.now().isoformat(),
        "comment": "잘했어요",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def post_json(services: Services, url: str, body: Any, media: str, scopes: tuple[str, ...] = s.SCOPES) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return services.client.post(url, data, content_type=media, headers=services.headers(scopes))


def follow_pages(services: Services, url: str, headers: dict[str, str]) -> tuple[list[Any], int]:
    """Every row of a paged container, following ``Link: rel="next"``; and the number of pages."""
    rows: list[Any] = []
    pages = 0
    while url:
        response = services.client.get(url, headers=headers)
        assert response.status_code == 200, response.content
        pages += 1
        rows.extend(response.json())
        link = response.get("Link", "")
        url = ""
        if link:
            assert link.endswith('>; rel="next"')
            target = urlsplit(link[1 : link.index(">")])
            url = f"{target.path}?{target.query}"
    return rows, pages


# --- reaching a class ------------------------------------------------------------------------------


def test_a_tool_reaches_only_classes_it_was_launched_in_where_its_school_enabled_it(services: Services) -> None:
    personas = services.personas
    headers = services.headers()
    lineitems = services.url("lineitems", services.classroom.pk)
    assert services.client.get(lineitems, headers=headers).status_code == 200

    never_launched = services.url("lineitems", personas.other_classroom.pk)  # same school, no launch there
    elsewhere = Classroom.objects.create(school=personas.other_school, name="1반", grade=7)
    launched(services.tool, elsewhere)  # launched there once, but that school has not enabled the tool
    other_school = services.url("lineitems", elsewhere.pk)
    missing = services.url("lineitems", 999_999)
    huge = f"/lti/platform/ags/{'9' * 20}/lineitems/"
    answers = [services.client.get(url, headers=headers) for url in (never_launched, other_school, missing, huge)]
    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert len({a.content for a in answers}) == 1  # the same answer whether the class exists or not

    services.tool.deployments.update(enabled=False)  # the school switches the tool off
    assert services.client.get(lineitems, headers=headers).status_code == 404


def test_another_classes_or_another_tools_line_item_is_not_found(services: Services) -> None:
    personas = services.personas
    launched(services.tool, personas.other_classroom)
    theirs = item_for(services, personas.other_classroom)
    other_tool = make_tool(tool_key(), school=personas.school, name="Other tool")
    launched(other_tool, services.classroom)
    foreign = PlatformLineItem.objects.create(
        tool=other_tool, classroom=services.classroom, label="x", score_maximum=Decimal(1)
    )
    headers = services.headers()
    for item in (theirs, foreign):
        for name in ("lineitem", "results"):
            url = services.url(name, services.classroom.pk, item.pk)
            assert services.client.get(url, headers=headers).status_code == 404
        scores_url = services.url("scores", services.classroom.pk, item.pk)
        body = score_body(services.sub(personas.student))
        assert post_json(services, scores_url, body, s.MEDIA_SCORE).status_code == 404
    # the line item's own URL works in its own class (a cross-context URL with the right token)
    own = services.url("lineitem", personas.other_classroom.pk, theirs.pk)
    assert services.client.get(own, headers=headers).json()["label"] == "분수 문제"
    huge = f"/lti/platform/ags/{services.classroom.pk}/lineitems/{'9' * 20}/"
    assert services.client.get(huge, headers=headers).status_code == 404
    assert PlatformScore.objects.count() == 0


# --- line items -----------------------------------------------------------------------------------


def test_line_items_page_and_filter(services: Services, django_assert_max_num_queries) -> None:
    for n in range(5):
        item_for(services, label=f"문제 {n}", tag="quiz" if n % 2 else "", resource_id=f"r{n}")
    baeum_item(services)
    headers = services.headers()
    url = services.url("lineitems", services.classroom.pk)
    response = services.client.get(url, headers=headers)
    assert response["Content-Type"].startswith(s.MEDIA_LINEITEMS)
    everything = response.json()
    assert len(everything) == 6
    first = everything[0]
    assert first["id"].startswith("http") and first["id"].endswith(f"/lineitems/{first['id'].split('/')[-2]}/")
    assert first["scoreMaximum"] == 10 and first["label"] == "문제 0" and first["resourceId"] == "r0"

    rows, pages = follow_pages(services, f"{url}?limit=2", headers)
    assert [r["label"] for r in rows] == [r["label"] for r in everything] and pages == 3
    tagged, pages = follow_pages(services, f"{url}?tag=quiz&limit=1", headers)
    assert [r["label"] for r in tagged] == ["문제 1", "문제 3"] and pages == 2
    assert [r["label"] for r in services.client.get(f"{url}?resource_id=r4", headers=headers).json()] == ["문제 4"]
    linked = services.client.get(f"{url}?resource_link_id=lesson-1-block-1", headers=headers).json()
    assert [r["resourceLinkId"] for r in linked] == ["lesson-1-block-1"]
    assert services.client.get(f"{url}?limit=0", headers=headers).status_code == 400
    assert services.client.get(f"{url}?limit=abc", headers=headers).status_code == 400

    with django_assert_max_num_queries(5):  # tool, context, deployment, one page: the same for 6 rows or 60
        services.client.get(url, headers=headers)
    for n in range(50):
        item_for(services, label=f"더 {n}")
    with django_assert_max_num_queries(5):
        assert len(services.client.get(url, headers=headers).json()) == 56


def test_a_tool_creates_reads_updates_and_deletes_its_own_line_item(services: Services) -> None:
    baeum = baeum_item(services)
    url = services.url("lineitems", services.classroom.pk)
    body = {
        "label": "추가 과제",
        "scoreMaximum": 20,
        "resourceId": "ex-7",
        "tag": "homework",
        "resourceLinkId": baeum.resource_link_id,
        "startDateTime": "2025-03-02T09:00:00+09:00",
        "endDateTime": "2025-03-09T09:00:00+09:00",
    }
    created = post_json(services, url, body, s.MEDIA_LINEITEM)
    assert created.status_code == 201, created.content
    assert created["Content-Type"].startswith(s.MEDIA_LINEITEM)
    data = created.json()
    assert created["Location"] == data["id"]
    item = PlatformLineItem.objects.get(label="추가 과제")
    assert item.score_maximum == 20 and item.block_id == "" and item.resource_link_id == baeum.resource_link_id
    assert data["endDateTime"].startswith("2025-03-09T00:00:00")  # kept as UTC

    item_url = urlsplit(data["id"]).path
    headers = services.headers()
    assert services.client.get(item_url, headers=headers).json() == data
    changed = services.client.put(
        item_url,
        json.dumps({"label": "바뀐 과제", "scoreMaximum": 15.5, "tag": "new"}),
        content_type=s.MEDIA_LINEITEM,
        headers=headers,
    )
    assert changed.status_code == 200, changed.content
    item.refresh_from_db()
    assert (item.label, item.score_maximum, item.tag, item.resource_id) == ("바뀐 과제", Decimal("15.5"), "new", "")
    assert item.resource_link_id == baeum.resource_link_id  # left out of the PUT: unchanged
    assert changed.json()["scoreMaximum"] == 15.5

    PlatformScore.objects.create(
        line_item=item, student=services.personas.student, activity_progress="Completed",
        grading_progress="FullyGraded", timestamp=timezone.now(),
    )  # fmt: skip
    assert services.client.delete(item_url, headers=headers).status_code == 204
    assert not PlatformLineItem.objects.filter(pk=item.pk).exists()
    assert PlatformScore.objects.count() == 0
    assert services.client.get(item_url, headers=headers).status_code == 404


def test_baeums_line_item_for_a_lesson_activity_cannot_be_deleted_or_moved(services: Services) -> None:
    baeum = baeum_item(services)
    other_link = baeum_item(services, "block-2").resource_link_id
    url = services.url("lineitem", services.classroom.pk, baeum.pk)
    headers = services.headers()
    refused = services.client.delete(url, headers=headers)
    assert refused.status_code == 403 and refused.json()["error"] == "baeum_line_item"
    moved = services.client.put(
        url,
        json.dumps({"label": "x", "scoreMaximum": 3, "resourceLinkId": other_link}),
        content_type=s.MEDIA_LINEITEM,
        headers=headers,
    )
    assert moved.status_code == 403
    baeum.refresh_from_db()
    assert (baeum.label, baeum.resource_link_id) == ("EBS 분수", "lesson-1-block-1")
    # the tool may PUT back what it read (same link) with a new label
    same = services.client.get(url, headers=headers).json() | {"label": "EBS 분수 (1)"}
    assert (
        services.client.put(url, json.dumps(same), content_type="application/json", headers=headers).status_code == 200
    )
    baeum.refresh_from_db()
    assert baeum.label == "EBS 분수 (1)" and PlatformLineItem.objects.filter(pk=baeum.pk).exists()


BAD_LINE_ITEMS: list[tuple[Any, str]] = [
    ({"scoreMaximum": 10}, "invalid_field"),
    ({"label": "  ", "scoreMaximum": 10}, "invalid_field"),
    ({"label": "x"}, "invalid_number"),
    ({"label": "x", "scoreMaximum": 0}, "invalid_number"),
    ({"label": "x", "scoreMaximum": -3}, "invalid_number"),
    ({"label": "x", "scoreMaximum": "10"}, "invalid_number"),
    ({"label": "x", "scoreMaximum": True}, "invalid_number"),
    ({"label": "x", "scoreMaximum": 1e12}, "invalid_number"),
    ({"label": 5, "scoreMaximum": 10}, "invalid_field"),
    ({"label": "x" * 256, "scoreMaximum": 10}, "invalid_field"),
    ({"label": "x", "scoreMaximum": 10, "tag": ["a"]}, "invalid_field"),
    ({"label": "x", "scoreMaximum": 10, "resourceLinkId": "not-a-link-here"}, "unknown_resource_link"),
    ({"label": "x", "scoreMaximum": 10, "startDateTime": "2025-03-02"}, "invalid_time"),
    ({"label": "x", "scoreMaximum": 10, "endDateTime": "2025-03-02T09:00:00"}, "invalid_time"),
    (
        {"label": "x", "scoreMaximum": 10, "startDateTime": "2025-03-09T00:00Z", "endDateTime": "2025-03-02T00:00Z"},
        "invalid_time",
    ),
    ([{"label": "x", "scoreMaximum": 10}], "invalid_body"),
    ('{"label": "x", "scoreMaximum": NaN}', "invalid_json"),
    ('{"label": "x",', "invalid_json"),
]


@pytest.mark.parametrize(("body", "code"), BAD_LINE_ITEMS)
def test_a_malformed_line_item_is_a_400_and_nothing_is_written(services: Services, body: Any, code: str) -> None:
    url = services.url("lineitems", services.classroom.pk)
    response = post_json(services, url, body, s.MEDIA_LINEITEM)
    assert response.status_code == 400, response.content
    assert response.json()["error"] == code and response.json()["error_description"]
    assert not PlatformLineItem.objects.exists()
    item = item_for(services)
    put = services.client.put(
        services.url("lineitem", services.classroom.pk, item.pk),
        body if isinstance(body, str) else json.dumps(body),
        content_type=s.MEDIA_LINEITEM,
        headers=services.headers(),
    )
    assert put.status_code == 400
    item.refresh_from_db()
    assert (item.label, item.score_maximum) == ("분수 문제", 10)


def test_line_items_come_in_their_media_type_only(services: Services) -> None:
    url = services.url("lineitems", services.classroom.pk)
    body = {"label": "x", "scoreMaximum": 1}
    assert post_json(services, url, body, "text/plain").status_code == 415
    assert post_json(services, url, body, "application/json").status_code == 201
    assert services.client.patch(url, headers=services.headers()).status_code == 405


# --- scores -----------------------------------------------------------------------------------------


def test_a_score_is_kept_and_an_older_one_ignored(services: Services) -> None:
    item = item_for(services)
    student = services.personas.student
    url = services.url("scores", services.classroom.pk, item.pk)
    now = timezone.now()
    first = post_json(services, url, score_body(services.sub(student), timestamp=now.isoformat()), s.MEDIA_SCORE)
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "stored"
    row = PlatformScore.objects.get()
    assert (row.score_given, row.score_maximum, row.comment) == (7, 10, "잘했어요")

    older = score_body(services.sub(student), scoreGiven=2, timestamp=(now - timedelta(minutes=5)).isoformat())
    ignored = post_json(services, url, older, s.MEDIA_SCORE)
    assert ignored.status_code == 200 and ignored.json()["status"] == "ignored"
    row.refresh_from_db()
    assert row.score_given == 7 and row.timestamp == now

    newer = score_body(
        services.sub(student), scoreGiven=9.5, comment=None, timestamp=(now + timedelta(seconds=1)).isoformat()
    )
    assert post_json(services, url, newer, "application/json").json()["status"] == "stored"
    row.refresh_from_db()
    assert (row.score_given, row.comment) == (Decimal("9.5"), "")
    assert PlatformScore.objects.count() == 1


def test_the_scores_url_answers_without_its_trailing_slash(services: Services) -> None:
    """pylti1p3 and others append "/scores" to the line item URL with its "/" stripped."""
    item = item_for(services)
    url = services.url("scores", services.classroom.pk, item.pk).rstrip("/")
    body = score_body(services.sub(services.personas.student))
    assert post_json(services, url, body, s.MEDIA_SCORE).status_code == 200
    results = services.url("results", services.classroom.pk, item.pk).rstrip("/")
    assert services.client.get(results, headers=services.headers()).status_code == 200


@pytest.mark.parametrize("who", ["teacher", "outsider", "other_tools_sub", "unknown"])
def test_a_score_for_someone_not_a_student_of_the_class_is_refused(services: Services, who: str) -> None:
    personas = services.personas
    item = item_for(services)
    other_tool = make_tool(tool_key(), school=personas.school, name="Other")
    from lti.platform.subjects import subject_for

    sub = {
        "teacher": lambda: services.sub(personas.teacher),
        "outsider": lambda: services.sub(personas.outsider),  # a student of another class
        "other_tools_sub": lambda: subject_for(other_tool, personas.student),
        "unknown": lambda: "no-such-sub",
    }[who]()
    response = post_json(
        services, services.url("scores", services.classroom.pk, item.pk), score_body(sub), s.MEDIA_SCORE
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unknown_user"
    assert not PlatformScore.objects.exists()


BAD_SCORES: list[tuple[dict[str, Any], str]] = [
    ({"userId": None}, "invalid_field"),
    ({"userId": ""}, "invalid_field"),
    ({"userId": 12}, "invalid_field"),
    ({"timestamp": None}, "invalid_time"),
    ({"timestamp": "2025-03-02T09:00:00"}, "invalid_time"),  # no time zone
    ({"timestamp": "yesterday"}, "invalid_time"),
    ({"activityProgress": None}, "invalid_field"),
    ({"activityProgress": "Done"}, "invalid_field"),
    ({"gradingProgress": None}, "invalid_field"),
    ({"gradingProgress": "fullygraded"}, "invalid_field"),
    ({"scoreGiven": -1}, "invalid_number"),
    ({"scoreGiven": "7"}, "invalid_number"),
    ({"scoreGiven": True}, "invalid_number"),
    ({"scoreMaximum": None}, "invalid_number"),  # scoreGiven without scoreMaximum
    ({"scoreMaximum": 0}, "invalid_number"),
    ({"scoreMaximum": 0.001}, "invalid_number"),  # rounds to 0
    ({"scoreGiven": 1e9}, "invalid_number"),
    ({"comment": 5}, "invalid_field"),
    ({"comment": "가" * 1001}, "invalid_field"),
]


@pytest.mark.parametrize(("change", "code"), BAD_SCORES)
def test_a_malformed_score_is_a_400_and_nothing_is_written(
    services: Services, change: dict[str, Any], code: str
) -> None:
    item = item_for(services)
    body = score_body(services.sub(services.personas.student))
    body.update(change)
    body = {k: v for k, v in body.items() if v is not None}
    response = post_json(services, services.url("scores", services.classroom.pk, item.pk), body, s.MEDIA_SCORE)
    assert response.status_code == 400, response.content
    assert response.json()["error"] == code
    assert not PlatformScore.objects.exists()


@pytest.mark.parametrize(
    ("raw", "media", "status"),
    [
        ("[]", s.MEDIA_SCORE, 400),
        ('{"scoreGiven": Infinity}', s.MEDIA_SCORE, 400),
        ("not json", s.MEDIA_SCORE, 400),
        ("{}", "text/plain", 415),
    ],
)
def test_a_score_body_that_is_not_a_json_object_is_refused(
    services: Services, raw: str, media: str, status: int
) -> None:
    item = item_for(services)
    response = post_json(services, services.url("scores", services.classroom.pk, item.pk), raw, media)
    assert response.status_code == status
    assert not PlatformScore.objects.exists()


def test_a_score_from_the_future_is_refused(services: Services) -> None:
    item = item_for(services)
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    body = score_body(services.sub(services.personas.student), timestamp=later)
    response = post_json(services, services.url("scores", services.classroom.pk, item.pk), body, s.MEDIA_SCORE)
    assert response.status_code == 400 and response.json()["error"] == "future_timestamp"
    assert not PlatformScore.objects.exists()


def test_scores_need_the_score_scope(services: Services) -> None:
    item = item_for(services)
    body = score_body(services.sub(services.personas.student))
    url = services.url("scores", services.classroom.pk, item.pk)
    response = post_json(services, url, body, s.MEDIA_SCORE, scopes=(s.SCOPE_LINEITEM, s.SCOPE_RESULT_READONLY))
    assert response.status_code == 403
    assert not PlatformScore.objects.exists()


# --- results ----------------------------------------------------------------------------------------


def _students(services: Services, count: int, prefix: str = "학생") -> list[User]:
    entries = [StudentEntry(f"{prefix}{n}", 20 + n) for n in range(count)]
    cards = students_add(classroom=services.classroom, entries=entries)
    return [User.objects.get(pk=card.user_id) for card in cards]


def test_results_page_filter_and_cost_the_same_whatever_the_class_size(
    services: Services, django_assert_max_num_queries
) -> None:
    item = item_for(services)
    students = [services.personas.student, *_students(services, 4)]
    stamp = timezone.now()
    for n, student in enumerate(students):
        PlatformScore.objects.create(
            line_item=item, student=student, score_given=Decimal(n), score_maximum=Decimal(10),
            activity_progress="Completed", grading_progress="FullyGraded", timestamp=stamp,
            comment="좋아요" if n == 0 else "",
        )  # fmt: skip
    PlatformScore.objects.create(
        line_item=item_for(services, label="다른 항목"), student=students[0], activity_progress="Started",
        grading_progress="NotReady", timestamp=stamp,
    )  # fmt: skip
    headers = services.headers((s.SCOPE_RESULT_READONLY,))
    url = services.url("results", services.classroom.pk, item.pk)
    response = services.client.get(url, headers=headers)
    assert response["Content-Type"].startswith(s.MEDIA_RESULTS)
    results = response.json()
    subs = [services.sub(st) for st in students]
    assert [r["userId"] for r in results] == subs
    first = results[0]
    assert first["scoreOf"].endswith(services.url("lineitem", services.classroom.pk, item.pk))
    assert (first["resultScore"], first["resultMaximum"], first["comment"]) == (0, 10, "좋아요")
    assert "comment" not in results[1]

    rows, pages = follow_pages(services, f"{url}?limit=2", headers)
    assert [r["userId"] for r in rows] == subs and pages == 3
    one = services.client.get(f"{url}?user_id={subs[3]}", headers=headers).json()
    assert [r["resultScore"] for r in one] == [3]
    assert services.client.get(f"{url}?user_id=nobody", headers=headers).json() == []

    with django_assert_max_num_queries(6):
        assert len(services.client.get(url, headers=headers).json()) == 5
    for student in _students(services, 20, prefix="새학생"):
        PlatformScore.objects.create(
            line_item=item, student=student, activity_progress="Started", grading_progress="Pending", timestamp=stamp
        )
    services.client.get(url, headers=headers)  # the new students' subjects are made once
    with django_assert_max_num_queries(6):
        assert len(services.client.get(url, headers=headers).json()) == 25


def test_results_need_the_result_scope(services: Services) -> None:
    item = item_for(services)
    url = services.url("results", services.classroom.pk, item.pk)
    assert services.client.get(url, headers=services.headers((s.SCOPE_LINEITEM, s.SCOPE_SCORE))).status_code == 403


# --- a tool library Baeum did not write ----------------------------------------------------------


def _zero_point_lesson(services: Services, tool_id: int) -> tuple[Any, str]:
    """A published lesson with an external activity of tool ``tool_id`` worth no points, and the
    resource link id its launches send."""
    from tests.lti.platform_side.launch_kit import BLOCK_ID
    from tests.lti.platform_side.launch_kit import make_lesson as launch_kit_lesson

    lesson = launch_kit_lesson(services.tool, points=0)
    body = lesson.body.raw_data
    body[1]["value"]["tool"] = tool_id
    lesson.body = body
    lesson.save_revision().publish()
    return lesson, f"lesson-{lesson.pk}-{BLOCK_ID}"


def test_a_tools_line_item_may_name_its_activity_without_points(services: Services) -> None:
    """An activity without points has no line item of Baeum's; the launch still sends its
    resource link, and the tool may make a line item for it."""
    _lesson, link = _zero_point_lesson(services, services.tool.pk)
    url = services.url("lineitems", services.classroom.pk)
    body = {"label": "연습", "scoreMaximum": 5, "resourceLinkId": link}
    assert post_json(services, url, body, s.MEDIA_LINEITEM).status_code == 201
    assert post_json(services, url, body | {"resourceLinkId": link + "x"}, s.MEDIA_LINEITEM).status_code == 400


def test_another_tools_activity_is_not_a_resource_link_of_this_tool(services: Services) -> None:
    other = make_tool(tool_key(), school=services.personas.school, name="Other")
    _lesson, link = _zero_point_lesson(services, other.pk)
    url = services.url("lineitems", services.classroom.pk)
    response = post_json(services, url, {"label": "x", "scoreMaximum": 5, "resourceLinkId": link}, s.MEDIA_LINEITEM)
    assert response.status_code == 400 and response.json()["error"] == "unknown_resource_link"


@pytest.mark.django_db(transaction=True)
def test_a_pylti1p3_tool_finds_makes_and_scores_line_items(services: Services, live_server, settings) -> None:
    """pylti1p3's own AGS client against a running Baeum: its token request, its line item search
    through every page, a line item it makes for its resource link, a score on Baeum's line item
    and on its own (it appends "/scores" to the line item URL without its trailing slash)."""
    from pylti1p3.assignments_grades import AssignmentsGradesService
    from pylti1p3.grade import Grade
    from pylti1p3.lineitem import LineItem

    from tests.lti.platform_side.services_kit import pylti1p3_connector

    settings.BASE_URL = live_server.url
    for n in range(3):
        item_for(services, label=f"다른 {n}")
    baeum = baeum_item(services)
    _lesson, link = _zero_point_lesson(services, services.tool.pk)
    claim = {
        "scope": [s.SCOPE_LINEITEM, s.SCOPE_SCORE, s.SCOPE_RESULT_READONLY],
        "lineitems": live_server.url + services.url("lineitems", services.classroom.pk) + "?limit=2",
        "lineitem": live_server.url + services.url("lineitem", services.classroom.pk, baeum.pk),
    }
    ags = AssignmentsGradesService(pylti1p3_connector(live_server.url, services.tool, services.key), claim)
    sub = services.sub(services.personas.student)

    def grade(given: int) -> Any:
        return (
            Grade().set_score_given(given).set_score_maximum(5).set_user_id(sub)
            .set_timestamp(timezone.now().isoformat(timespec="milliseconds"))
            .set_activity_progress("Completed").set_grading_progress("FullyGraded")
        )  # fmt: skip

    ags.put_grade(grade(4))
    assert PlatformScore.objects.get(line_item=baeum).score_given == 4
    assert len(ags.get_lineitems()) == 4  # three pages of two, Link by Link
    wanted = LineItem().set_label("연습").set_score_maximum(5).set_resource_link_id(link).set_tag("demo")
    made = ags.find_or_create_lineitem(wanted, find_by="resource_link_id")
    assert made.get_id().startswith(live_server.url) and made.get_resource_link_id() == link
    assert ags.find_or_create_lineitem(wanted, find_by="resource_link_id").get_id() == made.get_id()  # found again
    ags.put_grade(grade(2), made)
    own = PlatformLineItem.objects.get(resource_link_id=link)
    assert (own.label, own.tag, own.block_id) == ("연습", "demo", "")
    assert PlatformScore.objects.get(line_item=own).score_given == 2
    [result] = ags.get_grades(made)
    assert (result["userId"], result["resultScore"]) == (sub, 2)
