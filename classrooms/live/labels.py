"""Texts the live session scripts show (frontend/src/pages/live-console.ts and live-student.ts).

TypeScript holds no user-facing text: the views pass these dicts to the templates, which render
them with ``json_script`` as ``#live-labels``. The keys must match ``CONSOLE_LABEL_KEYS`` and
``STUDENT_LABEL_KEYS`` in the TypeScript (a frontend test compares them with this file); the console's
comparison of attempts and its choice of typed answers read ``question_labels()`` (``QUESTION_LABEL_KEYS``
in src/live/console/compare.ts), rendered into the console's ``#live-labels`` too.
Placeholders in braces (``{name}``) are filled in by the script; keep them in translations.
"""

from __future__ import annotations

from django.utils.translation import gettext as _


def connection_labels() -> dict[str, str]:
    """The connection badge's texts (every live page has one)."""
    return {
        "conn_connecting": _("Connecting…"),
        "conn_open": _("Connected"),
        "conn_reconnecting": _("Reconnecting…"),
        "conn_offline": _("Offline"),
        "conn_busy": _("Server busy, retrying…"),
    }


def console_labels() -> dict[str, str]:
    """Texts of the teacher console."""
    return {
        **connection_labels(),
        "state_lobby": _("Waiting to start"),
        "state_running": _("Live"),
        "state_ended": _("Ended"),
        "lock": _("Lock student screens"),
        "unlock": _("Unlock student screens"),
        "locked": _("Student screens are locked."),
        "unlocked": _("Student screens are unlocked."),
        "question_number": _("Question {n}"),
        "open_question": _("Open question"),
        "is_open": _("Open now"),
        "timer": _("Timer"),
        "timer_none": _("No timer"),
        "timer_30": _("30 seconds"),
        "timer_60": _("1 minute"),
        "timer_120": _("2 minutes"),
        "no_question": _("No question is open."),
        "question_open": _("Question {n} is open."),
        "question_open_other": _("A question on another slide is open."),
        "question_closed": _("Question {n} is closed."),
        "question_closed_other": _("The last question is closed."),
        "time_left": _("Time left"),
        "time_up": _("Time is up"),
        "results_shown": _("Results are shown to students."),
        "results_anonymous": _("Names are hidden."),
        "correct_names": _("Answered correctly"),
        "status_connected": _("Connected"),
        "status_reconnecting": _("Reconnecting"),
        "status_gone": _("Left"),
        "answered": _("Answered"),
        "hand_up": _("{name} raised a hand."),
        "roster_count": _("{connected} of {total} connected"),
        "no_participants": _("No one has joined yet."),
        "no_hands": _("No hands raised."),
        "remove": _("Remove"),
        "remove_name": _("Remove {name}"),
        "confirm_remove": _("Remove {name} from this session? They will not be able to join it again."),
        "lower_hand": _("Lower hand"),
        "lower_hand_name": _("Lower the hand of {name}"),
        "confirm_end": _("End the session for everyone? Students will no longer be able to answer."),
        "session_ended": _("The session has ended."),
        "not_connected": _("Not connected. Wait until the connection is back and try again."),
        "slide_error": _("Could not load this slide."),
        "retry": _("Try again"),
        "closed_4401": _("You are signed out. Sign in again to continue."),
        "closed_4404": _("This session is not available."),
    }


def student_labels() -> dict[str, str]:
    """Texts of the student view."""
    return {
        **connection_labels(),
        "waiting_question": _("Waiting for your teacher to open this question."),
        "question_open": _("Your teacher opened a question. You can answer now."),
        "sending": _("Sending…"),
        "saved": _("Saved"),
        "answer_required": _("Choose or type an answer first."),
        "time_left": _("Time left"),
        "time_up": _("Time is up"),
        "results_title": _("Results"),
        "correct": _("Correct!"),
        "incorrect": _("Not quite."),
        "recorded": _("Your answer was saved."),
        "not_answered": _("You did not answer this question."),
        "answer": _("Answer"),
        "true": _("True"),
        "false": _("False"),
        "results_count": _("{answered} of {total} answered"),
        "results_correct": _("{count} correct"),
        "correct_names": _("Answered correctly"),
        "raise_hand": _("Raise hand"),
        "lower_hand": _("Lower hand"),
        "hand_raised": _("Your hand is raised."),
        "hand_lowered": _("Your hand is lowered."),
        "slide_status": _("Slide {index} of {count}"),
        "slide_error": _("Could not load this slide."),
        "retry": _("Try again"),
        "locked": _("Eyes on your teacher"),
        "unlocked": _("Your screen is unlocked."),
        "not_connected": _("Not connected. Wait until the connection is back and try again."),
        "closed_4401": _("You are signed out. Sign in again to continue."),
        "closed_4404": _("This session is not available."),
    }


def question_labels() -> dict[str, str]:
    """Texts of the console's question panel for asking again and choosing typed answers to show."""
    return {
        "ask_again": _("Ask again"),
        "attempt_n": _("Attempt {n}"),
        "compare_title": _("Before and after the discussion"),
        "compare_answered": _("{answered} of {total} answered"),
        "compare_correct": _("{count} correct"),
        "pick_title": _("Students see no typed answers until you choose which to show."),
        "pick_show": _("Show the chosen answers"),
        "picked_none": _("No typed answers are shown to students."),
        "picked_count": _("{count} chosen answers are shown to students."),
    }
