"""The user model: teachers and admins sign in with a password, students with a login code.

Students are minors: no email is stored for them, only a display name and an optional student
number. Their login code is never stored in clear; only a keyed digest is (``login_codes``).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STUDENT = "student", _("Student")
    TEACHER = "teacher", _("Teacher")
    SCHOOL_ADMIN = "school_admin", _("School admin")


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.TEACHER)
    display_name = models.CharField(_("display name"), max_length=40, blank=True)
    student_number = models.PositiveIntegerField(_("student number"), null=True, blank=True)
    login_code_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    login_code_issued_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["login_code_digest"],
                condition=~models.Q(login_code_digest=""),
                name="accounts_user_unique_login_code",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_student(self) -> bool:
        return self.role == Role.STUDENT

    @property
    def is_teacher(self) -> bool:
        return self.role in (Role.TEACHER, Role.SCHOOL_ADMIN)

    def get_short_name(self) -> str:
        return self.display_name or self.first_name or self.username

    def get_full_name(self) -> str:
        return self.display_name or super().get_full_name() or self.username
