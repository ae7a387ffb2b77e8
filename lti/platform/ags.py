"""Assignment and Grade Services 2.0 on Baeum's side: a tool's line items in one class (the LTI
context), and the results of one line item. A tool only ever sees its own line items, in a class
``service_access`` let it into; anything else is "not found".

Line items Baeum made for a lesson's external activity (``block_id`` set) are the gradebook's
link to that activity: a tool may read them and post scores to them, relabel them, but not delete
them nor move them to another resource link (403). A tool's own line items may name a resource
link only if it is one of that class's (a link Baeum made a line item for)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from courses.pages import LessonPage
from lti.models import PlatformLineItem, PlatformScore
from lti.platform import launch
from lti.platform.ags_rules import AgsInvalid, LineItemIn
from lti.platform.service_access import ServiceAccess, ServiceRefused, not_found, valid_id
from lti.platform.service_http import Paging, absolute_url
from lti.platform.subjects import subjects_for, user_id_for

FILTERS = ("resource_link_id", "resource_id", "tag")


def number(value: Decimal) -> int | float:
    """A decimal column as a JSON number (3, not 3.00)."""
    return int(value) if value == value.to_integral_value() else float(value)


def lineitems_url(classroom_id: int) -> str:
    return absolute_url("lineitems", classroom_id)


def lineitem_url(item: PlatformLineItem) -> str:
    return absolute_url("lineitem", item.classroom_id, item.pk)


def results_url(item: PlatformLineItem) -> str:
    return absolute_url("results", item.classroom_id, item.pk)


def line_item_json(item: PlatformLineItem) -> dict[str, Any]:
    data: dict[str, Any] = {"id": lineitem_url(item), "label": item.label, "scoreMaximum": number(item.score_maximum)}
    for key, value in (("resourceId", item.resource_id), ("tag", item.tag), ("resourceLinkId", item.resource_link_id)):
        if value:
            data[key] = value
    for key, moment in (("startDateTime", item.start_date_time), ("endDateTime", item.end_date_time)):
        if moment is not None:
            data[key] = moment.astimezone(UTC).isoformat()
    return data


def _of_context(access: ServiceAccess) -> QuerySet[PlatformLineItem]:
    return PlatformLineItem.objects.filter(tool=access.tool, classroom=access.classroom)


def line_items_page(
    access: ServiceAccess, filters: Mapping[str, str], paging: Paging
) -> tuple[list[PlatformLineItem], bool]:
    """The tool's line items in the class matching ``filters`` (AGS §3.2.1: ``resource_link_id``,
    ``resource_id``, ``tag``), one page, and whether another follows. One query."""
    found = _of_context(access).filter(pk__gt=paging.after).order_by("pk")
    for name in FILTERS:
        if filters.get(name):
            found = found.filter(**{name: filters[name]})
    rows = list(found[: paging.limit + 1])
    return rows[: paging.limit], len(rows) > paging.limit


def line_item_of(access: ServiceAccess, item_id: int) -> PlatformLineItem:
    """One of the tool's line items in the class, or a 404."""
    item = _of_context(access).filter(pk=item_id).first() if valid_id(item_id) else None
    if item is None:
        raise not_found()
    return item


RESOURCE_LINK = re.compile(r"^lesson-(\d{1,18})-(.{1,64})$")


def _tools_activity(access: ServiceAccess, resource_link_id: str) -> bool:
    """``resource_link_id`` names an external activity of this tool in a published lesson (the
    link a launch sends: ``launch.resource_link_id``), with or without a line item of Baeum's."""
    match = RESOURCE_LINK.match(resource_link_id)
    lesson = LessonPage.objects.live().filter(pk=int(match[1])).first() if match else None
    if match is None or lesson is None or launch.resource_link_id(lesson.pk, match[2]) != resource_link_id:
        return False
    activity = launch.activity_of(lesson, match[2])
    return activity is not None and activity.tool_id == access.tool.pk


