"""Celery tasks of the LTI tool (filled in by the grade-passback and key-rotation work)."""
