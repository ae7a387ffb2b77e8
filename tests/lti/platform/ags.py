"""Assignment and Grade Services 2.0 on lti1p3platform's AssignmentsGradesService (its handlers,
paging and score status codes), with the storage, the score validation the library leaves as a
TODO, per-endpoint scopes (the library accepts any AGS scope anywhere) and test hooks."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import quote

from lti1p3platform.exceptions import LineItemNotFoundException, LtiServiceException
from lti1p3platform.lineitem import TLineItem
from lti1p3platform.response import Response
from lti1p3platform.score import TScore, UpdateScoreStatus
from lti1p3platform.service_connector import AssignmentsGradesService, TPage

from .glue import LibRequest, parts_of
from .state import (
    LINEITEM_MEDIA,
    SCOPE_LINEITEM,
    SCOPE_LINEITEM_READONLY,
    SCOPE_RESULT_READONLY,
    SCOPE_SCORE,
    SCORE_MEDIA,
    IssuedToken,
    LineItem,
    ScoreAttempt,
    ScoreRecord,
)
from .tokens import TokenMixin
from .web import HttpRequest, HttpResponse, PlatformError

ACTIVITY = {"Initialized", "Started", "InProgress", "Submitted", "Completed"}
GRADING = {"FullyGraded", "Pending", "PendingManual", "Failed", "NotReady"}
# ISO 8601 with sub-second precision and an explicit offset, e.g. 2024-04-16T18:54:36.736+00:00
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{1,9}(Z|[+-]\d{2}:\d{2})$")
LINEITEM_FIELDS = {"startDateTime", "endDateTime", "gradesReleased", "submissionReview"}


def page_of(items: list[Any], page: int = 1, limit: int | None = None) -> TPage:
    if not limit:
        return {"content": items, "has_next": False}
    start = (max(page, 1) - 1) * limit
    return {"content": items[start : start + limit], "has_next": start + limit < len(items)}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def validate_score(body: Any) -> tuple[str, datetime]:
    """The score's userId and timestamp; LtiServiceException(400) when the score is malformed."""
    if not isinstance(body, dict):
        raise LtiServiceException("the score must be a JSON object", 400)
    user_id = body.get("userId")
    if not isinstance(user_id, str) or not user_id:
        raise LtiServiceException("userId must be a non-empty string", 400)
    if body.get("activityProgress") not in ACTIVITY:
        raise LtiServiceException(f"activityProgress must be one of {sorted(ACTIVITY)}", 400)
    if body.get("gradingProgress") not in GRADING:
        raise LtiServiceException(f"gradingProgress must be one of {sorted(GRADING)}", 400)
    stamp = body.get("timestamp")
    if not isinstance(stamp, str) or not TIMESTAMP.match(stamp):
        raise LtiServiceException("timestamp must be ISO 8601 with sub-second precision and an offset", 400)
    given, maximum = body.get("scoreGiven"), body.get("scoreMaximum")
    if given is not None and (not _number(given) or given < 0):
        raise LtiServiceException("scoreGiven must be a number >= 0", 400)
    if given is not None and maximum is None:
        raise LtiServiceException("scoreMaximum is required with scoreGiven", 400)
    if maximum is not None and (not _number(maximum) or maximum <= 0):
        raise LtiServiceException("scoreMaximum must be a number > 0", 400)
    if body.get("comment") is not None and not isinstance(body["comment"], str):
        raise LtiServiceException("comment must be a string", 400)
    return user_id, datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def validate_lineitem(data: Any) -> None:
    if not isinstance(data, dict):
        raise LtiServiceException("the line item must be a JSON object", 400)
    if not isinstance(data.get("label"), str) or not data["label"].strip():
        raise LtiServiceException("label is required", 400)
    if not _number(data.get("scoreMaximum")) or data["scoreMaximum"] <= 0:
        raise LtiServiceException("scoreMaximum must be a number > 0", 400)


def lib_response(resp: Response) -> HttpResponse:
    """lti1p3platform's service Response as HTTP (a page's `next` becomes a Link header)."""
    if not 200 <= resp.code < 300:
        return HttpResponse.json({"error": resp.message}, status=resp.code)
    data, headers = resp.result, []
    if isinstance(data, dict) and "content" in data:
        if data.get("next"):
            headers.append(("Link", f'<{data["next"]}>; rel="next"'))
        data = data["content"]
    if data is None:
        return HttpResponse(resp.code)
    return HttpResponse.json(data, status=resp.code, content_type=resp.media_type, headers=headers)


