"""A student's right to see and erase their data (issue 9): who may act for a student
(``access``), the audit log and export/erasure (``models``, ``services``, ``exporting``, ``tasks``)
and the steward's pages (``views``). A top layer like ``classrooms.assignments``; same app label."""
