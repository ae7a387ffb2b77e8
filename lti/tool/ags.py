"""Assignment and Grade Services: the scores Baeum owes LMS gradebooks, through the outbox.

When a student's learning record changes for an assignment launched from an LMS, ``score_owed``
(a learning-record listener, in the transaction that wrote the record) re-arms the student's
``ScoreOutbox`` row; after commit the task ``lti.send_score`` sends it.

Sending (``score_send``) has three steps, so that no lock is held while the LMS is called:

1. **claim**: lock the row (skipping a row another worker holds), check it is due, read the
   student's score *as it is now*, choose a timestamp later than any sent before, and lease the
   row (``next_attempt_at`` moves ``LEASE`` ahead, so no other worker or sweep takes it meanwhile);
2. **deliver**: create the line item if the LMS gave none and lets us, then POST the score;
3. **settle**: sent; or, when the record changed while we were sending (``changed_at`` moved),
   pending again for another send; on a transient error pending with exponential backoff (failed
   after ``MAX_ATTEMPTS``); on a permanent one failed, with a reason the teacher sees.

Why an older score never overwrites a newer one: a change re-arms the row while it is locked, each
send reads the score after taking that lock, and timestamps strictly increase per row; the LMS keeps
the score with the latest timestamp (AGS 2.0 §3.4). A change that arrives while the row is pending
keeps the row's schedule (attempts and backoff, or the lease of a send in flight): the next send
takes the score as it is then."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.utils import timezone
from lti_tool.models import LtiRegistration, LtiUser

from classrooms.assignments.selectors import lesson_size
from courses.pages import LessonPage
from edu.records.models import LESSON_SOURCES, LearningRecord, RecordStatus
from lti.models import AssignmentLink, ScoreOutbox, ScoreState
from lti.tool import tasks, tokens
from lti.tool.tokens import ServiceError, ServiceRefused, ServiceUnavailable

log = logging.getLogger("baeum.lti")

JSON, SCORE_MEDIA = "application/json", "application/vnd.ims.lis.v1.score+json"
LINEITEM_MEDIA = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS_MEDIA = "application/vnd.ims.lis.v2.lineitemcontainer+json"
TAG = "baeum"
LEASE = timedelta(minutes=5)  # longer than the few calls of one send can take (tokens.TIMEOUT each)
BASE_DELAY, MAX_DELAY, MAX_ATTEMPTS = 30, 3600, 8
TICK = timedelta(microseconds=1)


# --- the score as it is now ----------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """A student's standing in a lesson, from the learning record (what the gradebook shows)."""

    answered: int
    total: int
    score: Decimal
    max_score: Decimal
    awaiting_review: int

    @property
    def activity_progress(self) -> str:
        if self.total and self.answered >= self.total:
            return "Completed"
        return "InProgress" if self.answered else "Initialized"

    @property
    def grading_progress(self) -> str:
        # PendingManual, not Pending: an open response waits for a person (AGS 2.0 §3.4.7).
        return "PendingManual" if self.awaiting_review else "FullyGraded"


def standing(student_id: int, lesson: LessonPage) -> Standing:
    """The same count as the gradebook (``classrooms.assignments.selectors``: self-paced records of
    the lesson; a reviewed open response counts with the teacher's score), plus those awaiting review."""
    size = lesson_size(lesson)
    found = LearningRecord.objects.filter(
        source__in=LESSON_SOURCES, student_id=student_id, lesson_id=lesson.pk
    ).aggregate(n=Count("id"), score=Sum("score"), review=Count("id", filter=Q(status=RecordStatus.NEEDS_REVIEW)))
    return Standing(found["n"], size.activities, found["score"] or Decimal(0), size.max_score, found["review"])