class AgsService(AssignmentsGradesService):
    def __init__(
        self, request: LibRequest, platform: AgsMixin, token: IssuedToken, context_id: str, item: LineItem | None
    ):
        tool = platform.tools[token.client_id]
        config = platform.lib_config(platform.lib_registration(tool, key=token.key))
        self.platform, self.client_id, self.context_id = platform, token.client_id, context_id
        super().__init__(request, config, platform.lineitems_url(context_id), item.url if item else None)

    def _items(self) -> list[LineItem]:
        items = self.platform.lineitems.values()
        return [i for i in items if i.context_id == self.context_id and i.client_id == self.client_id]

    def find_lineitems(  # type: ignore[override]
        self,
        page: int = 1,
        limit: int | None = None,
        line_item_id: str | None = None,
        resource_link_id: str | None = None,
        resource_id: str | None = None,
        tag: str | None = None,
        **_ignored: Any,
    ) -> TPage:
        items = [
            item.as_json()
            for item in self._items()
            if (not resource_link_id or item.resource_link_id == resource_link_id)
            and (not resource_id or item.resource_id == resource_id)
            and (not tag or item.tag == tag)
        ]
        return page_of(items, page, limit)

    def _item(self, line_item_id: str) -> LineItem:
        item = self.platform.lineitems.get(line_item_id)
        if item is None or item.client_id != self.client_id:
            raise LineItemNotFoundException(line_item_id)
        return item

    def find_lineitem(self, line_item_id: str) -> TLineItem:
        return self._item(line_item_id).as_json()  # type: ignore[return-value]

    def create_lineitem(self, creation_data: TLineItem) -> TLineItem:
        validate_lineitem(creation_data)
        data: dict[str, Any] = dict(creation_data)
        item = self.platform.create_lineitem(
            self.context_id,
            self.client_id,
            data["label"],
            data["scoreMaximum"],
            data.get("resourceLinkId"),
            data.get("resourceId"),
            data.get("tag"),
            {key: value for key, value in data.items() if key in LINEITEM_FIELDS},
        )
        return item.as_json()  # type: ignore[return-value]

    def update_lineitem(self, update_data: TLineItem) -> TLineItem:
        data: dict[str, Any] = dict(update_data)
        item = self._item(data["id"])
        validate_lineitem(data)
        item.label, item.score_maximum = data["label"], data["scoreMaximum"]
        item.resource_id, item.tag = data.get("resourceId"), data.get("tag")
        item.resource_link_id = data.get("resourceLinkId", item.resource_link_id)
        item.extra = {key: value for key, value in data.items() if key in LINEITEM_FIELDS}
        return item.as_json()  # type: ignore[return-value]

    def delete_lineitem(self, line_item_id: str) -> None:
        self.platform.lineitems.pop(self._item(line_item_id).id)

    def update_score(self, line_item_id: str, score: TScore) -> UpdateScoreStatus:
        return self.platform.apply_score(self._item(line_item_id), score)

    def get_results(
        self, line_item_id: str, page: int = 1, limit: int | None = None, user_id: str | None = None, **_ignored: Any
    ) -> TPage:
        item = self._item(line_item_id)
        latest: dict[str, ScoreRecord] = {}
        for record in self.platform.scores:
            if record.lineitem_id == item.id and (not user_id or record.user_id == user_id):
                latest[record.user_id] = record
        results = []
        for user, record in latest.items():
            result = {"id": f"{item.url}/results/{quote(user, safe='')}", "scoreOf": item.url, "userId": user}
            if record.body.get("scoreGiven") is not None:
                result.update(resultScore=record.body["scoreGiven"], resultMaximum=record.body["scoreMaximum"])
            if record.body.get("comment"):
                result["comment"] = record.body["comment"]
            results.append(result)
        return page_of(results, page, limit)


