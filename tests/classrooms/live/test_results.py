"""A question's results as the teacher's tally and the revealed results show them: an offered
option keeps its whole text however long, typed answers are shortened for the chart."""

from __future__ import annotations

import uuid

from classrooms.live import selectors, services
from courses.pages import LessonPage
from tests.factories import block
from tests.helpers import submit_answer

LONG = "분수는 전체를 똑같이 나눈 것 가운데 몇 부분인지를 나타내는 수입니다. " * 3  # over 80 characters


def test_a_long_choice_is_counted_once_under_its_whole_text(personas, lesson):
    long_choice = block(
        "multiple_choice",
        {
            "prompt": "<p>분수란?</p>",
            "choices": [{"text": LONG, "correct": True}, {"text": "모르겠다", "correct": False}],
            "multiple": False,
            "points": 1,
            "standards": [],
            "explanation": "",
        },
    )
    typed = block("short_answer", {"prompt": "<p>?</p>", "accepted_answers": ["x"], "points": 1, "standards": []})
    page = LessonPage.objects.get(pk=lesson.pk)
    page.body = [*page.body.raw_data, long_choice, typed]
    page.save_revision().publish()
    session = services.session_run(
        services.session_start(teacher=personas.teacher, lesson=page, classroom=personas.classroom)
    )
    participant = services.participant_join(session, personas.student)

    session = services.question_open(session, long_choice["id"])
    submit_answer(session, participant, client_id=uuid.uuid4(), block_id=long_choice["id"], answer=[0])
    results = selectors.results_of(session)
    assert [(d.label, d.count) for d in results.distribution] == [(LONG, 1), ("모르겠다", 0)]

    session = services.question_open(session, typed["id"])
    submit_answer(session, participant, client_id=uuid.uuid4(), block_id=typed["id"], answer="가" * 200)
    [entry] = selectors.results_of(session, everything=True).distribution  # the teacher's tally
    assert (entry.label, entry.count) == ("가" * selectors.LABEL_CHARS, 1)
    assert selectors.results_of(session).distribution == []  # the class sees no typed text unpicked
