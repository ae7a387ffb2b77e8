from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassroomsConfig(AppConfig):
    name = "classrooms"
    verbose_name = _("Schools and classes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Live sessions add to the lesson and class pages through their extension points; the
        # layers below never import them (.importlinter).
        from classrooms.live import extensions

        extensions.register()
