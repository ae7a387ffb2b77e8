"""Wagtail wiring of the platform side: external tools as a snippet whose chooser (the lesson
editor's "External tool" block) offers only the tools the teacher's school has enabled, and a
lesson header button that opens a tool's Deep Linking picker for the lesson."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import SnippetViewSet

from courses.pages import LessonPage
from edu.accounts.models import User
from lti.models import ExternalTool
from lti.platform.selectors import tools_for_editor


class ToolChooseView(ChooseView):
    def get_object_list(self) -> QuerySet[ExternalTool]:
        return tools_for_editor(self.request.user)


class ToolChooseResultsView(ChooseResultsView):
    def get_object_list(self) -> QuerySet[ExternalTool]:
        return tools_for_editor(self.request.user)


class ToolChosenView(SnippetChosenView):
    """A chosen tool is looked up among the editor's tools: another school's name stays unknown."""

    def get_object(self, pk: Any) -> ExternalTool:
        return tools_for_editor(self.request.user).get(pk=pk)


class ToolChosenMultipleView(SnippetChosenMultipleView):
    def get_objects(self, pks: Any) -> QuerySet[ExternalTool]:
        return tools_for_editor(self.request.user).filter(pk__in=pks)


class ToolChooserViewSet(SnippetChooserViewSet):
    choose_view_class = ToolChooseView
    choose_results_view_class = ToolChooseResultsView
    chosen_view_class = ToolChosenView
    chosen_multiple_view_class = ToolChosenMultipleView
    creation_form_class = None  # tools are registered by a school admin (lti_platform:tools), not here


class ChooseOnlyPolicy(ModelPermissionPolicy):
    """Nobody, superusers included, adds, edits or deletes tools through Wagtail's snippet views:
    those would skip the registry's checks (https and public addresses, one key source, scopes).
    The registry's pages (``lti_platform:tools``) do it; the chooser needs no permission."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return False

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return False

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Any) -> bool:
        return False

    def user_has_any_permission_for_instance(self, user: Any, actions: Any, instance: Any) -> bool:
        return False

    def users_with_any_permission(self, actions: Any) -> QuerySet[User]:
        return User.objects.none()

    def instances_user_has_any_permission_for(self, user: Any, actions: Any) -> QuerySet[ExternalTool]:
        return ExternalTool.objects.none()


register_permission_policy(ExternalTool, ChooseOnlyPolicy(ExternalTool))


class ExternalToolViewSet(SnippetViewSet):
    """Registered for its chooser only: the registry's pages are ``lti_platform:tools``."""

    model = ExternalTool
    icon = "link-external"
    add_to_admin_menu = False
    chooser_viewset_class = ToolChooserViewSet


register_snippet(ExternalToolViewSet)


@hooks.register("register_page_header_buttons")
def deep_link_button(page: Any, user: Any, view_name: str, next_url: str | None = None) -> Iterator[Button]:
    """ "Add content from a tool" on a lesson the user may edit, when their school has a tool that
    supports Deep Linking."""
    if not isinstance(page.specific_deferred, LessonPage) or not page.permissions_for_user(user).can_edit():
        return
    if not any(tool.supports_deep_linking for tool in tools_for_editor(user)):
        return
    yield Button(
        _("Add content from an outside tool"),
        reverse("lti_platform:deep_link", args=[page.pk]),
        icon_name="link-external",
        priority=40,
    )
