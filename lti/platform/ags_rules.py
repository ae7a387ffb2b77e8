"""What a tool may send to Assignment and Grade Services 2.0, as plain functions over the parsed
JSON (no ORM, no HTTP): a line item (AGS §3.2) and a score (AGS §3.4). Each returns a typed value
or raises ``AgsInvalid`` with a stable code and a message naming the field, so nothing half-checked
is ever written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from edu.errors import DomainError

ACTIVITY_PROGRESS = ("Initialized", "Started", "InProgress", "Submitted", "Completed")
GRADING_PROGRESS = ("FullyGraded", "Pending", "PendingManual", "Failed", "NotReady")
MAX_NUMBER = Decimal("9999999.99")  # the columns keep 9 digits, 2 after the point
CENT = Decimal("0.01")
MAX_LABEL = 255
MAX_TEXT = 255  # resourceId, tag
MAX_RESOURCE_LINK = 128
MAX_USER_ID = 64
MAX_COMMENT = 1000
MIN_YEAR, MAX_YEAR = 1900, 9998  # of a time in UTC (date and time columns; a margin before year 9999's end)


class AgsInvalid(DomainError):
    """A line item or score that does not fit the spec (the service answers 400 with ``code``)."""


def _object(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise AgsInvalid("invalid_body", _("The body must be a JSON object (%(what)s).") % {"what": what})
    return data


def _number(data: dict[str, Any], name: str, *, positive: bool) -> Decimal | None:
    """A JSON number rounded to hundredths, ``None`` when absent or null."""
    value = data.get(name)
    if value is None:
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidOperation
        number = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise AgsInvalid("invalid_number", _("%(field)s must be a number.") % {"field": name}) from None
    if number > MAX_NUMBER:
        raise AgsInvalid("invalid_number", _("%(field)s is too large.") % {"field": name})
    if number < 0 or (positive and number <= 0):
        message = _("%(field)s must be greater than 0.") if positive else _("%(field)s must be 0 or more.")
        raise AgsInvalid("invalid_number", message % {"field": name})
    return number


def _text(data: dict[str, Any], name: str, limit: int, *, required: bool = False) -> str | None:
    """A string field stripped, ``None`` when absent or null (an error when ``required``)."""
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise AgsInvalid("invalid_field", _("%(field)s must be a non-empty string.") % {"field": name})
    value = value.strip()
    if len(value) > limit:
        raise AgsInvalid(
            "invalid_field", _("%(field)s is longer than %(limit)d characters.") % {"field": name, "limit": limit}
        )
    return value


def parse_time(value: Any, name: str) -> datetime:
    """An ISO 8601 date and time with its offset from UTC ("2024-04-16T18:54:36.736+09:00", "…Z"),
    in years a database keeps in UTC ("0001-01-01T00:00+09:00" is no moment in UTC: it would fail
    to be saved, or be saved and then fail every read)."""
    if isinstance(value, str) and 0 < len(value) <= 40:
        try:
            moment = datetime.fromisoformat(value)
            in_utc = moment.astimezone(UTC) if moment.tzinfo is not None else None
        except (ValueError, OverflowError):
            pass
        else:
            if in_utc is not None and moment.utcoffset() is not None and MIN_YEAR <= in_utc.year <= MAX_YEAR:
                return moment
    raise AgsInvalid(
        "invalid_time", _("%(field)s must be an ISO 8601 date and time with a time zone.") % {"field": name}
    )


def _time(data: dict[str, Any], name: str) -> datetime | None:
    value = data.get(name)
    return None if value is None else parse_time(value, name)


@dataclass(frozen=True)
class LineItemIn:
    label: str
    score_maximum: Decimal
    resource_id: str
    tag: str
    resource_link_id: str | None  # None: not sent (on update: unchanged)
    start: datetime | None
    end: datetime | None


def parse_line_item(data: Any) -> LineItemIn:
    """A line item as POSTed or PUT: ``label`` and ``scoreMaximum`` > 0 required."""
    item = _object(data, "line item")
    label = _text(item, "label", MAX_LABEL, required=True)
    maximum = _number(item, "scoreMaximum", positive=True)
    if maximum is None:
        raise AgsInvalid("invalid_number", _("scoreMaximum is required."))
    start, end = _time(item, "startDateTime"), _time(item, "endDateTime")
    if start is not None and end is not None and end < start:
        raise AgsInvalid("invalid_time", _("endDateTime must not be before startDateTime."))
    return LineItemIn(
        label=label or "",
        score_maximum=maximum,
        resource_id=_text(item, "resourceId", MAX_TEXT) or "",
        tag=_text(item, "tag", MAX_TEXT) or "",
        resource_link_id=_text(item, "resourceLinkId", MAX_RESOURCE_LINK),
        start=start,
        end=end,
    )


@dataclass(frozen=True)
class ScoreIn:
    user_id: str
    timestamp: datetime
    activity_progress: str
    grading_progress: str
    score_given: Decimal | None
    score_maximum: Decimal | None
    comment: str

    @property
    def graded(self) -> bool:
        """A score that counts as the student's result: a given score the tool did not mark as
        failed or not ready (AGS §3.4.8)."""
        return self.score_given is not None and self.grading_progress not in ("Failed", "NotReady")


def _choice(data: dict[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    value = data.get(name)
    if not isinstance(value, str) or value not in allowed:
        raise AgsInvalid(
            "invalid_field", _("%(field)s must be one of %(values)s.") % {"field": name, "values": ", ".join(allowed)}
        )
    return value


def parse_score(data: Any) -> ScoreIn:
    """A score as a tool POSTs it (AGS §3.4)."""
    score = _object(data, "score")
    user_id = _text(score, "userId", MAX_USER_ID, required=True)
    if "timestamp" not in score:
        raise AgsInvalid("invalid_time", _("timestamp is required."))
    timestamp = parse_time(score["timestamp"], "timestamp")
    activity = _choice(score, "activityProgress", ACTIVITY_PROGRESS)
    grading = _choice(score, "gradingProgress", GRADING_PROGRESS)
    given = _number(score, "scoreGiven", positive=False)
    maximum = _number(score, "scoreMaximum", positive=True)
    if given is not None and maximum is None:
        raise AgsInvalid("invalid_number", _("scoreMaximum is required with scoreGiven."))
    comment = score.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise AgsInvalid("invalid_field", _("comment must be a string."))
    if comment is not None and len(comment) > MAX_COMMENT:
        raise AgsInvalid("invalid_field", _("comment is longer than %(limit)d characters.") % {"limit": MAX_COMMENT})
    return ScoreIn(user_id or "", timestamp, activity, grading, given, maximum, (comment or "").strip())
