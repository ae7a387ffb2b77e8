"""The LTI Advantage services the demo tool calls through pylti1p3: a learner's score to the
platform's gradebook (AGS) and the class roster (NRPS)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import requests
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.message_launch import MessageLaunch

from .exercises import Exercise, Marked
from .pages import RosterEntry, ScoreReport

log = logging.getLogger("demo_tool")

AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
RESOURCE_LINK = "https://purl.imsglobal.org/spec/lti/claim/resource_link"
STATUS_NAMES = {"Active": "참여 중", "Inactive": "쉬는 중", "Deleted": "빠짐"}
ROLE_NAMES = {
    "Instructor": "선생님",
    "Learner": "학생",
    "Student": "학생",
    "TeachingAssistant": "보조 교사",
    "Mentor": "보호자",
    "Administrator": "관리자",
}


def _service_error(error: Exception) -> str:
    if isinstance(error, LtiServiceException):
        response = error.response
        return f"HTTP {response.status_code} {response.url}\n{response.text[:2000]}"
    return str(error)[:2000]


def grade_of(marked: Marked, user_id: str) -> Grade:
    return (
        Grade()
        .set_score_given(marked.score)
        .set_score_maximum(marked.maximum)
        .set_timestamp(datetime.now(UTC).isoformat(timespec="milliseconds"))
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_user_id(user_id)
    )


def send_score(launch: MessageLaunch, exercise: Exercise, marked: Marked) -> ScoreReport:
    """Posts the score to the line item of the launch's AGS claim; when the claim has only the
    `lineitems` URL, to the line item of this resource link (made through AGS if there is none)."""
    data: Any = launch.get_launch_data()
    score = f"{marked.score}/{marked.maximum}"
    if not launch.has_ags():
        return ScoreReport(
            "info", f"채점했어요: {score} (이 수업은 점수를 받지 않아요)", f"Scored {score}; no AGS claim, not sent."
        )
    ags = launch.get_ags()
    if not ags.can_put_grade():
        return ScoreReport("info", f"채점했어요: {score} (점수 보내기 권한이 없어요)", "No AGS score scope.")
    claim = data.get(AGS_CLAIM) or {}
    grade = grade_of(marked, str(data.get("sub", "")))
    try:
        if claim.get("lineitem"):
            ags.put_grade(grade)
        elif claim.get("lineitems"):
            link_id = str((data.get(RESOURCE_LINK) or {}).get("id", ""))
            wanted = (
                LineItem()
                .set_label(exercise.title)
                .set_score_maximum(exercise.max_score)
                .set_resource_id(exercise.id)
                .set_tag(exercise.tag)
                .set_resource_link_id(link_id)
            )
            ags.put_grade(grade, ags.find_or_create_lineitem(wanted, find_by="resource_link_id"))
        else:
            return ScoreReport("info", f"채점했어요: {score} (줄 항목 주소가 없어요)", "No line item URL in the claim.")
    except (LtiException, requests.RequestException) as error:
        log.info("score not sent: %s", type(error).__name__)
        return ScoreReport(
            "error", "점수를 보내지 못했어요", "The platform did not accept the score.", _service_error(error)
        )
    return ScoreReport("success", f"점수를 보냈어요: {score}", f"Score sent: {score}")


def _label(member: dict[str, Any], number: int) -> tuple[str, bool]:
    name = member.get("name") or " ".join(
        part for part in (member.get("family_name"), member.get("given_name")) if isinstance(part, str) and part
    )
    if isinstance(name, str) and name.strip():
        return name.strip(), True
    return f"이름 없음 {number}", False


def _role(roles: Any) -> str:
    names = [str(role).rsplit("#", 1)[-1].rsplit("/", 1)[-1] for role in roles or []]
    return ", ".join(dict.fromkeys(ROLE_NAMES.get(name, name) for name in names)) or "-"


def read_roster(launch: MessageLaunch) -> tuple[list[RosterEntry] | None, str]:
    """The class roster through NRPS (every page): (None, "") when the launch has no NRPS claim,
    ([], message) when the platform refused."""
    if not launch.has_nrps():
        return None, ""
    try:
        members = launch.get_nrps().get_members()
    except (LtiException, requests.RequestException) as error:
        log.info("roster not read: %s", type(error).__name__)
        return [], "명단을 읽지 못했어요 (Could not read the roster): " + _service_error(error)
    entries = []
    for number, member in enumerate(members, start=1):
        label, has_name = _label(dict(member), number)
        status = str(member.get("status") or "Active")
        entries.append(RosterEntry(label, has_name, _role(member.get("roles")), STATUS_NAMES.get(status, status)))
    return entries, ""
