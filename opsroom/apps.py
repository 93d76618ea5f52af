from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsroomConfig(AppConfig):
    name = "opsroom"
    verbose_name = _("Ops room")
    default_auto_field = "django.db.models.BigAutoField"
