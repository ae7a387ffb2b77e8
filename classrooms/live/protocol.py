"""The live protocol, declared once (ADR 0008, docs/live-protocol.md).

Every frame that crosses a live socket is a msgspec Struct here: what clients send (with the roles
allowed to send it), what the server sends (snapshot, events and their data, roster, tally, acks,
errors, sync), and the parts they share. The server builds and encodes these types, never dict
literals; ``schema()`` exports them as JSON Schema into ``frontend/src/live/protocol.schema.json``,
which the TypeScript validator and the docs are tested against (a test fails when it is stale:
regenerate with ``python -m classrooms.live.schema``).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

import msgspec
from django.utils.functional import Promise
from msgspec import UNSET, Meta, Struct, UnsetType

PROTOCOL_VERSION: Literal[2] = 2
TEACHER, STUDENT = "teacher", "student"
TEACHERS, STUDENTS, EVERYONE = frozenset({TEACHER}), frozenset({STUDENT}), frozenset({TEACHER, STUDENT})
MAX_ID = 64
MAX_QUESTION_SECONDS = 60 * 60
MAX_ATTEMPTS = 3  # a question may be asked again twice (peer instruction: answer, discuss, answer again)
MAX_PICKS = 12  # free-text answers a teacher can show at once (the chart's labels)
MAX_LABEL = 200

Ref = Annotated[str, Meta(max_length=MAX_ID)]
Count = Annotated[int, Meta(ge=0)]
Attempt = Annotated[int, Meta(ge=1)]
SessionState = Literal["lobby", "running", "ended"]
Presence = Literal["connected", "reconnecting", "gone"]
RosterStatus = Literal["connected", "reconnecting", "gone", "absent"]  # absent: in the class, not joined
Answer = str | int | float | bool | list[Any]

# --- client frames -------------------------------------------------------------------------------


class ClientFrame(Struct, tag_field="type", kw_only=True, frozen=True):
    """A frame a client sends. ``id`` (at most 64 characters) comes back as ``ref`` in the ack or
    error that answers it. ``roles`` says who may send it; anyone else gets ``forbidden``."""

    roles: ClassVar[frozenset[str]] = EVERYONE
    nudges: ClassVar[bool] = False  # the teacher's roster or tally may change: the hub refreshes them
    id: Ref | UnsetType = UNSET  # a string when present (null is refused)

    @property
    def ref(self) -> str | None:
        """What the ack or error that answers this frame carries as ``ref``."""
        return self.id if isinstance(self.id, str) else None


class SnapshotGet(ClientFrame, tag="snapshot.get", kw_only=True, frozen=True):
    pass


class SessionRun(ClientFrame, tag="session.run", kw_only=True, frozen=True):
    roles = TEACHERS


class SlideGoto(ClientFrame, tag="slide.goto", kw_only=True, frozen=True):
    roles = TEACHERS
    index: int


class QuestionOpen(ClientFrame, tag="question.open", kw_only=True, frozen=True):
    roles = TEACHERS
    block: str
    # 1 to MAX_QUESTION_SECONDS; the service checks the range after the session's state and the
    # question (invalid_state, unknown_activity, then invalid_timer), so only the type is declared.
    seconds: int | UnsetType = UNSET
    # Ask a question already asked in this session again, as its next attempt (peer instruction).
    # Without it, opening an asked question re-opens its current attempt (for latecomers).
    again: bool | UnsetType = UNSET


class QuestionClose(ClientFrame, tag="question.close", kw_only=True, frozen=True):
    roles = TEACHERS


class ResultsReveal(ClientFrame, tag="results.reveal", kw_only=True, frozen=True):
    roles = TEACHERS
    anonymous: bool


class ResultsPick(ClientFrame, tag="results.pick", kw_only=True, frozen=True):
    """Show these typed answers (labels of the teacher's tally) of the revealed free-text question
    to the class; an empty list shows none again. Students never see typed text otherwise."""

    roles = TEACHERS
    labels: Annotated[list[Annotated[str, Meta(max_length=MAX_LABEL)]], Meta(max_length=MAX_PICKS)]


class ScreenLock(ClientFrame, tag="screen.lock", kw_only=True, frozen=True):
    roles = TEACHERS
    locked: bool


class ParticipantRemove(ClientFrame, tag="participant.remove", kw_only=True, frozen=True):
    roles = TEACHERS
    nudges = True
    participant: int


class HandLower(ClientFrame, tag="hand.lower", kw_only=True, frozen=True):
    roles = TEACHERS
    nudges = True
    participant: int


class SessionEnd(ClientFrame, tag="session.end", kw_only=True, frozen=True):
    roles = TEACHERS


class AnswerSubmit(ClientFrame, tag="answer.submit", kw_only=True, frozen=True):
    """A student's answer. ``id`` is required here: a UUID the client makes once per answer and
    re-sends until acknowledged (the server stores it once)."""

    roles = STUDENTS
    nudges = True
    id: Ref  # required (a UUID), where other frames may omit it
    block: str
    answer: Answer
    # The attempt the student answers (the snapshot's ``question.attempt``): an answer made for an
    # earlier attempt and re-sent after the question was asked again is refused, not counted.
    attempt: Attempt | UnsetType = UNSET


class HandRaise(ClientFrame, tag="hand.raise", kw_only=True, frozen=True):
    roles = STUDENTS
    nudges = True
    raised: bool


CLIENT_FRAMES: dict[str, type[ClientFrame]] = {
    frame.__struct_config__.tag: frame  # type: ignore[misc]
    for frame in (
        SnapshotGet,
        SessionRun,
        SlideGoto,
        QuestionOpen,
        QuestionClose,
        ResultsReveal,
        ResultsPick,
        ScreenLock,
        ParticipantRemove,
        HandLower,
        SessionEnd,
        AnswerSubmit,
        HandRaise,
    )
}

# --- shared parts --------------------------------------------------------------------------------


class DistributionEntry(Struct, frozen=True):
    label: str
    count: Count


class Results(Struct, kw_only=True):
    """A question's results as revealed: counts, the distribution in display form, the key."""

    block: str
    kind: str
    anonymous: bool
    answered: Count
    total: Count
    correct_count: Count | None  # None for kinds without a correct answer (polls, open responses)
    answer: str  # the correct answer as people read it ("" when the kind has none)
    explanation: str
    # For free-text kinds (typed answers) only the answers the teacher picked (results.pick).
    distribution: list[DistributionEntry]
    attempt: Attempt = 1
    names: list[str] | UnsetType = UNSET  # who answered correctly; only when not anonymous


class SlideState(Struct, frozen=True):
    index: Count
    count: Count


class QuestionState(Struct, frozen=True):
    block: str  # the open question's activity id, "" when none is open
    kind: str  # its activity kind, "" when none is open
    deadline: str | None  # ISO 8601
    revealed: bool
    attempt: Attempt = 1  # of the open question (of the last one when none is open)


class MyAnswer(Struct, frozen=True):
    answer: Any
    correct: bool | None  # known once the results are revealed or the class moved on
    attempt: Attempt = 1


class Me(Struct, frozen=True):
    participant: int
    nickname: str
    hand: bool
    answers: dict[str, MyAnswer]


class RosterEntry(Struct, frozen=True):
    id: int  # a participant's id; -(user id) for a student of the class who has not joined
    nickname: str
    status: RosterStatus
    hand: str | None  # when the hand went up (ISO 8601), None when it is down
    answered: bool  # answered the current question


class TallyData(Struct, kw_only=True, frozen=True):
    block: str
    kind: str
    number: Count  # the question's number in the lesson (0 when it is no longer in it)
    open: bool
    answered: Count
    total: Count
    correct: Count | None  # None for kinds without a correct answer
    distribution: list[DistributionEntry]  # every answer, typed text too (the teacher's own view)
    attempt: Attempt = 1
    # From attempt 2 on: the attempt before, for the side-by-side comparison.
    previous: list[DistributionEntry] | None = None
    previous_answered: Count | None = None
    previous_correct: Count | None = None


class TeacherInfo(Struct, frozen=True):
    code: str
    open: bool  # an open session (guests join with the code and a nickname)
    roster: list[RosterEntry]
    tally: TallyData | None
    numbers: dict[str, int] = {}  # each question's number in the lesson, by activity id


# --- events: the data of each versioned change ---------------------------------------------------


class EventData(Struct, kw_only=True):
    """The data of one event; ``kind`` names it on the wire (``{"type": "event", "kind": …}``)."""

    kind: ClassVar[str]


class SessionStateChanged(EventData, kw_only=True):
    kind = "session.state"
    state: SessionState


class SlideChanged(EventData, kw_only=True):
    kind = "slide.changed"
    index: Count


class QuestionOpened(EventData, kw_only=True):
    kind = "question.opened"
    block: str
    deadline: str | None
    attempt: Attempt  # 1, or 2, 3 … when the teacher asks it again
    # The activity kind of the question, named ``kind`` on the wire (this class's ``kind`` names the event).
    activity: str = msgspec.field(name="kind")


class QuestionClosed(EventData, kw_only=True):
    kind = "question.closed"
    block: str


class Mine(Struct, frozen=True):
    correct: bool | None


class ResultsRevealed(EventData, kw_only=True):
    kind = "results.revealed"
    block: str
    results: Results
    mine: Mine | UnsetType = UNSET  # each student's own verdict, added per socket by the hub


class ScreenLocked(EventData, kw_only=True):
    kind = "screen.locked"
    locked: bool


class ParticipantRemoved(EventData, kw_only=True):
    kind = "participant.removed"
    participant: int


EVENTS: dict[str, type[EventData]] = {
    data.kind: data
    for data in (
        SessionStateChanged,
        SlideChanged,
        QuestionOpened,
        QuestionClosed,
        ResultsRevealed,
        ScreenLocked,
        ParticipantRemoved,
    )
}

# --- server frames -------------------------------------------------------------------------------


class ServerFrame(Struct, tag_field="type", kw_only=True):
    """A frame the server sends."""


class Snapshot(ServerFrame, tag="snapshot", kw_only=True):
    """Everything a client needs to show the session now: sent on connect, on ``snapshot.get``."""

    protocol: Literal[2] = PROTOCOL_VERSION
    version: Count
    server_time: int  # ms since the epoch, for the client's clock offset
    state: SessionState
    slide: SlideState
    question: QuestionState
    locked: bool
    results: Results | None
    me: Me | UnsetType = UNSET  # students and guests only
    teacher: TeacherInfo | UnsetType = UNSET  # teachers only


class Event(ServerFrame, tag="event", kw_only=True):
    """One versioned change; ``data``'s shape is the one declared for ``kind`` in ``EVENTS``."""

    version: Count
    kind: str
    data: dict[str, Any]


class Roster(ServerFrame, tag="roster", kw_only=True):
    participants: list[RosterEntry]


class Tally(ServerFrame, TallyData, tag="tally", kw_only=True):  # type: ignore[misc]
    pass


class Ack(ServerFrame, tag="ack", kw_only=True):
    ref: str | None
    version: Count | UnsetType = UNSET  # after a teacher's change
    duplicate: bool | UnsetType = UNSET  # after an answer: true when it was already stored
    hand: bool | UnsetType = UNSET  # after hand.raise


class Error(ServerFrame, tag="error", kw_only=True):
    code: str
    message: str
    ref: str | UnsetType = UNSET


class Sync(ServerFrame, tag="sync", kw_only=True):
    """A process relayed fewer events than were committed: clients behind ``version`` resync."""

    version: Count


SERVER_FRAMES: tuple[type[ServerFrame], ...] = (Snapshot, Event, Roster, Tally, Ack, Error, Sync)


def _plain(value: Any) -> Any:
    """Text from templates and translations (SafeString, lazy strings) as plain text."""
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, Promise):
        return str(value)
    raise NotImplementedError(f"cannot encode {type(value).__name__}")


_encoder = msgspec.json.Encoder(enc_hook=_plain)


def encode(frame: Any) -> str:
    """A frame (Struct or plain data) as the JSON text sent on a socket (UTF-8, not ASCII-escaped)."""
    return _encoder.encode(frame).decode()


def event_message(session_id: int, version: int, data: EventData) -> dict[str, Any]:
    """An event as a channel-layer message (plain data, so any layer can carry it)."""
    return {
        "type": "live.event",
        "session": session_id,
        "version": version,
        "kind": data.kind,
        "data": msgspec.to_builtins(data, enc_hook=_plain),
    }