def _check_resource_link(access: ServiceAccess, resource_link_id: str) -> None:
    """A tool's line item may point at a resource link of the class: the link of one of Baeum's
    line items there, or of one of the tool's activities in a lesson (an activity without points
    has no line item of Baeum's; the tool may make one)."""
    baeums = _of_context(access).filter(resource_link_id=resource_link_id).exclude(block_id="").exists()
    if not baeums and not _tools_activity(access, resource_link_id):
        raise AgsInvalid("unknown_resource_link", _("resourceLinkId is not a resource link of this context."))


def _baeum_made() -> ServiceRefused:
    return ServiceRefused(
        "baeum_line_item",
        _(
            "This line item is the gradebook column of a lesson activity in Baeum: "
            "it cannot be deleted or moved to another resource link."
        ),
        403,
    )


def line_item_create(access: ServiceAccess, data: LineItemIn) -> PlatformLineItem:
    if data.resource_link_id:
        _check_resource_link(access, data.resource_link_id)
    return PlatformLineItem.objects.create(
        tool=access.tool,
        classroom=access.classroom,
        resource_link_id=data.resource_link_id or "",
        label=data.label,
        score_maximum=data.score_maximum,
        resource_id=data.resource_id,
        tag=data.tag,
        start_date_time=data.start,
        end_date_time=data.end,
    )


def line_item_update(access: ServiceAccess, item: PlatformLineItem, data: LineItemIn) -> PlatformLineItem:
    """AGS §3.2.3: the PUT body replaces the line item; a ``resourceLinkId`` left out stays."""
    moved = data.resource_link_id is not None and data.resource_link_id != item.resource_link_id
    if moved and item.block_id:
        raise _baeum_made()
    if moved and data.resource_link_id:
        _check_resource_link(access, data.resource_link_id)
    item.label, item.score_maximum = data.label, data.score_maximum
    item.resource_id, item.tag = data.resource_id, data.tag
    item.start_date_time, item.end_date_time = data.start, data.end
    if moved:
        item.resource_link_id = data.resource_link_id or ""
    item.save()
    return item


def line_item_delete(item: PlatformLineItem) -> None:
    """A tool's own line item goes with its scores; Baeum's stays (403)."""
    if item.block_id:
        raise _baeum_made()
    with transaction.atomic():
        item.delete()


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultsPage:
    results: list[dict[str, Any]]
    has_next: bool
    last_key: int


def _result_json(item_url: str, results_url: str, score: PlatformScore, sub: str) -> dict[str, Any]:
    data: dict[str, Any] = {"id": f"{results_url}?user_id={quote(sub, safe='')}", "scoreOf": item_url, "userId": sub}
    if score.score_given is not None and score.score_maximum is not None:
        data["resultScore"] = number(score.score_given)
        data["resultMaximum"] = number(score.score_maximum)
    if score.comment:
        data["comment"] = score.comment
    return data


def results_page(access: ServiceAccess, item: PlatformLineItem, user_sub: str, paging: Paging) -> ResultsPage:
    """The latest score of each student on ``item`` (AGS §3.3), one page; ``user_sub`` filters to
    one student. Two queries, whatever the number of students (three the first time subjects are made)."""
    found = PlatformScore.objects.filter(line_item=item, pk__gt=paging.after).order_by("pk")
    if user_sub:
        user_id = user_id_for(access.tool, user_sub)
        if user_id is None:
            return ResultsPage([], False, 0)
        found = found.filter(student_id=user_id)
    rows = list(found[: paging.limit + 1])
    shown = rows[: paging.limit]
    subs = subjects_for(access.tool, {score.student_id for score in shown})
    item_url = lineitem_url(item)
    results = [_result_json(item_url, results_url(item), score, subs[score.student_id]) for score in shown]
    return ResultsPage(results, len(rows) > paging.limit, shown[-1].pk if shown else 0)
