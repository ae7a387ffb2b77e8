"""Existing answers into the learning record: every courses.LessonAnswer (key "self:<id>") and every
classrooms.LiveResponse of a signed-in student (key "live:<id>"; guests are not recorded, as at run
time). Idempotent by key (running it again adds nothing), in batches, reversible (the records of
both sources are deleted).

Historical models only, and a frozen copy of what it needs of the activity registry and the
outline helpers: a migration must keep meaning what it meant when it was written.

The class and assignment of a self-paced answer are inferred as the assignments' resolver does at
run time: an assignment of the lesson in a class where the user is a student, set for the whole
class or for them, the latest opened at or before the answer (none if none had opened yet)."""

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.db import migrations
from django.utils.html import strip_tags
from django.utils.text import Truncator

BATCH = 500
PROMPT_CHARS = 200
SCORED = {"multiple_choice", "true_false", "short_answer", "numeric", "open_response"}
NEEDS_REVIEW = {"open_response"}  # scored and not marked automatically
SOURCES = ("self_paced", "live")


# --- what a record copies of a lesson ---------------------------------------------------------------


def _items(raw):
    if raw is None or isinstance(raw, (str, bytes, dict)):
        return []
    try:
        items = list(raw)
    except TypeError:
        return []
    return [i["value"] if isinstance(i, dict) and i.get("type") == "item" and "value" in i else i for i in items]


def _prompt(value):
    text = " ".join(strip_tags(str(value.get("prompt") or "")).split())
    return Truncator(text).chars(PROMPT_CHARS)


def _points(value):
    try:
        return Decimal(str(value.get("points") or 0))
    except (ArithmeticError, InvalidOperation):
        return Decimal(0)


def _standard_ids(value):
    found = []
    for item in _items(value.get("standards")):
        if isinstance(item, int) and not isinstance(item, bool) and item not in found:
            found.append(item)
    return found


def _lessons(apps, lesson_ids, cache):
    """Fill ``cache`` with lesson id -> (title, {block id: (kind, prompt, standard codes, points)})."""
    missing = set(lesson_ids) - cache.keys()
    if not missing:
        return
    LessonPage = apps.get_model("courses", "LessonPage")
    AchievementStandard = apps.get_model("courses", "AchievementStandard")
    raw = {}
    for lesson in LessonPage.objects.filter(pk__in=missing).only("pk", "title", "body"):
        blocks = {}
        for item in lesson.body.raw_data if lesson.body else []:
            value = item.get("value") if isinstance(item.get("value"), dict) else {}
            blocks[str(item.get("id"))] = (item.get("type"), _prompt(value), _standard_ids(value), _points(value))
        raw[lesson.pk] = (lesson.title, blocks)
    wanted = {i for _title, blocks in raw.values() for block in blocks.values() for i in block[2]}
    codes = dict(AchievementStandard.objects.filter(pk__in=wanted).order_by().values_list("pk", "code")) if wanted else {}
    for lesson_id in missing:
        title, blocks = raw.get(lesson_id, ("", {}))
        cache[lesson_id] = (
            title,
            {
                block_id: (kind, prompt, [codes[i] for i in ids if i in codes], points)
                for block_id, (kind, prompt, ids, points) in blocks.items()
            },
        )


def _block(cache, lesson_id, block_id):
    return cache.get(lesson_id, ("", {}))[1].get(block_id, ("", "", [], Decimal(0)))


# --- who and where ----------------------------------------------------------------------------------


def _actors(apps, user_ids):
    Learner = apps.get_model("records", "Learner")
    wanted = set(user_ids)
    found = dict(Learner.objects.filter(user_id__in=wanted).values_list("user_id", "actor"))
    missing = wanted - found.keys()
    if missing:
        Learner.objects.bulk_create([Learner(user_id=u) for u in sorted(missing)], ignore_conflicts=True)
        found.update(Learner.objects.filter(user_id__in=missing).values_list("user_id", "actor"))
    return found


def _assignments(apps, rows):
    """(user id, lesson id) -> the candidate assignments [(opens_at, pk, classroom id)], sorted."""
    Membership = apps.get_model("classrooms", "Membership")
    Assignment = apps.get_model("classrooms", "Assignment")
    users = {r["user_id"] for r in rows}
    lessons = {r["lesson_id"] for r in rows}
    classes_of = defaultdict(set)
    for user_id, classroom_id in Membership.objects.filter(user_id__in=users, role="student").values_list(
        "user_id", "classroom_id"
    ):
        classes_of[user_id].add(classroom_id)
    classes = set().union(*classes_of.values()) if classes_of else set()
    found = list(
        Assignment.objects.filter(lesson_id__in=lessons, classroom_id__in=classes).values_list(
            "pk", "classroom_id", "lesson_id", "opens_at"
        )
    )
    through = Assignment._meta.get_field("students").remote_field.through
    chosen = defaultdict(set)
    for assignment_id, user_id in through.objects.filter(assignment_id__in=[a[0] for a in found]).values_list(
        "assignment_id", "user_id"
    ):
        chosen[assignment_id].add(user_id)
    candidates = defaultdict(list)
    for user_id in users:
        for pk, classroom_id, lesson_id, opens_at in found:
            if classroom_id in classes_of[user_id] and (not chosen[pk] or user_id in chosen[pk]):
                candidates[(user_id, lesson_id)].append((opens_at, pk, classroom_id))
    return {pair: sorted(options) for pair, options in candidates.items()}


