"""The export: the ZIP holds every answer of both paths and the reviewed record, CSVs open in
Excel (BOM), and nothing secret leaves."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from classrooms.privacy import storage
from classrooms.privacy.models import PrivacyAction, PrivacyEvent, StudentExport
from classrooms.privacy.services import exports_purge

pytestmark = pytest.mark.django_db


def request_export(client, personas, django_capture_on_commit_callbacks) -> StudentExport:  # type: ignore[no-untyped-def]
    """Request an export through the page, then run the queued task's work here: the task is sent
    after commit, and CI's real broker has no worker (the embedded default runs it eagerly)."""
    from classrooms.privacy.services import export_build

    client.force_login(personas.teacher)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("privacy:export_new", args=[personas.student.pk]))
    export = StudentExport.objects.order_by("-pk").first()
    assert export is not None and len(queued) == 1  # the task is queued once, after commit
    assert response.status_code == 302 and response["Location"] == reverse("privacy:export", args=[export.pk])
    export_build(export.pk)
    return export


def test_the_zip_holds_every_answer_and_no_secret(client, personas, answered, django_capture_on_commit_callbacks):
    personas.student.refresh_from_db()
    digest = personas.student.login_code_digest
    assert digest
    export = request_export(client, personas, django_capture_on_commit_callbacks)
    export.refresh_from_db()
    assert (export.status, export.progress) == ("ready", 100)
    page = client.get(reverse("privacy:export", args=[export.pk])).content.decode()
    assert "<progress" in page and 'http-equiv="refresh"' not in page

    response = client.get(reverse("privacy:download", args=[export.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    files = {name: archive.read(name) for name in archive.namelist()}
    assert set(files) == {
        "README.txt", "account.json", "classes.json", "answers.csv", "answers.json",
        "live.csv", "live.json", "learning_record.json", "external_tools.json",
    }  # fmt: skip

    account = json.loads(files["account.json"])
    assert (account["display_name"], account["student_number"], account["role"]) == ("이서연", 7, "student")
    assert [c["class"] for c in json.loads(files["classes.json"])] == [str(personas.classroom)]
    answers = json.loads(files["answers.json"])
    assert sorted((a["kind"], a["answer"]) for a in answers) == [
        ("numeric", "0.75"),
        ("open_response", "전체를 똑같이 나눈 것"),
    ]
    [joined] = json.loads(files["live.json"])
    assert [(r["answer"], r["correct"]) for r in joined["responses"]] == [(True, True)]
    records = json.loads(files["learning_record.json"])
    assert len(records) == 3 and "예를 하나 더 들어 봐요." in [r["feedback"] for r in records]

    for name in ("answers.csv", "live.csv"):
        assert files[name].startswith("\ufeff".encode())
    answer_rows = list(csv.reader(io.StringIO(files["answers.csv"].decode("utf-8-sig"))))
    assert len(answer_rows) == 3 and answer_rows[0][0] == "lesson"
    live_rows = list(csv.reader(io.StringIO(files["live.csv"].decode("utf-8-sig"))))
    assert len(live_rows) == 2 and live_rows[1][4] == "True"

    everything = b"".join(files.values())
    assert digest.encode() not in everything
    assert personas.student.password.encode() not in everything
    actions = list(PrivacyEvent.objects.values_list("action", "subject", "actor"))
    assert (PrivacyAction.EXPORT_REQUESTED, f"student:{personas.student.pk}", personas.teacher.pk) in actions
    assert (PrivacyAction.EXPORT_DOWNLOADED, f"student:{personas.student.pk}", personas.teacher.pk) in actions


def test_a_pending_export_refreshes_itself(client, personas):
    client.force_login(personas.teacher)
    export = StudentExport.objects.create(requested_by=personas.teacher, student=personas.student)
    page = client.get(reverse("privacy:export", args=[export.pk])).content.decode()
    assert 'http-equiv="refresh" content="2"' in page and "<progress" in page
    assert client.get(reverse("privacy:download", args=[export.pk])).status_code == 404


def test_an_expired_export_is_gone_and_its_file_with_it(client, personas, django_capture_on_commit_callbacks):
    export = request_export(client, personas, django_capture_on_commit_callbacks)
    export.refresh_from_db()
    path = storage.export_path(export.file_name)
    assert path is not None and path.is_file()
    StudentExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("privacy:download", args=[export.pk])).status_code == 404
    assert not path.exists() and not StudentExport.objects.exists()


def test_purge_deletes_expired_exports_only(client, personas, django_capture_on_commit_callbacks):
    old = request_export(client, personas, django_capture_on_commit_callbacks)
    request_export(client, personas, django_capture_on_commit_callbacks)
    old.refresh_from_db()
    StudentExport.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    assert exports_purge() == 1
    assert StudentExport.objects.count() == 1 and not storage.export_path(old.file_name).exists()  # type: ignore[union-attr]


def test_a_failed_build_is_marked_failed(client, personas, monkeypatch, django_capture_on_commit_callbacks):
    from classrooms.privacy import services

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "build_zip", broken)
    export = request_export(client, personas, django_capture_on_commit_callbacks)
    export.refresh_from_db()
    assert export.status == "failed" and not list(storage.exports_dir().iterdir())
