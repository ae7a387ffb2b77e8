"""Korean school grades 1–12 and their short labels (초1…초6, 중1…중3, 고1…고3)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

GRADE_CHOICES: list[tuple[int, Promise]] = [
    (1, _("Elementary 1")),
    (2, _("Elementary 2")),
    (3, _("Elementary 3")),
    (4, _("Elementary 4")),
    (5, _("Elementary 5")),
    (6, _("Elementary 6")),
    (7, _("Middle 1")),
    (8, _("Middle 2")),
    (9, _("Middle 3")),
    (10, _("High 1")),
    (11, _("High 2")),
    (12, _("High 3")),
]


def grade_label(grade: int) -> str:
    return str(dict(GRADE_CHOICES).get(grade, grade))
