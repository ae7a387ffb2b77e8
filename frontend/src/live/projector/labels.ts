/** The projector view's texts: classrooms/live/views.py `projector_labels()` has the same keys (tests/classrooms/live/test_presenter.py compares them). */
export const PROJECTOR_LABEL_KEYS = [
  "conn_connecting",
  "conn_open",
  "conn_reconnecting",
  "conn_offline",
  "time_left",
  "time_up",
  "waiting",
  "question_open",
  "answered_count",
  "results_title",
  "correct_answer",
  "correct_count",
  "correct_names",
  "session_ended",
  "fullscreen",
  "exit_fullscreen",
  "slide_error",
  "retry",
  "closed_4401",
  "closed_4404",
] as const;
export type ProjectorLabels = Record<(typeof PROJECTOR_LABEL_KEYS)[number], string>;
