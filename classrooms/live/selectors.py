"""Reads of live sessions: the snapshot a socket gets, the teacher's roster and tally, a question's
results, and the lists on the home and class pages. Each runs a fixed number of queries, whatever
the number of students; the shapes are the protocol's (classrooms.live.protocol)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Subquery
from django.utils import timezone

from classrooms.live.models import LiveResponse, LiveSession, Participant, SessionState
from classrooms.live.protocol import (
    DistributionEntry,
    Me,
    MyAnswer,
    QuestionState,
    Results,
    RosterEntry,
    SlideState,
    Snapshot,
    TallyData,
    TeacherInfo,
)
from classrooms.models import Classroom, MemberRole, Membership
from courses import activities
from courses.outline import lesson_outline
from edu.accounts.models import User

CONNECTED_SECONDS, RECONNECTING_SECONDS = 10, 60
DISTRIBUTION_LABELS = 12
LABEL_CHARS = 80
OTHERS = "…"  # the label of the answers beyond the chart's first DISTRIBUTION_LABELS
CACHE_MAX = 64


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _activity(session: LiveSession, block_id: str) -> tuple[str, Any] | None:
    return lesson_outline(session.lesson_id).activities.get(block_id) if block_id else None


def question_numbers(kinds: list[tuple[str, str]]) -> dict[str, int]:
    """Each question's number in its lesson: the lesson's activities ``(block id, kind)`` in order,
    counted from 1, leaving out those answered in an outside tool (never asked live). The console,
    the tally and the report (``report._questions``) all number questions this way."""
    numbers: dict[str, int] = {}
    for block_id, kind in kinds:
        if not activities.is_answered_in_tool(kind):
            numbers[block_id] = len(numbers) + 1
    return numbers


def lesson_numbers(session: LiveSession) -> dict[str, int]:
    outline = lesson_outline(session.lesson_id)
    return question_numbers([(block_id, kind) for block_id, (kind, _value) in outline.activities.items()])


def _has_key(kind: str) -> bool:
    """Whether answers of this kind are marked right or wrong (not polls or open responses)."""
    found = activities.kind_of(kind)
    return found is not None and found.checked


def snapshot_shared(session: LiveSession) -> Snapshot:
    """The part of a snapshot that is the same for every socket of the session at this version
    (``server_time`` is stamped again when it is sent). ``session`` must be freshly read."""
    activity = _activity(session, session.open_block_id)
    return Snapshot(
        version=session.version,
        server_time=int(timezone.now().timestamp() * 1000),
        state=session.state,  # type: ignore[arg-type]
        slide=SlideState(session.slide_index, session.slide_total),
        question=QuestionState(
            block=session.open_block_id,
            kind=activity[0] if activity is not None else "",
            deadline=iso(session.deadline),
            revealed=session.revealed,
            attempt=session.attempt,
        ),
        locked=session.locked,
        results=_revealed_results(session) if session.revealed else None,
    )


def me_of(session: LiveSession, participant: Participant, rows: list[dict[str, Any]]) -> Me:
    """One student's part of a snapshot, from their response rows (``block_id``, ``attempt``,
    ``answer``, ``correct``): for each question, the answer of its latest attempt. For the
    session's current question (open, or the last one) only an answer to its current attempt
    counts: a question asked again shows as unanswered until the student answers it again."""
    current = {session.open_block_id, session.last_block_id} - {""}
    latest: dict[str, dict[str, Any]] = {}
    for row in rows:
        block = row["block_id"]
        if block in current and row["attempt"] != session.attempt:
            continue
        kept = latest.get(block)
        if kept is None or row["attempt"] > kept["attempt"]:
            latest[block] = row
    return Me(
        participant=participant.pk,
        nickname=participant.nickname,
        hand=participant.hand_raised_at is not None,
        answers={
            block: MyAnswer(row["answer"], row["correct"] if _verdict_visible(session, block) else None, row["attempt"])
            for block, row in latest.items()
        },
    )


def teacher_info(session: LiveSession) -> TeacherInfo:
    roster, tally = teacher_view(session)
    return TeacherInfo(
        code=session.code, open=session.is_open, roster=roster, tally=tally, numbers=lesson_numbers(session)
    )


_RESULTS: dict[tuple[int, int], Results] = {}


def forget_cached() -> None:
    """Drop the per-process revealed results (tests: a new database reuses ids)."""
    _RESULTS.clear()


def _revealed_results(session: LiveSession) -> Results:
    """Revealed results change only with the version (no answers are taken while they show), so a
    burst of reconnects after a worker restart reads the answers once per process, not once each."""
    key = (session.pk, session.version)
    found = _RESULTS.get(key)
    if found is None:
        if len(_RESULTS) >= CACHE_MAX:
            _RESULTS.pop(next(iter(_RESULTS)))
        found = _RESULTS[key] = results_of(session)
    return found


def _verdict_visible(session: LiveSession, block_id: str) -> bool:
    """A student sees whether they were right once the teacher reveals, or once the class has
    moved on to another question; never while the question is still running."""
    if block_id == session.open_block_id:
        return False
    return session.revealed or block_id != session.last_block_id


def teacher_view(session: LiveSession) -> tuple[list[RosterEntry], TallyData | None]:
    """The roster with presence and the tally of the current question, in a fixed number of
    queries whatever the number of students (the teacher's process recomputes it, coalesced).
    The roster lists every student of the class: those who have not joined (yet) come last, as
    ``absent`` with ``id = -(user id)``. The tally counts the question's current attempt and, from
    the second attempt on, carries the attempt before for the comparison."""
    now = timezone.now()
    block_id = session.open_block_id or session.last_block_id
    answered: set[int] = set()
    if block_id:
        answered = set(
            LiveResponse.objects.filter(session=session, block_id=block_id, attempt=session.attempt).values_list(
                "participant_id", flat=True
            )
        )
    roster = [
        RosterEntry(
            id=p["id"],
            nickname=p["nickname"],
            status=presence(p["last_seen"], now),  # type: ignore[arg-type]
            hand=iso(p["hand_raised_at"]),
            answered=p["id"] in answered,
        )
        for p in Participant.objects.filter(session=session, removed=False)
        .order_by("nickname", "id")
        .values("id", "nickname", "last_seen", "hand_raised_at")
    ]
    joined = len(roster)
    roster += _absent(session)
    tally = None
    if block_id:
        summary = results_of(session, block_id=block_id, names=False, everything=True, total=joined)
        before = None
        if session.attempt > 1:
            before = results_of(
                session, block_id=block_id, names=False, everything=True, total=joined, attempt=session.attempt - 1
            )
        tally = TallyData(
            block=block_id,
            kind=summary.kind,
            number=lesson_numbers(session).get(block_id, 0),
            open=session.open_block_id == block_id,
            answered=summary.answered,
            total=joined,
            correct=summary.correct_count,
            distribution=summary.distribution,
            attempt=session.attempt,
            previous=before.distribution if before is not None else None,
            previous_answered=before.answered if before is not None else None,
            previous_correct=before.correct_count if before is not None else None,
        )
    return roster, tally


def _absent(session: LiveSession) -> list[RosterEntry]:
    """The class's students who have no participant in this session (one query; none for an open
    session). A removed participant is not absent: they joined and were removed."""
    if session.classroom_id is None:
        return []
    seated = Participant.objects.filter(session=session, user__isnull=False).values("user_id")
    members = (
        Membership.objects.filter(classroom_id=session.classroom_id, role=MemberRole.STUDENT)
        .exclude(user_id__in=Subquery(seated))
        .values_list("user_id", "user__display_name", "user__first_name", "user__username")
    )
    found = [(display or first or username, user_id) for user_id, display, first, username in members]
    return [
        RosterEntry(id=-user_id, nickname=name, status="absent", hand=None, answered=False)
        for name, user_id in sorted(found)
    ]


def teacher_view_of(session_id: int) -> tuple[list[RosterEntry], TallyData | None] | None:
    """``teacher_view`` of a session read afresh (the hub's tick), None once it is gone."""
    session = LiveSession.objects.filter(pk=session_id).first()
    return teacher_view(session) if session is not None else None


def presence(last_seen: datetime | None, now: datetime) -> str:
    if last_seen is None:
        return "gone"
    age = (now - last_seen).total_seconds()
    if age <= CONNECTED_SECONDS:
        return "connected"
    return "reconnecting" if age <= RECONNECTING_SECONDS else "gone"


def results_of(
    session: LiveSession,
    *,
    block_id: str | None = None,
    names: bool | None = None,
    everything: bool = False,
    total: int | None = None,
    attempt: int | None = None,
) -> Results:
    """The results of one question's attempt (the current question and attempt unless told):
    counts, distribution in display form, the correct answer. Typed answers (free-text kinds) are
    left out of the distribution unless the teacher picked them (``LiveSession.picked``), or
    ``everything`` is asked for (the teacher's own tally). Kinds without a correct answer (polls,
    open responses) have ``correct_count`` None and no names."""
    block_id = block_id or session.open_block_id or session.last_block_id
    if attempt is None:
        attempt = session.attempt if block_id == (session.open_block_id or session.last_block_id) else 1
    activity = _activity(session, block_id)
    kind, value = activity if activity is not None else ("", {})
    rows = list(
        LiveResponse.objects.filter(
            session=session, block_id=block_id, attempt=attempt, participant__removed=False
        ).values("answer", "correct", "participant__nickname")
    )
    counts: dict[str, int] = {}
    # Count the stored answers first, then build each distinct label once (a tally is recomputed
    # every few hundred ms while a class answers). Typed text is shortened for the chart; an
    # offered option keeps its whole text, as the zero-count fill below does.
    stored = Counter(json.dumps(row["answer"], sort_keys=True, ensure_ascii=False) for row in rows)
    shorten = activities.is_free_text(kind)
    for key, n in stored.items():
        label = activities.answer_text(kind, value, json.loads(key))
        label = label[:LABEL_CHARS] if shorten else label
        counts[label] = counts.get(label, 0) + n
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if shorten and not everything:  # typed text reaches the class only when the teacher picked it
        picked = set(session.picked or [])
        ranked = [(label, n) for label, n in ranked if label in picked]
    distribution = [DistributionEntry(label, n) for label, n in ranked[:DISTRIBUTION_LABELS]]
    if len(ranked) > DISTRIBUTION_LABELS:
        distribution.append(DistributionEntry(OTHERS, sum(n for _label, n in ranked[DISTRIBUTION_LABELS:])))
    if kind == "poll" or (kind == "multiple_choice" and not value.get("multiple")):
        options = value.get("options") if kind == "poll" else [c["text"] for c in value.get("choices") or []]
        shown = {d.label for d in distribution}
        distribution += [DistributionEntry(str(o), 0) for o in options or [] if str(o) not in shown]
    keyed = _has_key(kind)
    show_names = keyed and ((not session.anonymous) if names is None else names)
    results = Results(
        block=block_id,
        kind=kind,
        anonymous=not show_names,
        answered=len(rows),
        total=Participant.objects.filter(session=session, removed=False).count() if total is None else total,
        correct_count=sum(1 for row in rows if row["correct"]) if keyed else None,
        answer=activities.correct_text(kind, value),
        explanation=str(value.get("explanation") or "") if activity is not None else "",
        distribution=distribution,
        attempt=attempt,
    )
    if show_names:
        results.names = sorted(row["participant__nickname"] for row in rows if row["correct"])
    return results


def verdicts_for(session_id: int, block_id: str, participant_ids: list[int]) -> dict[int, bool | None]:
    """Each local student's own verdict for a revealed question, on the session's current attempt
    (a student who did not answer it again has none): one query per process."""
    attempt = LiveSession.objects.filter(pk=session_id).values("attempt")
    return dict(
        LiveResponse.objects.filter(
            session_id=session_id, block_id=block_id, participant_id__in=participant_ids, attempt=Subquery(attempt)
        ).values_list("participant_id", "correct")
    )


def versions_of(session_ids: list[int]) -> dict[int, int]:
    """The current version of each session (the hub checks it missed no event)."""
    return dict(LiveSession.objects.filter(pk__in=session_ids).values_list("pk", "version"))


def live_sessions_for_home(user: User) -> QuerySet[LiveSession]:
    """Unfinished live sessions of the user's classes (and a teacher's own open sessions)."""
    mine = Q(classroom__memberships__user=user)
    if user.is_teacher:
        mine |= Q(teacher=user)
    return (
        LiveSession.objects.filter(mine)
        .exclude(state=SessionState.ENDED)
        .select_related("lesson", "classroom")
        .distinct()
        .order_by("-created_at")
    )


def live_session_of_lesson_for_student(user: User, lesson_id: int) -> LiveSession | None:
    """The unfinished live session of this lesson that this student is in (their class's, or an open
    one they joined), if any. While it runs, the lesson page and its answer checking would let a
    student read ahead and try answers before answering live."""
    if user.is_teacher:
        return None
    theirs = Q(classroom__memberships__user=user, classroom__memberships__role=MemberRole.STUDENT) | Q(
        classroom__isnull=True, participants__user=user
    )
    return (
        LiveSession.objects.filter(theirs, lesson_id=lesson_id)
        .exclude(state=SessionState.ENDED)
        .order_by("-created_at")
        .first()
    )


def classroom_live_sessions(classroom: Classroom, *, limit: int) -> tuple[list[LiveSession], int]:
    """The class's latest ``limit`` live sessions, newest first, each with ``lesson_title`` and
    ``participant_count`` (removed participants left out), and how many there are: two queries."""
    sessions = LiveSession.objects.filter(classroom=classroom)
    latest = sessions.annotate(
        lesson_title=F("lesson__title"),
        participant_count=Count("participants", filter=Q(participants__removed=False)),
    ).order_by("-created_at", "-pk")[:limit]
    return list(latest), sessions.count()
