from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsroomConfig(AppConfig):
    name = "opsroom"
    verbose_name = _("Ops room")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from opsroom.live.publish import on_domain_event
        from sites.events import domain_event

        # The lower apps announce; the ops room turns each announcement into pushes.
        domain_event.connect(on_domain_event, dispatch_uid="opsroom.live.publish")
