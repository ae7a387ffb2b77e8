"""The LTI 1.3 endpoints of the demo tool: OIDC third-party initiated login, the launch (a resource
link shows an exercise; a Deep Linking request shows the picker), a learner's answers (scored and
sent by AGS) and the Deep Linking response."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.lineitem import LineItem

from . import pages, services
from .exercises import EXERCISES, Exercise, exercise_by_id, exercise_for_launch, mark
from .lti import DemoMessageLaunch, DemoOIDCLogin, ExerciseLink
from .web import WebRequest, WebResponse

if TYPE_CHECKING:
    from .app import DemoTool

log = logging.getLogger("demo_tool")

CUSTOM = "https://purl.imsglobal.org/spec/lti/claim/custom"
TARGET = "https://purl.imsglobal.org/spec/lti/claim/target_link_uri"


def refused(code: str, korean: str, english: str, detail: str = "", status: int = 400) -> WebResponse:
    log.info("refused: %s", code)
    return WebResponse.html(pages.error_page(korean, english, detail), status)


def login(tool: DemoTool, web: WebRequest) -> WebResponse:
    """OIDC third-party initiated login (GET or POST): the state cookie, a nonce, then the platform's
    authorization endpoint with redirect_uri = /launch."""
    parts = tool.lti_parts(web)
    target = parts.request.get_param("target_link_uri") or ""
    if not tool.is_own_url(target):
        return refused(
            "login_target", "이 도구의 주소가 아니에요.", "target_link_uri is not an address of this tool.", target
        )
    oidc = DemoOIDCLogin(parts.request, tool.tool_conf(), parts.session, parts.cookies, parts.storage)
    try:
        return oidc.redirect(tool.url("/launch"))
    except (OIDCException, LtiException) as error:
        return refused("login", "로그인을 시작할 수 없어요.", "The OIDC login was refused.", str(error))


def _is_teacher(launch: DemoMessageLaunch) -> bool:
    return launch.check_teacher_access() or launch.check_designer_access() or launch.check_staff_access()


def launch(tool: DemoTool, web: WebRequest) -> WebResponse:
    parts = tool.lti_parts(web)
    try:
        message = tool.new_launch(parts)
        message.validate()
    except (LtiException, KeyError, TypeError, ValueError) as error:  # a malformed token is a refusal too
        return refused(
            "launch", "실행 요청을 확인하지 못했어요.", "The launch (id_token) was refused.", str(error), status=401
        )
    if message.is_deep_link_launch():
        if not _is_teacher(message):
            return refused(
                "deep_link_role", "선생님만 콘텐츠를 고를 수 있어요.", "Only instructors pick content.", "", 403
            )
        settings = message.deep_linking_settings()
        return WebResponse.html(
            pages.picker_page(
                EXERCISES,
                message.get_launch_id(),
                tool.url("/deep-link"),
                multiple=_flag(settings.get("accept_multiple"), default=True),
                title=str(settings.get("title") or ""),
            )
        )
    if not message.is_resource_launch():
        return refused("message_type", "이 도구가 모르는 실행 종류예요.", "Unsupported LTI message type.")
    exercise = _exercise_of(message.get_launch_data())
    if exercise is None:
        return refused(
            "exercise",
            "어떤 연습인지 알 수 없어요.",
            "The launch names no exercise of this tool (custom parameter `exercise`).",
            "exercise = " + ", ".join(e.id for e in EXERCISES),
            status=404,
        )
    if _is_teacher(message):
        roster, problem = services.read_roster(message)
        return WebResponse.html(pages.instructor_page(exercise, roster, problem))
    return WebResponse.html(pages.exercise_page(exercise, message.get_launch_id(), tool.url("/answer")))


def _exercise_of(data: Any) -> Exercise | None:
    return exercise_for_launch(data.get(CUSTOM), data.get(TARGET))


def _expired(error: LtiException) -> WebResponse:
    return refused(
        "launch_expired",
        "실행 정보가 없거나 시간이 지났어요. 수업에서 다시 열어 주세요.",
        "The launch is unknown or expired in this browser: launch again from the platform.",
        str(error),
    )


def answer(tool: DemoTool, web: WebRequest) -> WebResponse:
    """A learner's answers: scored here, the score sent to the platform (AGS)."""
    try:
        message = tool.restored_launch(web)
    except LtiException as error:
        return _expired(error)
    exercise = _exercise_of(message.get_launch_data())
    if not message.is_resource_launch() or exercise is None:
        return refused("answer_launch", "이 실행으로는 답을 낼 수 없어요.", "This launch does not take answers.")
    marked = mark(exercise, {f"q{n}": web.field(f"q{n}") for n in range(1, len(exercise.questions) + 1)})
    report = services.send_score(message, exercise, marked)
    page = pages.result_page(exercise, marked, report, message.get_launch_id(), tool.url("/answer"))
    return WebResponse.html(page, 502 if report.kind == "error" else 200)


def _flag(value: object, default: bool) -> bool:
    if value is None:
        return default
    return value is True or str(value).lower() == "true"


def exercise_item(tool: DemoTool, exercise: Exercise, settings: dict[str, Any]) -> ExerciseLink:
    """An ltiResourceLink content item: title, text, url, custom, a line item (unless the platform
    said accept_lineitem false) and the iframe height (when it accepts iframes)."""
    item = ExerciseLink()
    item.set_text(f"{exercise.subject} · {exercise.text}")
    item.set_title(exercise.title).set_url(tool.url(f"/launch?exercise={exercise.id}"))
    item.set_custom_params({"exercise": exercise.id})
    if _flag(settings.get("accept_lineitem"), default=True):
        item.set_lineitem(
            LineItem()
            .set_score_maximum(exercise.max_score)
            .set_label(exercise.title)
            .set_resource_id(exercise.id)
            .set_tag(exercise.tag)
        )
    if "iframe" in (settings.get("accept_presentation_document_targets") or []):
        item.set_iframe_height(exercise.iframe_height)
    return item


def deep_link_response(tool: DemoTool, web: WebRequest) -> WebResponse:
    """The teacher's pick, returned to the platform as a signed LtiDeepLinkingResponse (pylti1p3's
    auto-submitting form). "취소" returns no items."""
    try:
        message = tool.restored_launch(web)
    except LtiException as error:
        return _expired(error)
    if not message.is_deep_link_launch() or not _is_teacher(message):
        return refused("deep_link_launch", "콘텐츠를 고르는 실행이 아니에요.", "Not a Deep Linking launch.")
    settings = message.deep_linking_settings()
    multiple = _flag(settings.get("accept_multiple"), default=True)
    chosen: list[Exercise] = []
    if web.field("action") != "cancel":
        picked = [exercise_by_id(value) for value in web.fields("exercise")]
        chosen = [exercise for exercise in picked if exercise is not None]
        problem = ""
        if not chosen or len(chosen) != len(picked):
            problem = "연습을 하나 이상 골라 주세요."
        elif len(chosen) > 1 and not multiple:
            problem = "이 플랫폼은 하나만 받을 수 있어요. 하나만 골라 주세요."
        if problem:
            page = pages.picker_page(
                EXERCISES,
                message.get_launch_id(),
                tool.url("/deep-link"),
                multiple,
                str(settings.get("title") or ""),
                problem,
            )
            return WebResponse.html(page, 400)
    form = message.get_deep_link().output_response_form([exercise_item(tool, e, settings) for e in chosen])
    return WebResponse.html(pages.deep_link_return_page(form, len(chosen)))
