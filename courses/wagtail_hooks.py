"""Admin wiring: standards as snippets (read-only for teachers), and "my lessons" in the menu."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses.curriculum import AchievementStandard
from courses.selectors import standards_matching


class StandardFilterForm(BaseFilterForm):
    """Chooser search by substring or code prefix (the full-text backend does not split Korean)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Code or words, e.g. 4수01 or 분수")}),
    )

    def filter(self, objects: QuerySet[AchievementStandard]) -> QuerySet[AchievementStandard]:
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            self.is_searching, self.search_query = True, query
            objects = objects.filter(standards_matching(query))
        return objects


class StandardChooseView(ChooseView):
    filter_form_class = StandardFilterForm


class StandardChooseResultsView(ChooseResultsView):
    filter_form_class = StandardFilterForm


class StandardChooserViewSet(SnippetChooserViewSet):
    choose_view_class = StandardChooseView
    choose_results_view_class = StandardChooseResultsView


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
    chooser_viewset_class = StandardChooserViewSet
    search_backend_name = None  # listing search through the ORM too (substring, Korean-safe)


register_snippet(AchievementStandardViewSet)


@hooks.register("register_admin_menu_item")
def my_lessons_menu_item() -> MenuItem:
    return MenuItem(_("My lessons"), reverse("courses:my_lessons"), icon_name="doc-full", order=100)
