"""Models of the curriculum library (re-exported so Django finds them in one place)."""

from courses.answers import LessonAnswer
from courses.curriculum import AchievementStandard, Area, CurriculumRevision, GradeBand, Subject
from courses.pages import (
    CoursePage,
    LessonPage,
    LessonStandard,
    LibraryIndexPage,
    SchoolLibraryPage,
    TeacherLessonsPage,
    TeachersIndexPage,
    UnitPage,
)

__all__ = [
    "AchievementStandard",
    "Area",
    "CoursePage",
    "CurriculumRevision",
    "GradeBand",
    "LessonAnswer",
    "LessonPage",
    "LessonStandard",
    "LibraryIndexPage",
    "SchoolLibraryPage",
    "Subject",
    "TeacherLessonsPage",
    "TeachersIndexPage",
    "UnitPage",
]
