from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """The learning record: the lowest layer next to accounts, written to by every answer path."""

    name = "edu.records"
    label = "records"
    verbose_name = _("Learning records")
    default_auto_field = "django.db.models.BigAutoField"
