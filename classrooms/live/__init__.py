"""Live sessions: a teacher runs a lesson for a class (or an open session joined by code) and every
tablet follows. One package, same app label and tables as ``classrooms`` (docs/architecture.md):

- ``models``: session, participant, answer; ``protocol``: every frame, declared once (ADR 0008);
- ``services``: the state changes; ``answers``: storing answers exactly once; ``events``: publishing;
- ``selectors``: snapshot, roster, tally, results, lists; ``report``: the report per student,
  question and standard; ``access``: the audited helpers;
- ``frames``: reading client frames (limits, validation); ``hub``: one fan-out per process;
  ``consumers``: the sockets; ``views``, ``report_views``, ``forms``, ``labels``, ``urls``, ``routing``;
- ``extensions``: what live sessions add to lesson and class pages.
"""