def _context(candidates, answered_at):
    """(classroom id, assignment id): the latest opened at or before the answer, if any."""
    before = [c for c in candidates if c[0] <= answered_at]
    if not before:
        return None, None
    _opens, pk, classroom_id = before[-1]
    return classroom_id, pk


# --- the two sources --------------------------------------------------------------------------------


def _new_keys(LearningRecord, keys):
    known = set(LearningRecord.objects.filter(key__in=keys).values_list("key", flat=True))
    return {k for k in keys if k not in known}


def _self_paced_batch(apps, rows, cache):
    LearningRecord = apps.get_model("records", "LearningRecord")
    new = _new_keys(LearningRecord, [f"self:{r['pk']}" for r in rows])
    rows = [r for r in rows if f"self:{r['pk']}" in new]
    if not rows:
        return
    _lessons(apps, {r["lesson_id"] for r in rows}, cache)
    actors = _actors(apps, {r["user_id"] for r in rows})
    contexts = _assignments(apps, rows)
    records = []
    for r in rows:
        title = cache.get(r["lesson_id"], ("", {}))[0]
        _kind, prompt, standards, _points = _block(cache, r["lesson_id"], r["block_id"])
        classroom_id, assignment_id = _context(contexts.get((r["user_id"], r["lesson_id"]), []), r["updated_at"])
        records.append(
            LearningRecord(
                key=f"self:{r['pk']}",
                source="self_paced",
                student_id=r["user_id"],
                actor=actors.get(r["user_id"]),
                classroom_id=classroom_id,
                assignment_id=assignment_id,
                lesson_id=r["lesson_id"],
                lesson_title=title[:255],
                block_id=r["block_id"],
                kind=r["kind"],
                prompt=prompt,
                standards=standards,
                answer=r["answer"],
                correct=r["correct"],
                score=r["score"],
                max_score=r["max_score"],
                attempt=min(r["attempts"], 32767),
                status="needs_review" if r["kind"] in NEEDS_REVIEW else "answered",
                answered_at=r["updated_at"],
            )
        )
    LearningRecord.objects.bulk_create(records, ignore_conflicts=True)


def _live_batch(apps, rows, cache):
    LearningRecord = apps.get_model("records", "LearningRecord")
    new = _new_keys(LearningRecord, [f"live:{r['pk']}" for r in rows])
    rows = [r for r in rows if f"live:{r['pk']}" in new]
    if not rows:
        return
    _lessons(apps, {r["session__lesson_id"] for r in rows}, cache)
    actors = _actors(apps, {r["participant__user_id"] for r in rows})
    records = []
    for r in rows:
        lesson_id = r["session__lesson_id"]
        kind, prompt, standards, points = _block(cache, lesson_id, r["block_id"])
        records.append(
            LearningRecord(
                key=f"live:{r['pk']}",
                source="live",
                student_id=r["participant__user_id"],
                actor=actors.get(r["participant__user_id"]),
                classroom_id=r["session__classroom_id"],
                live_session_id=r["session_id"],
                lesson_id=lesson_id,
                lesson_title=cache.get(lesson_id, ("", {}))[0][:255],
                block_id=r["block_id"],
                kind=kind or "",
                prompt=prompt,
                standards=standards,
                answer=r["answer"],
                correct=r["correct"],
                score=r["score"],
                max_score=points if kind in SCORED else Decimal(0),
                attempt=r["attempt"],
                status="needs_review" if kind in NEEDS_REVIEW else "answered",
                answered_at=r["created_at"],
            )
        )
    LearningRecord.objects.bulk_create(records, ignore_conflicts=True)


SELF_FIELDS = ("pk", "user_id", "lesson_id", "block_id", "kind", "answer", "correct", "score", "max_score")
LIVE_FIELDS = ("pk", "session_id", "session__classroom_id", "session__lesson_id", "participant__user_id", "block_id")


def _batches(queryset, fields):
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk").values(*fields)[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1]["pk"]


def forwards(apps, schema_editor):
    cache = {}
    LessonAnswer = apps.get_model("courses", "LessonAnswer")
    for rows in _batches(LessonAnswer.objects.all(), (*SELF_FIELDS, "attempts", "updated_at")):
        _self_paced_batch(apps, rows, cache)
    LiveResponse = apps.get_model("classrooms", "LiveResponse")
    students = LiveResponse.objects.filter(participant__user__isnull=False)
    for rows in _batches(students, (*LIVE_FIELDS, "attempt", "answer", "correct", "score", "created_at")):
        _live_batch(apps, rows, cache)


def backwards(apps, schema_editor):
    apps.get_model("records", "LearningRecord").objects.filter(source__in=SOURCES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0001_initial"),
        ("courses", "0001_initial"),
        ("classrooms", "0004_assignments"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