def score_body(user_sub: str, now: Standing, timestamp: datetime) -> dict[str, object]:
    """The AGS score (``application/vnd.ims.lis.v1.score+json``)."""
    body: dict[str, object] = {
        "userId": user_sub,
        "activityProgress": now.activity_progress,
        "gradingProgress": now.grading_progress,
        "timestamp": timestamp.astimezone(UTC).isoformat(timespec="microseconds"),
    }
    if now.max_score > 0:
        body.update(scoreGiven=float(now.score), scoreMaximum=float(now.max_score))
    return body


def scores_url(lineitem_url: str) -> str:
    """``<line item>/scores``, before any query string the LMS put on the line item's URL."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


# --- the listener --------------------------------------------------------------------------------

_LINK = "registration__deployments__contexts__resource_links__baeum"
_CONTEXT = "registration__deployments__contexts"


def score_owed(record: LearningRecord) -> int | None:
    """Re-arm the outbox row of the record's student for the record's assignment, when that
    assignment was launched from an LMS that has (or lets Baeum create) a gradebook column and the
    student came from that LMS. Returns the row's id. One query when there is nothing to do."""
    if record.assignment_id is None or record.student_id is None:
        return None
    found = (
        LtiUser.objects.filter(
            Q(**{f"{_LINK}__lineitem_url__gt": ""})
            | Q(**{f"{_CONTEXT}__can_manage_lineitems": True, f"{_CONTEXT}__lineitems_url__gt": ""}),
            auth_user_id=record.student_id,
            **{f"{_LINK}__assignment_id": record.assignment_id},
        )
        .values_list("pk", f"{_LINK}__pk")
        .first()
    )
    if found is None:
        return None
    lti_user_id, link_id = found
    now = timezone.now()
    rows = ScoreOutbox.objects.filter(link_id=link_id, lti_user_id=lti_user_id)
    pending = Q(state=ScoreState.PENDING)
    re_arm = {
        "changed_at": now,
        "attempts": Case(When(pending, then=F("attempts")), default=Value(0), output_field=models.IntegerField()),
        "next_attempt_at": Case(
            When(pending, then=F("next_attempt_at")), default=Value(now), output_field=models.DateTimeField()
        ),
        "last_error": Case(When(pending, then=F("last_error")), default=Value(""), output_field=models.CharField()),
        "state": ScoreState.PENDING,  # SET sees the old row: the cases above read the state before this
    }
    if not rows.update(**re_arm):
        try:
            with transaction.atomic():
                return ScoreOutbox.objects.create(
                    link_id=link_id, lti_user_id=lti_user_id, changed_at=now, next_attempt_at=now
                ).pk
        except IntegrityError:  # another answer of the same student made the row a moment ago
            rows.update(**re_arm)
    return rows.values_list("pk", flat=True).get()


# --- sending -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """One send in flight: what was read under the row's lock."""

    outbox_id: int
    changed_at: datetime
    timestamp: datetime
    registration: LtiRegistration
    link_id: int
    lineitem_url: str
    lineitems_url: str
    can_manage_lineitems: bool
    resource_link_id: str
    label: str
    standing: Standing
    body: dict[str, object]


def score_claim(outbox_id: int, now: datetime | None = None) -> Claim | None:
    """Step 1 (see the module docstring). None when the row is gone, not due, or held by another worker."""
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            ScoreOutbox.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "link__resource_link__context__deployment__registration", "link__assignment__lesson", "lti_user"
            )
            .filter(pk=outbox_id, state=ScoreState.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if row is None:
            return None
        link, assignment = row.link, row.link.assignment
        if assignment is None or row.lti_user.auth_user_id is None:
            row.state, row.last_error = ScoreState.FAILED, "no_student" if assignment else "no_assignment"
            row.save(update_fields=["state", "last_error"])
            return None
        timestamp = now if row.sent_timestamp is None else max(now, row.sent_timestamp + TICK)
        current = standing(row.lti_user.auth_user_id, assignment.lesson)
        row.next_attempt_at = now + LEASE
        row.save(update_fields=["next_attempt_at"])
        context = link.resource_link.context
        return Claim(
            outbox_id=row.pk,
            changed_at=row.changed_at,
            timestamp=timestamp,
            registration=context.deployment.registration,
            link_id=link.pk,
            lineitem_url=link.lineitem_url,
            lineitems_url=context.lineitems_url,
            can_manage_lineitems=context.can_manage_lineitems,
            resource_link_id=link.resource_link.id_on_platform,
            label=(assignment.title or assignment.lesson.title)[:255],
            standing=current,
            body=score_body(row.lti_user.sub, current, timestamp),
        )


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=urlencode([*parse_qsl(parts.query), *params.items()])))


