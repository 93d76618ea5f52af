from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatrolsConfig(AppConfig):
    name = "patrols"
    verbose_name = _("Guard rosters and patrols")
    default_auto_field = "django.db.models.BigAutoField"
