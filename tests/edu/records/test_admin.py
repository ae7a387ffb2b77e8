"""Learning records in the Django admin: readable by staff, never editable, and by id only."""

import pytest
from django.urls import reverse

from courses.services import answer_submit
from edu.accounts.models import User
from edu.records.models import LearningRecord

pytestmark = pytest.mark.django_db


def test_records_are_listed_and_shown_by_id_without_names_and_cannot_be_changed(
    client, personas, library, no_answer_contexts
):
    block = library.activity_id("open_response")
    answer_submit(user=personas.student, lesson=library.lesson, block_id=block, answer="설명")
    record = LearningRecord.objects.get()
    client.force_login(User.objects.create_superuser("root", "root@example.com", "x"))

    listed = client.get(reverse("admin:records_learningrecord_changelist"))
    shown = client.get(reverse("admin:records_learningrecord_change", args=[record.pk]))

    for page in (listed, shown):
        assert page.status_code == 200
        text = page.content.decode()
        assert personas.student.display_name not in text and personas.student.username not in text
    assert record.key in listed.content.decode()
    assert library.lesson.title not in listed.content.decode()  # the list shows the lesson's id only
    assert client.get(reverse("admin:records_learningrecord_add")).status_code == 403
    assert client.post(reverse("admin:records_learningrecord_delete", args=[record.pk])).status_code == 403
