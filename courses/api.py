"""Headless, read-only API (Wagtail API v2) over published pages. Lesson bodies go out through
``LessonPage.student_body``: activities without answer keys."""

from __future__ import annotations

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

api_router = WagtailAPIRouter("wagtailapi")


class LessonSafePagesAPIViewSet(PagesAPIViewSet):
    """Only the public library: never teachers' folders or schools' shared libraries."""

    def get_base_queryset(self):  # type: ignore[no-untyped-def]
        from courses.pages import SchoolLibraryPage, TeachersIndexPage

        queryset = super().get_base_queryset()
        for private in [*TeachersIndexPage.objects.all(), *SchoolLibraryPage.objects.all()]:
            queryset = queryset.not_descendant_of(private, inclusive=True)
        return queryset


api_router.register_endpoint("pages", LessonSafePagesAPIViewSet)