def _lineitem_id(data: object) -> str | None:
    url = data.get("id") if isinstance(data, dict) else None
    if isinstance(url, str) and url.startswith(("https://", "http://")) and len(url) <= 500:
        return url
    return None


def _find_lineitem(claim: Claim) -> str | None:
    """A line item Baeum made for this link before (a worker that died before saving its URL)."""
    url = _with_query(claim.lineitems_url, {"resource_link_id": claim.resource_link_id, "tag": TAG})
    try:
        response = tokens.service_request(
            claim.registration, [tokens.SCOPE_LINEITEM], "GET", url, accept=LINEITEMS_MEDIA
        )
        items = response.json()
    except (ServiceRefused, ValueError):
        return None  # a platform that cannot list them: create one
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get("resourceLinkId") == claim.resource_link_id and item.get("tag") == TAG:
            return _lineitem_id(item)
    return None


def _create_lineitem(claim: Claim) -> str:
    item = {"label": claim.label, "scoreMaximum": float(claim.standing.max_score), "tag": TAG}
    item["resourceLinkId"] = claim.resource_link_id
    response = tokens.service_request(
        claim.registration, [tokens.SCOPE_LINEITEM], "POST", claim.lineitems_url, accept=LINEITEM_MEDIA,
        content_type=LINEITEM_MEDIA, body=item,
    )  # fmt: skip
    try:
        url = _lineitem_id(response.json())
    except ValueError:
        url = None
    if url is None:
        raise ServiceRefused("bad_response")
    return url


def _lineitem(claim: Claim) -> str:
    """The line item's URL: the one the launch named, or one Baeum creates (AGS 2.0 §3.2). One
    worker at a time makes a link's column (a lock in the shared cache, not in the database: no
    row or, on SQLite, database lock is held while the LMS answers); the others retry after it."""
    if claim.lineitem_url:
        return claim.lineitem_url
    if not (claim.lineitems_url and claim.can_manage_lineitems):
        raise ServiceRefused("no_lineitem")
    if claim.standing.max_score <= 0:
        raise ServiceRefused("not_scored")
    lock = f"lti:lineitem-lock:{claim.link_id}"
    if not cache.add(lock, 1, int(LEASE.total_seconds())):
        raise ServiceUnavailable("busy")
    try:
        url = AssignmentLink.objects.filter(pk=claim.link_id).values_list("lineitem_url", flat=True).first()
        if not url:
            url = _find_lineitem(claim) or _create_lineitem(claim)
            AssignmentLink.objects.filter(pk=claim.link_id).update(lineitem_url=url)
        return url
    finally:
        cache.delete(lock)


def score_deliver(claim: Claim) -> None:
    """Step 2: POST the score. Raises ``ServiceError``."""
    if not claim.registration.is_active:
        raise ServiceRefused("registration_off")
    url, scope = scores_url(_lineitem(claim)), [tokens.SCOPE_SCORE]
    tokens.service_request(
        claim.registration, scope, "POST", url, accept=JSON, content_type=SCORE_MEDIA, body=claim.body
    )


@dataclass(frozen=True)
class Sent:
    """How a send ended: ``outcome`` is sent, pending (again), retry, failed or skipped; send the row
    again in ``retry_in`` seconds when it is not None."""

    outcome: str
    retry_in: int | None = None


def backoff(attempts: int, retry_after: int | None = None) -> int:
    """Seconds before attempt ``attempts + 1``: 30 s, 1 min, 2 min, … at most an hour, and never
    sooner than the LMS asked (Retry-After)."""
    delay = min(BASE_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY)
    return max(delay, min(retry_after or 0, MAX_DELAY))


