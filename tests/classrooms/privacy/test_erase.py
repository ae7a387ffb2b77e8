"""Erasing a student: after it, no table of the database holds their user id, name, student number
or login digest; what stays for class statistics (live answers, learning records) is nameless."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models
from django.urls import reverse

from classrooms.live.models import LiveResponse
from classrooms.privacy.models import PrivacyEvent
from edu.accounts.models import User
from edu.records.models import LearningRecord


def personal_traces(user_id: int, needles: list[str]) -> list[str]:
    """Every row of every table (through tables too) that holds the user id in a column pointing to
    the user model, or one of ``needles`` in any text or JSON column."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            name = f"{model._meta.db_table}.{field.column}"
            if isinstance(field, models.ForeignKey) and field.related_model is User:
                if model._default_manager.filter(**{field.attname: user_id}).exists():
                    found.append(name)
            elif model is User and field.primary_key:
                if model._default_manager.filter(pk=user_id).exists():
                    found.append(name)
            elif isinstance(field, (models.CharField, models.TextField, models.JSONField)):
                for needle in needles:
                    lookup = f"{field.attname}__contains" if not isinstance(field, models.JSONField) else None
                    if lookup and model._default_manager.filter(**{lookup: needle}).exists():
                        found.append(f"{name} contains {needle!r}")
                    elif lookup is None:
                        values = model._default_manager.exclude(**{f"{field.attname}__isnull": True}).values_list(
                            field.attname, flat=True
                        )
                        if any(needle in json.dumps(v, ensure_ascii=False) for v in values):
                            found.append(f"{name} contains {needle!r}")
    for session in Session.objects.all():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            found.append(f"django_session {session.session_key}")
    return found


def test_erasing_a_student_leaves_nothing_personal(client, personas, answered):
    student = personas.student
    student.refresh_from_db()
    needles = [student.display_name, f'"student_number": {student.student_number}', student.login_code_digest]
    # The student has a live session cookie of their own.
    other = type(client)()
    other.force_login(student)
    assert personal_traces(student.pk, needles)  # the search finds them before

    client.force_login(personas.teacher)
    url = reverse("privacy:erase", args=[student.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    refused = client.post(url, {})  # the box "I understand" not ticked: nothing happens
    assert refused.status_code == 200 and User.objects.filter(pk=student.pk).exists()
    done = client.post(url, {"understood": "on"})
    assert done.status_code == 302

    assert personal_traces(student.pk, needles) == []
    assert LiveResponse.objects.filter(session=answered).count() == 1  # the session's statistics stay
    assert LearningRecord.objects.filter(student__isnull=True, live_session=answered).count() == 1
    assert PrivacyEvent.objects.filter(action="erased", subject="student:erased").exists()


@pytest.mark.parametrize("who", ["unrelated_teacher", "student", "outsider"])
def test_only_stewards_may_see_export_or_erase(client, personas, who):
    client.force_login(getattr(personas, who))
    for name in ("privacy:student", "privacy:erase"):
        assert client.get(reverse(name, args=[personas.student.pk])).status_code == 404
    assert client.post(reverse("privacy:erase", args=[personas.student.pk]), {"understood": "on"}).status_code == 404
    assert User.objects.filter(pk=personas.student.pk).exists()
