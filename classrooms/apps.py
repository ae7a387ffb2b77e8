from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassroomsConfig(AppConfig):
    name = "classrooms"
    verbose_name = _("Schools and classes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Assignments and live sessions add to the lesson and class pages through their extension
        # points; the layers below never import them (import-linter contracts in pyproject.toml).
        from classrooms.assignments import extensions as assignments
        from classrooms.live import extensions as live

        assignments.register()
        live.register()