class AgsMixin(TokenMixin):
    stale_score_policy = "reject"  # "reject": 409 Conflict; "ignore": 200 and the score is not applied

    def init_ags(self) -> None:
        self.scores: list[ScoreRecord] = []
        self.score_attempts: list[ScoreAttempt] = []
        self.refused_scores: list[ScoreAttempt] = []
        self._forced_failures: list[int] = []
        self._permanent_failure: int | None = None

    def fail_next_scores(self, n: int, status: int = 503) -> None:
        """Test hook: the next `n` score POSTs are answered `status` (and not applied)."""
        self._forced_failures.extend([status] * n)

    def fail_scores_permanently(self, status: int = 400) -> None:
        self._permanent_failure = status

    def reset_score_failures(self) -> None:
        self._forced_failures.clear()
        self._permanent_failure = None

    def scores_for(self, lineitem: LineItem | str, user_sub: str) -> list[dict[str, Any]]:
        """Every score applied for (line item, user), oldest first. `lineitem`: object, id or URL."""
        item_id = lineitem.id if isinstance(lineitem, LineItem) else lineitem.rstrip("/").rsplit("/", 1)[-1]
        return [r.body for r in self.scores if r.lineitem_id == item_id and r.user_id == user_sub]

    def apply_score(self, item: LineItem, score: Any) -> UpdateScoreStatus:
        user_id, stamp = validate_score(score)
        with self.lock:
            previous = [r for r in self.scores if r.lineitem_id == item.id and r.user_id == user_id]
            if previous and stamp <= previous[-1].timestamp:
                self.refused_scores.append(ScoreAttempt(item.id, score, 409, "timestamp not newer than the last one"))
                if self.stale_score_policy == "ignore":
                    return UpdateScoreStatus.SUCCESS
                return UpdateScoreStatus.OLD_TIMESTAMP
            self.scores.append(ScoreRecord(item.id, user_id, dict(score), stamp))
        return UpdateScoreStatus.SUCCESS if previous else UpdateScoreStatus.CREATED

    def _service(self, request: HttpRequest, token: IssuedToken, context_id: str, item: LineItem | None) -> AgsService:
        return AgsService(LibRequest(parts_of(request, token.lib_token)), self, token, context_id, item)

    def _owned_item(self, item_id: str, token: IssuedToken) -> LineItem:
        item = self.lineitems.get(item_id)
        if item is None or item.client_id != token.client_id:
            raise PlatformError(404, "not_found", f"no line item {item_id}")
        return item

    @staticmethod
    def _require_json(request: HttpRequest, media_type: str) -> None:
        if request.content_type != media_type:
            raise PlatformError(415, "unsupported_media_type", f"Content-Type must be {media_type}")
        if not isinstance(request.json(), dict):
            raise PlatformError(400, "invalid_request", "the body must be a JSON object")

    def handle_lineitems(self, request: HttpRequest, context_id: str) -> HttpResponse:
        token = self.bearer(request)
        if context_id not in self.contexts:
            raise PlatformError(404, "not_found", f"no context {context_id}")
        service = self._service(request, token, context_id, None)
        if request.method == "GET":
            self.require_scope(token, SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY)
            return lib_response(service.handle_resp(service.handle_get_lineitems))
        self.require_scope(token, SCOPE_LINEITEM)
        self._require_json(request, LINEITEM_MEDIA)
        return lib_response(service.handle_resp(service.handle_create_lineitem))

    def handle_lineitem(self, request: HttpRequest, lineitem_id: str) -> HttpResponse:
        token = self.bearer(request)
        item = self._owned_item(lineitem_id, token)
        service = self._service(request, token, item.context_id, item)
        if request.method == "GET":
            self.require_scope(token, SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY)
            return lib_response(service.handle_resp(service.handle_get_lineitem, line_item_id=item.id))
        self.require_scope(token, SCOPE_LINEITEM)
        if request.method == "DELETE":
            return lib_response(service.handle_resp(service.handle_delete_lineitem, line_item_id=item.id))
        self._require_json(request, LINEITEM_MEDIA)
        return lib_response(service.handle_resp(service.handle_update_lineitem, line_item_id=item.id))

    def handle_scores(self, request: HttpRequest, lineitem_id: str) -> HttpResponse:
        token = self.bearer(request)
        self.require_scope(token, SCOPE_SCORE)
        item = self._owned_item(lineitem_id, token)
        body = request.json()
        with self.lock:
            forced = self._forced_failures.pop(0) if self._forced_failures else self._permanent_failure
        if forced is not None:
            self.score_attempts.append(ScoreAttempt(item.id, body, forced, "forced failure (test hook)"))
            return HttpResponse.json({"error": "forced failure"}, status=forced)
        try:
            self._require_json(request, SCORE_MEDIA)
        except PlatformError as error:
            self.refused_scores.append(ScoreAttempt(item.id, body, error.status, error.description))
            self.score_attempts.append(ScoreAttempt(item.id, body, error.status, error.description))
            raise
        service = self._service(request, token, item.context_id, item)
        response = lib_response(service.handle_resp(service.handle_update_score, line_item_id=item.id))
        if response.status == 400:
            self.refused_scores.append(ScoreAttempt(item.id, body, 400, response.body.decode()))
        self.score_attempts.append(ScoreAttempt(item.id, body, response.status))
        return response

    def handle_results(self, request: HttpRequest, lineitem_id: str) -> HttpResponse:
        token = self.bearer(request)
        self.require_scope(token, SCOPE_RESULT_READONLY)
        item = self._owned_item(lineitem_id, token)
        service = self._service(request, token, item.context_id, item)
        return lib_response(service.handle_resp(service.handle_get_results, line_item_id=item.id))
