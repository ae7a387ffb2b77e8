"""The national curriculum as data: revisions, subjects, areas (영역) and achievement standards
(성취기준). These are models and snippets, not pages: lessons link to them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from courses import standard_codes


class GradeBand(models.TextChoices):
    """Grade groups as the curriculum prints them; other values (e.g. 기타) are kept as given."""

    E12 = "초1-2", "초1-2"
    E34 = "초3-4", "초3-4"
    E56 = "초5-6", "초5-6"
    M13 = "중1-3", "중1-3"
    H_COMMON = "고공통", "고공통"
    H_ELECTIVE = "고선택", "고선택"


GRADES_OF_BAND: dict[str, range] = {
    "초1-2": range(1, 3),
    "초3-4": range(3, 5),
    "초5-6": range(5, 7),
    "중1-3": range(7, 10),
    "고공통": range(10, 11),
    "고선택": range(11, 13),
}


def band_for_grade(grade: int) -> str:
    for band, grades in GRADES_OF_BAND.items():
        if grade in grades:
            return band
    return ""


class CurriculumRevision(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True, help_text=_("For example 2022 or 2015"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("curriculum revision")
        verbose_name_plural = _("curriculum revisions")
        ordering = ["-code"]

    def __str__(self) -> str:
        return self.name


class Subject(models.Model):
    revision = models.ForeignKey(CurriculumRevision, on_delete=models.CASCADE, related_name="subjects")
    name = models.CharField(_("subject"), max_length=100)
    subject_group = models.CharField(_("subject group"), max_length=50, blank=True)
    school_level = models.CharField(_("school level"), max_length=20, blank=True)
    grade_band = models.CharField(_("grade band"), max_length=20)
    category = models.CharField(_("curriculum category"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["grade_band", "subject_group", "name"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "grade_band", "name"], name="courses_subject_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.grade_band})"


class Area(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(_("area"), max_length=200)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [models.UniqueConstraint(fields=["subject", "name"], name="courses_area_unique")]

    def __str__(self) -> str:
        return self.name


class AchievementStandard(index.Indexed, models.Model):  # type: ignore[django-manager-missing]
    """One 성취기준. Keyed on (revision, code, subject): codes repeat across subjects and revisions."""

    revision = models.ForeignKey(CurriculumRevision, on_delete=models.CASCADE, related_name="standards")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="standards")
    area = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="standards")
    code = models.CharField(_("code"), max_length=60, help_text=_("Verbatim, e.g. [4수01-01]"))
    key = models.CharField(_("normalised code"), max_length=60, db_index=True, editable=False)
    grade = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    subject_abbrev = models.CharField(max_length=30, blank=True, editable=False)
    area_number = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    number = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    content = models.TextField(_("standard"))

    search_fields = [
        index.SearchField("code"),
        index.SearchField("content"),
        index.AutocompleteField("code"),
        index.FilterField("revision_id"),
        index.FilterField("subject_id"),
        index.FilterField("key"),
    ]

    class Meta:
        verbose_name = _("achievement standard")
        verbose_name_plural = _("achievement standards")
        ordering = ["subject__grade_band", "subject__name", "key"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "code", "subject"], name="courses_standard_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.content[:60]}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.apply_code(self.code)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def apply_code(self, code: str) -> None:
        parsed = standard_codes.parse(code)
        self.code = parsed.verbatim
        self.key = parsed.key
        self.grade, self.subject_abbrev = parsed.grade, parsed.subject
        self.area_number, self.number = parsed.area, parsed.number
