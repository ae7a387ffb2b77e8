from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LtiConfig(AppConfig):
    name = "lti"
    label = "lti"
    verbose_name = _("LTI")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lti.platform import extensions as platform_extensions
        from lti.tool import extensions

        extensions.register()
        platform_extensions.register()
