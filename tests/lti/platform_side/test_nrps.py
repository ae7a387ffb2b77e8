"""Names and Role Provisioning Services 2.0 as Baeum serves it to an external tool: the class's
roster with roles, names only when the tool may have them, filters and paging, a constant number of
queries, and the rosters a tool may not read."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from classrooms.models import Classroom
from classrooms.services import StudentEntry, students_add
from lti.platform import scopes as s
from tests.lti.platform_side.services_kit import (
    Services,
    bearer,
    launched,
    make_tool,
    services,
    tool_key,
)

__all__ = ["services"]  # a fixture

INSTRUCTOR = [s.ROLE_INSTRUCTOR, s.ROLE_INSTITUTION_INSTRUCTOR]
LEARNER = [s.ROLE_LEARNER, s.ROLE_INSTITUTION_STUDENT]


def roster(
    services: Services, query: str = "", classroom: Classroom | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict, str]:
    url = services.url("memberships", (classroom or services.classroom).pk)
    headers = headers or services.headers((s.SCOPE_NRPS,))
    response = services.client.get(f"{url}?{query}" if query else url, headers=headers)
    body = response.json()
    return response.status_code, body, response.get("Link", "")


def test_the_roster_names_members_by_sub_with_their_roles_and_no_names(services: Services) -> None:
    personas = services.personas
    personas.teacher.email = "teacher@school.example"
    personas.teacher.save()
    url = services.url("memberships", services.classroom.pk)
    response = services.client.get(url, headers=services.headers((s.SCOPE_NRPS,)))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(s.MEDIA_MEMBERSHIPS)
    body = response.json()
    assert body["id"].startswith("http") and body["id"].endswith(url)
    assert body["context"] == {"id": str(services.classroom.pk), "label": "4학년 2반", "title": str(services.classroom)}
    members = {m["user_id"]: m for m in body["members"]}
    assert set(members) == {services.sub(u) for u in (personas.teacher, personas.co_teacher, personas.student)}
    assert members[services.sub(personas.teacher)]["roles"] == INSTRUCTOR
    assert members[services.sub(personas.student)] == {
        "status": "Active",
        "user_id": services.sub(personas.student),
        "roles": LEARNER,
    }
    text = response.content.decode()
    assert "teacher@school.example" not in text and "김선생" not in text and "이서연" not in text
    assert str(personas.student.pk) not in members  # opaque subs, never Baeum's ids


def test_names_go_out_only_when_the_tool_may_have_them(services: Services) -> None:
    services.tool.send_names = True
    services.tool.save()
    _status, body, _link = roster(services)
    student = next(m for m in body["members"] if m["user_id"] == services.sub(services.personas.student))
    assert (student["name"], student["family_name"], student["given_name"]) == ("이서연", "이", "서연")
    assert all("email" not in m for m in body["members"])


@pytest.mark.parametrize(
    ("role", "who"),
    [
        ("Learner", "students"),
        (s.ROLE_LEARNER, "students"),
        ("Instructor", "teachers"),
        (s.ROLE_INSTRUCTOR, "teachers"),
        (s.ROLE_INSTITUTION_INSTRUCTOR, "teachers"),
        ("Mentor", "nobody"),
        ("http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator", "nobody"),
    ],
)
def test_the_role_filter_takes_full_uris_and_short_names(services: Services, role: str, who: str) -> None:
    personas = services.personas
    expected = {
        "students": {services.sub(personas.student)},
        "teachers": {services.sub(personas.teacher), services.sub(personas.co_teacher)},
        "nobody": set(),
    }[who]
    status, body, link = roster(services, f"role={role.replace('#', '%23')}")
    assert status == 200
    assert {m["user_id"] for m in body["members"]} == expected
    assert link == ""


def test_the_roster_comes_in_pages_that_keep_the_filter(services: Services) -> None:
    students_add(classroom=services.classroom, entries=[StudentEntry(f"학생{n}", 10 + n) for n in range(6)])
    everyone = {m["user_id"] for m in roster(services)[1]["members"]}
    assert len(everyone) == 9  # two teachers, seven students
    seen: list[str] = []
    query, pages = "role=Learner&limit=3", 0
    while query:
        status, body, link = roster(services, query)
        assert status == 200
        assert len(body["members"]) <= 3
        seen.extend(m["user_id"] for m in body["members"])
        pages += 1
        query = ""
        if link:
            target = urlsplit(link[1 : link.index(">")])
            assert parse_qs(target.query)["role"] == ["Learner"]
            query = target.query
    assert pages == 3 and len(seen) == len(set(seen)) == 7
    assert set(seen) < everyone
    assert roster(services, "limit=-1")[0] == 400


def test_the_roster_costs_the_same_for_any_class_size(services: Services, django_assert_max_num_queries) -> None:
    services.tool.send_names = True
    services.tool.save()
    headers = services.headers((s.SCOPE_NRPS,))
    roster(services, headers=headers)  # the subjects of the first members are made
    with django_assert_max_num_queries(5):  # tool, context, deployment, members with users, subjects
        assert len(roster(services, headers=headers)[1]["members"]) == 3
    students_add(classroom=services.classroom, entries=[StudentEntry(f"학생{n}", 10 + n) for n in range(40)])
    roster(services, headers=headers)
    with django_assert_max_num_queries(5):
        assert len(roster(services, headers=headers)[1]["members"]) == 43


def test_a_tool_reads_no_roster_it_may_not(services: Services) -> None:
    personas = services.personas
    elsewhere = Classroom.objects.create(school=personas.other_school, name="1반", grade=7)
    launched(services.tool, elsewhere)  # another school's class, which has not enabled the tool
    assert roster(services, classroom=elsewhere)[0] == 404
    assert roster(services, classroom=personas.other_classroom)[0] == 404  # never launched there
    other_tool = make_tool(tool_key(), school=personas.other_school, name="Other school's tool")
    launched(other_tool, elsewhere)
    headers = bearer(services.token((s.SCOPE_NRPS,), tool=other_tool))
    assert services.client.get(services.url("memberships", elsewhere.pk), headers=headers).status_code == 200
    assert services.client.get(services.url("memberships", services.classroom.pk), headers=headers).status_code == 404
    lineitems_only = services.headers((s.SCOPE_LINEITEM,))
    assert (
        services.client.get(services.url("memberships", services.classroom.pk), headers=lineitems_only).status_code
        == 403
    )


@pytest.mark.django_db(transaction=True)
def test_a_pylti1p3_tool_reads_the_whole_roster_page_by_page(services: Services, live_server, settings) -> None:
    """pylti1p3's NRPS client follows the Link header (which it lower-cases, filter and all)."""
    from pylti1p3.names_roles import NamesRolesProvisioningService

    from tests.lti.platform_side.services_kit import pylti1p3_connector

    settings.BASE_URL = live_server.url
    students_add(classroom=services.classroom, entries=[StudentEntry(f"학생{n}", 10 + n) for n in range(4)])
    url = live_server.url + services.url("memberships", services.classroom.pk) + "?role=Learner&limit=2"
    nrps = NamesRolesProvisioningService(
        pylti1p3_connector(live_server.url, services.tool, services.key), {"context_memberships_url": url}
    )
    members = nrps.get_members()
    assert len(members) == 5 and all(m["roles"] == LEARNER for m in members)
    assert len({m["user_id"] for m in members}) == 5
