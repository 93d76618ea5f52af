from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "sites"
    verbose_name = _("Sites and units")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sites.roles import sync_role_groups

        post_migrate.connect(sync_role_groups, sender=self)