def score_settle(claim: Claim, error: ServiceError | None, now: datetime | None = None) -> Sent:
    """Step 3 (see the module docstring)."""
    now = now or timezone.now()
    with transaction.atomic():
        row = ScoreOutbox.objects.select_for_update().filter(pk=claim.outbox_id).first()
        if row is None:
            return Sent("skipped")
        changed = row.changed_at != claim.changed_at
        if error is not None and row.sent_timestamp is not None and row.sent_timestamp >= claim.timestamp:
            return Sent("skipped")  # a newer send (after this one's lease ran out) already got through
        if error is None:
            if row.sent_timestamp is None or claim.timestamp > row.sent_timestamp:
                row.sent_score, row.sent_timestamp = claim.standing.score, claim.timestamp
            row.attempts, row.last_error, row.next_attempt_at = 0, "", now
            row.state = ScoreState.PENDING if changed else ScoreState.SENT
            result = Sent("pending", 0) if changed else Sent("sent")
        else:
            row.attempts, row.last_error = row.attempts + 1, error.reason
            if row.attempts >= MAX_ATTEMPTS:
                row.state, result = ScoreState.FAILED, Sent("failed")
            elif error.transient:
                delay = backoff(row.attempts, error.retry_after)
                row.next_attempt_at, result = now + timedelta(seconds=delay), Sent("retry", delay)
            elif changed:  # refused, but the score changed meanwhile: the new one may be taken
                row.next_attempt_at, result = now, Sent("pending", 0)
            else:
                row.state, result = ScoreState.FAILED, Sent("failed")
        row.save()
    log.info("lti score %s: %s (%s)", claim.outbox_id, result.outcome, error.reason if error else "ok")
    return result


def score_send(outbox_id: int) -> Sent:
    """Claim, deliver and settle one outbox row (what ``lti.send_score`` does)."""
    claim = score_claim(outbox_id)
    if claim is None:
        return Sent("skipped")
    error: ServiceError | None = None
    try:
        score_deliver(claim)
    except ServiceError as found:
        error = found
    except Exception:  # a bug of ours: back off like a transient error, so it cannot loop, and say so
        log.exception("lti score %s: unexpected error", outbox_id)
        error = ServiceUnavailable("internal")
    return score_settle(claim, error)


# --- for the sweep and the teacher's page --------------------------------------------------------


def scores_due(now: datetime | None = None, limit: int = 500) -> list[int]:
    """Pending rows whose time has come (a lost task, a retry after backoff, an expired lease)."""
    due = ScoreOutbox.objects.filter(state=ScoreState.PENDING, next_attempt_at__lte=now or timezone.now())
    return list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])


def scores_resend(link: AssignmentLink) -> list[int]:
    """The teacher's "retry": re-arm the link's failed rows and send them after commit. Their ids."""
    with transaction.atomic():
        failed = list(
            ScoreOutbox.objects.select_for_update()
            .filter(link=link, state=ScoreState.FAILED)
            .values_list("pk", flat=True)
        )
        ScoreOutbox.objects.filter(pk__in=failed).update(
            state=ScoreState.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
        )
        for outbox_id in failed:
            transaction.on_commit(lambda i=outbox_id: tasks.send_score.delay(i), robust=True)  # type: ignore[misc]
    return failed


def link_score_states(link: AssignmentLink) -> dict[int, ScoreOutbox]:
    """Each student's outbox row for the link, by Baeum user id (one query)."""
    rows = ScoreOutbox.objects.filter(link=link, lti_user__auth_user__isnull=False).select_related("lti_user")
    return {row.lti_user.auth_user_id: row for row in rows if row.lti_user.auth_user_id is not None}


def score_error_text(row: ScoreOutbox) -> str:
    """The row's last error in words a teacher can act on ("" when there is none)."""
    return tokens.reason_text(row.last_error) if row.last_error else ""
