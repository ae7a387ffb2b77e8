/** The console's texts: classrooms/live/labels.py `console_labels()` has the same keys (a test compares them). */
export const CONSOLE_LABEL_KEYS = [
  "conn_connecting",
  "conn_open",
  "conn_reconnecting",
  "conn_offline",
  "conn_busy",
  "state_lobby",
  "state_running",
  "state_ended",
  "lock",
  "unlock",
  "locked",
  "unlocked",
  "question_number",
  "open_question",
  "is_open",
  "timer",
  "timer_none",
  "timer_30",
  "timer_60",
  "timer_120",
  "no_question",
  "question_open",
  "question_open_other",
  "question_closed",
  "question_closed_other",
  "time_left",
  "time_up",
  "results_shown",
  "results_anonymous",
  "correct_names",
  "status_connected",
  "status_reconnecting",
  "status_gone",
  "answered",
  "hand_up",
  "roster_count",
  "no_participants",
  "no_hands",
  "remove",
  "remove_name",
  "confirm_remove",
  "lower_hand",
  "lower_hand_name",
  "confirm_end",
  "session_ended",
  "not_connected",
  "slide_error",
  "retry",
  "closed_4401",
  "closed_4404",
] as const;
export type ConsoleLabels = Record<(typeof CONSOLE_LABEL_KEYS)[number], string>;

/**
 * Console texts added with the projector view and the class roster: classrooms/live/views.py
 * `console_view_labels()` has the same keys (tests/classrooms/live/test_presenter.py compares them).
 * They reach the page in the same #live-labels JSON.
 */
export const CONSOLE_VIEW_LABEL_KEYS = ["status_absent", "raised_hand"] as const;
export type ConsoleViewLabels = Record<(typeof CONSOLE_VIEW_LABEL_KEYS)[number], string>;
