"""Admin wiring: standards as snippets (read-only for teachers), and "my lessons" in the menu."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses.curriculum import AchievementStandard


class AchievementStandardViewSet(SnippetViewSet):
    model = AchievementStandard
    icon = "tag"
    menu_label = _("Achievement standards")
    menu_order = 250
    list_display = ["code", "content", "subject", "area"]
    list_filter = ["revision", "subject__grade_band", "subject__subject_group"]
    search_fields = ["code", "content"]
    ordering = ["key"]
    list_per_page = 50
    add_to_admin_menu = True


register_snippet(AchievementStandardViewSet)


@hooks.register("register_admin_menu_item")
def my_lessons_menu_item() -> MenuItem:
    return MenuItem(_("My lessons"), reverse("courses:my_lessons"), icon_name="doc-full", order=100)
